/**
 * Form descriptions of every record kind, and the glue between form values, the zod schemas of
 * `$model/records` and readable, translated error messages.
 */
import {
  CIRCLES,
  EXPERIENCE_KINDS,
  FACET_KINDS,
  SKILL_CATEGORIES,
  SPHERES,
  parseRecordData,
  type RecordType
} from '$model/records'
import type { z } from 'zod'
import type { MessageKey } from './i18n/fr'
import { i18n } from './i18n.svelte'

export type FieldKind = 'text' | 'textarea' | 'select' | 'date' | 'checkbox' | 'list' | 'multi' | 'level'

export interface FieldSpec {
  name: string
  kind: FieldKind
  label: MessageKey
  required?: boolean
  /** enum values, translated with `optionPrefix` */
  options?: readonly string[]
  optionPrefix?: string
  /** input type for text fields */
  inputType?: 'text' | 'email' | 'url' | 'tel'
  hint?: MessageKey
  autocomplete?: string
  /** lay two narrow fields side by side */
  half?: boolean
}

export type FormValue = string | boolean | string[]
export type FormValues = Record<string, FormValue>

const sphere = (required: boolean): FieldSpec => ({
  name: 'sphere',
  kind: 'select',
  label: 'sphere.label',
  options: SPHERES,
  optionPrefix: 'sphere',
  required,
  half: true
})

export const FIELDS: Record<RecordType, FieldSpec[]> = {
  facet: [
    {
      name: 'kind',
      kind: 'select',
      label: 'field.facetKind',
      options: FACET_KINDS.filter((k) => k !== 'avatar'),
      optionPrefix: 'facetKind',
      required: true,
      half: true
    },
    sphere(false),
    { name: 'value', kind: 'text', label: 'field.value', required: true },
    { name: 'label', kind: 'text', label: 'field.label', hint: 'field.labelHint' }
  ],
  experience: [
    {
      name: 'kind',
      kind: 'select',
      label: 'field.kind',
      options: EXPERIENCE_KINDS,
      optionPrefix: 'kind',
      required: true,
      half: true
    },
    sphere(true),
    { name: 'title', kind: 'text', label: 'field.title', required: true },
    { name: 'organisation', kind: 'text', label: 'field.organisation', half: true },
    { name: 'place', kind: 'text', label: 'field.place', half: true },
    { name: 'start', kind: 'date', label: 'field.start', hint: 'field.dateHint', half: true },
    { name: 'end', kind: 'date', label: 'field.end', hint: 'field.dateHint', half: true },
    { name: 'ongoing', kind: 'checkbox', label: 'field.ongoing' },
    { name: 'skills', kind: 'list', label: 'field.skills', hint: 'field.listHint' },
    { name: 'description', kind: 'textarea', label: 'field.description' },
    { name: 'url', kind: 'text', label: 'field.url', inputType: 'url' }
  ],
  skill: [
    { name: 'name', kind: 'text', label: 'field.name', required: true },
    {
      name: 'category',
      kind: 'select',
      label: 'field.category',
      options: SKILL_CATEGORIES,
      optionPrefix: 'skillCat',
      half: true
    },
    { name: 'level', kind: 'level', label: 'field.level', half: true },
    { name: 'keywords', kind: 'list', label: 'field.keywords', hint: 'field.listHint' },
    { name: 'description', kind: 'textarea', label: 'field.description' }
  ],
  contact: [
    { name: 'name', kind: 'text', label: 'field.name', required: true },
    { name: 'organisation', kind: 'text', label: 'field.organisation', half: true },
    { name: 'role', kind: 'text', label: 'field.role', half: true },
    { name: 'email', kind: 'text', label: 'field.email', inputType: 'email', half: true },
    { name: 'phone', kind: 'text', label: 'field.phone', inputType: 'tel', half: true },
    { name: 'circles', kind: 'multi', label: 'field.circles', options: CIRCLES, optionPrefix: 'circle' },
    { name: 'howWeMet', kind: 'textarea', label: 'field.howWeMet' },
    { name: 'notes', kind: 'textarea', label: 'field.notes' },
    { name: 'did', kind: 'text', label: 'field.did' }
  ],
  place: [
    { name: 'name', kind: 'text', label: 'field.name', required: true },
    { name: 'address', kind: 'text', label: 'field.address' },
    { name: 'city', kind: 'text', label: 'field.city', half: true },
    { name: 'country', kind: 'text', label: 'field.country', half: true },
    { name: 'from', kind: 'date', label: 'field.from', hint: 'field.dateHint', half: true },
    { name: 'to', kind: 'date', label: 'field.to', hint: 'field.dateHint', half: true },
    { name: 'note', kind: 'textarea', label: 'field.note' }
  ],
  media: [
    { name: 'name', kind: 'text', label: 'field.name', required: true },
    { name: 'caption', kind: 'textarea', label: 'field.caption' },
    { name: 'date', kind: 'date', label: 'field.date', hint: 'field.dateHint' }
  ],
  note: [
    { name: 'text', kind: 'textarea', label: 'field.text', required: true },
    { name: 'date', kind: 'date', label: 'field.date', hint: 'field.dateHint', required: true, half: true },
    { name: 'tags', kind: 'list', label: 'field.tags', hint: 'field.listHint', half: true }
  ]
}

/** Today as YYYY-MM-DD (local time), the default date of a new note. */
export function today(): string {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** Form values from a record's data (or defaults for a new one). */
export function toValues(type: RecordType, data: Record<string, unknown> | undefined): FormValues {
  const out: FormValues = {}
  for (const f of FIELDS[type]) {
    const v = data?.[f.name]
    switch (f.kind) {
      case 'checkbox':
        out[f.name] = v === true
        break
      case 'list':
        out[f.name] = Array.isArray(v) ? v.join(', ') : ''
        break
      case 'multi':
        out[f.name] = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
        break
      default:
        out[f.name] = v === undefined || v === null ? '' : String(v)
    }
  }
  if (!data) {
    if (type === 'note') out.date = today()
    if (type === 'experience') out.sphere = 'pro'
  }
  return out
}

/** Record data from form values; on edit, fields the form does not show are kept from `base`. */
export function toData(
  type: RecordType,
  values: FormValues,
  base?: Record<string, unknown>
): Record<string, unknown> {
  const data: Record<string, unknown> = { ...base }
  for (const f of FIELDS[type]) {
    const v = values[f.name]
    delete data[f.name]
    switch (f.kind) {
      case 'checkbox':
        if (v === true) data[f.name] = true
        break
      case 'list': {
        const items = String(v ?? '')
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean)
        data[f.name] = items
        break
      }
      case 'multi':
        data[f.name] = Array.isArray(v) ? v : []
        break
      case 'level': {
        const s = String(v ?? '').trim()
        if (s !== '') data[f.name] = Number(s)
        break
      }
      case 'textarea': {
        const s = String(v ?? '')
        if (s.trim() !== '') data[f.name] = s
        break
      }
      default: {
        const s = String(v ?? '').trim()
        if (s !== '') data[f.name] = s
      }
    }
  }
  return data
}

/** One zod issue in words, in the current language. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const t = i18n.t
  switch (issue.code) {
    case 'invalid_type':
      return t('err.required')
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('err.required')
      return t('err.tooSmall', { min: String(issue.minimum) })
    case 'too_big':
      if (issue.origin === 'string') return t('err.tooLong', { max: String(issue.maximum) })
      if (issue.origin === 'array') return t('err.tooMany', { max: String(issue.maximum) })
      return t('err.tooBig', { max: String(issue.maximum) })
    case 'invalid_format':
      if (issue.format === 'email') return t('err.email')
      if (issue.format === 'url') return t('err.url')
      if (issue.format === 'starts_with') return t('err.did')
      if (issue.format === 'regex') return t('err.date')
      return t('err.invalid')
    case 'invalid_value':
      return t('err.choice')
    case 'custom':
      return issue.path.at(-1) === 'end' ? t('err.endBeforeStart') : issue.message
    default:
      return issue.message
  }
}

/** Validates data with the record's schema; returns "field → messages" (top-level field names). */
export function validate(type: RecordType, data: Record<string, unknown>): Record<string, string[]> {
  const res = parseRecordData(type, data)
  if (res.success) return {}
  const out: Record<string, string[]> = {}
  for (const issue of res.error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_'
    const msg = issueMessage(issue)
    const list = (out[key] ??= [])
    if (!list.includes(msg)) list.push(msg)
  }
  return out
}

/** Maps the API's `fields` ("data.title") onto form field names ("title"). */
export function apiFieldErrors(fields: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(fields ?? {})) {
    const key = k.replace(/^data\./, '').split('.')[0] ?? '_'
    ;(out[key] ??= []).push(...v)
  }
  return out
}

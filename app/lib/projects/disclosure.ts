/**
 * What the others see of a project, computed in the browser exactly as the node does (node/companies.ts
 * `#content`): a field shows when it is disclosed `named`, or `pseudonymous` in a pseudonymous publication;
 * a field with no disclosure counts as `pseudonymous`; empty fields never show.
 */
import {
  PROJECT_FIELDS,
  type Disclosures,
  type DisclosureLevel,
  type ProjectDraft,
  type ProjectField,
  type PublicationMode
} from '$lib/api'

export const LEVELS: readonly DisclosureLevel[] = ['named', 'pseudonymous', 'hidden']
export const MODES: readonly PublicationMode[] = ['named', 'pseudonymous']

export function isShown(disclosure: Disclosures, field: ProjectField, mode: PublicationMode): boolean {
  const d = disclosure[field] ?? 'pseudonymous'
  return d === 'named' || (d === 'pseudonymous' && mode === 'pseudonymous')
}

export function hasValue(draft: ProjectDraft, field: ProjectField): boolean {
  switch (field) {
    case 'period':
      return draft.period !== undefined
    case 'skills':
      return (draft.skills?.length ?? 0) > 0
    default:
      return Boolean(draft[field])
  }
}

/** The content the node will announce for this draft. */
export function visibleContent(
  draft: ProjectDraft,
  disclosure: Disclosures,
  mode: PublicationMode
): ProjectDraft {
  const c: ProjectDraft = { title: draft.title }
  const shown = (f: ProjectField): boolean => isShown(disclosure, f, mode)
  if (draft.summary && shown('summary')) c.summary = draft.summary
  if (draft.period && shown('period')) c.period = draft.period
  if (draft.role && shown('role')) c.role = draft.role
  if (draft.skills?.length && shown('skills')) c.skills = draft.skills
  if (draft.outcomes && shown('outcomes')) c.outcomes = draft.outcomes
  return c
}

/** The filled fields that this publication keeps out of sight. */
export function withheld(
  draft: ProjectDraft,
  disclosure: Disclosures,
  mode: PublicationMode
): ProjectField[] {
  return PROJECT_FIELDS.filter((f) => hasValue(draft, f) && !isShown(disclosure, f, mode))
}

/** "·a1B2": the first characters of an author id, enough to tell two pseudonyms apart on screen. */
export function pseudonymTag(authorId: string): string {
  return `·${authorId.slice(0, 4)}`
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** base64url without padding, as the node names author keys. */
export function base64url(bytes: ArrayLike<number>): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!
  }
  return out
}

/**
 * The author id of a join request's pseudonym key, which the API serialises as `{ "0": 12, "1": 200, … }`
 * (a Uint8Array through JSON.stringify), `{ type: 'Buffer', data: […] }` or an array; undefined otherwise.
 */
export function pseudonymOf(value: unknown): string | undefined {
  // the node now sends it as an author id already
  if (typeof value === 'string') return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as { type?: unknown; data?: unknown }
  const list = Array.isArray(value)
    ? (value as unknown[])
    : v.type === 'Buffer' && Array.isArray(v.data)
      ? (v.data as unknown[])
      : Object.values(value as Record<string, unknown>)
  if (list.length !== 32 || !list.every((b) => typeof b === 'number' && b >= 0 && b < 256)) return undefined
  return base64url(list as number[])
}

/** A partial date as the API wants it (2024, 2024-03, 2024-03-15), or undefined when empty. */
export const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/

/** "mise en page, illustration ; soudure" → ["mise en page", "illustration", "soudure"], no duplicates. */
export function splitList(s: string): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const part of s.split(/[,;\n]/)) {
    const v = part.trim()
    const key = v.toLowerCase()
    if (v && !seen.has(key)) {
      seen.add(key)
      out.push(v)
    }
  }
  return out
}

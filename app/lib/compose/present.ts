/** Helpers for compositions and presentations: where a credential comes from, what a presentation holds. */
import type { Origin } from '$lib/api'
import { credentialOrigin } from '../../../credentials/origin.ts'

export const ORIGINS: readonly Origin[] = ['self-declared', 'peer-attested', 'organisation']

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The issuer's DID and name, whether `issuer` is a string or an object. */
export function issuerOf(credential: Record<string, unknown>): { id: string; name?: string } {
  const iss = credential.issuer
  if (typeof iss === 'string') return { id: iss }
  if (isObject(iss)) {
    return {
      id: typeof iss.id === 'string' ? iss.id : '',
      name: typeof iss.name === 'string' ? iss.name : undefined
    }
  }
  return { id: '' }
}

/** The achievement's name (Open Badges 3.0), or the credential's own name. */
export function credentialName(credential: Record<string, unknown>): string {
  const subject = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject[0]
    : credential.credentialSubject
  if (isObject(subject) && isObject(subject.achievement) && typeof subject.achievement.name === 'string')
    return subject.achievement.name
  return typeof credential.name === 'string' ? credential.name : '?'
}

export interface PresentedCredential {
  name: string
  issuer: string
  issuerName?: string
  origin: Origin
}

/** The credentials a stored Verifiable Presentation carries, named and placed. */
export function presentedCredentials(
  presentation: Record<string, unknown> | undefined,
  holder: string | undefined
): PresentedCredential[] {
  if (!presentation) return []
  const raw = presentation.verifiableCredential
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return list.filter(isObject).map((c) => {
    const iss = issuerOf(c)
    return {
      name: credentialName(c),
      issuer: iss.id,
      issuerName: iss.name,
      origin: credentialOrigin(c, holder)
    }
  })
}

/** A file-name-safe slug of a profile name: "Candidature graphiste" → "candidature-graphiste". */
export function fileSlug(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'profil'
}

/** A file name from a profile name: "presentation-candidature-graphiste.json". */
export function presentationFileName(name: string): string {
  return `presentation-${fileSlug(name)}.json`
}

/** Saves text as a file through the browser, byte for byte (UTF-8). */
export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  saveAs(new Blob([text], { type }), fileName)
}

/** Saves a blob as a file through the browser's download. */
export function saveAs(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Saves a JSON value as a file through the browser. */
export function downloadJson(value: unknown, fileName: string): void {
  downloadText(JSON.stringify(value, null, 2), fileName)
}

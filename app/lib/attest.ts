/**
 * Helpers shared by the contacts and attestations screens: names for DIDs, matching skill names, what a
 * credential says, and the typed errors of issue 3 turned into sentences.
 */
import { ApiError, type CredentialRecord, type SkillAttestations } from './api'
import type { MessageKey } from './i18n/fr'
import { i18n, t } from './i18n.svelte'

/** "Gestion de Projet " and "gestion de projet" and "Gestión de proyecto"… match: no case, no accents. */
export function normName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

/** The skill-attestation summaries, by normalised name. */
export function attestationsByName(list: SkillAttestations[]): Map<string, SkillAttestations> {
  const m = new Map<string, SkillAttestations>()
  for (const s of list) {
    const key = normName(s.name)
    const prev = m.get(key)
    // two summaries for the same name (different skillIds): keep the one with more people
    if (!prev || s.people > prev.people) m.set(key, s)
  }
  return m
}

/** "did:key:z6MkhaXg…Xm2d": enough to tell two DIDs apart on screen. */
export function shortDid(did: string): string {
  return did.length > 30 ? `${did.slice(0, 18)}…${did.slice(-6)}` : did
}

/** The name a person is known by: their contact's name, else what they said, else their DID. */
export function whoIs(did: string, names: ReadonlyMap<string, string>, fallback?: string): string {
  return names.get(did) ?? (fallback && fallback.trim() !== '' ? fallback : shortDid(did))
}

/** "1 personne", "3 personnes". */
export function plural(prefix: 'skillAtt.people' | 'skillAtt.orgs', n: number): string {
  const key = (n === 1 ? `${prefix}.one` : `${prefix}.other`) as MessageKey
  return t(key, { n })
}

/** "attestée par 2 personnes de 1 organisation"; empty for zero people. */
export function attestedSummary(s: SkillAttestations | undefined): string {
  if (!s || s.people <= 0) return ''
  const people = plural('skillAtt.people', s.people)
  // the node counts a person without a known organisation as one: only name organisations we know of
  const knownOrgs = s.attesters.some((a) => a.organisation)
  return s.organisations > 0 && knownOrgs
    ? t('skillAtt.summary', { people, orgs: plural('skillAtt.orgs', s.organisations) })
    : t('skillAtt.summaryNoOrg', { people })
}

/** "Léa Martin, Paul" (list formatted for the language). */
export function listNames(names: string[]): string {
  try {
    return new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' }).format(names)
  } catch {
    return names.join(', ')
  }
}

const asObj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

/** What the signed document says beyond the record: the testimony and the issuer's own name. */
export function credentialDetails(rec: CredentialRecord): { testimony?: string; issuerName?: string } {
  const vc = rec.data.credential
  const subject = asObj(vc.credentialSubject)
  const issuer = asObj(vc.issuer)
  const testimony = typeof subject?.testimony === 'string' ? subject.testimony : undefined
  const issuerName = typeof issuer?.name === 'string' ? issuer.name : undefined
  return { testimony, issuerName }
}

/** An error of the contacts/attestations routes as a sentence (falls back on the node's message). */
export function attestError(e: unknown): string {
  if (e instanceof ApiError) {
    const key = `attestErr.${e.code}`
    if (i18n.has(key)) return t(key)
    if (e.code === 'VALIDATION_FAILED' && e.fields) {
      const detail = Object.entries(e.fields)
        .map(([field, msgs]) => `${field}${t('app.colon')}${msgs.join(' ')}`)
        .join(' ; ')
      if (detail) return `${t('form.invalid')} ${detail}`
    }
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) })
}

/** The inviter's refusals (protocol names) mapped onto the API's `INVALID_INVITATION` reasons. */
const REJECT_TO_REASON: Record<string, string> = {
  INVITATION_USED: 'ALREADY_USED',
  NOT_OUR_INVITATION: 'WRONG_ISSUER',
  INVALID_INVITATION: 'MALFORMED'
}

/** Why an invitation could not be accepted, for people. */
export function invitationError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'INVALID_INVITATION' || e.code === 'INVITATION_REJECTED') {
      const reason = e.reason ? (REJECT_TO_REASON[e.reason] ?? e.reason) : ''
      const key = `acceptInv.err.${reason}`
      if (reason && i18n.has(key)) return t(key)
      return t('acceptInv.err.generic', { reason: e.reason ?? e.message })
    }
    if (e.code === 'DIAL_FAILED' || e.code === 'PEER_UNREACHABLE') return t('acceptInv.err.DIAL_FAILED')
    if (e.code === 'NETWORK_OFFLINE') return t('acceptInv.err.NETWORK_OFFLINE')
    if (e.code === 'PAYLOAD_TOO_LARGE') return t('acceptInv.err.TOO_LARGE')
    // too short or otherwise refused by the body's schema: not an invitation
    if (e.code === 'VALIDATION_FAILED' || e.code === 'BAD_REQUEST') return t('acceptInv.err.MALFORMED')
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) })
}

/** Reads the invitation token out of whatever was pasted (a link, the bare token, with spaces or quotes). */
export function cleanInvitation(text: string): string {
  return text.trim().replace(/^["'«“\s]+|["'»”\s]+$/g, '')
}

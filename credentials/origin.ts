/**
 * Where a credential comes from, as a holder and a verifier should both read it — one rule for the node, the
 * composer and the in-browser Vérifier page:
 * - **self-declared**: the issuer is the holder (or, with no holder given, every subject and the issuer are
 *   the same DID);
 * - **peer-attested**: an Open Badges 3.0 credential issued by a person — a did:key whose issuer profile does
 *   not say it is an organisation (Musette nodes are people; their keys are did:key);
 * - **organisation**: anything else — an issuer profile typed `Organization`, or a DID method people here do
 *   not use (did:web, did:ebsi…), or a credential that is not a badge.
 */
export type CredentialOrigin = 'self-declared' | 'peer-attested' | 'organisation'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v]
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (isObject(v) && typeof v.id === 'string') return v.id
  return undefined
}

function types(v: unknown): string[] {
  return asArray(v).filter((t): t is string => typeof t === 'string')
}

const DID_KEY = /^did:key:z[1-9A-HJ-NP-Za-km-z]+$/
const ORGANISATION = /^(?:.*[#/:])?Organi[sz]ation$/

export function credentialOrigin(credential: unknown, holder?: string): CredentialOrigin {
  if (!isObject(credential)) return 'organisation'
  const issuer = idOf(credential.issuer)
  const subjects = asArray(credential.credentialSubject).map(idOf)
  const self =
    holder ?? (subjects.length > 0 && subjects.every((s) => s === subjects[0]) ? subjects[0] : undefined)
  if (issuer !== undefined && issuer === self) return 'self-declared'
  const t = types(credential.type)
  const badge = t.includes('OpenBadgeCredential') || t.includes('AchievementCredential')
  const organisation =
    isObject(credential.issuer) && types(credential.issuer.type).some((x) => ORGANISATION.test(x))
  if (badge && issuer !== undefined && DID_KEY.test(issuer) && !organisation) return 'peer-attested'
  return 'organisation'
}

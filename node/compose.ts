/**
 * Compositions and presentations (issue 4, first part): a thematic profile made of vault items, each shown,
 * blurred or hidden, turned into a holder-signed Verifiable Presentation bound to a verifier's challenge
 * and domain. Items the person declares become Open Badges issued by the holder (self-declared); peer
 * attestations go in as issued. Every presentation made is logged in the share ledger.
 *
 * Blurring (the report's "variateur de visibilité"): an experience keeps its kind, title and years, and
 * loses its organisation, exact dates and description; a skill keeps its name only. A signed credential
 * cannot be blurred: it is shown whole or hidden. Hidden items leave no trace in the presentation.
 */
import { createHash, randomBytes } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import QRCode from 'qrcode'
import { createPresentation, issueCredential, signPresentation } from '../credentials/issue.ts'
import { selfDeclaration } from '../credentials/open-badges.ts'
import { statusEntry } from '../credentials/status-list.ts'
import { credentialOrigin, type CredentialOrigin } from '../credentials/origin.ts'
import './native-verify.ts'
import type { StoredDataMap } from './model/records.ts'
import type { Identity } from './identity.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'

/** Without a verifier's challenge, self-declared items vouch for themselves this long. */
export const UNBOUND_VALIDITY_MS = 7 * 24 * 3600_000

export type Origin = CredentialOrigin

export class ComposeError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'VALIDATION_FAILED',
    message: string
  ) {
    super(message)
    this.name = 'ComposeError'
  }
}

export interface PresentedItem {
  id: string
  type: 'experience' | 'skill' | 'credential'
  visibility: 'show' | 'blur'
  origin: Origin
  label: string
  /** What the verifier will read of it. */
  view: Record<string, unknown>
}

const year = (d?: string) => d?.slice(0, 4)
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

/** What the other side will see of one item (the preview shows exactly this). */
export function present(record: AnyRecord, visibility: 'show' | 'blur', holderDid: string): PresentedItem {
  if (record.type === 'experience') {
    const d = record.data as StoredDataMap['experience']
    const view =
      visibility === 'show'
        ? defined({
            kind: d.kind,
            title: d.title,
            organisation: d.organisation,
            start: d.start,
            end: d.end,
            ongoing: d.ongoing,
            description: d.description
          })
        : defined({
            kind: d.kind,
            title: d.title,
            start: year(d.start),
            end: year(d.end),
            ongoing: d.ongoing
          })
    return { id: record.id, type: 'experience', visibility, origin: 'self-declared', label: d.title, view }
  }
  if (record.type === 'skill') {
    const d = record.data as StoredDataMap['skill']
    const view =
      visibility === 'show'
        ? defined({ name: d.name, category: d.category, level: d.level, description: d.description })
        : { name: d.name }
    return { id: record.id, type: 'skill', visibility, origin: 'self-declared', label: d.name, view }
  }
  if (record.type === 'credential') {
    const d = record.data as StoredDataMap['credential']
    if (visibility === 'blur')
      throw new ComposeError('VALIDATION_FAILED', 'a signed credential is shown whole or hidden')
    const origin: Origin = credentialOrigin(d.credential, holderDid)
    return { id: record.id, type: 'credential', visibility, origin, label: d.name, view: d.credential }
  }
  throw new ComposeError('VALIDATION_FAILED', `a ${record.type} cannot go in a composition yet`)
}

/** The visible items of a composition, in its order, checked against the vault. */
export async function previewComposition(
  vault: Vault,
  composition: AnyRecord,
  holderDid: string
): Promise<PresentedItem[]> {
  const d = composition.data as StoredDataMap['composition']
  const out: PresentedItem[] = []
  for (const item of d.items) {
    if (item.visibility === 'hide') continue
    const rec = await vault.get(item.id)
    if (!rec) throw new ComposeError('NOT_FOUND', `the item ${item.id} is no longer in the vault`)
    out.push(present(rec, item.visibility, holderDid))
  }
  return out
}

/**
 * The composition as the person's own records would read once blurred: what a JSON Resume export of it
 * contains (hidden items and signed credentials left out; blurred items as the verifier would see them).
 */
export async function compositionRecords(
  vault: Vault,
  composition: AnyRecord,
  holderDid: string
): Promise<AnyRecord[]> {
  const out: AnyRecord[] = []
  for (const item of await previewComposition(vault, composition, holderDid)) {
    if (item.type === 'credential') continue
    const rec = await vault.get(item.id)
    if (!rec) continue
    if (item.visibility === 'show') {
      out.push(rec)
      continue
    }
    const data =
      item.type === 'experience'
        ? {
            ...(rec.data as StoredDataMap['experience']),
            ...item.view,
            organisation: undefined,
            description: undefined,
            place: undefined,
            url: undefined
          }
        : { ...(rec.data as StoredDataMap['skill']), level: undefined, description: undefined, keywords: [] }
    out.push({ ...rec, data: defined(data) } as AnyRecord)
  }
  // the person's name, so the résumé says whose it is
  const names = (await vault.list('facet')).filter((f) => (f.data as StoredDataMap['facet']).kind === 'name')
  return [...names.slice(0, 1), ...out]
}

export interface PresentationOptions {
  challenge?: string
  domain?: string
  to?: { name?: string; did?: string }
  now?: Date
  /** Log the share only when `log()` is called (after the verifier accepted it). */
  deferLog?: boolean
  /** Gives self-declared credentials a status entry, so the person can withdraw them later. */
  status?: { allocate(): Promise<{ listId: string; index: number }> }
  /** How long self-declared items vouch for themselves, even when bound to a challenge. */
  validForMs?: number
}

/** Sign a presentation of a composition and log it in the share ledger. */
export async function makePresentation(
  vault: Vault,
  identity: Identity,
  composition: AnyRecord,
  options: PresentationOptions = {}
): Promise<{
  presentation: Record<string, unknown>
  share: AnyRecord
  items: PresentedItem[]
  log: () => Promise<AnyRecord>
}> {
  const now = options.now ?? new Date()
  const seed = vault.secrets.identitySeed
  const holder = { did: identity.did, name: vault.secrets.name }
  const items = await previewComposition(vault, composition, identity.did)
  const bound = options.challenge !== undefined
  const challenge = options.challenge ?? randomBytes(16).toString('base64url')
  const validFor = options.validForMs ?? (bound ? undefined : UNBOUND_VALIDITY_MS)
  const validUntil = validFor === undefined ? undefined : new Date(now.getTime() + validFor).toISOString()
  const credentials: Record<string, unknown>[] = []
  const ledger: StoredDataMap['share']['items'] = []
  for (const item of items) {
    if (item.type === 'credential') {
      credentials.push(item.view)
      const id = typeof item.view.id === 'string' ? item.view.id.slice(0, 200) : undefined
      ledger.push(
        defined({
          id: item.id,
          type: item.type,
          visibility: item.visibility,
          label: item.label,
          credentialId: id
        })
      )
      continue
    }
    const v = item.view
    const unsigned = selfDeclaration({
      holder,
      achievement: {
        name: String(v.title ?? v.name),
        kind: item.type,
        ...(typeof v.description === 'string' ? { description: v.description } : {})
      },
      ...(item.type === 'experience'
        ? {
            context: defined({
              experience: String(v.title),
              organisation: typeof v.organisation === 'string' ? v.organisation : undefined,
              start: typeof v.start === 'string' ? v.start : undefined,
              end: typeof v.end === 'string' ? v.end : undefined
            })
          }
        : {}),
      validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(validUntil ? { validUntil: validUntil.replace(/\.\d{3}Z$/, 'Z') } : {})
    })
    const status = options.status ? await options.status.allocate() : undefined
    if (status) unsigned.credentialStatus = statusEntry(status.listId, status.index)
    const signed = await issueCredential(unsigned, { seed, did: identity.did, now })
    credentials.push(signed)
    ledger.push({
      id: item.id,
      type: item.type,
      visibility: item.visibility,
      label: item.label.slice(0, 200),
      credentialId: String(signed.id).slice(0, 200),
      ...(status ? { statusIndex: status.index } : {})
    })
  }
  const vp = createPresentation({ holder: identity.did, verifiableCredential: credentials })
  const presentation = await signPresentation(vp, {
    seed,
    did: identity.did,
    challenge,
    ...(options.domain ? { domain: options.domain } : {}),
    now
  })
  const c = composition.data as StoredDataMap['composition']
  const entry = {
    type: 'share' as const,
    data: defined({
      compositionId: composition.id,
      compositionName: c.name,
      to: defined({ name: options.to?.name, did: options.to?.did, domain: options.domain }),
      at: now.toISOString(),
      challenge,
      domain: options.domain,
      validUntil,
      items: ledger
    }),
    source: { kind: 'manual' as const, at: now.toISOString() }
  }
  const log = () => vault.put(entry)
  if (options.deferLog) return { presentation, share: undefined as unknown as AnyRecord, items, log }
  return { presentation, share: await log(), items, log }
}

/** A printed CV is read later than a file exchanged on the spot: its self-declared items last 90 days. */
export const PRINTED_CV_VALIDITY_MS = 90 * 24 * 3600_000
/** The domain a printed CV's presentation is bound to (no verifier asked for it). */
export const PRINTED_CV_DOMAIN = 'musette:printed-cv'
/** The recipient logged in the share ledger when the person names none. */
export const PRINTED_CV_RECIPIENT = 'printed CV'
/** QR text carrying the whole signed file: the prefix, then base64url(deflate-raw(file)). */
export const QR_EMBEDDED_PREFIX = 'MUSETTE-VP1:'
/** QR text carrying only the file's fingerprint: the prefix, then base64url(SHA-256(file)). */
export const QR_FINGERPRINT_PREFIX = 'MUSETTE-VPH1:'

export interface PrintedCv {
  presentation: Record<string, unknown>
  share: AnyRecord
  /** The exact text of the signed file (the UI saves these bytes as they are). */
  file: string
  /** base64url SHA-256 of the file's UTF-8 bytes. */
  sha256: string
  qr: { mode: 'embedded' | 'fingerprint'; text: string; svg: string }
  /** What the CV shows: the composition's visible items, as signed. */
  preview: { holder: { did: string; name: string }; items: PresentedItem[] }
}

/** The QR code of a printed CV: the whole file when a QR code (level L) holds it, else its fingerprint. */
export async function cvQrCode(file: string, sha256: string): Promise<PrintedCv['qr']> {
  const embedded =
    QR_EMBEDDED_PREFIX + deflateRawSync(Buffer.from(file, 'utf8'), { level: 9 }).toString('base64url')
  try {
    QRCode.create(embedded, { errorCorrectionLevel: 'L' })
    const svg = await QRCode.toString(embedded, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 })
    return { mode: 'embedded', text: embedded, svg }
  } catch (err) {
    // qrcode says "The amount of data is too big to be stored in a QR Code"
    if (!(err instanceof Error) || !/too big/i.test(err.message)) throw err
  }
  const text = QR_FINGERPRINT_PREFIX + sha256
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { mode: 'fingerprint', text, svg }
}

/**
 * A printable CV of a composition: a holder-signed presentation made exactly as an exported one, bound to
 * a fresh random challenge and the domain `musette:printed-cv`, its self-declared items valid 90 days,
 * logged in the share ledger; with the QR code that leads to it.
 */
export async function makePrintedCv(
  vault: Vault,
  identity: Identity,
  composition: AnyRecord,
  options: Pick<PresentationOptions, 'status' | 'now'> & { to?: { name?: string } } = {}
): Promise<PrintedCv> {
  const { presentation, share, items } = await makePresentation(vault, identity, composition, {
    challenge: randomBytes(16).toString('base64url'),
    domain: PRINTED_CV_DOMAIN,
    validForMs: PRINTED_CV_VALIDITY_MS,
    to: { name: options.to?.name?.trim() || PRINTED_CV_RECIPIENT },
    ...(options.status ? { status: options.status } : {}),
    ...(options.now ? { now: options.now } : {})
  })
  // compact: the more of it a QR code can hold
  const file = JSON.stringify(presentation)
  const sha256 = createHash('sha256').update(file, 'utf8').digest('base64url')
  return {
    presentation,
    share,
    file,
    sha256,
    qr: await cvQrCode(file, sha256),
    preview: { holder: { did: identity.did, name: vault.secrets.name }, items }
  }
}

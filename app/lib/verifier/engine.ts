/**
 * Runs credentials/verify.ts in the browser. The JSON-LD and Digital Bazaar code is imported on first use
 * only, so that it weighs on the Vérifier page alone. Nothing here calls the Musette API: status lists are
 * fetched from their `https:` URL (5 s), anything else is reported as unknown.
 */
import {
  credentialReport,
  parseInput,
  presentationReport,
  proofBinding,
  type ParseError,
  type Report,
  type VerifyResult
} from './report'

export const STATUS_TIMEOUT_MS = 5000
/** A status list is a credential: the same cap as credentials/verify.ts (256 KiB). */
const MAX_STATUS_BYTES = 256 * 1024

type VerifyModule = typeof import('../../../credentials/verify.ts')

let loading: Promise<VerifyModule> | undefined

/** Loads the verifier code (once); call early to warm it up. */
export function loadVerifier(): Promise<VerifyModule> {
  loading ??= import('../../../credentials/verify.ts').catch((e: unknown) => {
    loading = undefined
    throw e
  })
  return loading
}

export class StatusUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly why: 'not-https' | 'timeout' | 'http' | 'network' | 'too-large' | 'not-json'
  ) {
    super(`status list unreachable (${why}): ${url.slice(0, 200)}`)
    this.name = 'StatusUnreachableError'
  }
}

/** Fetches an `https:` status list credential, at most 5 s; throws StatusUnreachableError otherwise. */
export async function fetchStatusList(url: string, fetcher: typeof fetch = fetch): Promise<unknown> {
  if (!/^https:\/\//i.test(url)) throw new StatusUnreachableError(url, 'not-https')
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), STATUS_TIMEOUT_MS)
  try {
    let response: Response
    try {
      response = await fetcher(url, {
        signal: controller.signal,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        headers: { accept: 'application/vc+ld+json, application/vc, application/json' }
      })
    } catch {
      throw new StatusUnreachableError(url, controller.signal.aborted ? 'timeout' : 'network')
    }
    if (!response.ok) throw new StatusUnreachableError(url, 'http')
    const text = await response.text().catch(() => {
      throw new StatusUnreachableError(url, controller.signal.aborted ? 'timeout' : 'network')
    })
    if (text.length > MAX_STATUS_BYTES) throw new StatusUnreachableError(url, 'too-large')
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new StatusUnreachableError(url, 'not-json')
    }
  } finally {
    clearTimeout(timer)
  }
}

export interface VerifyInput {
  text: string
  /** the verifier's own challenge and domain; empty = not checked */
  challenge?: string
  domain?: string
  now?: Date
  fetcher?: typeof fetch
}

export type Outcome = { ok: true; report: Report } | { ok: false; error: ParseError }

/** A check the verifier did not ask for (no expected value) is reported as "not checked", not as failed. */
function withoutUnasked(result: VerifyResult, names: string[]): VerifyResult {
  return { ...result, checks: result.checks.filter((c) => !names.includes(c.name)) }
}

export async function verifyText(input: VerifyInput): Promise<Outcome> {
  const parsed = parseInput(input.text)
  if (!parsed.ok) return parsed
  const { verifyCredential, verifyPresentation } = await loadVerifier()
  const fetcher = input.fetcher
  const options = {
    ...(input.now ? { now: input.now } : {}),
    checkStatus: (url: string) => fetchStatusList(url, fetcher)
  }
  if (parsed.kind === 'credential') {
    const result = await verifyCredential(parsed.doc, options)
    return { ok: true, report: credentialReport(parsed.doc, result) }
  }
  const expectedChallenge = input.challenge?.trim() ?? ''
  const expectedDomain = input.domain?.trim() ?? ''
  const written = proofBinding(parsed.doc)
  const unasked: string[] = []
  // without an expected value, bind to what the presentation says (and report it as not checked)
  let challenge = expectedChallenge
  if (!challenge) {
    challenge = written.challenge[0] ?? '-'
    unasked.push('challenge')
  }
  let domain: string | undefined = expectedDomain || undefined
  if (domain === undefined) {
    domain = written.domain[0]
    unasked.push('domain')
  }
  const result = await verifyPresentation(parsed.doc, {
    ...options,
    challenge,
    ...(domain === undefined ? {} : { domain })
  })
  return {
    ok: true,
    report: presentationReport(parsed.doc, withoutUnasked(result, unasked), {
      expectedChallenge,
      expectedDomain
    })
  }
}

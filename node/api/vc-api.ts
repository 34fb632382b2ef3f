/**
 * VC-API endpoints (w3c/vcalm): issue, verify credentials and presentations, challenges, and did:key
 * resolution. Same guards as the rest of the API (Host, Origin, bearer token); a tool on this machine uses
 * the token in `<home>/api-token`; a browser tool at another origin is allowed by listing that origin in
 * `musette.json` → `vcApiOrigins` (CORS is then answered for these paths only).
 */
import { randomBytes } from 'node:crypto'
import '../native-verify.ts'
import { z } from 'zod'
import { isDidKey } from '../../credentials/did-key.ts'
import { ApiError, readJson, sendJson, type ErrorCode } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'
import type { ServerResponse } from 'node:http'

/** Issued challenges live this long, and at most this many at once (oldest dropped). */
export const CHALLENGE_TTL_MS = 10 * 60_000
export const MAX_CHALLENGES = 1000
const MAX_VC_API_BODY = 1024 * 1024

const Json = z.record(z.string(), z.unknown())

export const IssueBody = z
  .object({
    credential: Json,
    options: z
      .object({ credentialId: z.string().max(2000).optional() })
      .loose()
      .optional()
  })
  .strict()

export const VerifyCredentialBody = z
  .object({
    verifiableCredential: Json,
    options: z
      .object({ checks: z.array(z.string()).max(20).optional() })
      .loose()
      .optional()
  })
  .strict()

export const VerifyPresentationBody = z
  .object({
    verifiablePresentation: Json,
    options: z
      .object({ challenge: z.string().min(1).max(1000), domain: z.string().max(1000).optional() })
      .loose()
  })
  .strict()

interface VerifyLike {
  verified: boolean
  checks: { name: string; ok: boolean; reason?: { code: string; message: string } }[]
  credentials?: VerifyLike[]
}

/** VC-API's verification response, and RFC 9457 problem details when verification fails. */
function answerVerification(res: ServerResponse, result: VerifyLike): void {
  const passed = result.checks.filter((c) => c.ok).map((c) => c.name)
  const failed = result.checks.filter((c) => !c.ok)
  const nested = (result.credentials ?? []).flatMap((c, i) =>
    c.checks.filter((x) => !x.ok).map((x) => ({ ...x, credential: i }))
  )
  const errors = [...failed, ...nested].map((c) => ({
    check: c.name,
    code: c.reason?.code ?? 'FAILED',
    message: c.reason?.message ?? `${c.name} failed`,
    ...('credential' in c ? { credential: c.credential } : {})
  }))
  if (result.verified) {
    sendJson(res, 200, { checks: passed, warnings: [], errors: [] })
    return
  }
  const first = errors[0]
  sendJson(
    res,
    400,
    {
      type: `https://musette.dev/problems/${(first?.code ?? 'VERIFICATION_FAILED').toLowerCase()}`,
      title: 'Verification failed',
      detail: first ? `${first.check}: ${first.message}` : 'verification failed',
      checks: passed,
      warnings: [],
      errors
    },
    { 'Content-Type': 'application/problem+json; charset=utf-8' }
  )
}

/** Paths of the VC-API: the only ones a listed foreign origin (`vcApiOrigins`) may call. */
export function isVcApiPath(pathname: string): boolean {
  return (
    pathname === '/credentials/issue' ||
    pathname === '/credentials/verify' ||
    pathname === '/presentations/verify' ||
    pathname === '/challenges' ||
    pathname.startsWith('/1.0/identifiers/')
  )
}

export function vcApiRoutes(node: MusetteNode): Route[] {
  const challenges = new Map<string, number>()
  const sweep = () => {
    const now = Date.now()
    for (const [c, exp] of challenges) if (exp < now) challenges.delete(c)
    while (challenges.size > MAX_CHALLENGES) {
      const oldest = challenges.keys().next().value
      if (oldest === undefined) break
      challenges.delete(oldest)
    }
  }
  const credentials = async () => ({
    ...(await import('../../credentials/issue.ts')),
    ...(await import('../../credentials/verify.ts')),
    ...(await import('../../credentials/loader.ts'))
  })

  return [
    {
      method: 'POST',
      path: '/credentials/issue',
      summary: 'VC-API: issue a credential signed by this node (eddsa-rdfc-2022)',
      auth: true,
      body: IssueBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, IssueBody, MAX_VC_API_BODY)
        const identity = node.identity
        node.requireUnlocked()
        if (!identity) throw new ApiError('LOCKED', 'the vault is locked')
        const credential = { ...body.credential }
        credential.issuer ??= identity.did
        const c = await credentials()
        try {
          const signed = await c.issueCredential(credential, {
            seed: node.vault.secrets.identitySeed,
            did: identity.did
          })
          sendJson(res, 201, { verifiableCredential: signed })
        } catch (err) {
          const code = (err as { code?: string }).code
          throw new ApiError(
            'VALIDATION_FAILED',
            code === 'ISSUER_MISMATCH'
              ? `this node issues as ${identity.did} only`
              : `cannot issue: ${err instanceof Error ? err.message : String(err)}`
          )
        }
      }
    },
    {
      method: 'POST',
      path: '/credentials/verify',
      summary: 'VC-API: verify a credential (proof, issuer, validity, status)',
      auth: true,
      body: VerifyCredentialBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, VerifyCredentialBody, MAX_VC_API_BODY)
        const c = await credentials()
        answerVerification(res, await c.verifyCredential(body.verifiableCredential))
      }
    },
    {
      method: 'POST',
      path: '/presentations/verify',
      summary: 'VC-API: verify a presentation bound to a challenge (and domain)',
      auth: true,
      body: VerifyPresentationBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, VerifyPresentationBody, MAX_VC_API_BODY)
        sweep()
        const c = await credentials()
        const result = await c.verifyPresentation(body.verifiablePresentation, {
          challenge: body.options.challenge,
          ...(body.options.domain ? { domain: body.options.domain } : {})
        })
        // a challenge this node issued is good for one presentation
        if (result.verified) challenges.delete(body.options.challenge)
        answerVerification(res, result)
      }
    },
    {
      method: 'POST',
      path: '/challenges',
      summary: 'VC-API: a fresh challenge for a presentation (valid 10 minutes)',
      auth: true,
      handler: ({ res }) => {
        sweep()
        const challenge = randomBytes(16).toString('base64url')
        challenges.set(challenge, Date.now() + CHALLENGE_TTL_MS)
        sendJson(res, 201, { challenge })
      }
    },
    {
      method: 'GET',
      path: '/1.0/identifiers/:did',
      summary: 'did:key resolution (Universal Resolver shape), computed locally',
      auth: true,
      handler: async ({ res, params }) => {
        let did: string
        try {
          did = decodeURIComponent(params.did ?? '')
        } catch {
          throw new ApiError('BAD_REQUEST', 'bad DID encoding')
        }
        if (!isDidKey(did)) {
          throw new ApiError('NOT_FOUND' satisfies ErrorCode, 'only did:key (Ed25519) is resolved here')
        }
        const c = await credentials()
        sendJson(res, 200, {
          '@context': 'https://w3id.org/did-resolution/v1',
          didDocument: c.didKeyDocument(did),
          didResolutionMetadata: { contentType: 'application/did+ld+json' },
          didDocumentMetadata: {}
        })
      }
    }
  ]
}

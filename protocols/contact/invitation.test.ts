import { generateKeyPair } from '@libp2p/crypto/keys'
import { createJWT, EdDSASigner } from 'did-jwt'
import { describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import { peerIdOfDid } from '../peer.ts'
import { INVITATION_JWT_TYP, MAX_INVITATION_TOKEN_LENGTH } from './constants.ts'
import { createInvitation, createNonce, invitationLink, parseInvitation } from './invitation.ts'
import { MemoryNonceStore } from './nonce-store.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const NOW = Date.parse('2025-06-01T12:00:00Z')

async function inviter() {
  const privateKey = (await generateKeyPair('Ed25519')) as Ed25519PrivateKey
  const did = didKeyFromPublicKey(privateKey.publicKey.raw)
  const peerId = peerIdOfDid(did).toString()
  return {
    privateKey,
    did,
    peerId,
    addrs: ['/ip4/127.0.0.1/tcp/4001', `/ip4/127.0.0.1/tcp/4002/ws/p2p/${peerId}`]
  }
}

/** Sign arbitrary claims with a key (to forge the invitations the checks must refuse). */
async function sign(
  privateKey: Ed25519PrivateKey,
  claims: Record<string, unknown>,
  iss: string,
  typ = INVITATION_JWT_TYP
) {
  return createJWT(
    claims,
    { issuer: iss, signer: EdDSASigner(privateKey.raw) },
    { alg: 'EdDSA', typ: typ as 'JWT' }
  )
}

function b64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

describe('invitations', () => {
  it('creates a signed invitation and parses it back from a link, a web link or the bare token', async () => {
    const a = await inviter()
    const created = await createInvitation({
      privateKey: a.privateKey,
      addrs: a.addrs,
      name: 'Émilie',
      now: NOW
    })
    expect(created.link).toBe(`musette:invite?t=${created.token}`)
    expect(created.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(created.exp).toBe(NOW / 1000 + 7 * 24 * 3600)
    for (const text of [
      created.link,
      invitationLink(created.token, 'https://musette.example/join'),
      created.token
    ]) {
      const result = await parseInvitation(`  ${text}\n`, { now: NOW + 1000 })
      if (!result.ok) throw new Error(result.message)
      expect(result.invitation).toEqual({
        token: created.token,
        did: a.did,
        peerId: a.peerId,
        addrs: [`/ip4/127.0.0.1/tcp/4001/p2p/${a.peerId}`, `/ip4/127.0.0.1/tcp/4002/ws/p2p/${a.peerId}`],
        name: 'Émilie',
        exp: created.exp,
        nonce: created.nonce
      })
    }
    // two invitations never share a nonce
    const again = await createInvitation({
      privateKey: a.privateKey,
      addrs: a.addrs,
      name: 'Émilie',
      now: NOW
    })
    expect(again.nonce).not.toBe(created.nonce)
  })

  it('refuses an expired invitation', async () => {
    const a = await inviter()
    const created = await createInvitation({
      privateKey: a.privateKey,
      addrs: a.addrs,
      name: 'A',
      ttlMs: 60_000,
      now: NOW
    })
    expect((await parseInvitation(created.link, { now: NOW + 59_000 })).ok).toBe(true)
    const result = await parseInvitation(created.link, { now: NOW + 60_000 })
    expect(result).toMatchObject({ ok: false, reason: 'EXPIRED' })
  })

  it('refuses a tampered invitation (claims or signature changed)', async () => {
    const a = await inviter()
    const { token } = await createInvitation({
      privateKey: a.privateKey,
      addrs: a.addrs,
      name: 'A',
      now: NOW
    })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const renamed = `${header}.${b64urlJson({ ...claims, name: 'Mallory' })}.${signature}`
    expect(await parseInvitation(renamed, { now: NOW })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' })
    const extended = `${header}.${b64urlJson({ ...claims, exp: (claims.exp as number) + 1e6 })}.${signature}`
    expect(await parseInvitation(extended, { now: NOW })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE'
    })
    const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`
    expect(await parseInvitation(flipped, { now: NOW })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' })
  })

  it('refuses an invitation whose issuer is not its DID, or signed by another key', async () => {
    const a = await inviter()
    const mallory = await inviter()
    const claims = {
      did: a.did,
      name: 'A',
      addrs: [`/ip4/127.0.0.1/tcp/1/p2p/${a.peerId}`],
      nonce: createNonce(),
      exp: NOW / 1000 + 60
    }
    const wrongIssuer = await sign(mallory.privateKey, claims, mallory.did)
    expect(await parseInvitation(wrongIssuer, { now: NOW })).toMatchObject({
      ok: false,
      reason: 'WRONG_ISSUER'
    })
    const forged = await sign(mallory.privateKey, claims, a.did)
    expect(await parseInvitation(forged, { now: NOW })).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' })
    // the same claims signed by the right key pass: the test above fails for the reason it says
    expect((await parseInvitation(await sign(a.privateKey, claims, a.did), { now: NOW })).ok).toBe(true)
  })

  it('refuses a token or a text that is too large', async () => {
    const a = await inviter()
    const big = await sign(
      a.privateKey,
      {
        did: a.did,
        name: 'A',
        addrs: [`/ip4/127.0.0.1/tcp/1/p2p/${a.peerId}`],
        nonce: createNonce(),
        exp: NOW / 1000 + 60,
        pad: 'x'.repeat(MAX_INVITATION_TOKEN_LENGTH)
      },
      a.did
    )
    expect(await parseInvitation(big, { now: NOW })).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
    expect(await parseInvitation('x'.repeat(1_000_000), { now: NOW })).toMatchObject({
      ok: false,
      reason: 'TOO_LARGE'
    })
    await expect(
      createInvitation({ privateKey: a.privateKey, addrs: a.addrs, name: 'x'.repeat(5000), now: NOW })
    ).rejects.toThrow(RangeError)
  })

  it('refuses malformed invitations', async () => {
    const a = await inviter()
    const claims = {
      did: a.did,
      name: 'A',
      addrs: [`/ip4/127.0.0.1/tcp/1/p2p/${a.peerId}`],
      nonce: createNonce(),
      exp: NOW / 1000 + 60
    }
    const cases = [
      'hello',
      'musette:invite?x=1',
      'https://musette.example/join',
      'a.b.c',
      await sign(a.privateKey, claims, a.did, 'JWT'), // another kind of JWT from the same key
      await sign(a.privateKey, { ...claims, nonce: 'short' }, a.did),
      await sign(a.privateKey, { ...claims, addrs: [] }, a.did),
      await sign(a.privateKey, { ...claims, addrs: ['not a multiaddr'] }, a.did),
      // an address that would make the invitee dial somebody else
      await sign(
        a.privateKey,
        { ...claims, addrs: [`/ip4/127.0.0.1/tcp/1/p2p/${(await inviter()).peerId}`] },
        a.did
      ),
      await sign(a.privateKey, { ...claims, did: 'did:web:example.org' }, 'did:web:example.org')
    ]
    for (const text of cases) {
      expect(await parseInvitation(text, { now: NOW }), text).toMatchObject({
        ok: false,
        reason: 'MALFORMED'
      })
    }
  })

  it('lets a nonce be taken once, only if it was issued and has not expired', async () => {
    let now = NOW
    const store = new MemoryNonceStore(() => now)
    await store.issue('n1', NOW + 1000)
    await store.issue('n2', NOW + 1000)
    expect(await Promise.all([store.take('n1'), store.take('n1')])).toEqual([true, false])
    expect(await store.take('never-issued')).toBe(false)
    now = NOW + 1000
    expect(await store.take('n2')).toBe(false)
  })
})

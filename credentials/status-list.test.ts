import { describe, expect, it } from 'vitest'
import { createPresentation, issueCredential, signPresentation } from './issue.ts'
import {
  createStatusList,
  decodeStatusBits,
  DEFAULT_STATUS_LIST_LENGTH,
  getBit,
  setStatus,
  statusEntry
} from './status-list.ts'
import { verifyCredential, verifyPresentation, type VerifyResult } from './verify.ts'
import { alice, attestation, bob, ISSUED_AT, NOW } from '../tests/fixtures/credentials/helpers.ts'

type Json = Record<string, unknown>
const LIST_ID = `${alice.did}/status/1`

function failed(result: VerifyResult): string[] {
  return result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.reason?.code ?? '?'}`)
}

async function signedList(revoked: number[] = [], issuer = alice): Promise<Json> {
  let list = await createStatusList({ did: issuer.did, id: LIST_ID, validFrom: ISSUED_AT })
  for (const i of revoked) list = await setStatus(list, i, true)
  return issueCredential(list, { seed: issuer.seed, did: issuer.did, now: ISSUED_AT })
}

async function credentialAt(index: number): Promise<Json> {
  const unsigned = { ...attestation(), credentialStatus: statusEntry(LIST_ID, index) }
  return issueCredential(unsigned, { seed: alice.seed, did: alice.did, now: ISSUED_AT })
}

describe('Bitstring Status List', () => {
  it('creates an empty list of 131,072 entries, GZIP + base64url multibase', async () => {
    const list = await createStatusList({ did: alice.did, id: LIST_ID })
    expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential'])
    const subject = list.credentialSubject as Json
    expect(subject.type).toBe('BitstringStatusList')
    expect(subject.statusPurpose).toBe('revocation')
    const encoded = subject.encodedList as string
    expect(encoded.startsWith('uH4sI')).toBe(true) // 'u' + base64url of the gzip magic 1f 8b 08
    const bits = await decodeStatusBits(encoded)
    expect(bits.length * 8).toBe(DEFAULT_STATUS_LIST_LENGTH)
    expect(bits.every((b) => b === 0)).toBe(true)
  })

  it('sets and clears bits, most significant bit first', async () => {
    let list = await createStatusList({ did: alice.did, id: LIST_ID, length: 64 })
    list = await setStatus(list, 0, true)
    list = await setStatus(list, 9, true)
    list = await setStatus(list, 10, true)
    list = await setStatus(list, 10, false)
    const bits = await decodeStatusBits((list.credentialSubject as Json).encodedList as string)
    expect([...bits.slice(0, 2)]).toEqual([0x80, 0x40])
    expect(getBit(bits, 9)).toBe(true)
    expect(getBit(bits, 10)).toBe(false)
    await expect(setStatus(list, 64, true)).rejects.toThrow(/outside/)
  })

  it('decodes the spec example list', async () => {
    // https://www.w3.org/TR/vc-bitstring-status-list/ example: an all-zero list of 131,072 bits
    const bits = await decodeStatusBits(
      'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'
    )
    expect(bits.length).toBe(16384)
    expect(bits.every((b) => b === 0)).toBe(true)
  })

  it('entries point into the list', () => {
    expect(statusEntry(LIST_ID, 42)).toEqual({
      id: `${LIST_ID}#42`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '42',
      statusListCredential: LIST_ID
    })
  })

  it('ok, revoked and unknown are distinct', async () => {
    const vc = await credentialAt(42)
    const clean = await signedList()
    const revoked = await signedList([42])
    const ok = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve(clean) })
    expect(failed(ok)).toEqual([])
    expect(ok.checks.at(-1)).toEqual({ name: 'status', ok: true })

    const gone = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve(revoked) })
    expect(failed(gone)).toEqual(['status:REVOKED'])

    const missing = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve(undefined) })
    expect(failed(missing)).toEqual(['status:STATUS_UNKNOWN'])
    const offline = await verifyCredential(vc, {
      now: NOW,
      checkStatus: () => Promise.reject(new Error('peer offline'))
    })
    expect(failed(offline)).toEqual(['status:STATUS_UNKNOWN'])

    // without a status checker, the status is not checked
    expect(failed(await verifyCredential(vc, { now: NOW }))).toEqual([])
  })

  it('a list that does not verify, or from another issuer, is unknown, not "not revoked"', async () => {
    const vc = await credentialAt(7)
    const tampered = await signedList([7])
    ;(tampered.credentialSubject as Json).encodedList = (
      (await signedList()).credentialSubject as Json
    ).encodedList
    const r1 = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve(tampered) })
    expect(failed(r1)).toEqual(['status:STATUS_UNKNOWN'])
    expect(r1.checks.at(-1)?.reason?.message).toMatch(/TAMPERED/)

    const foreign = await signedList([], bob)
    const r2 = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve(foreign) })
    expect(failed(r2)).toEqual(['status:STATUS_UNKNOWN'])

    const r3 = await verifyCredential(vc, { now: NOW, checkStatus: () => Promise.resolve('garbage') })
    expect(failed(r3)).toEqual(['status:STATUS_UNKNOWN'])
  })

  it('in a presentation, checks every credential against its list, fetched once', async () => {
    const vcs = [await credentialAt(3), await credentialAt(4), await credentialAt(5)]
    const vp = await signPresentation(createPresentation({ holder: bob.did, verifiableCredential: vcs }), {
      seed: bob.seed,
      did: bob.did,
      challenge: 'c-1'
    })
    const revoked = await signedList([4])
    const fetched: string[] = []
    const result = await verifyPresentation(vp, {
      challenge: 'c-1',
      now: NOW,
      checkStatus: (url) => {
        fetched.push(url)
        return Promise.resolve(revoked)
      }
    })
    expect(result.verified).toBe(false)
    expect(result.credentials?.map(failed)).toEqual([[], ['status:REVOKED'], []])
    expect(fetched).toEqual([LIST_ID])
    const unavailable = await verifyPresentation(vp, {
      challenge: 'c-1',
      now: NOW,
      checkStatus: () => Promise.reject(new Error('peer offline'))
    })
    expect(unavailable.credentials?.map(failed)).toEqual([
      ['status:STATUS_UNKNOWN'],
      ['status:STATUS_UNKNOWN'],
      ['status:STATUS_UNKNOWN']
    ])
  })

  it('does not ask for the status of a forged credential', async () => {
    const vc = await credentialAt(1)
    ;(vc.credentialSubject as Json).relationship = 'manager'
    let asked = false
    const result = await verifyCredential(vc, {
      now: NOW,
      checkStatus: () => {
        asked = true
        return Promise.resolve(undefined)
      }
    })
    expect(failed(result)).toEqual(['proof:TAMPERED'])
    expect(asked).toBe(false)
  })
})

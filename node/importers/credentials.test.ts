import { describe, expect, it } from 'vitest'
import { badge, did, enc, holder, NOW, vcJwt } from '../../tests/fixtures/import/credentials.ts'
import { ImportFormatError } from './linkedin.ts'
import { planCredentials } from './credentials.ts'
import type { VaultRecord } from '../model/records.ts'

async function refused(p: Promise<unknown>): Promise<ImportFormatError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFormatError)
    return e as ImportFormatError
  }
  throw new Error('not refused')
}

describe('importing credentials earned elsewhere', () => {
  it('verifies an Open Badge and a VC-JWT, from a presentation and from lines of JWTs', async () => {
    const ob = await badge('Animation d’ateliers')
    const jwt = await vcJwt('Master Design')
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [ob, jwt]
    }
    const { items } = await planCredentials(enc(vp), [], { file: 'wallet.json', now: NOW })
    expect(items.map((i) => [i.data.name, i.data.status?.state, i.data.issuerName])).toEqual([
      ['Animation d’ateliers', 'verified', 'La Fabrique du Quartier'],
      ['Master Design', 'verified', 'Université de Nantes']
    ])
    expect(items[0]!.data).toMatchObject({ role: 'imported', issuer: did, subject: holder, kind: 'skill' })
    expect(items[1]!.data.jwt).toBe(jwt)
    expect(items[1]!.data.validFrom).toBe('2024-06-01T00:00:00.000Z')
    const lines = await planCredentials(enc(`${jwt}\n${await vcJwt('Licence')}\n`), [], {
      file: 'x.jwt',
      now: NOW
    })
    expect(lines.items.length).toBe(2)
  })

  it('refuses the whole file when one credential was altered or signed by another key, naming it', async () => {
    const ok = await badge('Typographie')
    const altered = structuredClone(await badge('Soudure')) as Record<string, unknown>
    ;(altered.credentialSubject as Record<string, unknown>).achievement = {
      ...((altered.credentialSubject as Record<string, unknown>).achievement as object),
      name: 'Soudure à l’arc (niveau expert)'
    }
    const e = await refused(planCredentials(enc([ok, altered]), [], { file: 'badges.json', now: NOW }))
    expect(e.where).toBe('badges.json, credential 2')
    const forgedJwt = (await vcJwt('Master')).split('.')
    forgedJwt[2] = (await vcJwt('Autre')).split('.')[2]!
    const j = await refused(planCredentials(enc(forgedJwt.join('.')), [], { file: 'd.jwt', now: NOW }))
    expect(j.message).toMatch(/^d\.jwt, credential 1: the signature does not check out/)
  })

  it('imports what cannot be checked offline marked unverifiable, and expired ones marked expired', async () => {
    const web = await vcJwt('Diplôme', 'did:web:univ-nantes.fr')
    const old = await vcJwt('Habilitation', did, Date.parse('2025-01-01T00:00:00Z') / 1000)
    const { items } = await planCredentials(enc(`${web}\n${old}`), [], { file: 'x.jwt', now: NOW })
    expect(items[0]!.data.status).toMatchObject({
      state: 'unverifiable',
      reason: expect.stringMatching(/did:web/)
    })
    expect(items[1]!.data.status).toMatchObject({ state: 'expired' })
    const expiredBadge = await badge('Sauveteur secouriste', { validUntil: '2026-01-01T00:00:00Z' })
    const b = await planCredentials(enc(expiredBadge), [], { file: 'b.json', now: NOW })
    expect(b.items[0]!.data.status?.state).toBe('expired')
  })

  it('flags a credential the vault holds, and refuses what is not a credentials file', async () => {
    const ob = await badge('Typographie')
    const held = {
      id: 'aaaaaaaaaaaaaaaaaaaaaaaaaa',
      data: { credential: ob }
    } as unknown as VaultRecord<'credential'>
    const { items } = await planCredentials(enc(ob), [held], { file: 'b.json', now: NOW })
    expect(items[0]!.duplicateOf).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaa')
    expect((await refused(planCredentials(enc('{"a": '), [], { file: 'b.json' }))).message).toMatch(
      /^b\.json: not valid JSON/
    )
    expect((await refused(planCredentials(enc('BEGIN:VCARD'), [], { file: 'c.vcf' }))).code).toBe(
      'NOT_THIS_KIND'
    )
    expect((await refused(planCredentials(enc({ type: ['Thing'] }), [], { file: 'd.json' }))).where).toBe(
      'd.json, credential 1'
    )
    expect(
      (await refused(planCredentials(new Uint8Array([0xff, 0xfe, 0x00]), [], { file: 'e.bin' }))).code
    ).toBe('NOT_THIS_KIND')
  })
})

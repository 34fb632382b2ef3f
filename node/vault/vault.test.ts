import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DecryptError, open, randomBytes, seal, aadOf } from './crypto.ts'
import { nodeScrypt } from './node-files.ts'
import { openNodeStores, type OpenStores } from './node-stores.ts'
import { Vault, VaultError } from './vault.ts'

const FAST_KDF = { alg: 'scrypt', N: 2 ** 10, r: 8, p: 1 } as const
const source = { kind: 'manual', at: '2026-11-23T10:00:00.000Z' } as const
const secrets = () => ({
  identitySeed: randomBytes(32),
  name: 'Émilie',
  createdAt: '2026-11-23T10:00:00.000Z'
})
const experience = {
  kind: 'mission',
  title: 'Identité visuelle',
  organisation: 'La Ressourcerie',
  start: '2024-03',
  end: '2024-06',
  sphere: 'pro',
  skills: ['Illustrator']
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return err instanceof VaultError ? err.code : `other: ${String(err)}`
  }
  return 'no error'
}

describe('vault crypto', () => {
  it('round-trips and rejects a wrong key, a wrong context and a flipped bit', () => {
    const key = randomBytes(32)
    const sealed = seal(key, new TextEncoder().encode('hello'), aadOf('a'))
    expect(new TextDecoder().decode(open(key, sealed, aadOf('a')))).toBe('hello')
    expect(() => open(randomBytes(32), sealed, aadOf('a'))).toThrow(DecryptError)
    expect(() => open(key, sealed, aadOf('b'))).toThrow(DecryptError)
    const tampered = sealed.slice()
    tampered[30] = (tampered[30] ?? 0) ^ 1
    expect(() => open(key, tampered, aadOf('a'))).toThrow(DecryptError)
    expect(() => open(key, sealed.slice(0, 20), aadOf('a'))).toThrow(DecryptError)
  })

  it('seals the same plaintext differently each time (random nonce)', () => {
    const key = randomBytes(32)
    const a = seal(key, new Uint8Array(8), aadOf('x'))
    const b = seal(key, new Uint8Array(8), aadOf('x'))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
  })
})

describe('vault', () => {
  let dir: string
  let stores: OpenStores
  const reopen = async () => {
    await stores.close()
    stores = await openNodeStores(dir)
    return stores
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'musette-vault-'))
    stores = await openNodeStores(dir)
  })
  afterEach(async () => {
    await stores.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('a recovery wrap: the keyring names the set in clear, a recovered key re-wraps it under a new passphrase', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'la phrase perdue', secrets(), {
      kdfParams: FAST_KDF
    })
    const rec = await vault.put({ type: 'experience', data: experience, source })
    const kek = randomBytes(32)
    const set = {
      setId: 's' + 'a'.repeat(26),
      k: 2,
      n: 3,
      commitment: randomBytes(32),
      ownerTag: randomBytes(32)
    }
    expect(await vault.recovery()).toBeUndefined()
    await vault.setRecovery({ ...set, kek })
    const keyring = (await stores.keyring.read())!
    expect(Vault.recoveryOf(keyring)).toEqual(set)
    vault.lock()
    // the wrong key opens nothing; the right one re-wraps under a new passphrase, the old one stops working
    expect(
      await codeOf(Vault.rewrapWithRecovery(keyring, randomBytes(32), 'nouvelle phrase', nodeScrypt))
    ).toBe('CORRUPT')
    const rewrapped = await Vault.rewrapWithRecovery(keyring, kek, 'nouvelle phrase', nodeScrypt)
    expect(Vault.recoveryOf(rewrapped)).toEqual(set)
    await stores.keyring.write(rewrapped)
    expect(await codeOf(Vault.unlock(stores, nodeScrypt, 'la phrase perdue'))).toBe('WRONG_PASSPHRASE')
    const again = await Vault.unlock(stores, nodeScrypt, 'nouvelle phrase')
    expect((await again.get(rec.id))?.data).toMatchObject({ title: experience.title })
    await again.setRecovery(null)
    expect(await again.recovery()).toBeUndefined()
    expect(await codeOf(Vault.rewrapWithRecovery((await stores.keyring.read())!, kek, 'x', nodeScrypt))).toBe(
      'NOT_FOUND'
    )
    again.lock()
  })

  it('creates, writes, locks and unlocks with the passphrase only', async () => {
    const s = secrets()
    const seed = s.identitySeed.slice()
    const vault = await Vault.create(stores, nodeScrypt, 'correct horse battery', s, { kdfParams: FAST_KDF })
    const rec = await vault.put({ type: 'experience', data: experience, source })
    expect(rec.version).toBe(1)
    expect(rec.id).toMatch(/^[a-z2-7]{26}$/)
    vault.lock()
    expect(vault.locked).toBe(true)
    await expect(vault.get(rec.id)).rejects.toThrow(VaultError)

    expect(await codeOf(Vault.unlock(await reopen(), nodeScrypt, 'wrong passphrase'))).toBe(
      'WRONG_PASSPHRASE'
    )
    const again = await Vault.unlock(stores, nodeScrypt, 'correct horse battery')
    expect(again.secrets.name).toBe('Émilie')
    expect(Buffer.from(again.secrets.identitySeed).equals(Buffer.from(seed))).toBe(true)
    const got = await again.get(rec.id)
    expect(got?.data).toEqual(experience)
    expect(got?.source).toEqual(source)
    expect(again.countByType()).toEqual({ experience: 1 })
  })

  it('refuses to create a second vault over the first', async () => {
    await Vault.create(stores, nodeScrypt, 'passphrase-1', secrets(), { kdfParams: FAST_KDF })
    expect(
      await codeOf(Vault.create(stores, nodeScrypt, 'passphrase-2', secrets(), { kdfParams: FAST_KDF }))
    ).toBe('ALREADY_INITIALIZED')
  })

  it('keeps previous versions, and refuses a stale update', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    const rec = await vault.put({ type: 'experience', data: experience, source })
    const v2 = await vault.update(rec.id, { ...experience, title: 'Charte graphique' }, 1)
    expect(v2.version).toBe(2)
    expect(await codeOf(vault.update(rec.id, { ...experience, title: 'Stale' }, 1))).toBe('CONFLICT')
    const versions = await vault.versions(rec.id)
    expect(versions.map((v) => [v.version, (v.data as { title: string }).title])).toEqual([
      [2, 'Charte graphique'],
      [1, 'Identité visuelle']
    ])
    vault.lock()
    const again = await Vault.unlock(await reopen(), nodeScrypt, 'pass-phrase')
    expect((await again.versions(rec.id)).length).toBe(2)
  })

  it('validates every write and writes nothing from a batch with one bad item', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    expect(
      await codeOf(vault.put({ type: 'experience', data: { ...experience, sphere: 'space' }, source }))
    ).toBe('VALIDATION_FAILED')
    expect(
      await codeOf(
        vault.putMany([
          { type: 'skill', data: { name: 'Typographie' }, source },
          { type: 'experience', data: { ...experience, start: '2024-13' }, source }
        ])
      )
    ).toBe('VALIDATION_FAILED')
    expect(vault.size).toBe(0)
    const blocks = []
    for await (const b of stores.blocks.getAll()) blocks.push(b)
    expect(blocks.length).toBe(0)
  })

  it('deletes for real: the record, its versions and its key are gone', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    const rec = await vault.put({ type: 'experience', data: experience, source })
    await vault.update(rec.id, { ...experience, title: 'v2' })
    const kept = await vault.put({ type: 'note', data: { text: 'à garder', date: '2026-11-23' }, source })
    await vault.delete(rec.id)
    expect(await vault.get(rec.id)).toBeUndefined()
    expect(await codeOf(vault.delete(rec.id))).toBe('NOT_FOUND')
    let count = 0
    for await (const _ of stores.blocks.getAll()) count++
    expect(count).toBe(1)
    vault.lock()
    const again = await Vault.unlock(await reopen(), nodeScrypt, 'pass-phrase')
    expect(again.has(rec.id)).toBe(false)
    expect((await again.get(kept.id))?.data).toMatchObject({ text: 'à garder' })
  })

  it('stores images as sealed blobs and reads them back', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])
    const rec = await vault.putMedia(png, { name: 'affiche.png', mime: 'image/png', date: '2024' }, source)
    const blob = await vault.getMediaBlob(rec.id)
    expect(blob?.mime).toBe('image/png')
    expect(Array.from(blob?.bytes ?? [])).toEqual(Array.from(png))
    const updated = await vault.update(rec.id, {
      name: 'affiche finale.png',
      mime: 'image/gif',
      size: 1,
      blob: 'x'
    })
    expect(updated.data).toMatchObject({ name: 'affiche finale.png', mime: 'image/png', size: 8 })
  })

  it('reports a tampered or missing block as corrupt, not as data', async () => {
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    const a = await vault.put({ type: 'skill', data: { name: 'Gravure' }, source })
    const b = await vault.put({ type: 'skill', data: { name: 'Sérigraphie' }, source })
    vault.lock()
    // Rewrite one block's ciphertext in place (what an attacker with the disk could do), drop another.
    const all = []
    for await (const pair of stores.blocks.getAll()) all.push(pair)
    expect(all.length).toBe(2)
    const [first, second] = all
    if (!first || !second) throw new Error('expected two blocks')
    const chunks: Uint8Array[] = []
    for await (const c of stores.blocks.get(first.cid)) chunks.push(c)
    const flipped = Uint8Array.from(Buffer.concat(chunks))
    flipped[40] = (flipped[40] ?? 0) ^ 1
    await stores.blocks.put(first.cid, flipped)
    await stores.blocks.delete(second.cid)
    const again = await Vault.unlock(await reopen(), nodeScrypt, 'pass-phrase')
    expect([await codeOf(again.get(a.id)), await codeOf(again.get(b.id))]).toEqual(['CORRUPT', 'CORRUPT'])
  })
})

describe('vault over stores without atomic batches (a browser node later)', () => {
  it('writes blocks then index entries, and reads everything back', async () => {
    const { MemoryBlockstore } = await import('blockstore-core')
    const { MemoryDatastore } = await import('datastore-core')
    let keyring: Uint8Array | undefined
    const stores = {
      blocks: new MemoryBlockstore(),
      index: new MemoryDatastore(),
      keyring: { read: async () => keyring, write: async (b: Uint8Array) => void (keyring = b) }
    }
    const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
    const [a, b] = await vault.putMany([
      { type: 'skill', data: { name: 'Gravure' }, source },
      { type: 'experience', data: experience, source }
    ])
    if (!a || !b) throw new Error('expected two records')
    await vault.update(b.id, { ...experience, title: 'v2' }, 1)
    await vault.delete(a.id)
    vault.lock()
    const again = await Vault.unlock(stores, nodeScrypt, 'pass-phrase')
    expect(again.has(a.id)).toBe(false)
    expect((await again.versions(b.id)).map((v) => v.version)).toEqual([2, 1])
  })
})

describe('internal record types', () => {
  it('stores credentials and attestation requests, validated like any record', async () => {
    const { dir, cleanup } = await import('node:fs/promises').then(async (fs) => {
      const d = await fs.mkdtemp(join(tmpdir(), 'musette-internal-'))
      return { dir: d, cleanup: () => fs.rm(d, { recursive: true, force: true }) }
    })
    const stores = await openNodeStores(dir)
    try {
      const vault = await Vault.create(stores, nodeScrypt, 'pass-phrase', secrets(), { kdfParams: FAST_KDF })
      const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
      const cred = await vault.put({
        type: 'credential',
        data: {
          role: 'received',
          credential: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
          issuer: did,
          subject: did,
          kind: 'skill',
          name: 'Typographie',
          relationship: 'colleague',
          validFrom: '2026-11-23T10:00:00.000Z'
        },
        source: { kind: 'peer', name: 'Karim', at: '2026-11-23T10:00:00.000Z' }
      })
      expect(vault.countByType()).toEqual({ credential: 1 })
      expect((await vault.list('credential')).map((r) => r.id)).toEqual([cred.id])
      expect(
        await codeOf(
          vault.put({
            type: 'attestation',
            data: { direction: 'sideways', requestId: 'x', peer: did, claim: { kind: 'skill', name: 'x' } },
            source
          })
        )
      ).toBe('VALIDATION_FAILED')
    } finally {
      await stores.close()
      await cleanup()
    }
  })
})

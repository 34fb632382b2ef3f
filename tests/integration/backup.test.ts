/**
 * Encrypted backup and restore (issue 7, item 2), through the API of real nodes with their LevelDB on disk:
 * a vault holding every record kind, versions, an image and a signed credential is backed up as one CAR
 * file, restored into a fresh profile and compared record by record, version by version and byte for byte
 * after decryption — same DID. A wrong passphrase, a tampered, a truncated and a foreign archive are refused
 * with their reason and leave the profile empty. Automatic backups land in the chosen folder.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCredential } from '../../credentials/issue.ts'
import { skillAttestation } from '../../credentials/open-badges.ts'
import { readBackup } from '../../node/backup.ts'
import { api, raw, startTestApi, tempDir, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
)

async function download(t: TestApi): Promise<Uint8Array> {
  const res = await fetch(`${t.url}/api/backup`, { headers: { authorization: `Bearer ${t.token}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.ipld.car')
  return new Uint8Array(await res.arrayBuffer())
}

function restore(t: TestApi, bytes: Uint8Array, passphrase = PASS) {
  return raw(t.url, '/api/restore', {
    method: 'POST',
    headers: {
      host: new URL(t.url).host,
      authorization: `Bearer ${t.token}`,
      'content-type': 'application/vnd.ipld.car',
      'x-musette-passphrase': encodeURIComponent(passphrase)
    },
    body: bytes
  })
}

describe('encrypted backup and restore', () => {
  let a: TestApi
  let did = ''
  let archive: Uint8Array
  beforeAll(async () => {
    a = await startTestApi()
    const r = await api(a, '/api/identity', { body: { name: 'Émilie Laurent', passphrase: PASS } })
    expect(r.status).toBe(201)
    did = r.json().did as string
    const records = [
      { type: 'facet', data: { kind: 'email', value: 'emilie@exemple.fr' } },
      {
        type: 'experience',
        data: { kind: 'job', title: 'Graphiste', sphere: 'pro', organisation: 'Contrepoint' }
      },
      { type: 'skill', data: { name: 'Typographie', category: 'savoir-faire' } },
      { type: 'contact', data: { name: 'Karim Benali' } },
      { type: 'place', data: { name: 'Atelier', city: 'Lyon' } },
      { type: 'note', data: { text: 'Penser à la sauvegarde', date: '2026-11-20' } }
    ]
    for (const body of records) expect((await api(a, '/api/records', { body })).status).toBe(201)
    const note = ((await api(a, '/api/records?type=note')).json().records as Array<{ id: string }>)[0]!
    expect(
      (
        await api(a, `/api/records/${note.id}`, {
          method: 'PUT',
          body: { data: { text: 'v2', date: '2026-11-21' } }
        })
      ).status
    ).toBe(200)
    const up = await raw(a.url, '/api/media?name=pixel.png&date=2024', {
      method: 'POST',
      headers: { host: new URL(a.url).host, authorization: `Bearer ${a.token}`, 'content-type': 'image/png' },
      body: PNG
    })
    expect(up.status).toBe(201)
    // a signed credential, kept as received
    const seed = a.node.vault.secrets.identitySeed
    const vc = await issueCredential(
      skillAttestation({
        issuer: { did, name: 'Émilie Laurent' },
        holder: { did, name: 'Émilie Laurent' },
        achievement: { kind: 'skill', name: 'Typographie' },
        relationship: 'other',
        validFrom: '2026-11-01T00:00:00Z'
      }),
      { seed, did }
    )
    await a.node.vault.put({
      type: 'credential',
      data: {
        role: 'received',
        credential: vc,
        issuer: did,
        subject: did,
        kind: 'skill',
        name: 'Typographie',
        validFrom: '2026-11-01T00:00:00.000Z'
      },
      source: { kind: 'peer', at: new Date().toISOString() }
    })
  })
  afterAll(async () => {
    await a?.close()
  })

  it('backs up the whole vault as one encrypted CAR file', async () => {
    archive = await download(a)
    const contents = await readBackup(archive)
    expect(contents.blocks.length).toBeGreaterThan(8)
    const text = Buffer.from(archive).toString('latin1')
    for (const clear of ['Émilie', 'Typographie', 'Karim', 'Contrepoint', did])
      expect(text).not.toContain(clear)
  })

  it('refuses a wrong passphrase, a tampered, a truncated and a foreign archive; nothing is written', async () => {
    const b = await startTestApi()
    try {
      const wrong = await restore(b, archive, 'pas la bonne phrase')
      expect(wrong.status).toBe(401)
      const tampered = Uint8Array.from(archive)
      tampered[Math.floor(tampered.length / 2)]! ^= 0xff
      const t1 = await restore(b, tampered)
      expect(t1.status).toBe(400)
      expect(['TAMPERED', 'MALFORMED']).toContain(t1.json().error?.fields?.reason?.[0])
      const truncated = await restore(b, archive.subarray(0, archive.length - 100))
      expect(truncated.status).toBe(400)
      expect(truncated.json().error?.fields?.reason).toEqual(['MALFORMED'])
      const foreign = await restore(b, new TextEncoder().encode('{"not":"a car file"}'))
      expect(foreign.status).toBe(400)
      const session = (await api(b, '/api/session')).json()
      expect(session.initialized).toBe(false)
    } finally {
      await b.close()
    }
  })

  it('restores into a fresh profile: same DID, same records, versions and bytes', async () => {
    const b = await startTestApi()
    try {
      const r = await restore(b, archive)
      expect(r.status, r.body).toBe(200)
      expect(r.json().did).toBe(did)
      const mine = await a.node.vault.list()
      const theirs = await b.node.vault.list()
      expect(theirs.length).toBe(mine.length)
      for (const rec of mine) {
        const copy = await b.node.vault.get(rec.id)
        expect(copy, `record ${rec.id} (${rec.type})`).toEqual(rec)
        expect(await b.node.vault.versions(rec.id)).toEqual(await a.node.vault.versions(rec.id))
        if (rec.type === 'media') {
          const blob = await b.node.vault.getMediaBlob(rec.id)
          expect(Buffer.from(blob!.bytes).equals(PNG)).toBe(true)
        }
      }
      expect(b.node.vault.secrets.identitySeed).toEqual(a.node.vault.secrets.identitySeed)
      // a second restore into a profile that exists is refused
      expect((await restore(b, archive)).status).toBe(409)
    } finally {
      await b.close()
    }
  })

  it('writes automatic backups into the chosen folder and keeps the newest', async () => {
    const { dir, cleanup } = await tempDir('musette-backups-')
    try {
      const set = await api(a, '/api/backup/settings', { method: 'PUT', body: { folder: dir, keep: 2 } })
      expect(set.status, set.body).toBe(200)
      for (let i = 0; i < 3; i++) {
        const now = await api(a, '/api/backup/now', { method: 'POST' })
        expect(now.status, now.body).toBe(200)
        await new Promise((r) => setTimeout(r, 5))
      }
      const files = (await readdir(dir)).filter((f) => f.endsWith('.car'))
      expect(files.length).toBe(2)
      const contents = await readBackup(new Uint8Array(await readFile(join(dir, files[1]!))))
      expect(contents.manifest.kind).toBe('musette-backup')
    } finally {
      await cleanup()
    }
  })
})

/**
 * Real deletion (issue 7, item 4), on a real node and its LevelDB on disk: after deleting a record, nothing of
 * it remains in the database's files — not its sealed index entry (which held its key), not its blocks — so it
 * cannot be recovered even with the passphrase; one source's imports go at once; "delete everything" needs the
 * passphrase again and leaves no vault behind. What the vault holds is counted by kind and by source.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startTestApi, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'
const MARKER = 'MARQUEUR-SECRET-7f3a9c'

/** Every key and value in the vault's LevelDB (the node must be locked: LevelDB allows one opener). */
async function snapshot(home: string): Promise<Map<string, Uint8Array>> {
  const db = new ClassicLevel<string, Uint8Array>(join(home, 'vault', 'db'), {
    keyEncoding: 'utf8',
    valueEncoding: 'view'
  })
  await db.open()
  const out = new Map<string, Uint8Array>()
  for await (const [k, v] of db.iterator()) out.set(k, v)
  await db.close()
  return out
}

/** All bytes of every file under the vault directory. */
async function diskBytes(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const name of await readdir(dir, { recursive: true })) {
    const p = join(dir, String(name))
    if ((await stat(p)).isFile()) out.push(await readFile(p))
  }
  return out
}

describe('real deletion', () => {
  let t: TestApi
  beforeAll(async () => {
    t = await startTestApi()
    expect((await api(t, '/api/identity', { body: { name: 'Émilie', passphrase: PASS } })).status).toBe(201)
  })
  afterAll(async () => {
    await t?.close()
  })

  const lock = async () => expect((await api(t, '/api/lock', { method: 'POST' })).status).toBe(200)
  const unlock = async () =>
    expect((await api(t, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)

  it('a deleted record leaves nothing recoverable in the database files', async () => {
    await lock()
    const before = await snapshot(t.home)
    await unlock()
    const r = await api(t, '/api/records', {
      body: { type: 'note', data: { text: `${MARKER} : à oublier`, date: '2026-11-20' } }
    })
    expect(r.status).toBe(201)
    const id = r.json().id as string
    // a second version too: every version must go
    expect(
      (
        await api(t, `/api/records/${id}`, {
          method: 'PUT',
          body: { data: { text: `${MARKER} v2`, date: '2026-11-21' } }
        })
      ).status
    ).toBe(200)
    await lock()
    const after = await snapshot(t.home)
    const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(b)
    // what writing the note added: its version blocks and its sealed index entry (holding its key)
    const added = [...after].filter(([k, v]) => !same(before.get(k), v)).map(([, v]) => v)
    expect(added.length).toBeGreaterThanOrEqual(3) // two version blocks and the sealed index entry
    await unlock()
    expect((await api(t, `/api/records/${id}`, { method: 'DELETE' })).status).toBe(204)
    await lock()
    const files = await diskBytes(join(t.home, 'vault'))
    for (const file of files) expect(file.includes(Buffer.from(MARKER))).toBe(false)
    // no 32-byte slice of what the record wrote (ciphertexts: random-looking) is left in any file
    for (const value of added) {
      const probe = Buffer.from(value.subarray(value.length - 32))
      for (const file of files) expect(file.includes(probe)).toBe(false)
    }
    await unlock()
    expect((await api(t, `/api/records/${id}`)).status).toBe(404)
  })

  it('counts what the vault holds by kind and source, and deletes one source’s records', async () => {
    const imported = [
      { type: 'skill', data: { name: 'Typographie' } },
      { type: 'skill', data: { name: 'Sérigraphie' } },
      { type: 'experience', data: { kind: 'job', title: 'Graphiste', sphere: 'pro' } }
    ]
    for (const rec of imported) expect((await api(t, '/api/records', { body: rec })).status).toBe(201)
    const holdings = async () =>
      (await api(t, '/api/holdings')).json() as {
        total: number
        byType: Record<string, number>
        bySource: Array<{ kind: string; name?: string; count: number }>
      }
    const h = await holdings()
    expect(h.byType.skill).toBeGreaterThanOrEqual(2)
    const manual = h.bySource.find((s) => s.kind === 'manual' && s.name === undefined)
    expect(manual?.count).toBeGreaterThanOrEqual(4)
    const del = await api(t, '/api/holdings/delete-source', { body: { kind: 'manual' } })
    expect(del.status, del.body).toBe(200)
    expect(del.json().deleted).toBe(manual?.count)
    const after = await holdings()
    expect(after.bySource.find((s) => s.kind === 'manual' && s.name === undefined)).toBeUndefined()
  })

  it('deletes everything only with the passphrase, and leaves no vault behind', async () => {
    const wrong = await api(t, '/api/profile/delete', {
      body: { passphrase: 'pas la bonne', confirm: 'SUPPRIMER' }
    })
    expect(wrong.status).toBe(401)
    expect((await api(t, '/api/session')).json().locked).toBe(false)
    const ok = await api(t, '/api/profile/delete', { body: { passphrase: PASS, confirm: 'SUPPRIMER' } })
    expect(ok.status, ok.body).toBe(200)
    expect(ok.json().state).toBe('uninitialized')
    await expect(stat(join(t.home, 'vault'))).rejects.toThrow()
    // and the node can start over
    expect((await api(t, '/api/identity', { body: { name: 'Nouvelle', passphrase: PASS } })).status).toBe(201)
  })
})

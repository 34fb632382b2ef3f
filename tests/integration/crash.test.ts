import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, freePort, freePortPair, runCli, startCli, type StartedNode } from './cli-node.ts'
import { tempDir } from './helpers.ts'

const ROUNDS = 6

interface Acked {
  id: string
  version: number
  title: string
}

/** Keep writing (creates and updates) until the node dies; record what the API acknowledged. */
async function writer(node: StartedNode, lane: number, acked: Map<string, Acked>, stop: { now: boolean }) {
  const headers = { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' }
  for (let i = 0; !stop.now; i++) {
    try {
      const mine = [...acked.values()].filter((a) => a.title.startsWith(`lane${lane}-`))
      const target = i % 3 === 2 ? mine[Math.floor(Math.random() * mine.length)] : undefined
      const title = `lane${lane}-${i}-${Math.random().toString(36).slice(2, 8)}`
      const data = { kind: 'job', title, sphere: 'pro', start: '2020', description: 'x'.repeat(1500) }
      if (target) {
        const res = await fetch(`${node.url}/api/records/${target.id}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ data, version: target.version })
        })
        if (res.status === 200) {
          const r = (await res.json()) as { id: string; version: number }
          acked.set(r.id, { id: r.id, version: r.version, title })
        }
      } else {
        const res = await fetch(`${node.url}/api/records`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: 'experience', data })
        })
        if (res.status === 201) {
          const r = (await res.json()) as { id: string; version: number }
          acked.set(r.id, { id: r.id, version: r.version, title })
        }
      }
    } catch {
      return // the node was killed mid-request: this write was never acknowledged
    }
  }
}

describe('crash safety: SIGKILL at random moments loses no acknowledged write', () => {
  let home: string
  let passFile: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ensureBuilt()
    ;({ dir: home, cleanup } = await tempDir('musette-crash-'))
    passFile = join(home, 'passphrase')
    await writeFile(passFile, 'crash test passphrase\n')
    const init = runCli([
      'init',
      '--home',
      join(home, 'profile'),
      '--name',
      'Crash',
      '--passphrase-file',
      passFile
    ])
    expect(init.status, init.stderr).toBe(0)
  })
  afterAll(() => cleanup())

  it(`survives ${ROUNDS} kills`, async () => {
    const acked = new Map<string, Acked>()
    const start = async () =>
      startCli([
        '--home',
        join(home, 'profile'),
        '--api-port',
        String(await freePort()),
        '--p2p-port',
        String(await freePortPair()),
        '--passphrase-file',
        passFile
      ])
    for (let round = 0; round < ROUNDS; round++) {
      const node = await start()
      const stop = { now: false }
      const lanes = [0, 1, 2, 3].map((lane) => writer(node, lane, acked, stop))
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 600))
      node.child.kill('SIGKILL')
      stop.now = true
      await Promise.all(lanes)
      await node.stop()
    }
    expect(acked.size).toBeGreaterThan(ROUNDS * 4)

    // The vault opens, and holds every acknowledged write at (at least) its acknowledged version.
    const node = await start()
    try {
      const headers = { authorization: `Bearer ${node.token}` }
      const missing: string[] = []
      for (const a of acked.values()) {
        const res = await fetch(`${node.url}/api/records/${a.id}`, { headers })
        if (res.status !== 200) {
          missing.push(`${a.id}: HTTP ${res.status}`)
          continue
        }
        const r = (await res.json()) as { version: number; data: { title: string } }
        if (r.version < a.version) missing.push(`${a.id}: version ${r.version} < acknowledged ${a.version}`)
        if (r.version === a.version && r.data.title !== a.title) missing.push(`${a.id}: title differs`)
      }
      expect(missing).toEqual([])
    } finally {
      await node.stop()
    }
  })
})

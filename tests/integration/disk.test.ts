import { randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, runCli, startHome } from './cli-node.ts'
import { tempDir } from './helpers.ts'

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* files(p)
    else yield p
  }
}

describe('the disk holds only ciphertext', () => {
  let home: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ensureBuilt()
    ;({ dir: home, cleanup } = await tempDir('musette-disk-'))
  })
  afterAll(() => cleanup())

  it('no file under the profile contains a marker written through the API, nor the name or the DID', async () => {
    const marker = `MARKER${randomBytes(8).toString('hex')}`
    const name = `Name${marker}`
    const passFile = join(home, '..', `${marker}-pass`)
    await writeFile(passFile, 'a passphrase for the disk test\n')
    const init = runCli(['init', '--home', home, '--name', name, '--passphrase-file', passFile])
    expect(init.status, init.stderr).toBe(0)
    const did = /DID:\s+(\S+)/.exec(init.stdout)?.[1] ?? ''
    expect(did).toMatch(/^did:key:/)

    const node = await startHome(home, ['--passphrase-file', passFile])
    const headers = { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' }
    const post = async (body: unknown) => {
      const res = await fetch(`${node.url}/api/records`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body)
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { id: string }
    }
    const exp = await post({
      type: 'experience',
      data: {
        kind: 'mission',
        title: marker,
        organisation: marker,
        sphere: 'pro',
        start: '2024',
        skills: [marker],
        description: marker
      }
    })
    await post({ type: 'note', data: { text: `Note ${marker}`, date: '2026-11-23', tags: [marker] } })
    await post({
      type: 'contact',
      data: { name: marker, email: `${marker.toLowerCase()}@exemple.fr`, notes: marker }
    })
    await post({ type: 'facet', data: { kind: 'email', value: `${marker}@exemple.fr` } })
    await post({ type: 'skill', data: { name: marker } })
    await post({ type: 'place', data: { name: marker, city: marker } })
    // a new version too, and an image whose bytes carry the marker
    const put = await fetch(`${node.url}/api/records/${exp.id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ data: { kind: 'mission', title: `${marker} v2`, sphere: 'pro' } })
    })
    expect(put.status).toBe(200)
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(marker)
    ])
    const media = await fetch(`${node.url}/api/media?name=${marker}.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${node.token}`, 'content-type': 'image/png' },
      body: png
    })
    expect(media.status).toBe(201)
    expect(await node.stop('SIGTERM')).toBe(0)

    const needles = [marker, name, did, did.slice('did:key:'.length)].flatMap((s) => [
      Buffer.from(s, 'utf8'),
      Buffer.from(s, 'utf16le')
    ])
    const seen: string[] = []
    let count = 0
    for await (const f of files(home)) {
      count++
      const bytes = await readFile(f)
      for (const n of needles) if (bytes.includes(n)) seen.push(`${f} contains ${n.toString('utf8')}`)
    }
    expect(count).toBeGreaterThan(5)
    expect(seen).toEqual([])
  })
})

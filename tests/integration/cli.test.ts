import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, freePort, runCli, startHome } from './cli-node.ts'
import { tempDir } from './helpers.ts'

describe('musette CLI', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ensureBuilt()
    ;({ dir, cleanup } = await tempDir('musette-cli-'))
  })
  afterAll(() => cleanup())

  it.each(['init', 'start', 'status', 'id', 'backup', 'restore'])('has --help for %s', (cmd) => {
    const r = runCli([cmd, '--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`Usage: musette ${cmd}`)
  })

  it('explains misuse with exit code 2', () => {
    expect(runCli(['frobnicate']).status).toBe(2)
    const noName = runCli(['init', '--passphrase-file', '/dev/null', '--home', join(dir, 'x')])
    expect(noName.status).toBe(2)
    expect(noName.stderr).toContain('--name is required')
    const badFlag = runCli(['start', '--bogus'])
    expect(badFlag.status).toBe(2)
    expect(badFlag.stderr).toContain("Unknown option '--bogus'")
    const badPort = runCli(['start', '--api-port', 'eighty', '--home', join(dir, 'y')])
    expect(badPort.status).toBe(2)
  })

  it('init, id, status, start with a passphrase file, status again', async () => {
    const home = join(dir, 'profile')
    const pass = join(dir, 'pass')
    await writeFile(pass, 'short\n')
    const weak = runCli(['init', '--home', home, '--name', 'Karim', '--passphrase-file', pass])
    expect(weak.status).toBe(2)
    expect(weak.stderr).toContain('at least 10 characters')
    await writeFile(pass, 'a long enough passphrase\n')
    // the passphrase can also come from standard input
    const init = runCli(
      ['init', '--home', home, '--name', 'Karim', '--passphrase-file', '-'],
      'a long enough passphrase\n'
    )
    expect(init.status, init.stderr).toBe(0)
    const did = /DID:\s+(did:key:\S+)/.exec(init.stdout)?.[1]
    const peerId = /PeerId:\s+(\S+)/.exec(init.stdout)?.[1]
    expect(did).toBeDefined()
    expect(runCli(['init', '--home', home, '--name', 'Again', '--passphrase-file', pass]).status).toBe(1)

    const locked = runCli(['id', '--home', home])
    expect(locked.status).toBe(1)
    expect(locked.stderr).toContain('stored encrypted')
    const id = runCli(['id', '--home', home, '--passphrase-file', pass, '--json'])
    expect(id.status).toBe(0)
    expect(JSON.parse(id.stdout)).toEqual({ did, peerId })
    await writeFile(join(dir, 'wrong'), 'not the passphrase\n')
    expect(runCli(['id', '--home', home, '--passphrase-file', join(dir, 'wrong')]).status).toBe(1)

    expect(runCli(['status', '--home', home]).status).toBe(3)
    const node = await startHome(home, ['--passphrase-file', pass])
    try {
      expect(node.output()).toContain(`Unlocked: ${did}`)
      const status = runCli(['status', '--home', home, '--json'])
      expect(status.status).toBe(0)
      const s = JSON.parse(status.stdout) as { running: boolean; did: string; listenAddrs: string[] }
      expect(s.running).toBe(true)
      expect(s.did).toBe(did)
      expect(s.listenAddrs.some((a) => a.includes('/tcp/') && !a.includes('/ws'))).toBe(true)
      expect(runCli(['id', '--home', home]).stdout).toContain(did)
      // a second node on the same profile is refused
      const second = runCli(['start', '--home', home, '--api-port', String(await freePort())])
      expect(second.status).toBe(1)
      expect(second.stderr).toContain('already runs')
    } finally {
      expect(await node.stop()).toBe(0)
    }
    expect(runCli(['status', '--home', home]).status).toBe(3)
  })

  it('backup and restore: through the running node or offline, the passphrase from a file, the environment or stdin; refusals change nothing', async () => {
    const pass = 'la phrase de la sauvegarde'
    const home = join(dir, 'to-back-up')
    const init = runCli(['init', '--home', home, '--name', 'Inès', '--passphrase-file', '-'], pass)
    expect(init.status, init.stderr).toBe(0)
    const did = /DID:\s+(did:key:\S+)/.exec(init.stdout)?.[1]
    const viaNode = join(dir, 'via-node.car')
    const offline = join(dir, 'offline.car')

    // while the node runs it holds the database: it writes the archive, no passphrase asked
    const node = await startHome(home)
    try {
      expect(runCli(['backup', viaNode, '--home', home]).stderr).toContain('locked')
      const unlock = await fetch(`${node.url}/api/unlock`, {
        method: 'POST',
        headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ passphrase: pass })
      })
      expect(unlock.status).toBe(200)
      for (const text of ['Marqueur un', 'Marqueur deux']) {
        const r = await fetch(`${node.url}/api/records`, {
          method: 'POST',
          headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'note', data: { text, date: '2026-11-24' } })
        })
        expect(r.status).toBe(201)
      }
      const b = runCli(['backup', viaNode, '--home', home])
      expect(b.status, b.stderr).toBe(0)
      expect(b.stdout).toContain('by the running node')
    } finally {
      expect(await node.stop()).toBe(0)
    }

    // offline: the vault is opened, so the passphrase is checked first
    const misuse = runCli(['backup', offline, '--home', home])
    expect(misuse.status).toBe(2)
    expect(misuse.stderr).toContain('MUSETTE_PASSPHRASE')
    expect(runCli(['backup', '--home', home]).status).toBe(2)
    const wrong = runCli(['backup', offline, '--home', home, '--passphrase-file', '-'], 'pas la bonne phrase')
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain('wrong passphrase')
    expect((await readdir(dir)).filter((f) => f.startsWith('offline'))).toEqual([])
    process.env.MUSETTE_PASSPHRASE = pass
    try {
      const b = runCli(['backup', offline, '--home', home])
      expect(b.status, b.stderr).toBe(0)
      // the name given at init is a record too (a facet), beside the two notes
      expect(b.stdout).toMatch(/\(\d+ bytes, 3 records\)/)
      const again = runCli(['backup', offline, '--home', home])
      expect(again.status).toBe(1)
      expect(again.stderr).toContain('already exists')
    } finally {
      delete process.env.MUSETTE_PASSPHRASE
    }

    // refusals: each names its reason, and the new profile stays empty (a right restore afterwards works)
    const fresh = join(dir, 'restored')
    const bytes = await readFile(offline)
    const tampered = Buffer.from(bytes)
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 0xff
    await writeFile(join(dir, 'tampered.car'), tampered)
    await writeFile(join(dir, 'notes.txt'), 'pas une sauvegarde\n')
    const cases: Array<[string, string, string]> = [
      [offline, 'pas la bonne phrase', 'wrong passphrase'],
      [join(dir, 'tampered.car'), pass, 'does not match its hash'],
      [join(dir, 'notes.txt'), pass, 'not a car file'],
      [join(dir, 'missing.car'), pass, 'no such file']
    ]
    for (const [file, phrase, reason] of cases) {
      const r = runCli(['restore', file, '--home', fresh, '--passphrase-file', '-'], phrase)
      expect(r.status, file).toBe(1)
      expect(r.stderr.toLowerCase()).toContain(reason)
    }
    const restored = runCli(['restore', offline, '--home', fresh, '--passphrase-file', '-'], pass)
    expect(restored.status, restored.stderr).toBe(0)
    expect(restored.stdout).toContain('Restored 3 records')
    expect(restored.stdout).toContain(did)
    const id = runCli(['id', '--home', fresh, '--passphrase-file', '-', '--json'], pass)
    expect(JSON.parse(id.stdout).did).toBe(did)
    // not twice into the same profile
    const twice = runCli(['restore', viaNode, '--home', fresh, '--passphrase-file', '-'], pass)
    expect(twice.status).toBe(1)
    expect(twice.stderr).toContain('already has an identity')

    // into a running node that has no identity yet (the first-start screen's route), then it is unlocked
    const target = join(dir, 'restored-running')
    const empty = await startHome(target)
    try {
      const r = runCli(['restore', viaNode, '--home', target, '--passphrase-file', '-'], pass)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toContain('Restored 3 records')
      const notes = await fetch(`${empty.url}/api/records?type=note`, {
        headers: { authorization: `Bearer ${empty.token}` }
      })
      const texts = ((await notes.json()) as { records: { data: { text: string } }[] }).records
        .map((n) => n.data.text)
        .sort()
      expect(texts).toEqual(['Marqueur deux', 'Marqueur un'])
    } finally {
      expect(await empty.stop()).toBe(0)
    }
  })
})

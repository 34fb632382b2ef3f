import { writeFile } from 'node:fs/promises'
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

  it.each(['init', 'start', 'status', 'id'])('has --help for %s', (cmd) => {
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
})

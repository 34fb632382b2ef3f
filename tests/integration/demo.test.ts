import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, ROOT } from './cli-node.ts'
import { tempDir } from './helpers.ts'

describe('npm run demo', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ensureBuilt()
    ;({ dir, cleanup } = await tempDir('musette-demo-'))
  })
  afterAll(() => cleanup())

  it('starts four nodes with sample data, connected to each other, and prints their URLs', async () => {
    // a base port away from the default 7380, so a demo the developer runs does not collide
    const base = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn(
      process.execPath,
      [`${ROOT}/dist/node/demo.mjs`, '--dir', dir, '--base-port', String(base)],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let text = ''
    child.stdout.on('data', (c: Buffer) => (text += c.toString()))
    child.stderr.on('data', (c: Buffer) => (text += c.toString()))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not finish starting:\n${text}`)), 90_000)
        const check = setInterval(() => {
          if (text.includes('Ctrl-C stops')) {
            clearTimeout(timer)
            clearInterval(check)
            resolve()
          }
          if (child.exitCode !== null) {
            clearTimeout(timer)
            clearInterval(check)
            reject(new Error(`demo exited:\n${text}`))
          }
        }, 100)
      })
      const urls = [...text.matchAll(/Open:\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/g)]
      expect(urls.length).toBe(4)
      expect(text.match(/— 3 peers connected/g)?.length).toBe(4)
      expect(text).toContain('Seeded a questionnaire')
      expect(text).toContain('Seeded a project company')
      expect(text).toContain('Seeded recovery')
      // Émilie's node holds her sample data, with her two colleagues as contacts carrying their DIDs
      const [, url, token] = urls[0] ?? []
      const contacts = (await (
        await fetch(`${url}/api/records?type=contact`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { records: { data: { name: string; did?: string } }[] }
      const withDid = contacts.records
        .filter((c) => c.data.did?.startsWith('did:key:'))
        .map((c) => c.data.name)
      expect(withDid.sort()).toEqual(['Inès Moreau', 'Karim Benali', 'Sophie Marchand'])
      // her questionnaire went to three contacts; two answered so far, so the results are still closed
      const list = (await (
        await fetch(`${url}/api/questionnaires`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { questionnaires: Array<{ role: string; invited: number; delivered: number }> }
      expect(list.questionnaires).toMatchObject([{ role: 'asker', invited: 3, delivered: 3 }])
      const timeline = (await (
        await fetch(`${url}/api/timeline`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { total: number }
      expect(timeline.total).toBeGreaterThan(20)
    } finally {
      child.kill('SIGINT')
      await exited
    }
  })
})

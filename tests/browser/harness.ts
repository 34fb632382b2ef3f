/** What the browser tests share: Debian's Chromium, and a person's node started as a user would. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import {
  ensureBuilt,
  freePort,
  freePortPair,
  ROOT,
  runCli,
  startCli,
  type StartedNode
} from '../integration/cli-node.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Debian's Chromium, headless, quiet (no background network, no first-run screens). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  })
}

/** The node bundle and the UI it serves, built if this checkout has not yet; test-results/ exists. */
export function ensureApp(): void {
  ensureBuilt()
  if (!existsSync(join(ROOT, 'dist', 'ui', 'index.html'))) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--ui'], { stdio: 'inherit' })
    if (r.status !== 0) throw new Error('could not build the UI')
  }
  mkdirSync(join(ROOT, 'test-results'), { recursive: true })
}

/** `musette init` then `musette start` for one person, in `dir/key`, on free ports. */
export async function startPerson(dir: string, key: string, name: string): Promise<StartedNode> {
  const home = join(dir, key)
  const pass = join(dir, `${key}.pass`)
  await writeFile(pass, `la phrase de ${key} pour le test\n`)
  const init = runCli(['init', '--home', home, '--name', name, '--passphrase-file', pass])
  if (init.status !== 0) throw new Error(init.stderr)
  return startCli([
    '--home',
    home,
    '--api-port',
    String(await freePort()),
    '--p2p-port',
    String(await freePortPair()),
    '--passphrase-file',
    pass
  ])
}

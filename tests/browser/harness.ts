/** What the browser tests share: Debian's Chromium, and a person's node started as a user would. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ensureBuilt, ROOT, runCli, startHome, type StartedNode } from '../integration/cli-node.ts'

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
  return startHome(home, ['--passphrase-file', pass])
}

/** A call to a started node's API with its token: GET without a body, POST with a JSON one; expects a 2xx. */
export async function callApi(
  node: StartedNode,
  path: string,
  body?: unknown
): Promise<Record<string, unknown>> {
  const res = await fetch(`${node.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${node.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

/** A page of the app in a new context, with the node's token (the app keeps it once read). */
export async function openApp(
  browser: Browser,
  node: StartedNode,
  opts: { width?: number; locale?: string } = {}
): Promise<Page> {
  const context = await browser.newContext({
    locale: opts.locale ?? 'fr-FR',
    viewport: { width: opts.width ?? 1280, height: 900 }
  })
  const page = await context.newPage()
  await page.goto(`${node.url}/#token=${node.token}`)
  // hidden or not: at phone width the links are folded under the menu button
  await page
    .getByRole('navigation', { name: /^(Navigation principale|Main navigation)$/, includeHidden: true })
    .waitFor({ state: 'attached' })
  return page
}

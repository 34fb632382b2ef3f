/**
 * End-to-end test of the web UI against the real node, started as a user would (`musette start`).
 * Finds elements by role and label, as a person using a screen reader would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './harness.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const resultsDir = join(root, 'test-results')
const PASSPHRASE = 'sac de toile pour la route 2017'
const TITLE = 'Graphiste au service communication'

let child: ChildProcess | undefined
let browser: Browser | undefined
let home = ''
let appUrl = ''
let stdout = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Starts `musette start` and resolves with the URL it prints (with its `#token=`). */
function startNode(apiPort: number, p2pPort: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        'bin/musette.mjs',
        'start',
        '--home',
        home,
        '--api-port',
        String(apiPort),
        '--p2p-port',
        String(p2pPort)
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }
    )
    child = proc
    const timer = setTimeout(
      () => reject(new Error(`the node printed no URL in 150 s; output so far:\n${stdout}`)),
      150_000
    )
    const re = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/
    proc.stdout?.setEncoding('utf8')
    proc.stderr?.setEncoding('utf8')
    proc.stdout?.on('data', (chunk: string) => {
      stdout += chunk
      const m = re.exec(stdout)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    })
    proc.stderr?.on('data', (chunk: string) => {
      stdout += chunk
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the node exited (${String(code)}) before printing its URL:\n${stdout}`))
    })
  })
}

async function visible(locator: Locator, timeout = 20_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout })
  return locator
}

async function htmlLang(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.getAttribute('lang'))
}

beforeAll(async () => {
  // the node serves the built UI: build it if this checkout has not yet
  if (!existsSync(join(root, 'dist', 'ui', 'index.html'))) {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
    const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit'
    })
    if (r.status !== 0) throw new Error('could not build the UI')
  }
  mkdirSync(resultsDir, { recursive: true })
  home = mkdtempSync(join(tmpdir(), 'musette-ui-'))
  const apiPort = await freePort()
  let p2pPort = await freePort()
  while (p2pPort === apiPort) p2pPort = await freePort()
  appUrl = await startNode(apiPort, p2pPort)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  const proc = child
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  if (home) rmSync(home, { recursive: true, force: true })
})

describe('Musette web UI', () => {
  it('creates an identity, adds an experience, sees it on the Time-line, survives a reload and a lock', async () => {
    const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      await page.goto(appUrl)

      // first visit, in French since the browser prefers French
      await visible(page.getByRole('heading', { level: 1, name: 'Bienvenue dans votre Musette' }))
      expect(await htmlLang(page)).toBe('fr')
      expect(new URL(page.url()).hash).toBe('') // the token left the address bar
      await page.getByLabel('Votre nom').fill('Émilie Joly')
      await page.getByLabel('Phrase secrète', { exact: true }).fill(PASSPHRASE)
      await page.getByLabel('Confirmez la phrase secrète').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Créer mon identité' }).click()

      // the vault is open: Identités
      await visible(page.getByRole('heading', { level: 1, name: 'Identités' }), 60_000)
      const nav = page.getByRole('navigation', { name: 'Navigation principale' })
      for (const name of ['Identités', 'Time-line', 'Import', 'Pilote']) {
        await visible(nav.getByRole('link', { name }))
      }

      // French typography: a non-breaking space keeps « ; » and « : » off the start of a line
      const intro = await page.locator('p.lead').first().textContent()
      expect(intro).toContain('\u00a0; vous seul')

      // the dialog closes with Escape and gives the focus back to the button that opened it
      const addFacet = page.getByRole('button', { name: 'Ajouter : Infos générales' })
      await addFacet.focus()
      await page.keyboard.press('Enter')
      const facetDialog = await visible(page.getByRole('dialog', { name: 'Ajouter : Info générale' }))
      await page.keyboard.press('Escape')
      await facetDialog.waitFor({ state: 'hidden' })
      expect(await addFacet.evaluate((el) => el === document.activeElement)).toBe(true)

      // add an experience through the form; an empty form first shows inline errors
      await page.getByRole('button', { name: 'Ajouter : Accomplissements' }).click()
      const dialog = await visible(page.getByRole('dialog', { name: 'Ajouter : Accomplissement' }))
      await dialog.getByRole('button', { name: 'Enregistrer' }).click()
      await visible(dialog.getByText('Ce champ est obligatoire.'))
      await dialog.getByLabel('Nature', { exact: true }).selectOption({ label: 'Emploi' })
      await dialog.getByLabel('Sphère').selectOption({ label: 'Pro' })
      await dialog.getByLabel('Intitulé').fill(TITLE)
      await dialog.getByLabel('Organisation').fill('Leroy Merlin')
      await dialog.getByLabel('Début').fill('2014-04')
      await dialog.getByLabel('Fin', { exact: true }).fill('2014-09')
      await dialog.getByLabel('Compétences mobilisées').fill('mise en page, illustration')
      await dialog.getByRole('button', { name: 'Enregistrer' }).click()
      await dialog.waitFor({ state: 'hidden' })
      const card = await visible(page.getByRole('article', { name: TITLE }))
      await visible(card.getByText('Saisie manuelle', { exact: false }))

      // the Time-line shows it under its year
      await nav.getByRole('link', { name: 'Time-line' }).click()
      await visible(page.getByRole('heading', { level: 1, name: 'Time-line' }))
      await visible(page.getByRole('heading', { name: 'Année 2014' }))
      await visible(page.getByRole('article', { name: TITLE }))

      // a reload keeps the session (token in localStorage) and the data
      await page.reload()
      await visible(page.getByRole('heading', { level: 1, name: 'Time-line' }))
      await visible(page.getByRole('article', { name: TITLE }))

      // lock, then unlock: a wrong passphrase is refused with a clear message
      await page.getByRole('banner').getByRole('button', { name: 'Verrouiller' }).click()
      await visible(page.getByRole('heading', { level: 1, name: 'Votre coffre est verrouillé' }))
      await page.getByLabel('Phrase secrète', { exact: true }).fill('pas la bonne phrase')
      await page.getByRole('button', { name: 'Déverrouiller' }).click()
      await visible(page.getByText('Phrase secrète incorrecte', { exact: false }))
      await page.getByLabel('Phrase secrète', { exact: true }).fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Déverrouiller' }).click()
      await visible(page.getByRole('heading', { level: 1, name: 'Time-line' }), 60_000)
      await visible(page.getByRole('article', { name: TITLE }))

      await page.screenshot({ path: join(resultsDir, 'ui-timeline-fr.png'), fullPage: true })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('speaks English to a browser that prefers English', async () => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 375, height: 800 } })
    const page = await context.newPage()
    try {
      await page.goto(appUrl)
      await visible(page.getByRole('heading', { level: 1, name: 'Identities' }), 60_000)
      expect(await htmlLang(page)).toBe('en')
      await visible(page.getByRole('heading', { level: 2, name: 'Accomplishments' }))
      await visible(page.getByRole('article', { name: TITLE }))
      // at phone width the links fold under the header's menu button
      await page.getByRole('banner').getByRole('button', { name: 'Menu' }).click()
      await visible(page.getByRole('link', { name: 'Timeline' }))

      // switching the language is immediate and remembered
      await page.getByRole('banner').getByLabel('Language').selectOption('fr')
      await visible(page.getByRole('heading', { level: 1, name: 'Identités' }))
      expect(await htmlLang(page)).toBe('fr')
      expect(await page.evaluate(() => localStorage.getItem('musette.lang'))).toBe('fr')
      await page.screenshot({ path: join(resultsDir, 'ui-identities-375.png'), fullPage: true })
    } finally {
      await context.close()
    }
  })

  it('shows a friendly page when the address has no token', async () => {
    const context = await browser!.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    try {
      await page.goto(appUrl.replace(/#.*$/, ''))
      await visible(page.getByRole('heading', { level: 1, name: 'Ouvrez Musette depuis votre terminal' }))
      await visible(page.getByText('musette start', { exact: true }))
    } finally {
      await context.close()
    }
  })
})

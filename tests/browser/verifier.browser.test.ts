/**
 * The Vérifier page from a static copy of the built UI: a tiny file server (SPA fallback to index.html), no
 * Musette node anywhere. Presentations are signed here with credentials/ and dropped on the page as files.
 * Finds elements by role and label.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync } from 'node:zlib'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './harness.ts'
import { CHALLENGE, DOMAIN, emilie, writePresentations } from '../fixtures/presentations/make.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const uiDir = join(root, 'dist', 'ui')
const SHOTS = process.env.VERIFIER_SHOTS ?? '/tmp/verifier'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8'
}

let server: Server | undefined
let browser: Browser | undefined
let baseUrl = ''
let work = ''
let files: Awaited<ReturnType<typeof writePresentations>>
/** every path the browser asked the static server for */
const requested: string[] = []

/** Serves dist/ui as any static host would, with the SPA fallback; nothing else (no /api). */
function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const srv = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    requested.push(path)
    let file = join(dir, normalize(path).replace(/^([/\\])+/, ''))
    if (!file.startsWith(dir + sep)) file = join(dir, 'index.html')
    let isFile = false
    try {
      isFile = statSync(file).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) file = join(dir, 'index.html')
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      resolve({ server: srv, url: `http://127.0.0.1:${port}` })
    })
  })
}

async function open(
  locale: string,
  width: number
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({ locale, viewport: { width, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${baseUrl}/verifier`)
  return { context, page, errors }
}

async function drop(page: Page, file: string): Promise<void> {
  await page.getByLabel(/^(Choisir un fichier|Choose a file)$/).setInputFiles(file)
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

beforeAll(async () => {
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--ui', '--if-stale'], {
    cwd: root,
    stdio: 'inherit'
  })
  if (r.status !== 0) throw new Error('could not build the UI')
  mkdirSync(SHOTS, { recursive: true })
  work = mkdtempSync(join(tmpdir(), 'musette-verifier-'))
  files = await writePresentations(work)
  const s = await serveStatic(uiDir)
  server = s.server
  baseUrl = s.url
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('Vérifier page (static build, no node)', () => {
  it('verifies a good presentation and rejects tampered, swapped and replayed ones, in French', async () => {
    const { context, page, errors } = await open('fr-FR', 1280)
    try {
      await expect
        .poll(() => page.getByRole('heading', { level: 1, name: 'Vérifier une présentation' }).count())
        .toBe(1)
      await page.getByLabel('Défi attendu (challenge)').fill(CHALLENGE)
      await page.getByLabel('Domaine attendu').fill(DOMAIN)

      // the good one
      await drop(page, files.good)
      const verdict = page.getByRole('heading', { level: 2, name: 'Présentation vérifiée' })
      await verdict.waitFor({ state: 'visible', timeout: 30_000 })

      const who = page.getByRole('region', { name: 'Qui présente' })
      await expect.poll(() => who.textContent()).toContain('Émilie Durand')
      expect(await who.textContent()).toContain(emilie.did)

      const binding = page.getByRole('region', { name: 'Liaison à votre demande' })
      expect(await binding.getByText('correspond', { exact: true }).count()).toBe(2)

      const peers = page.getByRole('region', { name: /^Attestations de pairs/ })
      expect(await peers.getByRole('article').count()).toBe(2)
      expect(await peers.textContent()).toContain('Karim Benali')
      expect(await peers.textContent()).toContain('Sophie Lemaire')
      expect(await peers.textContent()).toContain('Émilie a mené la refonte')
      expect(await peers.textContent()).toContain('collègue')
      // Sophie's attestation has a Musette status list, which only Musette nodes serve
      expect(await peers.textContent()).toContain('statut inconnu (liste de révocation injoignable)')

      const self = page.getByRole('region', { name: /^Déclarations personnelles/ })
      expect(await self.getByRole('article').count()).toBe(1)
      expect(await self.getByRole('article').textContent()).toContain('Graphiste et cheffe de projet')

      const orgs = page.getByRole('region', { name: /^Émises par des organisations/ })
      expect(await orgs.getByRole('article').count()).toBe(1)
      expect(await orgs.textContent()).toContain('Sauveteur secouriste du travail')
      expect(await orgs.textContent()).toContain('Atelier des Pentes')

      const skills = page.getByRole('region', { name: 'Compétences attestées par des pairs' })
      const skillLine = skills.getByRole('listitem').filter({ hasText: 'Gestion de projet' })
      expect(await skillLine.textContent()).toContain('2 attestations de pairs')
      expect(await skillLine.textContent()).toContain('Karim Benali')
      await shot(page, 'fr-1280-verified')

      // one claim changed
      await drop(page, files.tampered)
      const failed = page.getByRole('heading', { level: 2, name: 'Présentation non vérifiée' })
      await failed.waitFor({ state: 'visible', timeout: 30_000 })
      const reason = page.getByText(/^Raison/)
      await expect.poll(() => reason.textContent()).toContain('TAMPERED')
      expect(await reason.textContent()).toContain('contenu modifié')
      await shot(page, 'fr-1280-tampered')

      // a credential of another holder, in a presentation the holder signed
      await drop(page, files.swapped)
      await expect.poll(() => reason.textContent()).toContain('HOLDER_MISMATCH')
      expect(await failed.count()).toBe(1)
      // the swapped-in credential (about Léa) is flagged and no longer counts for the skill
      const stranger = peers.getByRole('article').filter({ hasText: 'Léa a tenu le planning' })
      expect(await stranger.textContent()).toContain('HOLDER_MISMATCH')
      expect(await skillLine.textContent()).toContain('1 attestation de pair')

      // signed for another challenge
      await drop(page, files.wrongChallenge)
      await expect.poll(() => reason.textContent()).toContain('CHALLENGE_MISMATCH')
      expect(await binding.getByText('ne correspond pas', { exact: true }).count()).toBe(1)
      await shot(page, 'fr-1280-replayed')

      // no expected challenge: verified, but the binding is said not to be checked
      await page.getByLabel('Défi attendu (challenge)').fill('')
      await page.getByLabel('Domaine attendu').fill('')
      await drop(page, files.good)
      await verdict.waitFor({ state: 'visible', timeout: 30_000 })
      await expect.poll(() => page.getByText(/^Défi non vérifié.{0,3}sans défi attendu/).count()).toBe(1)
      expect(await binding.textContent()).toContain(CHALLENGE)

      // a lone credential, pasted
      await page.getByLabel('Coller le JSON').fill(readFileSync(files.credential, 'utf8'))
      await page.getByRole('button', { name: 'Vérifier', exact: true }).click()
      await page
        .getByRole('heading', { level: 2, name: 'Attestation vérifiée' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      await expect.poll(() => page.getByText(/^Une attestation seule n’est liée à aucune/).count()).toBe(1)

      // bad input
      await page.getByLabel('Coller le JSON').fill('{ pas du json')
      await page.getByRole('button', { name: 'Vérifier', exact: true }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('pas du JSON valide')
      await page.getByLabel('Coller le JSON').fill(`"${'x'.repeat(1024 * 1024 + 10)}"`)
      await page.getByRole('button', { name: 'Vérifier', exact: true }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Trop volumineux')

      // no node: nothing asked of /api, and no error in the page
      expect(requested.filter((p) => p.startsWith('/api/'))).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('works in English and on a phone', async () => {
    const { context, page, errors } = await open('en-GB', 375)
    try {
      await page
        .getByRole('heading', { level: 1, name: 'Verify a presentation' })
        .waitFor({ state: 'visible', timeout: 20_000 })
      await page.getByLabel('Expected challenge').fill(CHALLENGE)
      await page.getByLabel('Expected domain').fill(DOMAIN)
      await drop(page, files.good)
      await page
        .getByRole('heading', { level: 2, name: 'Presentation verified' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      const skills = page.getByRole('region', { name: 'Skills attested by peers' })
      await expect.poll(() => skills.textContent()).toContain('2 peer attestations')
      expect(
        await page
          .getByRole('region', { name: /^Peer-attested/ })
          .getByRole('article')
          .count()
      ).toBe(2)
      expect(
        await page
          .getByRole('region', { name: /^Self-declared/ })
          .getByRole('article')
          .count()
      ).toBe(1)
      expect(
        await page
          .getByRole('region', { name: /^Issued by organisations/ })
          .getByRole('article')
          .count()
      ).toBe(1)
      expect(await page.getByText('status unknown (revocation list unreachable)').count()).toBe(1)
      // nothing wider than the screen
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await shot(page, 'en-375-verified')

      await drop(page, files.tampered)
      await page
        .getByRole('heading', { level: 2, name: 'Presentation not verified' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      await expect.poll(() => page.getByText(/^Reason/).textContent()).toContain('TAMPERED')
      await shot(page, 'en-375-tampered')

      // the other screenshots: French on a phone, English on a laptop
      await page.setViewportSize({ width: 1280, height: 900 })
      await drop(page, files.good)
      await page
        .getByRole('heading', { level: 2, name: 'Presentation verified' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      await shot(page, 'en-1280-verified')
      await drop(page, files.swapped)
      await expect.poll(() => page.getByText(/^Reason/).textContent()).toContain('HOLDER_MISMATCH')
      await shot(page, 'en-1280-swapped')

      await page.getByRole('combobox', { name: 'Language' }).selectOption('fr')
      await page.setViewportSize({ width: 375, height: 900 })
      await drop(page, files.good)
      await page
        .getByRole('heading', { level: 2, name: 'Présentation vérifiée' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      await shot(page, 'fr-375-verified')
      await drop(page, files.wrongChallenge)
      await expect.poll(() => page.getByText(/^Raison/).textContent()).toContain('CHALLENGE_MISMATCH')
      await shot(page, 'fr-375-replayed')

      expect(requested.filter((p) => p.startsWith('/api/'))).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('reads a printed CV’s QR text: the whole file deflated, or its fingerprint and then the file', async () => {
    const { context, page, errors } = await open('fr-FR', 1280)
    const paste = async (value: string) => {
      await page.getByLabel('Coller le JSON').fill(value)
      await page.getByRole('button', { name: 'Vérifier', exact: true }).click()
    }
    const verdict = page.getByRole('heading', { level: 2, name: 'Présentation vérifiée' })
    const good = readFileSync(files.good)
    try {
      await page
        .getByRole('heading', { level: 1, name: 'Vérifier une présentation' })
        .waitFor({ state: 'visible', timeout: 20_000 })
      await page.getByLabel('Défi attendu (challenge)').fill(CHALLENGE)
      await page.getByLabel('Domaine attendu').fill(DOMAIN)

      // the whole file, as a printed CV's QR code carries it (a reader may wrap the text)
      const embedded = `MUSETTE-VP1:${deflateRawSync(good, { level: 9 }).toString('base64url')}`
      await paste(`${embedded.slice(0, 300)}\n${embedded.slice(300)}\n`)
      await verdict.waitFor({ state: 'visible', timeout: 30_000 })
      await expect
        .poll(() => page.getByText(/^Texte de QR code décodé/).textContent())
        .toContain('présentation')
      const peers = page.getByRole('region', { name: /^Attestations de pairs/ })
      expect(await peers.getByRole('article').count()).toBe(2)
      await shot(page, 'fr-1280-qr-embedded')

      // a decompression bomb stops at the cap, with a clear error
      const bomb = deflateRawSync(Buffer.alloc(16 * 1024 * 1024, 0x20), { level: 9 }).toString('base64url')
      expect(bomb.length).toBeLessThan(40_000)
      await paste(`MUSETTE-VP1:${bomb}`)
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toContain('se décompresse en plus de 1 Mio')
      expect(await verdict.count()).toBe(0)
      // damaged: cut short, or characters a QR reader should not give
      await paste(embedded.slice(0, 400))
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('ne se décompresse pas')
      await paste('MUSETTE-VP1:abc$def')
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('abîmé')

      // the fingerprint only: kept, then the file dropped is the one it names, or not
      await paste('MUSETTE-VPH1:court')
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('empreinte n’est pas valide')
      const fingerprint = createHash('sha256').update(good).digest('base64url')
      await paste(`MUSETTE-VPH1:${fingerprint}`)
      const kept = page.getByText(/^Empreinte d’un CV imprimé mémorisée/)
      await kept.waitFor()
      expect(await page.getByText(fingerprint).count()).toBe(1)
      await drop(page, files.good)
      await verdict.waitFor({ state: 'visible', timeout: 30_000 })
      await page.getByText(/^C’est bien le fichier auquel renvoie le CV imprimé/).waitFor()
      await shot(page, 'fr-1280-qr-fingerprint-match')
      await drop(page, files.tampered)
      await page
        .getByRole('heading', { level: 2, name: 'Présentation non vérifiée' })
        .waitFor({ state: 'visible', timeout: 30_000 })
      await expect
        .poll(() => page.getByText(/^Ce fichier n’est pas celui auquel renvoie le CV imprimé/).count())
        .toBe(1)
      // the same file pasted rather than dropped matches too (a final line break lost on the way or not)
      await paste(good.toString('utf8').trimEnd())
      await verdict.waitFor({ state: 'visible', timeout: 30_000 })
      await page.getByText(/^C’est bien le fichier auquel renvoie le CV imprimé/).waitFor()
      // forgotten: no more comparison
      await page.getByRole('button', { name: 'Oublier l’empreinte' }).click()
      expect(await kept.count()).toBe(0)
      expect(await page.getByText(/auquel renvoie le CV imprimé/).count()).toBe(0)

      expect(requested.filter((p) => p.startsWith('/api/'))).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

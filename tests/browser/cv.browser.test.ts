/**
 * One real node, one browser: Émilie prints a one-page CV of a profile (QR code, no hidden value, one A4
 * page in print), downloads its signed file (the fingerprint on the paper is that file's), zooms her
 * time-line on the profile, withdraws the CV's share in the Pilote, and composes on a phone.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPresentation } from '../../credentials/verify.ts'
import { ROOT, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { ensureApp, launchChromium, startPerson } from './harness.ts'

const SHOTS = join(ROOT, 'test-results')

let browser: Browser | undefined
let node: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined
const ids: Record<string, string> = {}
let compositionId = ''

async function call(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${node!.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${node!.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  expect(res.status, path).toBeLessThan(300)
  return (await res.json()) as Record<string, unknown>
}

async function open(width: number, locale = 'fr-FR'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({
    locale,
    viewport: { width, height: 900 },
    acceptDownloads: true
  })
  const page = await context.newPage()
  await page.goto(`${node!.url}/#token=${node!.token}`)
  // the app keeps the token once it has read it: then other pages can be opened by their address
  // hidden or not: at phone width the links are folded under the menu button
  await page
    .getByRole('navigation', { name: /^(Navigation principale|Main navigation)$/, includeHidden: true })
    .waitFor({ state: 'attached' })
  return { context, page }
}

const noOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

/** Pages of a PDF made by Chromium: one `/Type /Page` object each. */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-cv-ui-')
  cleanup = tmp.cleanup
  node = await startPerson(tmp.dir, 'emilie', 'Émilie Laurent')
  const records: [string, string, Record<string, unknown>][] = [
    [
      'shown',
      'experience',
      {
        kind: 'job',
        title: 'Graphiste junior',
        organisation: 'Atelier Contrepoint',
        start: '2021-09',
        end: '2022-12',
        sphere: 'pro'
      }
    ],
    [
      'blurred',
      'experience',
      {
        kind: 'mission',
        title: 'Affiches du festival',
        organisation: 'Les Ondes Vertes',
        start: '2023-03',
        end: '2023-07',
        sphere: 'pro'
      }
    ],
    [
      'hidden',
      'experience',
      {
        kind: 'job',
        title: 'Stage secret',
        organisation: 'Agence Cachée',
        start: '2019-06',
        end: '2019-08',
        sphere: 'pro'
      }
    ],
    [
      'outside',
      'experience',
      { kind: 'volunteering', title: 'Repair café du quartier', start: '2020-02', sphere: 'associative' }
    ],
    ['skill', 'skill', { name: 'Typographie' }]
  ]
  for (const [key, type, data] of records)
    ids[key] = (await call('/api/records', { type, data })).id as string
  const comp = await call('/api/compositions', {
    name: 'Candidature graphiste',
    description: 'Graphiste, affiches et identités visuelles',
    items: [
      { id: ids.shown, visibility: 'show' },
      { id: ids.blurred, visibility: 'blur' },
      { id: ids.hidden, visibility: 'hide' },
      { id: ids.skill, visibility: 'show' }
    ]
  })
  compositionId = comp.id as string
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await node?.stop()
  await cleanup?.()
})

describe('printable CV, time-line zoom, withdrawing a share, composing on a phone', () => {
  it('prints a one-page CV with a QR code to the signed file, and no hidden value', async () => {
    const { context, page } = await open(1280)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Profils' })
        .click()
      await page.getByRole('link', { name: 'CV imprimable de « Candidature graphiste »' }).click()
      await page.waitForURL(/\/cv\?id=/)
      await page.getByLabel('Pour qui (pour votre registre)').fill('Agence Verte')
      await page.getByRole('button', { name: 'Signer et préparer le CV' }).click()
      const qr = page.getByRole('img', { name: /^QR code : / })
      await qr.waitFor({ timeout: 30_000 })
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)

      const sheet = page.getByRole('article', { name: 'CV de Émilie Laurent' })
      const text = (await sheet.textContent()) ?? ''
      expect(text).toContain('Graphiste, affiches et identités visuelles')
      expect(text).toContain('Graphiste junior')
      expect(text).toContain('Atelier Contrepoint')
      // blurred: the years, no organisation, no month
      const blurred = sheet.getByRole('listitem', { name: 'Affiches du festival' })
      expect(await blurred.textContent()).toContain('2023')
      expect(await blurred.textContent()).not.toMatch(/mars|juillet/)
      expect(text).not.toContain('Les Ondes Vertes')
      expect(text).toContain('Typographie')
      expect(text).toContain('déclaration personnelle')
      // hidden: nowhere on the page
      const whole = (await page.locator('body').textContent()) ?? ''
      expect(whole).not.toContain('Stage secret')
      expect(whole).not.toContain('Agence Cachée')
      // a small profile: the QR code carries the whole file, and the caption says how to check it
      expect(text).toMatch(/Scannez ce code et collez le texte lu dans la page «\s*Vérifier\s*»/)

      // the signed file, byte for byte: its fingerprint is the one printed, and it verifies
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Télécharger le fichier signé' }).click()
      ])
      expect(download.suggestedFilename()).toBe('cv-candidature-graphiste.json')
      const file = readFileSync((await download.path())!)
      const printed = await sheet.locator('footer code').textContent()
      expect(createHash('sha256').update(file).digest('base64url')).toBe(printed)
      const vp = JSON.parse(file.toString('utf8')) as Record<string, unknown>
      expect(file.toString('utf8')).not.toContain('Stage secret')
      const proof = vp.proof as { challenge: string; domain: string }
      expect(proof.domain).toBe('musette:printed-cv')
      const checked = await verifyPresentation(vp, { challenge: proof.challenge, domain: proof.domain })
      expect(checked.verified, JSON.stringify(checked.checks)).toBe(true)
      await page.screenshot({ path: join(SHOTS, 'cv-screen.png'), fullPage: true })

      // printed: no header, no buttons, one A4 page
      await page.emulateMedia({ media: 'print' })
      expect(await page.locator('.site-header').isVisible()).toBe(false)
      expect(await page.getByRole('button', { name: 'Imprimer ou enregistrer en PDF' }).isVisible()).toBe(
        false
      )
      expect(await qr.isVisible()).toBe(true)
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })
      writeFileSync(join(SHOTS, 'cv.pdf'), pdf)
      expect(pdfPages(pdf)).toBe(1)
      await page.emulateMedia({ media: 'screen' })

      // the CV is in the ledger; reloading the page shows the same CV and signs nothing more
      const before = ((await call('/api/shares')).shares as unknown[]).length
      await page.reload()
      await qr.waitFor()
      expect(await sheet.locator('footer code').textContent()).toBe(printed)
      expect(((await call('/api/shares')).shares as unknown[]).length).toBe(before)

      // in English
      await page.getByRole('combobox', { name: 'Langue' }).first().selectOption('en')
      await page.getByRole('button', { name: 'Print or save as PDF' }).waitFor()
      expect(await page.getByRole('article', { name: 'CV of Émilie Laurent' }).textContent()).toContain(
        'self-declared'
      )
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('zooms the time-line on the profile, then shows everything again', async () => {
    const { context, page } = await open(1280)
    try {
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Profils' })
        .click()
      await page.getByRole('link', { name: 'Voir « Candidature graphiste » sur la time-line' }).click()
      await page.waitForURL(/\/timeline\?composition=/)
      await page.getByText(/^Zoom sur le profil «\s*Candidature graphiste\s*»/).waitFor()
      const entry = (title: string) => page.getByRole('article', { name: title })
      await entry('Graphiste junior').waitFor()
      expect(await entry('Affiches du festival').count()).toBe(1)
      expect(await entry('Stage secret').count()).toBe(0)
      expect(await entry('Repair café du quartier').count()).toBe(0)
      expect(await page.getByText(/^Compétences du profil \(sans date\)\s*:\s*Typographie$/).count()).toBe(1)
      // the blurred one as the other side sees it: its years, no organisation
      const blurred = (await entry('Affiches du festival').textContent()) ?? ''
      expect(blurred).toContain('flouté')
      expect(blurred).toContain('2023')
      expect(blurred).not.toContain('Les Ondes Vertes')
      expect(blurred).not.toMatch(/mars|juillet/)
      expect(await entry('Graphiste junior').textContent()).toContain('Atelier Contrepoint')
      expect(await page.getByLabel('Zoom sur un profil').inputValue()).toBe(compositionId)
      await page.screenshot({ path: join(SHOTS, 'timeline-zoom.png'), fullPage: true })

      await page.getByRole('button', { name: 'Tout revoir' }).click()
      await entry('Stage secret').waitFor()
      expect(page.url()).not.toContain('composition=')
      expect(await entry('Repair café du quartier').count()).toBe(1)
      expect(await entry('Les Ondes Vertes').count()).toBe(0)
      // and with the select
      await page.getByLabel('Zoom sur un profil').selectOption({ label: 'Candidature graphiste' })
      await page.waitForURL(/composition=/)
      await expect.poll(() => entry('Stage secret').count()).toBe(0)
    } finally {
      await context.close()
    }
  })

  it('withdraws a share from the Pilote, after saying what that does', async () => {
    const { context, page } = await open(1280)
    try {
      // a CV signed in this tab, for no one in particular
      await page.goto(`${node!.url}/cv?id=${compositionId}`)
      await page.getByRole('button', { name: 'Signer et préparer le CV' }).click()
      await page.getByRole('img', { name: /^QR code : / }).waitFor({ timeout: 30_000 })

      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Pilote' })
        .click()
      const ledger = page.getByRole('region', { name: 'Qui détient quoi sur moi' })
      const row = ledger.getByRole('listitem', { name: 'Agence Verte' })
      await row.waitFor()
      const withdraw = row.getByRole('button', { name: /^Retirer le partage à Agence Verte du / })
      await withdraw.click()
      const dialog = page.getByRole('dialog', { name: 'Retirer ce partage ?' })
      expect(await dialog.textContent()).toContain('apparaîtront comme révoquées à quiconque les vérifie')
      expect(await dialog.textContent()).toContain('Les attestations de vos pairs')
      // cancel changes nothing; confirm withdraws
      await dialog.getByRole('button', { name: 'Annuler' }).click()
      expect(await row.getByText(/^Retiré le/).count()).toBe(0)
      await withdraw.click()
      await dialog.getByRole('button', { name: 'Retirer le partage' }).click()
      await row.getByText(/^Retiré le/).waitFor()
      expect(await row.getByRole('button', { name: /^Retirer/ }).count()).toBe(0)
      const shares = (await call('/api/shares')).shares as {
        data: { to: { name?: string }; domain?: string; revokedAt?: string }
      }[]
      expect(shares.find((s) => s.data.to.name === 'Agence Verte')?.data.revokedAt).toBeTypeOf('string')
      await page.screenshot({ path: join(SHOTS, 'ledger-withdrawn.png'), fullPage: true })

      // the CV without a name reads "CV imprimé"; withdrawn, this tab no longer shows it signed
      const printed = ledger.getByRole('listitem', { name: 'CV imprimé' })
      await printed.getByRole('button', { name: /^Retirer le partage à CV imprimé/ }).click()
      await dialog.getByRole('button', { name: 'Retirer le partage' }).click()
      await printed.getByText(/^Retiré le/).waitFor()
      await page.goto(`${node!.url}/cv?id=${compositionId}`)
      await page.getByRole('button', { name: 'Signer et préparer le CV' }).waitFor()
    } finally {
      await context.close()
    }
  })

  it('composes on a phone: no horizontal scroll, visibility by thumb and keyboard, preview below', async () => {
    const { context, page } = await open(375)
    try {
      // at phone width the links fold under the header's menu button
      await page.getByRole('banner').getByRole('button', { name: 'Menu' }).click()
      await page.getByRole('link', { name: 'Profils' }).click()
      await page.getByRole('heading', { name: 'Candidature graphiste' }).waitFor()
      expect(await noOverflow(page)).toBeLessThanOrEqual(0)
      await page.getByRole('button', { name: 'Composer « Candidature graphiste »' }).click()
      const composer = page.getByRole('region', { name: 'Composer : Candidature graphiste' })
      const group = composer.getByRole('group', { name: 'Visibilité de « Graphiste junior »' })
      // each choice is at least 44 px high and spans a third of the card
      const box = await group.getByText('Flouter').boundingBox()
      expect(box!.height).toBeGreaterThanOrEqual(43)
      expect(box!.width).toBeGreaterThan(80)
      // the keyboard moves between show, blur and hide
      await group.getByLabel('Montrer').focus()
      await page.keyboard.press('ArrowRight')
      expect(await group.getByLabel('Flouter').isChecked()).toBe(true)
      // unsaved: the save button stays on screen
      const save = composer.getByRole('button', { name: 'Enregistrer' })
      expect(await save.isVisible()).toBe(true)
      await page.keyboard.press('ArrowLeft')
      expect(await group.getByLabel('Montrer').isChecked()).toBe(true)
      // the preview is below, on the page
      await composer.getByRole('button', { name: 'Aperçu', exact: true }).click()
      const preview = composer.getByRole('region', { name: 'Aperçu : Candidature graphiste' })
      await preview.getByText('Déclaré par vous').waitFor()
      expect(await preview.getByText('Stage secret').count()).toBe(0)
      expect(await noOverflow(page)).toBeLessThanOrEqual(0)
      await page.screenshot({ path: join(SHOTS, 'composer-375.png'), fullPage: true })
      // the CV page too
      await page.goto(`${node!.url}/cv?id=${compositionId}`)
      await page.getByRole('button', { name: 'Signer et préparer le CV' }).waitFor()
      expect(await noOverflow(page)).toBeLessThanOrEqual(0)
    } finally {
      await context.close()
    }
  })
})

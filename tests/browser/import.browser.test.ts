/**
 * One real node, one browser: Émilie imports her LinkedIn export (the fixture folder's quirks — notes before
 * the Connections header, quoted newlines, accents, "Jan 2021" dates — plus 1,500 connections), sees the
 * preview with a merge suggestion for a job she already had and the testimonies marked unverified, follows
 * the progress bar to the end, and finds the items in Identités with their source, listed in "Vos sources".
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { badge, vcJwt } from '../fixtures/import/credentials.ts'
import { PNG, photoWithExif } from '../fixtures/import/images.ts'
import { ROOT, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { callApi, ensureApp, launchChromium, openApp, startPerson } from './harness.ts'

const SHOTS = join(ROOT, 'test-results')
const FIXTURES = join(ROOT, 'tests/fixtures/import/linkedin')
const CONNECTIONS = 1500

let browser: Browser | undefined
let node: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined
let existingJob = ''

const call = (path: string, body?: unknown) => callApi(node!, path, body)

/** The fixture export, its Connections.csv grown to 1,500 people (after LinkedIn's notes lines). */
function linkedInExport(): Buffer {
  const files: Record<string, Uint8Array> = {}
  for (const name of readdirSync(FIXTURES)) files[name] = readFileSync(join(FIXTURES, name))
  const original = readFileSync(join(FIXTURES, 'Connections.csv'), 'utf8')
  const lines = [original.trimEnd()]
  for (let i = 0; i < CONNECTIONS; i++) {
    lines.push(`Prénom${i},Nom-${i},,,Société ${i % 97},Chargée de projet,${(i % 28) + 1} Mar 2019`)
  }
  files['Connections.csv'] = strToU8(lines.join('\n') + '\n')
  return Buffer.from(zipSync(files, { level: 6 }))
}

const open = () => openApp(browser!, node!)

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-import-ui-')
  cleanup = tmp.cleanup
  node = await startPerson(tmp.dir, 'emilie', 'Émilie Laurent')
  // the first position of the export, already in the vault without its place and description
  const job = await call('/api/records', {
    type: 'experience',
    data: {
      kind: 'job',
      title: 'Designer produit senior',
      organisation: 'Atelier Lumière',
      start: '2021-01',
      ongoing: true,
      sphere: 'pro'
    }
  })
  existingJob = job.id as string
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await node?.stop()
  await cleanup?.()
})

describe('importing a LinkedIn export through the UI', () => {
  it('previews, suggests a merge, shows the progress bar to the end, and keeps the source', async () => {
    const page = await open()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${node!.url}/import`)
    await page.getByRole('heading', { name: 'Importer vos données' }).waitFor()
    await page.getByRole('radio', { name: /Votre export LinkedIn/ }).check()
    await page.getByLabel(/Fichier à importer/).setInputFiles({
      name: 'Basic_LinkedInDataExport_11-23-2026.zip',
      mimeType: 'application/zip',
      buffer: linkedInExport()
    })
    const summary = page.getByRole('heading', { name: /Basic_LinkedInDataExport_11-23-2026\.zip/ })
    await summary.waitFor({ timeout: 30_000 })
    const found = Number(/(\d+) élément/.exec((await summary.textContent()) ?? '')?.[1])
    expect(found).toBeGreaterThan(CONNECTIONS)

    // the job she already had: completed rather than copied
    const dups = page.getByRole('group', { name: /Déjà dans votre coffre/ })
    const choice = dups.getByRole('combobox', { name: /Designer produit senior/ })
    await expect.poll(() => choice.inputValue()).toBe('merge')
    expect(await choice.locator('option:checked').textContent()).toMatch(/Compléter l’existant \(ajoute/)
    // LinkedIn's recommendations and endorsements: kept, but marked as unverified testimonies
    expect(await page.getByText('Témoignage non vérifié').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(SHOTS, 'import-preview.png'), fullPage: false })

    // the progress bar: watched from the page, every value it shows until the end
    await page.evaluate(() => {
      const seen: Array<[number, number]> = []
      ;(window as unknown as { __progress: typeof seen }).__progress = seen
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('#import-progress')
        if (bar) seen.push([bar.value, bar.max])
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })
    await page.getByRole('button', { name: /^Importer \d+ élément\(s\), en compléter 1$/ }).click()
    await page.getByText('Import terminé').waitFor({ timeout: 60_000 })
    const bar = page.locator('#import-progress')
    expect(await bar.isVisible()).toBe(true)
    const [value, max] = await bar.evaluate((b: HTMLProgressElement) => [b.value, b.max])
    expect(max).toBeGreaterThan(CONNECTIONS)
    expect(value).toBe(max)
    const seen = await page.evaluate(
      () => (window as unknown as { __progress: Array<[number, number]> }).__progress
    )
    expect(seen.length, 'the progress bar was shown while importing').toBeGreaterThan(1)
    expect(
      seen.some(([v, m]) => v > 0 && v < m),
      'a value between the start and the end'
    ).toBe(true)
    await page.getByText(/élément\(s\) importé\(s\), 1 élément\(s\) existant\(s\) complété\(s\)/).waitFor()

    // in the vault: every item with its source, the old job completed, no second copy of it
    const records = (await call('/api/records')).records as Array<{
      id: string
      type: string
      source: { kind: string; name?: string }
      data: Record<string, unknown>
    }>
    const imported = records.filter((r) => r.source.kind === 'import' && r.source.name === 'LinkedIn')
    expect(imported.length).toBe(max - 1)
    const jobs = records.filter((r) => r.data.title === 'Designer produit senior')
    expect(jobs.map((r) => r.id)).toEqual([existingJob])
    expect(jobs[0]!.data.description).toMatch(/Refonte de l’app mobile|Refonte de l'app mobile/)

    // Identités: the items show their source, and "Vos sources" lists the import
    await page.getByRole('link', { name: 'Voir Identités' }).click()
    const sources = page.getByRole('region', { name: 'Vos sources' })
    await sources.waitFor()
    const line = sources.getByRole('listitem').filter({ hasText: 'Import LinkedIn' })
    await expect.poll(() => line.textContent()).toContain(`${imported.length} élément(s)`)
    expect(await line.getByRole('link', { name: 'Importer à nouveau' }).getAttribute('href')).toContain(
      'format=linkedin'
    )
    const contacts = page.getByRole('region', { name: 'Contacts' })
    expect(await contacts.getByText(/Import LinkedIn/).count()).toBeGreaterThan(CONNECTIONS - 1)
    await sources.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'import-sources.png'), fullPage: false })

    // Karim, who recommended her on LinkedIn, is now a contact on Musette: his testimony becomes a request
    await call('/api/records', {
      type: 'contact',
      data: { name: 'Karim Benali', did: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH' }
    })
    await page.reload()
    const testimony = page
      .getByRole('region', { name: 'On going' })
      .locator('article, li')
      .filter({ hasText: 'Recommendation from Karim Benali' })
      .first()
    await testimony.getByRole('button', { name: /Demander une attestation/ }).click()
    const dialog = page.getByRole('dialog', { name: 'Demander une attestation' })
    await expect
      .poll(() => dialog.getByLabel('Contact').locator('option:checked').textContent())
      .toMatch(/Karim Benali/)
    expect(await dialog.getByRole('textbox').last().inputValue()).toContain('transformé notre façon')
    expect(errors).toEqual([])
  })

  it('imports photos with their EXIF date and place, leaving a bad file out by name', async () => {
    const page = await open()
    await page.goto(`${node!.url}/import?format=images`)
    await page.getByRole('radio', { name: /Des photos/ }).waitFor()
    expect(await page.getByRole('radio', { name: /Des photos/ }).isChecked()).toBe(true)
    await page.getByLabel(/Fichier à importer/).setInputFiles([
      { name: 'IMG_2041.JPG', mimeType: 'image/jpeg', buffer: photoWithExif() },
      { name: 'pixel.png', mimeType: 'image/png', buffer: PNG },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('pas une image') }
    ])
    await page.getByRole('heading', { name: /3 images : 2 élément\(s\) trouvé\(s\)/ }).waitFor()
    await page.getByText(/notes\.jpg laissé de côté/).waitFor()
    await page.getByText('IMG_2041.JPG · 2019-06-14 · 47.21817, -1.55400').waitFor()
    await page.getByRole('button', { name: 'Importer 2 élément(s)' }).click()
    await page.getByText('Import terminé').waitFor()
    const media = (await call('/api/records?type=media')).records as Array<{
      source: { name?: string }
      data: Record<string, unknown>
    }>
    expect(media.find((m) => m.data.name === 'IMG_2041.JPG')).toMatchObject({
      source: { name: 'Images' },
      data: { date: '2019-06-14', place: '47.21817, -1.55400' }
    })
  })

  it('imports an Open Badge with its verdict, and shows it among the imported credentials', async () => {
    const page = await open()
    await page.goto(`${node!.url}/import?format=credentials`)
    const web = await vcJwt('Master Design', 'did:web:univ-nantes.fr')
    const file = JSON.stringify([await badge('Animation d’ateliers'), web])
    await page.getByLabel(/Fichier à importer/).setInputFiles({
      name: 'badges.json',
      mimeType: 'application/json',
      buffer: Buffer.from(file)
    })
    const group = page.getByRole('group', { name: /Badges et attestations \(2\)/ })
    await group.waitFor()
    await group.getByText('signature vérifiée').waitFor()
    await group.getByText('non vérifiable ici').waitFor()
    await group
      .getByText(/did:web:univ-nantes\.fr/)
      .first()
      .waitFor()
    await page.getByRole('button', { name: 'Importer 2 élément(s)' }).click()
    await page.getByText('Import terminé').waitFor()
    await page.goto(`${node!.url}/attestations`)
    const imported = page.getByRole('region', { name: 'Badges et attestations importés' })
    const card = imported.getByRole('article', { name: 'Animation d’ateliers' })
    await card.getByText('signature vérifiée').waitFor()
    expect(await card.textContent()).toContain('La Fabrique du Quartier')
    await imported.getByRole('article', { name: 'Master Design' }).getByText('non vérifiable ici').waitFor()
  })
})

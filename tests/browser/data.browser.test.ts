/**
 * Two real nodes, one browser: in the Pilote, Émilie sees what her vault holds by kind and by source, erases
 * the contacts a vCard import brought, downloads an encrypted backup; on a second, empty node she restores
 * it from the first-start screen (a wrong passphrase refused, nothing changed; then the right one: the same
 * identity and records); back on the first node she erases everything and is back at the first start.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startHome, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { callApi, ensureApp, launchChromium, openApp, startPerson } from './harness.ts'

const PASS = 'la phrase de emilie pour le test'
const VCARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Karim Benali',
  'EMAIL:karim@ecume.fr',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Zoé Lefèvre',
  'ORG:Freelance',
  'END:VCARD',
  ''
].join('\r\n')

let browser: Browser | undefined
let emilie: StartedNode | undefined
let fresh: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined
let dir = ''
let did = ''
let backupFile = ''

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-data-ui-')
  cleanup = tmp.cleanup
  dir = tmp.dir
  emilie = await startPerson(dir, 'emilie', 'Émilie Laurent')
  fresh = await startHome(join(dir, 'fresh'))
  did = ((await callApi(emilie, '/api/session')) as { did: string }).did
  await callApi(emilie, '/api/records', {
    type: 'experience',
    data: {
      kind: 'job',
      title: 'Graphiste',
      organisation: 'Atelier Contrepoint',
      start: '2021',
      sphere: 'pro'
    }
  })
  // two contacts from an address book, through the importer
  const res = await fetch(`${emilie.url}/api/import/vcard/preview?name=contacts.vcf`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emilie.token}`, 'content-type': 'application/octet-stream' },
    body: VCARD
  })
  const preview = (await res.json()) as { token: string; items: Array<{ key: string }> }
  await callApi(emilie, '/api/import/vcard', { token: preview.token, keys: preview.items.map((i) => i.key) })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await emilie?.stop()
  await fresh?.stop()
  await cleanup?.()
})

describe('backup, restore, holdings and erasure through the UI', () => {
  it('shows holdings, erases a source, downloads a backup', async () => {
    const page = await openApp(browser!, emilie!)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${emilie!.url}/pilote#holdings`)
    const holdings = page.getByRole('region', { name: 'Ce que je détiens' })
    const vcard = holdings.getByRole('listitem').filter({ hasText: 'Import vCard' })
    await vcard.waitFor()
    expect(await vcard.textContent()).toContain('Contact 2')
    await holdings.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ROOT, 'test-results', 'data-holdings.png') })

    await vcard.getByRole('button', { name: /Effacer ces 2 élément/ }).click()
    const dialog = page.getByRole('dialog', { name: 'Effacer une source' })
    await dialog.getByText('C’est définitif').waitFor()
    await dialog.getByRole('button', { name: /Effacer ces 2 élément/ }).click()
    await holdings.getByText('2 élément(s) de « Import vCard » effacé(s).').waitFor()
    await expect.poll(() => vcard.count()).toBe(0)
    const contacts = (await callApi(emilie!, '/api/records?type=contact')).records as unknown[]
    expect(contacts).toEqual([])

    const backup = page.getByRole('region', { name: 'Sauvegarde' })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      backup.getByRole('button', { name: 'Télécharger une sauvegarde' }).click()
    ])
    expect(download.suggestedFilename()).toMatch(/^musette-backup-\d{4}-\d{2}-\d{2}\.car$/)
    backupFile = join(dir, download.suggestedFilename())
    await download.saveAs(backupFile)
    expect((await readFile(backupFile)).byteLength).toBeGreaterThan(1000)
    await backup.getByText(/téléchargé\./).waitFor()
    expect(errors).toEqual([])
  })

  it('restores the backup on an empty node from the first-start screen', async () => {
    // an empty node: the first-start screen, no navigation yet
    const page = await (await browser!.newContext({ locale: 'fr-FR' })).newPage()
    await page.goto(`${fresh!.url}/#token=${fresh!.token}`)
    const restore = page.getByRole('form', { name: 'Restaurer une sauvegarde' })
    await restore.waitFor()
    await restore.getByLabel('Archive de sauvegarde').setInputFiles(backupFile)
    await restore.getByLabel('Phrase secrète de cette sauvegarde').fill('pas la bonne phrase')
    await restore.getByRole('button', { name: 'Restaurer' }).click()
    await restore.getByRole('alert').filter({ hasText: 'Ce n’est pas la phrase secrète' }).waitFor()
    await page.screenshot({ path: join(ROOT, 'test-results', 'data-restore.png'), fullPage: true })
    expect(((await callApi(fresh!, '/api/session')) as { initialized: boolean }).initialized).toBe(false)

    await restore.getByLabel('Phrase secrète de cette sauvegarde').fill(PASS)
    await restore.getByRole('button', { name: 'Restaurer' }).click()
    await page.getByRole('heading', { name: 'Identités', level: 1 }).waitFor({ timeout: 30_000 })
    await page.getByText('Graphiste').first().waitFor()
    expect(((await callApi(fresh!, '/api/session')) as { did: string }).did).toBe(did)
  })

  it('erases everything, back to the first start', async () => {
    const page = await openApp(browser!, emilie!)
    await page.goto(`${emilie!.url}/pilote`)
    const erase = page.getByRole('region', { name: 'Tout effacer' })
    await erase.getByRole('button', { name: 'Tout effacer…' }).click()
    await erase.getByLabel('Votre phrase secrète').fill(PASS)
    const submit = erase.getByRole('button', { name: 'Effacer définitivement' })
    expect(await submit.isDisabled()).toBe(true)
    await erase.getByLabel('Tapez SUPPRIMER pour confirmer').fill('SUPPRIMER')
    await submit.click()
    await page.getByRole('form', { name: 'Restaurer une sauvegarde' }).waitFor({ timeout: 30_000 })
    expect(((await callApi(emilie!, '/api/session')) as { initialized: boolean }).initialized).toBe(false)
  })
})

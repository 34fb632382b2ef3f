/**
 * Social key recovery in the UI, across five real nodes: in her Pilote, Émilie chooses Karim, Sophie and
 * Inès and a threshold of 2 and sees each share reach them; she backs up. On a fresh node, passphrase lost,
 * she opens that backup from the first-start screen and gets a request link; Karim reads it in his Pilote,
 * confirms it is her and gives his share; Sophie gives hers; the fresh node shows the progress, asks for a new
 * passphrase and opens Émilie's vault — same DID, same items. In English and at phone width too.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startHome, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { callApi, ensureApp, launchChromium, openApp, startPerson } from './harness.ts'

let browser: Browser | undefined
let emilie: StartedNode | undefined
const keepers: StartedNode[] = []
let fresh: StartedNode | undefined
let fresh2: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined
let dir = ''
let did = ''
let backupFile = ''
const NAMES = ['Karim Benali', 'Sophie Martin', 'Inès Haddad'] as const

/** A keeper gives their share through their node's API: the preview, then the share it showed. */
async function giveShare(keeper: StartedNode, request: string): Promise<void> {
  const preview = (await callApi(keeper, '/api/recovery/release/preview', { request })) as {
    share: { id: string }
  }
  await callApi(keeper, '/api/recovery/release', { request, shareId: preview.share.id, confirmed: true })
}

const shot = (what: Page | Locator, name: string) =>
  what.screenshot({
    path: join(ROOT, 'test-results', `recovery-${name}.png`),
    ...('goto' in what ? { fullPage: true } : {})
  })

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-recovery-ui-')
  cleanup = tmp.cleanup
  dir = tmp.dir
  const people = await Promise.all([
    startPerson(dir, 'emilie', 'Émilie Laurent'),
    ...NAMES.map((n, i) => startPerson(dir, `keeper${i}`, n)),
    startHome(join(dir, 'fresh')),
    startHome(join(dir, 'fresh2'))
  ])
  emilie = people[0]
  keepers.push(...people.slice(1, 4))
  fresh = people[4]
  fresh2 = people[5]
  did = ((await callApi(emilie!, '/api/session')) as { did: string }).did
  for (const k of keepers) {
    const inv = (await callApi(emilie!, '/api/invitations', {})) as { link: string }
    await callApi(k, '/api/invitations/accept', { invitation: inv.link })
  }
  await callApi(emilie!, '/api/records', {
    type: 'experience',
    data: { kind: 'mission', title: 'Affiche du festival', organisation: 'Ville de Lyon', sphere: 'pro' }
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.allSettled([emilie, ...keepers, fresh, fresh2].map((n) => n?.stop()))
  await cleanup?.()
})

describe('recovery through trusted contacts, in the UI', () => {
  it('Émilie sets up 2 of 3 in her Pilote and sees each share reach its keeper', async () => {
    const page = await openApp(browser!, emilie!)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${emilie!.url}/pilote#recovery`)
    const section = page.getByRole('region', { name: 'Récupération par vos proches' })
    await section.getByText('Pas encore en place').waitFor()
    await section.getByRole('button', { name: 'Mettre en place…' }).click()
    const people = section.getByRole('group', { name: /Personnes de confiance/ })
    for (const n of NAMES) await people.getByRole('checkbox', { name: n }).check()
    await section.getByText('3 choisie(s)').waitFor()
    await section.getByLabel('Combien de parts faut-il réunir ?').selectOption('2')
    await section.getByText('Il faudra 2 de ces 3 personnes pour rouvrir une sauvegarde.').waitFor()
    await shot(section, 'setup-form')
    await section.getByRole('button', { name: 'Mettre en place', exact: true }).click()
    await section.getByText('En place : 2 parts sur 3 suffisent.').waitFor()
    await expect.poll(() => section.getByText('part remise').count(), { timeout: 30_000 }).toBe(3)
    await section.scrollIntoViewIfNeeded()
    await shot(section, 'setup-done')
    expect(errors).toEqual([])

    const res = await fetch(`${emilie!.url}/api/backup`, {
      headers: { authorization: `Bearer ${emilie!.token}` }
    })
    backupFile = join(dir, 'emilie.car')
    await writeFile(backupFile, new Uint8Array(await res.arrayBuffer()))
  })

  it('passphrase lost: a fresh node asks, Karim confirms in his UI, Sophie too, and the vault reopens', async () => {
    const page = await (
      await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    ).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${fresh!.url}/#token=${fresh!.token}`)
    const card = page.getByRole('region', { name: 'Phrase secrète oubliée ?' })
    await card.getByRole('button', { name: 'Retrouver l’accès grâce à mes proches' }).click()
    await card.getByLabel('Votre sauvegarde').setInputFiles(backupFile)
    await card.getByRole('button', { name: 'Demander les parts' }).click()
    const linkBox = card.getByLabel('Lien de la demande', { exact: true })
    await linkBox.waitFor()
    const link = await linkBox.inputValue()
    expect(link).toMatch(/^musette:recover\?t=/)
    await card.getByText('0 part(s) reçue(s) sur 2').waitFor()
    await shot(page, 'request')

    // Karim, in his Pilote: whose share, from which node; the button waits for his confirmation
    const karim = await openApp(browser!, keepers[0]!)
    karim.on('pageerror', (e) => errors.push(e.message))
    await karim.goto(`${keepers[0]!.url}/pilote#held-shares`)
    const held = karim.getByRole('region', { name: 'Parts gardées pour vos proches' })
    await held.getByText('Part confiée par Émilie Laurent').waitFor()
    await held.getByLabel('Lien de la demande').fill(link)
    await held.getByRole('button', { name: 'Lire la demande' }).click()
    await held.getByText(/Émilie Laurent demande sa part de secours/).waitFor()
    const give = held.getByRole('button', { name: 'Donner ma part' })
    expect(await give.isDisabled()).toBe(true)
    await held.getByRole('checkbox', { name: 'J’ai vérifié : c’est bien Émilie Laurent qui demande' }).check()
    await held.scrollIntoViewIfNeeded()
    await shot(held, 'release')
    await give.click()
    await held.getByText('Part remise : Émilie Laurent la voit arriver sur son nouveau nœud.').waitFor()
    await held.getByText(/donnée le/).waitFor()

    await card.getByText('1 part(s) reçue(s) sur 2').waitFor({ timeout: 10_000 })
    await card.getByText('Part reçue : Karim Benali').waitFor()
    // Sophie gives hers through her node's API
    await giveShare(keepers[1]!, link)
    await card
      .getByText('Assez de parts : choisissez votre nouvelle phrase secrète.')
      .waitFor({ timeout: 10_000 })
    await card.getByLabel('Nouvelle phrase secrète').fill('court')
    await card.getByLabel('Confirmez-la').fill('court')
    await card.getByRole('button', { name: 'Rouvrir mon coffre' }).click()
    await card.getByText('La phrase secrète doit compter au moins 10 caractères.').waitFor()
    await card.getByLabel('Nouvelle phrase secrète').fill('ma nouvelle phrase de secours')
    await card.getByLabel('Confirmez-la').fill('ma nouvelle phrase de secours')
    await shot(page, 'ready')
    await card.getByRole('button', { name: 'Rouvrir mon coffre' }).click()
    await page.getByRole('heading', { name: 'Identités', level: 1 }).waitFor({ timeout: 30_000 })
    await page.getByText('Affiche du festival').first().waitFor()
    expect(((await callApi(fresh!, '/api/session')) as { did: string }).did).toBe(did)
    expect(errors).toEqual([])
  })

  it('on her own machine, locked out: from the unlock screen, without a backup', async () => {
    await callApi(emilie!, '/api/lock', {})
    const page = await (
      await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
    ).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${emilie!.url}/#token=${emilie!.token}`)
    const card = page.getByRole('region', { name: 'Phrase secrète oubliée ?' })
    await card.getByText('ils peuvent ensemble vous rendre l’accès à ce coffre').waitFor()
    await card.getByRole('button', { name: 'Retrouver l’accès grâce à mes proches' }).click()
    const link = await card.getByLabel('Lien de la demande', { exact: true }).inputValue()
    // the passphrase form steps aside while the recovery is under way
    expect(await page.getByLabel('Phrase secrète', { exact: true }).count()).toBe(0)
    for (const k of [keepers[0]!, keepers[2]!]) await giveShare(k, link)
    await card.getByText('2 part(s) reçue(s) sur 2').waitFor({ timeout: 10_000 })
    await card.getByLabel('Nouvelle phrase secrète').fill('retrouvée grâce à Karim et Inès')
    await card.getByLabel('Confirmez-la').fill('retrouvée grâce à Karim et Inès')
    await shot(page, 'local-ready')
    await card.getByRole('button', { name: 'Rouvrir mon coffre' }).click()
    await page.getByRole('heading', { name: 'Identités', level: 1 }).waitFor({ timeout: 30_000 })
    expect(errors).toEqual([])
  })

  it('reads well in English at phone width; a backup without a set says why', async () => {
    const page = await (
      await browser!.newContext({ locale: 'en-GB', viewport: { width: 375, height: 800 } })
    ).newPage()
    await page.goto(`${fresh2!.url}/#token=${fresh2!.token}`)
    const card = page.getByRole('region', { name: 'Forgot your passphrase?' })
    await card.getByRole('button', { name: 'Get access back with my contacts' }).click()
    await card.getByLabel('Your backup').setInputFiles(backupFile)
    await card.getByRole('button', { name: 'Ask for the shares' }).click()
    await card.getByText('0 share(s) received of 2').waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(375)
    await shot(page, 'request-en-375')
    await card.getByRole('button', { name: 'Give up' }).click()
    // back to the first start, every way in offered again
    await page.getByRole('form', { name: 'Restore a backup' }).waitFor()
    await card.getByRole('button', { name: 'Get access back with my contacts' }).click()
    // a backup made before any set
    const emptyBackup = join(dir, 'fresh-before.car')
    const res = await fetch(`${keepers[2]!.url}/api/backup`, {
      headers: { authorization: `Bearer ${keepers[2]!.token}` }
    })
    await writeFile(emptyBackup, new Uint8Array(await res.arrayBuffer()))
    await card.getByLabel('Your backup').setInputFiles(emptyBackup)
    await card.getByRole('button', { name: 'Ask for the shares' }).click()
    await card.getByRole('alert').filter({ hasText: 'made before recovery through your contacts' }).waitFor()
  })
})

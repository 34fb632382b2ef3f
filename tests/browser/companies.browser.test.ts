/**
 * Three real nodes, three browsers: Émilie creates a project company in her UI and copies its link; Karim
 * joins it from his UI with that link and publishes a project under his pseudonym with his role hidden
 * (started from one of his experiences); Émilie finds it by searching, without the hidden role and without
 * Karim's name, and sees it among "projects like mine"; she asks its author to connect, and Karim accepts in
 * his Requests; an organisation's node labels the project from its UI, and the label shows verified on
 * both sides. Muting hides the author until unmuted. Screenshots at desktop width and at 375 px.
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { ensureApp, launchChromium, startPerson } from './harness.ts'

const SHOTS = join(ROOT, 'test-results')
const COMPANY = 'Compagnie des repair cafés'
const PROJECT = 'Radio-réveil ressuscité'
const HIDDEN_ROLE = 'Réparateur en chef, très discret'
const ORGA = 'Réseau des repair cafés'

let browser: Browser | undefined
let emilie: StartedNode | undefined
let karim: StartedNode | undefined
let orga: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined
let companyId = ''

async function seed(node: StartedNode, type: string, data: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${node.url}/api/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, data })
  })
  expect(res.status).toBe(201)
}

async function open(
  node: StartedNode,
  opts: { width?: number; locale?: string } = {}
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({
    locale: opts.locale ?? 'fr-FR',
    viewport: { width: opts.width ?? 1280, height: 900 }
  })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: node.url })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(`${node.url}/#token=${node.token}`)
  await page.getByRole('banner').getByRole('link', { name: 'Musette' }).waitFor()
  return { context, page, errors }
}

/** The "Projets" entry: in the header's menu at phone width, in the header itself otherwise. */
async function goToProjects(page: Page, name = 'Projets'): Promise<void> {
  const menu = page.getByRole('banner').getByRole('button', { name: 'Menu' })
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click()
  await page
    .getByRole('navigation', { name: /^(Navigation principale|Main navigation)$/ })
    .getByRole('link', { name })
    .click()
}

const noOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-companies-ui-')
  cleanup = tmp.cleanup
  ;[emilie, karim, orga] = await Promise.all([
    startPerson(tmp.dir, 'emilie', 'Émilie Laurent'),
    startPerson(tmp.dir, 'karim', 'Karim Benali'),
    startPerson(tmp.dir, 'orga', ORGA)
  ])
  // Karim's experience, to start his project from; Émilie's skill, for "projects like mine"
  await seed(karim!, 'experience', {
    kind: 'volunteering',
    title: PROJECT,
    sphere: 'associative',
    start: '2022-03',
    end: '2023-06',
    description: 'Un atelier mensuel pour réparer les radios anciennes du quartier.',
    skills: ['Électronique', 'Soudure']
  })
  await seed(emilie!, 'skill', { name: 'Électronique' })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.allSettled([emilie?.stop(), karim?.stop(), orga?.stop()])
  await cleanup?.()
})

describe('project companies across three nodes, in the UI', () => {
  it('create and share, join, publish under a pseudonym, find, connect, label, mute', async () => {
    const e = await open(emilie!)
    const k = await open(karim!)
    const o = await open(orga!)
    try {
      // 1. Émilie creates an open company; its link and QR code come up at once
      await goToProjects(e.page)
      await e.page.getByRole('heading', { level: 1, name: 'Compagnie des projets' }).waitFor()
      await e.page.getByRole('button', { name: 'Créer une compagnie' }).click()
      const create = e.page.getByRole('dialog', { name: 'Créer une compagnie' })
      // invite-only is explained: the creator approves, and knows who is behind a pseudonym
      await create.getByText('Vous acceptez chaque personne qui demande à entrer', { exact: false }).waitFor()
      await create.getByLabel('Nom').fill(COMPANY)
      await create.getByLabel('Description').fill('Réparer ensemble, partager nos ateliers.')
      await create.getByLabel('Mots-clés').fill('réparation, électronique')
      await create.getByLabel('ouverte').check()
      await create.getByRole('button', { name: 'Créer', exact: true }).click()
      const share = e.page.getByRole('dialog', { name: `Partager « ${COMPANY} »` })
      await share.getByRole('img', { name: 'QR code du lien de la compagnie' }).waitFor({ timeout: 20_000 })
      const link = await share.getByRole('textbox', { name: 'Lien de la compagnie' }).inputValue()
      expect(link).toMatch(/^musette:company\?c=/)
      await share.getByRole('button', { name: 'Copier le lien de la compagnie' }).click()
      await share.getByRole('button', { name: 'Copier le lien de la compagnie' }).getByText('Copié').waitFor()
      const copied = await e.page.evaluate(() => navigator.clipboard.readText())
      expect(copied).toBe(link)
      await e.page.screenshot({ path: join(SHOTS, 'companies-share-fr.png') })
      await e.page.keyboard.press('Escape')
      const card = e.page.getByRole('article', { name: COMPANY })
      await card.getByText('Accès : ouverte').waitFor()
      await card.getByText('créée par vous', { exact: true }).waitFor()

      // 2. Karim joins from his UI with the pasted link…
      await goToProjects(k.page)
      await k.page.getByRole('button', { name: 'Rejoindre avec un lien' }).click()
      const join_ = k.page.getByRole('dialog', { name: 'Rejoindre une compagnie' })
      await join_.getByLabel('Lien de la compagnie').fill('musette:company?c=pas-un-lien')
      await join_.getByRole('button', { name: 'Rejoindre' }).click()
      await join_.getByText('Ce n’est pas un lien de compagnie valide.').waitFor({ timeout: 20_000 })
      await join_.getByLabel('Lien de la compagnie').fill(copied)
      await join_.getByRole('button', { name: 'Rejoindre' }).click()
      await k.page.getByRole('heading', { level: 1, name: COMPANY }).waitFor({ timeout: 30_000 })
      companyId = new URL(k.page.url()).searchParams.get('c') ?? ''
      expect(companyId).toMatch(/^c[a-z2-7]{52}$/)
      await k.page.getByText('Créée par Émilie Laurent', { exact: false }).waitFor()

      // …and publishes a project from one of his experiences, under his pseudonym, his role hidden
      const tabsK = k.page.getByRole('navigation', { name: `Rubriques de « ${COMPANY} »` })
      await tabsK.getByRole('link', { name: 'Publier un projet' }).click()
      const form = k.page.getByRole('form', { name: 'Publier un projet' })
      await form.getByLabel('Partir d’une de mes expériences').selectOption({ index: 1 })
      expect(await form.getByLabel('Titre').inputValue()).toBe(PROJECT)
      expect(await form.getByLabel('Début').inputValue()).toBe('2022-03')
      expect(await form.getByLabel('Compétences', { exact: true }).inputValue()).toBe('Électronique, Soudure')
      await form.getByLabel('Rôle', { exact: true }).fill(HIDDEN_ROLE)
      await form.getByLabel('Résultats', { exact: true }).fill('Quarante radios rendues à leurs familles.')
      await form
        .getByRole('group', { name: 'Publier' })
        .getByRole('radio', { name: /^Sous mon pseudonyme/ })
        .check()
      const roleVis = form.getByRole('group', { name: 'Visibilité de « Rôle »' })
      await roleVis.getByLabel('masqué').check()
      await form.getByRole('group', { name: 'Visibilité de « Résultats »' }).getByLabel('nommé').check()
      // the live preview shows exactly what the others will see
      const preview = k.page.getByRole('region', { name: 'Ce que verront les membres' })
      await preview.getByText('Un atelier mensuel pour réparer', { exact: false }).waitFor()
      await preview.getByText(/^par Pseudonyme ·/).waitFor()
      expect(await preview.getByText(HIDDEN_ROLE).count()).toBe(0)
      expect(await preview.getByText('Karim Benali').count()).toBe(0)
      await preview.getByText('Gardé pour vous : Rôle.').waitFor()
      // under his name, the fields disclosed only under the pseudonym would not show
      await form
        .getByRole('group', { name: 'Publier' })
        .getByRole('radio', { name: /^Sous mon nom/ })
        .check()
      await preview.getByText('par Karim Benali').waitFor()
      expect(await preview.getByText('Un atelier mensuel pour réparer', { exact: false }).count()).toBe(0)
      await preview.getByText('Quarante radios', { exact: false }).waitFor()
      await form
        .getByRole('group', { name: 'Publier' })
        .getByRole('radio', { name: /^Sous mon pseudonyme/ })
        .check()
      await k.page.screenshot({ path: join(SHOTS, 'companies-publish-fr.png'), fullPage: true })
      await form.getByRole('button', { name: 'Publier', exact: true }).click()
      // his published projects, as the others see them
      await k.page
        .getByRole('heading', { level: 2, name: 'Mes projets publiés' })
        .waitFor({ timeout: 20_000 })
      const mineK = k.page.getByRole('article', { name: PROJECT })
      await mineK.getByText(/^par Pseudonyme ·/).waitFor()
      await k.page.getByText('Gardé pour vous : Rôle.').waitFor()

      // 3. Émilie finds it by searching, without the hidden role and without Karim's name
      await e.page.getByRole('article', { name: COMPANY }).getByRole('link', { name: 'Ouvrir' }).click()
      await e.page.getByRole('heading', { level: 1, name: COMPANY }).waitFor()
      const search = e.page.getByRole('search', { name: 'Rechercher parmi les projets' })
      await search.getByLabel('Texte').fill('lampe de chevet')
      await e.page.getByText('Aucun projet ne correspond à cette recherche.').waitFor({ timeout: 30_000 })
      await search.getByLabel('Texte').fill('radios anciennes')
      const all = e.page.getByRole('region', { name: 'Les projets de la compagnie' })
      const found = all.getByRole('article', { name: PROJECT })
      await found.waitFor({ timeout: 30_000 })
      await found.getByText('Un atelier mensuel pour réparer les radios anciennes du quartier.').waitFor()
      await found.getByText(/^par Pseudonyme ·/).waitFor()
      await found.getByText('Quarante radios rendues à leurs familles.').waitFor()
      expect(await e.page.getByText(HIDDEN_ROLE, { exact: false }).count()).toBe(0)
      expect(await e.page.getByText('Karim', { exact: false }).count()).toBe(0)
      expect(await found.getByText('Rôle', { exact: true }).count()).toBe(0)
      // a skill and a period narrow the search as well
      await search.getByLabel('Texte').fill('')
      await search.getByLabel('Compétence').fill('Soudure')
      await search.getByLabel('Jusqu’à').fill('2021')
      await e.page.getByText('Aucun projet ne correspond à cette recherche.').waitFor()
      await search.getByLabel('Jusqu’à').fill('2022')
      await found.waitFor()
      // "projects like mine": the shared skill says why
      const like = e.page.getByRole('complementary', { name: 'Projets comme les miens' })
      await like
        .getByRole('article', { name: PROJECT })
        .getByText('Compétences en commun : Électronique')
        .waitFor()

      // 4. Émilie asks the pseudonymous author to connect; Karim accepts from his Requests
      await found.getByRole('button', { name: 'Demander à se connecter' }).click()
      const ask = e.page.getByRole('dialog', { name: 'Demander à se connecter' })
      await ask.getByLabel('Message').fill('J’anime aussi un repair café : on échange ?')
      await ask.getByRole('button', { name: 'Envoyer la demande' }).click()
      await ask.waitFor({ state: 'hidden' })
      await found.getByText('Demande envoyée').waitFor()
      await tabsK.getByRole('link', { name: /^Demandes/ }).click()
      const request = k.page.getByRole('article', { name: 'Demande de Émilie Laurent' })
      await request.getByText('J’anime aussi un repair café : on échange ?').waitFor({ timeout: 30_000 })
      await request.getByText(`à propos de « ${PROJECT} »`).waitFor()
      await request.getByRole('button', { name: 'Accepter la demande de Émilie Laurent' }).click()
      await request.getByText('acceptée', { exact: true }).waitFor({ timeout: 20_000 })
      const tabsE = e.page.getByRole('navigation', { name: `Rubriques de « ${COMPANY} »` })
      await tabsE.getByRole('link', { name: /^Demandes/ }).click()
      const mine = e.page.getByRole('article', { name: `Ma demande pour « ${PROJECT} »` })
      await mine.getByText('Acceptée : vous êtes maintenant en contact.', { exact: false }).waitFor({
        timeout: 30_000
      })
      await tabsE.getByRole('link', { name: 'Projets', exact: true }).click()

      // 5. the organisation joins and labels the project from its UI
      await goToProjects(o.page)
      await o.page.getByRole('button', { name: 'Rejoindre avec un lien' }).click()
      const joinO = o.page.getByRole('dialog', { name: 'Rejoindre une compagnie' })
      await joinO.getByLabel('Lien de la compagnie').fill(link)
      await joinO.getByRole('button', { name: 'Rejoindre' }).click()
      await o.page.getByRole('heading', { level: 1, name: COMPANY }).waitFor({ timeout: 30_000 })
      const target = o.page
        .getByRole('region', { name: 'Les projets de la compagnie' })
        .getByRole('article', { name: PROJECT })
      await target.waitFor({ timeout: 30_000 })
      await target.getByRole('button', { name: 'Labelliser ce projet' }).click()
      const label = o.page.getByRole('dialog', { name: 'Labelliser ce projet' })
      await label.getByText(`un badge « Projet soutenu par ${ORGA} »`, { exact: false }).waitFor()
      await label.getByLabel('Commentaire').fill('Un atelier exemplaire, soutenu par le réseau.')
      await label.getByRole('button', { name: 'Signer et envoyer le label' }).click()
      await label.waitFor({ state: 'hidden', timeout: 20_000 })

      // 6. "Soutenu par …" shows verified, with its comment, at the author's and at Émilie's
      await tabsK.getByRole('link', { name: /^Mes projets publiés/ }).click()
      await mineK.getByText(`Soutenu par ${ORGA} ✓`).waitFor({ timeout: 30_000 })
      await mineK.getByText('Un atelier exemplaire, soutenu par le réseau.').waitFor()
      await found.getByText(`Soutenu par ${ORGA} ✓`).waitFor({ timeout: 30_000 })
      await found.getByText('Un atelier exemplaire, soutenu par le réseau.').waitFor()
      expect(await found.getByText('signature non vérifiée').count()).toBe(0)
      // the organisation sees it too, and no longer offers to label it again
      await target.getByText('Vous soutenez ce projet').waitFor({ timeout: 30_000 })
      await e.page.screenshot({ path: join(SHOTS, 'companies-browse-fr.png'), fullPage: true })
      await k.page.screenshot({ path: join(SHOTS, 'companies-mine-fr.png'), fullPage: true })

      // an edit publishes a new version: Émilie sees it, with the label kept
      await mineK.getByRole('link', { name: `Modifier « ${PROJECT} »` }).click()
      const edit = k.page.getByRole('form', { name: `Modifier « ${PROJECT} »` })
      expect(await edit.getByLabel('Rôle', { exact: true }).inputValue()).toBe(HIDDEN_ROLE)
      expect(
        await edit.getByRole('group', { name: 'Visibilité de « Rôle »' }).getByLabel('masqué').isChecked()
      ).toBe(true)
      await edit.getByLabel('Résultats', { exact: true }).fill('Cinquante radios rendues à leurs familles.')
      await edit.getByRole('button', { name: 'Publier la nouvelle version' }).click()
      await k.page.getByText(/· version 3$/).waitFor({ timeout: 20_000 })
      await found.getByText('Cinquante radios rendues à leurs familles.').waitFor({ timeout: 30_000 })
      await found.getByText(`Soutenu par ${ORGA} ✓`).waitFor()
      expect(await e.page.getByText(HIDDEN_ROLE, { exact: false }).count()).toBe(0)

      // 7. muting the author hides the project until it is shown again
      await found.getByRole('button', { name: 'Masquer cet auteur' }).click()
      const mute = e.page.getByRole('dialog', { name: /^Masquer Pseudonyme ·/ })
      await mute.getByRole('button', { name: 'Masquer', exact: true }).click()
      await found.waitFor({ state: 'detached', timeout: 20_000 })
      await e.page.getByRole('link', { name: 'Mes compagnies' }).click()
      const muted = e.page.getByRole('region', { name: 'Auteurs masqués' })
      await muted.getByRole('button', { name: /^Afficher à nouveau Pseudonyme ·/ }).click()
      await muted.getByText('Personne.').waitFor()
      await e.page.getByRole('article', { name: COMPANY }).getByText('1 projet').waitFor()

      for (const x of [e, k, o]) expect(x.errors).toEqual([])
    } catch (err) {
      // what each page showed when it failed
      for (const [who, x] of [
        ['emilie', e],
        ['karim', k],
        ['orga', o]
      ] as const)
        await x.page
          .screenshot({ path: join(SHOTS, `companies-failed-${who}.png`), fullPage: true })
          .catch(() => undefined)
      throw err
    } finally {
      await e.context.close()
      await k.context.close()
      await o.context.close()
    }
  })

  it('reads well at 375 px and in English', async () => {
    for (const [locale, width, tag] of [
      ['fr-FR', 375, 'fr-375'],
      ['en-GB', 375, 'en-375'],
      ['en-GB', 1280, 'en']
    ] as const) {
      const x = await open(karim!, { locale, width })
      try {
        const fr = locale === 'fr-FR'
        const banner = x.page.getByRole('banner')
        const nav = banner.getByRole('navigation', { name: fr ? 'Navigation principale' : 'Main navigation' })
        if (width < 500) {
          // the header is two rows: the links fold under a menu button, usable from the keyboard
          const box = await banner.boundingBox()
          expect(box!.height).toBeLessThan(110)
          expect(await nav.isVisible()).toBe(false)
          const menu = banner.getByRole('button', { name: 'Menu' })
          await menu.focus()
          await x.page.keyboard.press('Enter')
          expect(await menu.getAttribute('aria-expanded')).toBe('true')
          await nav.getByRole('link', { name: fr ? 'Profils' : 'Profiles' }).waitFor()
          await x.page.screenshot({ path: join(SHOTS, `companies-menu-${tag}.png`) })
          await x.page.keyboard.press('Escape')
          expect(await nav.isVisible()).toBe(false)
          expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true)
          await x.page.keyboard.press('Enter')
          await x.page.keyboard.press('Tab')
          expect(await x.page.evaluate(() => document.activeElement?.textContent)).toBe(
            fr ? 'Identités' : 'Identities'
          )
        } else {
          expect((await banner.boundingBox())!.height).toBeLessThan(70)
        }
        await goToProjects(x.page, fr ? 'Projets' : 'Projects')
        // the menu folds again once a link is followed
        if (width < 500) await nav.waitFor({ state: 'hidden' })
        await x.page
          .getByRole('heading', { level: 1, name: fr ? 'Compagnie des projets' : 'Project companies' })
          .waitFor()
        await x.page.getByRole('article', { name: COMPANY }).waitFor()
        expect(await noOverflow(x.page)).toBeLessThanOrEqual(0)
        await x.page.screenshot({ path: join(SHOTS, `companies-list-${tag}.png`), fullPage: true })
        await x.page.goto(`${karim!.url}/projets?c=${companyId}`)
        const card = x.page.getByRole('article', { name: PROJECT }).first()
        await card.getByText(fr ? `Soutenu par ${ORGA} ✓` : `Supported by ${ORGA} ✓`).waitFor()
        expect(await noOverflow(x.page)).toBeLessThanOrEqual(0)
        await x.page.screenshot({ path: join(SHOTS, `companies-browse-${tag}.png`), fullPage: true })
        // an idle page asks the node nothing (it refreshes on the node's events)
        let asked = 0
        const count = (r: { url(): string }) => void (r.url().includes('/api/companies/') && asked++)
        x.page.on('request', count)
        await x.page.waitForTimeout(1500)
        x.page.off('request', count)
        expect(asked).toBe(0)
        await x.page.goto(`${karim!.url}/projets?c=${companyId}&v=publish`)
        const form = x.page.getByRole('form', { name: fr ? 'Publier un projet' : 'Publish a project' })
        await form.getByLabel(fr ? 'Titre' : 'Title').fill('Atelier vélo')
        await form.getByLabel(fr ? 'Résumé' : 'Summary').fill('Des vélos remis en selle.')
        const vis = form.getByRole('group', {
          name: fr ? 'Visibilité de « Résumé »' : 'Visibility of “Summary”'
        })
        // each choice is big enough for a thumb, and the keyboard moves between them
        const box = await vis.getByText(fr ? 'masqué' : 'hidden').boundingBox()
        expect(box!.height).toBeGreaterThanOrEqual(width < 500 ? 43 : 20)
        await vis.getByLabel(fr ? 'sous pseudonyme' : 'under pseudonym').focus()
        await x.page.keyboard.press('ArrowRight')
        expect(await vis.getByLabel(fr ? 'masqué' : 'hidden').isChecked()).toBe(true)
        expect(await noOverflow(x.page)).toBeLessThanOrEqual(0)
        await x.page.screenshot({ path: join(SHOTS, `companies-publish-${tag}.png`), fullPage: true })
        await x.page.goto(`${karim!.url}/projets?c=${companyId}&v=requests`)
        await x.page
          .getByRole('heading', {
            level: 2,
            name: fr ? 'Demandes de mise en relation' : 'Requests to connect'
          })
          .waitFor()
        expect(await noOverflow(x.page)).toBeLessThanOrEqual(0)
        await x.page.screenshot({ path: join(SHOTS, `companies-requests-${tag}.png`), fullPage: true })
        expect(x.errors).toEqual([])
      } finally {
        await x.context.close()
      }
    }
  })

  it('invite-only: a stranger waits for the creator, who lets them in; a contact gets in at once', async () => {
    const e = await open(emilie!)
    const o = await open(orga!)
    const k = await open(karim!)
    const CIRCLE = 'Cercle des réparateurs'
    try {
      await goToProjects(e.page)
      await e.page.getByRole('button', { name: 'Créer une compagnie' }).click()
      const create = e.page.getByRole('dialog', { name: 'Créer une compagnie' })
      await create.getByLabel('Nom').fill(CIRCLE)
      await create.getByRole('radio', { name: /^sur invitation/ }).check()
      await create.getByRole('button', { name: 'Créer', exact: true }).click()
      const share = e.page.getByRole('dialog', { name: `Partager « ${CIRCLE} »` })
      await share.getByText('vos contacts entrent d’office', { exact: false }).waitFor({ timeout: 20_000 })
      const link = await share.getByRole('textbox', { name: 'Lien de la compagnie' }).inputValue()
      await e.page.keyboard.press('Escape')

      // the organisation is a stranger to Émilie: it waits
      await goToProjects(o.page)
      await o.page.getByRole('button', { name: 'Rejoindre avec un lien' }).click()
      const join_ = o.page.getByRole('dialog', { name: 'Rejoindre une compagnie' })
      await join_.getByLabel('Lien de la compagnie').fill(link)
      await join_.getByRole('button', { name: 'Rejoindre' }).click()
      const waiting = o.page.getByRole('article', { name: CIRCLE })
      await waiting.getByText('En attente de l’accord de Émilie Laurent.').waitFor({ timeout: 20_000 })

      // Émilie sees the request, with the pseudonym it will use, and lets it in
      const card = e.page.getByRole('article', { name: CIRCLE })
      await card.getByRole('link', { name: 'Demandes pour entrer en attente : 1' }).click({ timeout: 30_000 })
      const request = e.page.getByRole('article', { name: `Demande de ${ORGA}` })
      await request.getByText('Son pseudonyme ici : Pseudonyme ·', { exact: false }).waitFor()
      await request.getByRole('button', { name: `Laisser entrer ${ORGA}` }).click()
      await request.getByText('acceptée', { exact: true }).waitFor({ timeout: 20_000 })
      // once in, the organisation's card says nothing of waiting, and it may publish
      await waiting
        .getByText('en attente', { exact: false })
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 })
      await waiting.getByRole('link', { name: 'Ouvrir' }).click()
      await o.page.getByRole('link', { name: 'Publier un projet' }).click()
      await o.page.getByRole('button', { name: 'Publier', exact: true }).waitFor()
      expect(await o.page.getByRole('button', { name: 'Publier', exact: true }).isEnabled()).toBe(true)

      // Karim became Émilie's contact when she accepted his invitation: he gets in without asking
      await goToProjects(k.page)
      await k.page.getByRole('button', { name: 'Rejoindre avec un lien' }).click()
      const joinK = k.page.getByRole('dialog', { name: 'Rejoindre une compagnie' })
      await joinK.getByLabel('Lien de la compagnie').fill(link)
      await joinK.getByRole('button', { name: 'Rejoindre' }).click()
      const karimCard = k.page.getByRole('article', { name: CIRCLE })
      await karimCard.getByText('membre', { exact: true }).waitFor()
      await karimCard
        .getByText('en attente', { exact: false })
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 })
      for (const x of [e, o, k]) expect(x.errors).toEqual([])
    } finally {
      await e.context.close()
      await o.context.close()
      await k.context.close()
    }
  })

  it('a withdrawn project leaves the other members’ pages', async () => {
    const k = await open(karim!)
    const e = await open(emilie!)
    try {
      await k.page.goto(`${karim!.url}/projets?c=${companyId}&v=mine`)
      await k.page.getByRole('button', { name: `Retirer « ${PROJECT} »` }).click()
      const confirm = k.page.getByRole('dialog', { name: `Retirer « ${PROJECT} » ?` })
      await confirm.getByText('Les labels reçus restent dans votre Musette.').waitFor()
      await confirm.getByRole('button', { name: 'Retirer le projet' }).click()
      await k.page.getByText('Projets retirés (1)').waitFor({ timeout: 20_000 })
      await k.page.getByText('Vous n’avez rien publié ici.').waitFor()
      await e.page.goto(`${emilie!.url}/projets?c=${companyId}`)
      await e.page.getByText('Aucun projet pour l’instant. Publiez le premier !').waitFor({ timeout: 30_000 })
      expect(e.errors).toEqual([])
      expect(k.errors).toEqual([])
    } finally {
      await k.context.close()
      await e.context.close()
    }
  })
})

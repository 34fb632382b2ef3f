/**
 * Two real nodes, two browsers: Émilie composes a profile (one experience shown, one blurred, one hidden),
 * previews it, Karim asks for a presentation in his UI, Émilie answers the link, and Karim's list says
 * the presentation was verified.
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { ensureApp, launchChromium, startPerson } from './harness.ts'

let browser: Browser | undefined
let emilie: StartedNode | undefined
let karim: StartedNode | undefined
let cleanup: (() => Promise<void>) | undefined

async function open(node: StartedNode): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await page.goto(`${node.url}/#token=${node.token}`)
  return { context, page }
}

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-compose-ui-')
  cleanup = tmp.cleanup
  ;[emilie, karim] = await Promise.all([
    startPerson(tmp.dir, 'emilie', 'Émilie Laurent'),
    startPerson(tmp.dir, 'karim', 'Karim Benali')
  ])
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.allSettled([emilie?.stop(), karim?.stop()])
  await cleanup?.()
})

const EXPERIENCES = [
  {
    kind: 'job',
    title: 'Graphiste junior',
    organisation: 'Atelier Contrepoint',
    start: '2021-09',
    end: '2022-12',
    sphere: 'pro'
  },
  {
    kind: 'job',
    title: 'Affiches du festival',
    organisation: 'Les Ondes Vertes',
    start: '2023-03',
    end: '2023-07',
    sphere: 'pro'
  },
  {
    kind: 'job',
    title: 'Stage secret',
    organisation: 'Agence Cachée',
    start: '2019-06',
    end: '2019-08',
    sphere: 'pro'
  }
]

describe('compositions and presentation requests, in the UI', () => {
  it('compose with show / blur / hide, preview, answer a request, and see it verified', async () => {
    const e = await open(emilie!)
    const k = await open(karim!)
    const errors: string[] = []
    for (const p of [e.page, k.page]) p.on('pageerror', (err) => errors.push(err.message))
    try {
      for (const data of EXPERIENCES) {
        const res = await fetch(`${emilie!.url}/api/records`, {
          method: 'POST',
          headers: { authorization: `Bearer ${emilie!.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'experience', data })
        })
        expect(res.status).toBe(201)
      }

      // 1. Émilie composes a profile
      const navE = e.page.getByRole('navigation', { name: 'Navigation principale' })
      await navE.getByRole('link', { name: 'Profils' }).click()
      await e.page.getByRole('button', { name: 'Nouveau profil' }).click()
      const named = e.page.getByRole('dialog', { name: 'Nouveau profil' })
      await named.getByLabel('Nom du profil').fill('Candidature graphiste')
      await named.getByRole('button', { name: 'Enregistrer' }).click()
      const composer = e.page.getByRole('region', { name: 'Composer : Candidature graphiste' })
      for (const x of EXPERIENCES)
        await composer.getByRole('button', { name: `Ajouter « ${x.title} »` }).click()
      await composer
        .getByRole('group', { name: `Visibilité de « ${EXPERIENCES[1]!.title} »` })
        .getByLabel('Flouter')
        .check()
      await composer
        .getByRole('group', { name: `Visibilité de « ${EXPERIENCES[2]!.title} »` })
        .getByLabel('Cacher')
        .check()
      // reorder with the keyboard-usable buttons, and back
      await composer.getByRole('button', { name: `Monter « ${EXPERIENCES[1]!.title} »` }).click()
      await composer.getByRole('button', { name: `Descendre « ${EXPERIENCES[1]!.title} »` }).click()
      await composer.getByRole('button', { name: 'Enregistrer' }).click()
      await e.page.getByText('Profil enregistré.').waitFor({ state: 'attached' })

      // 2. the preview, below the list: the shown one whole, the blurred one with its years only, no hidden one
      await composer.getByRole('button', { name: 'Aperçu' }).click()
      const preview = composer.getByRole('region', { name: 'Aperçu : Candidature graphiste' })
      await preview.getByText('Déclaré par vous').waitFor()
      const shown = preview.getByRole('listitem', { name: EXPERIENCES[0]!.title })
      await expect(shown.getByText(/Atelier Contrepoint/).count()).resolves.toBe(1)
      const blurred = preview.getByRole('listitem', { name: EXPERIENCES[1]!.title })
      await expect(blurred.textContent()).resolves.toContain('2023')
      await expect(blurred.textContent()).resolves.not.toContain('Les Ondes Vertes')
      await expect(blurred.textContent()).resolves.not.toMatch(/mars|juillet/)
      await expect(preview.getByText(EXPERIENCES[2]!.title).count()).resolves.toBe(0)
      await expect(preview.getByText('Agence Cachée').count()).resolves.toBe(0)

      // 3. Karim asks for a presentation
      await k.page.goto(`${karim!.url}/present`)
      await k.page.getByLabel('Ce que vous demandez').fill('Vos expériences de graphiste')
      await k.page.getByRole('button', { name: 'Créer la demande' }).click()
      await k.page.getByRole('img', { name: 'QR code du lien de demande' }).waitFor()
      const link = await k.page.getByRole('textbox', { name: 'Lien de la demande' }).inputValue()
      expect(link).toMatch(/^musette:present\?t=/)
      const request = k.page.getByRole('article', { name: 'Vos expériences de graphiste' })
      await request.getByText('en attente').waitFor()

      // 4. Émilie answers from the Profils page
      await e.page.getByRole('button', { name: /Retour aux profils/ }).click()
      await e.page.getByRole('link', { name: 'Répondre à une demande' }).click()
      await e.page.getByLabel('Lien de demande reçu').fill(link)
      await e.page.getByRole('button', { name: 'Lire la demande' }).click()
      await e.page.getByText('Vos expériences de graphiste').waitFor()
      await expect(e.page.getByText('Karim Benali').count()).resolves.toBeGreaterThan(0)
      await e.page.getByLabel('Profil à présenter').selectOption({ label: 'Candidature graphiste' })
      await e.page.getByRole('button', { name: 'Consentir et envoyer' }).click()
      await e.page.getByText(/Présentation envoyée à Karim Benali/).waitFor({ timeout: 30_000 })

      // 5. Karim's list says it was verified
      await request.getByText(/:\s*vérifiée$/).waitFor({ timeout: 20_000 })
      await request.getByText('Attestations reçues (2)').click()
      await request.getByText(EXPERIENCES[1]!.title).waitFor()
      await k.page.screenshot({ path: join(ROOT, 'test-results', 'presentation-verified.png') })
      expect(errors).toEqual([])
    } finally {
      await e.context.close()
      await k.context.close()
    }
  })
})

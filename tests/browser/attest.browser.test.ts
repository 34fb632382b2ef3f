/**
 * Two real nodes, two browsers: Émilie invites Karim, Karim accepts, Émilie asks him to attest a skill,
 * Karim attests it in his UI, and Émilie's skill card says who attested it.
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { ensureApp, launchChromium, startPerson } from './harness.ts'

const SKILL = 'Direction artistique'

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
  const tmp = await tempDir('musette-attest-ui-')
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

describe('attestations across two nodes, in the UI', () => {
  it('invite, accept, request, attest, and see the attested skill', async () => {
    const e = await open(emilie!)
    const k = await open(karim!)
    const errors: string[] = []
    for (const p of [e.page, k.page]) p.on('pageerror', (err) => errors.push(err.message))
    try {
      // Émilie's skill, seeded through the API as a test should
      const res = await fetch(`${emilie!.url}/api/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emilie!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'skill', data: { name: SKILL } })
      })
      expect(res.status).toBe(201)

      // 1. Émilie invites
      const navE = e.page.getByRole('navigation', { name: 'Navigation principale' })
      await navE.getByRole('link', { name: 'Contacts' }).click()
      await e.page.getByRole('button', { name: 'Inviter quelqu’un' }).click()
      const invite = e.page.getByRole('dialog', { name: 'Inviter quelqu’un' })
      await invite.getByRole('img', { name: 'QR code du lien d’invitation' }).waitFor()
      const link = await invite.getByRole('textbox', { name: 'Lien d’invitation' }).inputValue()
      expect(link).toMatch(/^musette:invite\?t=/)
      await e.page.keyboard.press('Escape')

      // 2. Karim accepts
      const navK = k.page.getByRole('navigation', { name: 'Navigation principale' })
      await navK.getByRole('link', { name: 'Contacts' }).click()
      await k.page.getByRole('button', { name: 'Accepter une invitation' }).click()
      const accept = k.page.getByRole('dialog', { name: 'Accepter une invitation' })
      await accept.getByLabel('Lien d’invitation reçu').fill(link)
      await accept.getByRole('button', { name: 'Accepter l’invitation' }).click()
      await accept
        .getByText('Émilie Laurent fait maintenant partie de vos contacts.')
        .waitFor({ timeout: 20_000 })
      await k.page.keyboard.press('Escape')
      // Émilie sees Karim without reloading
      await e.page.getByRole('article', { name: 'Karim Benali' }).waitFor({ timeout: 20_000 })

      // 3. Émilie asks Karim from her skill card
      await navE.getByRole('link', { name: 'Identités' }).click()
      const card = e.page.getByRole('article', { name: SKILL })
      await card.getByRole('button', { name: `Demander une attestation pour « ${SKILL} »` }).click()
      const ask = e.page.getByRole('dialog', { name: 'Demander une attestation' })
      await ask.getByLabel('Contact', { exact: true }).selectOption({ label: 'Karim Benali' })
      await ask.getByLabel('Message').fill('Tu te souviens de la charte du festival ?')
      await ask.getByRole('button', { name: 'Envoyer la demande' }).click()
      await ask.getByText(/^(envoyée|acceptée)$/).waitFor({ timeout: 20_000 })
      await e.page.keyboard.press('Escape')

      // 4. Karim attests in his UI
      await navK.getByRole('link', { name: 'Attestations' }).click()
      await k.page
        .getByRole('button', { name: `Attester « ${SKILL} » pour Émilie Laurent` })
        .click({ timeout: 20_000 })
      const form = k.page.getByRole('dialog', { name: `Attester : ${SKILL}` })
      await form.getByLabel('Votre relation').selectOption({ label: 'collègue' })
      await form.getByLabel('Témoignage').fill('Une direction artistique sûre et attentive aux gens.')
      await form.getByRole('button', { name: 'Signer et envoyer' }).click()
      await form.waitFor({ state: 'hidden', timeout: 20_000 })

      // 5. Émilie's skill card says who attested it
      await card.getByText(/attestée par 1 personne/).waitFor({ timeout: 20_000 })
      await expect(card.getByText(/Karim Benali/).count()).resolves.toBeGreaterThan(0)
      await e.page.screenshot({ path: join(ROOT, 'test-results', 'attested-skill.png') })
      expect(errors).toEqual([])
    } finally {
      await e.context.close()
      await k.context.close()
    }
  })
})

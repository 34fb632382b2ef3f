/**
 * Anonymous questionnaires across four real nodes, in the UI: Émilie authors a questionnaire from a ready-made
 * template in her browser and sends it to three contacts; Karim answers in his browser, anonymously; Sophie
 * and Inès answer through their APIs (for speed); Émilie's page shows "N réponses sur 3" and no result while
 * fewer than three answered, then the aggregated results once the third answer is in. Nodes relay answers
 * every second (`questionnaires.batchSeconds` in each home's musette.json). Screenshots at desktop and
 * phone widths go to test-results/.
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runCli, startHome, type StartedNode } from '../integration/cli-node.ts'
import { tempDir } from '../integration/helpers.ts'
import { ensureApp, launchChromium } from './harness.ts'

const TEMPLATE = 'Mes savoir-être vus par mes proches'
const TITLE = 'Mes savoir-être, avant ma reconversion'
const EMPATHY = /Je comprends ce que ressentent les autres/
const QUALITIES = /Lesquelles de ces qualités me décrivent le mieux/
const SHOTS = join(ROOT, 'test-results')

let browser: Browser | undefined
const people: Record<'emilie' | 'karim' | 'sophie' | 'ines', StartedNode | undefined> = {
  emilie: undefined,
  karim: undefined,
  sophie: undefined,
  ines: undefined
}
let cleanup: (() => Promise<void>) | undefined

/** `musette init`, then relays every second (musette.json), then `musette start`, as a person would. */
async function startPerson(dir: string, key: string, name: string): Promise<StartedNode> {
  const home = join(dir, key)
  const pass = join(dir, `${key}.pass`)
  await writeFile(pass, `la phrase de ${key} pour le test\n`)
  const init = runCli(['init', '--home', home, '--name', name, '--passphrase-file', pass])
  if (init.status !== 0) throw new Error(init.stderr)
  const file = join(home, 'musette.json')
  const config = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {}
  await writeFile(file, JSON.stringify({ ...config, questionnaires: { batchSeconds: 1 } }, null, 2))
  return startHome(home, ['--passphrase-file', pass])
}

async function call<T = Record<string, unknown>>(
  node: StartedNode,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${node.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, json: (await res.json()) as T }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

type Summary = { qid: string; role: string; ready?: boolean; answered?: number; mine?: { status: string } }

async function summary(node: StartedNode, qid: string): Promise<Summary | undefined> {
  const r = await call<{ questionnaires: Summary[] }>(node, 'GET', '/api/questionnaires')
  return r.json.questionnaires.find((q) => q.qid === qid)
}

async function open(
  node: StartedNode,
  width = 1280
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(`${node.url}/#token=${node.token}`)
  return { context, page, errors }
}

/** The same page at 375 px, full length, then back to desktop width. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `questionnaires-${name}.png`), fullPage: true })
  const size = page.viewportSize()
  await page.setViewportSize({ width: 375, height: 800 })
  await page.screenshot({ path: join(SHOTS, `questionnaires-${name}-375.png`), fullPage: true })
  // nothing may overflow sideways at phone width
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${name} overflows at 375 px`).toBeLessThanOrEqual(0)
  if (size) await page.setViewportSize(size)
}

beforeAll(async () => {
  ensureApp()
  const tmp = await tempDir('musette-questionnaires-ui-')
  cleanup = tmp.cleanup
  ;[people.emilie, people.karim, people.sophie, people.ines] = await Promise.all([
    startPerson(tmp.dir, 'emilie', 'Émilie Joly'),
    startPerson(tmp.dir, 'karim', 'Karim Benali'),
    startPerson(tmp.dir, 'sophie', 'Sophie Martin'),
    startPerson(tmp.dir, 'ines', 'Inès Caron')
  ])
  // Émilie's contacts, through the API (the attestations test covers invitations in the UI)
  for (const who of [people.karim!, people.sophie!, people.ines!]) {
    const inv = await call<{ link: string }>(people.emilie!, 'POST', '/api/invitations', {})
    expect(inv.status).toBe(201)
    const acc = await call(who, 'POST', '/api/invitations/accept', { invitation: inv.json.link })
    expect(acc.status, JSON.stringify(acc.json)).toBe(200)
  }
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.allSettled(Object.values(people).map((p) => p?.stop()))
  await cleanup?.()
})

describe('anonymous questionnaires across four nodes, in the UI', () => {
  it('author from a template, send, answer anonymously, results only from the third answer', async () => {
    const e = await open(people.emilie!)
    let k: Awaited<ReturnType<typeof open>> | undefined
    try {
      // 1. Émilie writes a questionnaire from a ready-made template
      const navE = e.page.getByRole('navigation', { name: 'Navigation principale' })
      await navE.getByRole('link', { name: 'Questionnaires' }).click()
      await e.page.getByRole('heading', { level: 1, name: 'Questionnaires anonymes' }).waitFor()
      await e.page.getByText('Vous n’avez encore envoyé aucun questionnaire.').waitFor()
      await e.page.getByText('Ce que l’anonymat protège, et ce qu’il ne protège pas').click()
      await e.page.getByText(/ne peut pas relier une réponse à une personne invitée/).waitFor()
      await shoot(e.page, 'list-empty')

      await e.page.getByRole('link', { name: 'Nouveau questionnaire' }).first().click()
      // templates come in the UI's language by default
      await e.page.getByRole('radio', { name: 'Français' }).waitFor()
      expect(await e.page.getByRole('radio', { name: 'Français' }).isChecked()).toBe(true)
      await shoot(e.page, 'author-start')
      await e.page.getByRole('button', { name: `Partir du modèle « ${TEMPLATE} »` }).click()

      const title = e.page.getByRole('textbox', { name: /^Titre/ })
      expect(await title.inputValue()).toBe(TEMPLATE)
      await title.fill(TITLE)
      expect(await e.page.getByRole('group', { name: /^Question \d+$/ }).count()).toBe(10)

      // add a single-choice question, give it options, move it up, then remove it again
      await e.page.getByRole('button', { name: 'Ajouter une question' }).click()
      const q11 = e.page.getByRole('group', { name: 'Question 11' })
      await q11
        .getByRole('textbox', { name: 'Question', exact: true })
        .fill('Quel outil me voit-on le plus utiliser ?')
      await q11.getByRole('combobox', { name: 'Forme' }).selectOption({ label: 'Choix unique' })
      await q11.getByRole('textbox', { name: 'Choix 1' }).fill('Le crayon')
      await q11.getByRole('textbox', { name: 'Choix 2' }).fill('La tablette')
      await q11.getByRole('button', { name: 'Monter la question 11' }).click()
      const q10 = e.page.getByRole('group', { name: 'Question 10' })
      expect(await q10.getByRole('textbox', { name: 'Question', exact: true }).inputValue()).toBe(
        'Quel outil me voit-on le plus utiliser ?'
      )
      // the keyboard stays on the moved question's button
      expect(await e.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Monter la question 10'
      )
      await q10.getByRole('button', { name: 'Retirer la question 10' }).click()
      expect(await e.page.getByRole('group', { name: /^Question \d+$/ }).count()).toBe(10)

      // sending with nobody chosen says what is missing, next to the field
      await e.page.getByRole('button', { name: 'Signer et envoyer' }).click()
      await e.page.getByText('Choisissez les personnes à interroger.').waitFor()
      await e.page.getByText('Un petit groupe rend les réponses plus faciles à deviner.').waitFor()

      for (const name of ['Karim Benali', 'Sophie Martin', 'Inès Caron'])
        await e.page.getByRole('checkbox', { name: new RegExp(name) }).check()
      await e.page.getByText('3 personnes choisies').waitFor()
      // three people: still a small group
      await e.page.getByText('Un petit groupe rend les réponses plus faciles à deviner.').waitFor()
      const threshold = e.page.getByRole('spinbutton', { name: 'Réponses avant tout résultat' })
      expect(await threshold.inputValue()).toBe('3')
      const closes = await e.page.getByLabel('Date de clôture').inputValue()
      const days = (Date.parse(closes) - Date.now()) / 86_400_000
      expect(days).toBeGreaterThan(6.9)
      expect(days).toBeLessThan(7.1)
      await shoot(e.page, 'author-edit')

      await e.page.getByRole('button', { name: 'Signer et envoyer' }).click()
      await e.page.waitForURL(/\/questionnaires\/q[a-z2-7]+(\?sent=1)?$/, { timeout: 20_000 })
      await e.page.getByText(/^Questionnaire signé et envoyé à 3 personnes\./).waitFor()
      const qid = /\/questionnaires\/(q[a-z2-7]+)/.exec(e.page.url())![1]!
      await e.page.getByRole('heading', { level: 1, name: TITLE }).waitFor()
      await e.page.getByText('0 réponse sur 3 personnes invitées').waitFor()
      await e.page.getByText('Les résultats s’affichent à partir de 3 réponses.').waitFor()

      // 2. the invitees' nodes receive it and obtain their one token each
      for (const who of [people.karim!, people.sophie!, people.ines!])
        await until('the invitation and its token', async () => {
          const s = await summary(who, qid)
          return s?.ready ? s : undefined
        })
      // delivered to all three, by name (never who answered)
      await e.page.getByText('remis', { exact: true }).nth(2).waitFor({ timeout: 20_000 })
      await shoot(e.page, 'results-none')

      // 3. Karim answers in his browser, anonymously
      k = await open(people.karim!)
      const navK = k.page.getByRole('navigation', { name: 'Navigation principale' })
      await navK.getByRole('link', { name: 'Questionnaires' }).click()
      const card = k.page.getByRole('article', { name: TITLE })
      await card.getByText('à répondre').waitFor()
      await card.getByText('Envoyé par Émilie Joly').waitFor()
      await shoot(k.page, 'list-invitee')
      await card.getByRole('link', { name: `Répondre — ${TITLE}` }).click()
      await k.page.getByRole('heading', { name: 'Émilie Joly vous pose ces questions' }).waitFor()
      await k.page.getByText(/Je fais le point sur mes savoir-être/).waitFor()

      const empathy = k.page.getByRole('group', { name: EMPATHY })
      // a 1–5 scale with its labelled ends
      expect(await empathy.getByRole('radio').count()).toBe(5)
      await empathy.getByRole('radio', { name: '1 — Rarement' }).waitFor()
      await empathy.getByRole('radio', { name: '5 — Très souvent' }).waitFor()
      await empathy.getByRole('radio', { name: '4', exact: true }).check()
      const qualities = k.page.getByRole('group', { name: QUALITIES })
      await qualities.getByRole('checkbox', { name: 'Écoute' }).check()
      await qualities.getByRole('checkbox', { name: 'Curiosité' }).check()
      await k.page
        .getByRole('textbox', { name: /Racontez un moment/ })
        .fill('Quand elle a repris le stand du festival au pied levé.')
      const direct = k.page.getByRole('checkbox', { name: /Répondre sans anonymat/ })
      expect(await direct.isChecked()).toBe(false)
      await k.page.getByText(/Case décochée\s:\svotre réponse part sans votre nom/).waitFor()
      await shoot(k.page, 'answer-form')
      await k.page.getByRole('button', { name: 'Envoyer ma réponse' }).click()

      await k.page.getByRole('heading', { name: 'Votre réponse' }).waitFor({ timeout: 20_000 })
      await k.page.getByText('4 / 5').waitFor()
      await k.page.getByText('Curiosité · Écoute').waitFor()
      // handed to another invitee, who publishes it in its next batch
      await k.page.getByText('transmise anonymement').waitFor({ timeout: 45_000 })
      await k.page.getByRole('button', { name: 'Modifier ma réponse' }).waitFor()
      await shoot(k.page, 'answer-done')

      // 4. the answer reaches Émilie through a relay; her page counts it without a reload
      await e.page.getByText('1 réponse sur 3 personnes invitées').waitFor({ timeout: 45_000 })
      await e.page.getByText('Les résultats s’affichent à partir de 3 réponses.').waitFor()

      // 5. Sophie answers through her API
      const sophie = await call(people.sophie!, 'POST', `/api/questionnaires/${qid}/answer`, {
        body: {
          answers: [
            { q: 'empathie', scale: 4 },
            { q: 'points-forts', choices: [4] },
            { q: 'exemple', text: 'Elle a pris le temps d’écouter chaque bénévole.' }
          ]
        }
      })
      expect(sophie.status, JSON.stringify(sophie.json)).toBe(200)
      await e.page.getByText('2 réponses sur 3 personnes invitées').waitFor({ timeout: 45_000 })
      // two answers: still nothing per question, on the page or from the API
      await e.page.getByText('Les résultats s’affichent à partir de 3 réponses.').waitFor()
      expect(await e.page.getByRole('heading', { name: EMPATHY }).count()).toBe(0)
      expect(await e.page.getByText(/moyenne/).count()).toBe(0)
      const locked = await call<{ results: { locked: boolean; questions: unknown[] } }>(
        people.emilie!,
        'GET',
        `/api/questionnaires/${qid}`
      )
      expect(locked.json.results).toMatchObject({ locked: true, questions: [] })
      await shoot(e.page, 'results-locked')

      // 6. Inès answers through her API: the third answer opens the results
      const ines = await call(people.ines!, 'POST', `/api/questionnaires/${qid}/answer`, {
        body: {
          answers: [
            { q: 'empathie', scale: 5 },
            { q: 'points-forts', choices: [0, 4] }
          ]
        }
      })
      expect(ines.status, JSON.stringify(ines.json)).toBe(200)
      await e.page.getByText('3 réponses sur 3 personnes invitées').waitFor({ timeout: 45_000 })
      const result = e.page.getByRole('article', { name: EMPATHY })
      await result.waitFor()
      await result.getByText('moyenne 4,3 sur 5').waitFor()
      // the scale's counts, in words next to their bars: 4 twice, 5 once, nothing else
      const rows = result.getByRole('listitem')
      expect(await rows.count()).toBe(5)
      expect((await rows.nth(3).innerText()).replace(/\s+/g, ' ')).toMatch(/^4 : ?2 réponses \(67 %\)$/)
      expect((await rows.nth(4).innerText()).replace(/\s+/g, ' ')).toMatch(
        /^5 — Très souvent : ?1 réponse \(33 %\)$/
      )
      expect((await rows.nth(0).innerText()).replace(/\s+/g, ' ')).toMatch(
        /^1 — Rarement : ?0 réponse \(0 %\)$/
      )
      // choices: Écoute chosen by all three
      const chosen = e.page.getByRole('article', { name: QUALITIES })
      expect((await chosen.getByRole('listitem').nth(4).innerText()).replace(/\s+/g, ' ')).toMatch(
        /^Écoute : ?3 réponses \(100 %\)$/
      )
      // free texts, without names
      const texts = e.page.getByRole('list', { name: 'Textes libres' }).first()
      await texts.getByText('Quand elle a repris le stand du festival au pied levé.').waitFor()
      await texts.getByText('Elle a pris le temps d’écouter chaque bénévole.').waitFor()
      const page = await e.page.locator('main').innerText()
      expect(page).not.toMatch(/Karim[^\n]*(répondu|a dit)/)
      await shoot(e.page, 'results-open')

      // 7. Karim's list says he answered, relayed
      await navK.getByRole('link', { name: 'Questionnaires' }).click()
      await card.getByText('transmise anonymement').waitFor()
      await card.getByRole('link', { name: `Voir ou modifier ma réponse — ${TITLE}` }).waitFor()
      // and Émilie's list counts, never names
      await navE.getByRole('link', { name: 'Questionnaires' }).click()
      const mine = e.page.getByRole('article', { name: TITLE })
      await mine.getByText('3 réponses sur 3 personnes invitées').waitFor()
      await mine.getByText('Résultats visibles, regroupés.').waitFor()
      await shoot(e.page, 'list-asker')

      // the same, in English
      await e.page.locator('#header-lang').selectOption('en')
      await mine.getByText('3 answers from 3 people invited').waitFor()
      await mine.getByRole('link', { name: `See the results of “${TITLE}”` }).click()
      await e.page.getByRole('heading', { level: 2, name: 'Soft skills' }).waitFor()
      await e.page.getByRole('article', { name: EMPATHY }).getByText('mean 4.3 out of 5').waitFor()
      await e.page.getByText('What anonymity protects, and what it does not').waitFor()
      await shoot(e.page, 'results-open-en')

      expect(e.errors).toEqual([])
      expect(k.errors).toEqual([])
    } finally {
      await e.context.close()
      await k?.context.close()
    }
  })
})

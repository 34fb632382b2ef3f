/**
 * `npm run demo`: four Musette nodes on this machine — Émilie (the seed report's persona, a young
 * freelance graphic designer with much volunteering), two former colleagues, Karim and Sophie, and Inès,
 * her classmate — each with its own profile, ports and sample data, connected to each other over 127.0.0.1.
 *
 *   npm run demo [-- --fresh] [-- --base-port 7380] [-- --dir DIR]
 *
 * Profiles live in ./.musette-demo (or --dir / MUSETTE_DEMO_DIR) and are kept between runs; --fresh
 * starts over. The demo passphrases are printed: this is sample data, not yours.
 */
import '../node/polyfills.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { prepareHome, writeConfig } from '../node/home.ts'
import { CreateRecordInput } from '../node/model/records.ts'
import { MusetteNode } from '../node/service.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** From source (scripts/) or bundled (dist/node/): the repository root. */
const root = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '..', '..')

const Persona = z.object({
  name: z.string(),
  passphrase: z.string().min(10),
  records: z.array(CreateRecordInput)
})

const PERSONAS = ['emilie', 'karim', 'sophie', 'ines'] as const
/** Demo relays publish questionnaire answers every few seconds, so the demo shows results at once. */
const DEMO_BATCH_SECONDS = 5

interface Running {
  key: string
  name: string
  passphrase: string
  did: string
  url: string
  token: string
  child: ChildProcess
}

const out = (s = '') => process.stdout.write(s + '\n')

function startNode(home: string, apiPort: number, p2pPort: number, passFile: string) {
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'musette.mjs'),
      'start',
      '--home',
      home,
      '--api-port',
      String(apiPort),
      '--p2p-port',
      String(p2pPort),
      '--passphrase-file',
      passFile
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  return new Promise<{ child: ChildProcess; url: string; token: string }>((resolvePromise, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`node on ${home} did not start:\n${text}`)), 60_000)
    const onData = (c: Buffer) => {
      text += c.toString()
      const m = /Open (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(text)
      if (m?.[1] && m[2]) {
        clearTimeout(timer)
        resolvePromise({ child, url: m[1], token: m[2] })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`node on ${home} exited (${code}):\n${text}`))
    })
  })
}

async function call(
  node: { url: string; token: string },
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST'
): Promise<unknown> {
  const res = await fetch(node.url + path, {
    method,
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000)
  })
  const json = (await res.json()) as unknown
  if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`)
  return json
}

type Rec = { id: string; data: Record<string, unknown> }

async function until<T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T | undefined> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined || Date.now() > end) return v
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * First run only: Karim and Sophie attest two of Émilie's skills (through their nodes, as their UIs would),
 * and Karim's own request waits in Émilie's inbox — so every screen has something to show.
 */
async function seedAttestations(running: Running[]): Promise<void> {
  const [emilie, karim, sophie] = running
  if (!emilie || !karim || !sophie) return
  const received = ((await call(emilie, '/api/credentials?role=received')) as { credentials: Rec[] })
    .credentials
  if (received.length > 0) return
  const contactId = async (from: Running, name: string) =>
    ((await call(from, '/api/records?type=contact')) as { records: Rec[] }).records.find(
      (c) => c.data.name === name && typeof c.data.did === 'string'
    )?.id
  const ask = async (from: Running, to: Running, skill: string, message: string) => {
    const id = await contactId(from, to.name)
    if (id)
      await call(from, '/api/attestations', { contactId: id, claim: { kind: 'skill', name: skill }, message })
  }
  const answer = async (at: Running, skill: string, relationship: string, testimony: string) => {
    const req = await until(async () =>
      ((await call(at, '/api/attestations')) as { inbox: Rec[] }).inbox.find(
        (r) => (r.data.claim as { name: string }).name === skill && r.data.state === 'pending'
      )
    )
    if (req) await call(at, `/api/attestations/${req.id}/accept`, { relationship, testimony })
  }
  await ask(emilie, karim, 'Typographie', 'Tu te souviens des affiches du festival ? Ton regard compterait.')
  await ask(emilie, sophie, 'Accessibilité des supports (RGAA, FALC)', 'Pour les fiches de La Bricole.')
  await answer(karim, 'Typographie', 'manager', 'Émilie compose avec une précision rare et une vraie voix.')
  await answer(
    sophie,
    'Accessibilité des supports (RGAA, FALC)',
    'fellow-volunteer',
    'Nos fiches en FALC sont lues par tout le monde grâce à elle.'
  )
  await ask(
    karim,
    emilie,
    'Transmission et tutorat',
    'Tu étais ma stagiaire en 2019 : tu peux en témoigner ?'
  )
  out('Seeded attestations: Karim and Sophie attested two of Émilie’s skills; Karim asked Émilie for one.')
}

/**
 * First run only: Émilie asks Karim, Sophie and Inès how they see her savoir-être (the French template);
 * Karim and Sophie answer (anonymously, through their nodes); Inès has not yet — answer as Inès in her UI
 * and Émilie's results open (three answers are needed).
 */
async function seedQuestionnaire(running: Running[]): Promise<void> {
  const [emilie, karim, sophie, ines] = running
  if (!emilie || !karim || !sophie || !ines) return
  const mine = (await call(emilie, '/api/questionnaires')) as { questionnaires: unknown[] }
  if (mine.questionnaires.length > 0) return
  const { templates } = (await call(emilie, '/api/questionnaire-templates')) as {
    templates: Array<{ id: string; lang: string; title: string; intro: string; questions: unknown[] }>
  }
  const template = templates.find((t) => t.lang === 'fr' && t.id === 'savoir-etre') ?? templates[0]
  if (!template) return
  const created = (await call(emilie, '/api/questionnaires', {
    title: template.title,
    intro: template.intro,
    lang: 'fr',
    questions: template.questions,
    invitees: [karim.did, sophie.did, ines.did],
    closes: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    threshold: 3
  })) as { qid: string }
  type Question = { id: string; kind: string; options?: string[] }
  const answerOf = (scale: number, text: string) => ({
    answers: (template.questions as Question[]).map((q, i) =>
      q.kind === 'scale'
        ? { q: q.id, scale: Math.min(5, scale + (i % 2)) }
        : q.kind === 'single'
          ? { q: q.id, choice: 0 }
          : q.kind === 'multiple'
            ? { q: q.id, choices: [0, 1].filter((c) => c < (q.options?.length ?? 0)) }
            : { q: q.id, text }
    )
  })
  for (const [who, scale, text] of [
    [karim, 4, 'Elle écoute vraiment avant de proposer, et elle tient ses délais.'],
    [sophie, 3, 'Toujours disponible pour La Bricole, parfois trop : elle dit rarement non.']
  ] as const) {
    const ready = await until(async () => {
      // 404 until the questionnaire has arrived
      const v = (await call(who, `/api/questionnaires/${created.qid}`).catch(() => ({}))) as {
        ready?: boolean
      }
      return v.ready ? v : undefined
    })
    if (ready) await call(who, `/api/questionnaires/${created.qid}/answer`, { body: answerOf(scale, text) })
  }
  out('Seeded a questionnaire: Émilie asked Karim, Sophie and Inès; Karim and Sophie answered, Inès has not.')
}

/**
 * First run only: Sophie opens a project company for repair cafés; Émilie and Karim join with its link;
 * Sophie publishes La Bricole under her name, Émilie her poster workshop under her pseudonym in this company.
 */
async function seedCompany(running: Running[]): Promise<void> {
  const [emilie, karim, sophie] = running
  if (!emilie || !karim || !sophie) return
  const existing = (await call(sophie, '/api/companies')) as { companies: unknown[] }
  if (existing.companies.length > 0) return
  const company = (await call(sophie, '/api/companies', {
    name: 'Compagnie des repair cafés',
    description: 'Celles et ceux qui font vivre un repair café, ou voudraient en ouvrir un.',
    tags: ['réparation', 'économie circulaire', 'bénévolat'],
    mode: 'open'
  })) as { id: string }
  const { link } = (await call(sophie, `/api/companies/${company.id}/link`)) as { link: string }
  for (const who of [emilie, karim]) await call(who, '/api/companies/join', { link })
  await call(sophie, `/api/companies/${company.id}/publications`, {
    mode: 'named',
    draft: {
      title: 'La Bricole, repair café du 7e',
      summary:
        'Un samedi par mois, des bénévoles réparent avec les habitants vélos, radios et machines à coudre.',
      period: { start: '2019-03', ongoing: true },
      role: 'Coordinatrice',
      skills: ['Animation de bénévoles', 'Réparation', 'Économie circulaire'],
      outcomes: 'Plus de 1 200 objets réparés depuis 2019.'
    },
    disclosure: { summary: 'named', period: 'named', role: 'named', skills: 'named', outcomes: 'named' }
  })
  await call(emilie, `/api/companies/${company.id}/publications`, {
    mode: 'pseudonymous',
    draft: {
      title: 'Affiches « Réparer plutôt que jeter »',
      summary: 'Une série d’affiches pour faire connaître les repair cafés de la région.',
      period: { start: '2022-09', end: '2022-11' },
      role: 'Graphiste bénévole',
      skills: ['Affiche', 'Typographie', 'Économie circulaire']
    },
    disclosure: { summary: 'pseudonymous', period: 'pseudonymous', role: 'hidden', skills: 'pseudonymous' }
  })
  out('Seeded a project company: Sophie’s repair cafés, with her project and one of Émilie’s (pseudonymous).')
}

/**
 * First run only: Émilie sets up recovery through her contacts — any 2 of Karim, Sophie and Inès can reopen
 * her backups if she forgets her passphrase (their Pilotes list the share they keep for her).
 */
async function seedRecovery(running: Running[]): Promise<void> {
  const [emilie] = running
  if (!emilie) return
  const { set } = (await call(emilie, '/api/recovery')) as { set: unknown }
  if (set) return
  const contacts = (await call(emilie, '/api/contacts')) as {
    contacts: Array<{ record: { id: string; data: { did?: string } } }>
  }
  const ids = contacts.contacts.filter((c) => c.record.data.did).map((c) => c.record.id)
  if (ids.length < 3) return
  await call(emilie, '/api/recovery', { contactIds: ids.slice(0, 3), k: 2 }, 'PUT')
  const delivered = await until(async () => {
    const r = (await call(emilie, '/api/recovery')) as { set: { holders: Array<{ state: string }> } }
    return r.set.holders.every((h) => h.state === 'delivered') ? true : undefined
  })
  out(
    delivered
      ? 'Seeded recovery: any 2 of Karim, Sophie and Inès can reopen Émilie’s backups.'
      : 'Seeded recovery: Émilie’s shares are on their way to Karim, Sophie and Inès.'
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fresh: { type: 'boolean' },
      dir: { type: 'string' },
      'base-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    out('Usage: npm run demo [-- --fresh] [-- --dir DIR] [-- --base-port 7380]')
    return
  }
  const dir = resolve(values.dir ?? process.env.MUSETTE_DEMO_DIR ?? join(root, '.musette-demo'))
  const base = Number(values['base-port'] ?? 7380)
  if (!Number.isInteger(base) || base < 1024 || base > 65000)
    throw new Error('--base-port: a port from 1024 to 65000')
  if (values.fresh) await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true, mode: 0o700 })

  const personas = await Promise.all(
    PERSONAS.map(async (key) => ({
      key,
      ...Persona.parse(JSON.parse(await readFile(join(root, 'scripts', 'demo-data', `${key}.json`), 'utf8')))
    }))
  )

  // 1. Create the identities that do not exist yet (in-process, with the real vault), then their data.
  const nodes = new Map<string, MusetteNode>()
  const dids = new Map<string, string>()
  for (const p of personas) {
    const home = join(dir, p.key)
    const prepared = await prepareHome(home)
    const config = { ...prepared.config, questionnaires: { batchSeconds: DEMO_BATCH_SECONDS } }
    await writeConfig(home, config)
    const node = new MusetteNode({ home, config, network: false })
    await node.load()
    const fresh = node.state === 'uninitialized'
    const id = fresh ? await node.createIdentity(p.name, p.passphrase) : await node.unlock(p.passphrase)
    dids.set(p.name, id.did)
    nodes.set(p.key, node)
    if (fresh) out(`Created ${p.name}: ${id.did}`)
  }
  for (const p of personas) {
    const node = nodes.get(p.key)!
    if (node.vault.size <= 1) {
      const at = new Date().toISOString()
      // createIdentity already wrote the name facet
      const own = p.records.filter(
        (r) => !(r.type === 'facet' && r.data.kind === 'name' && r.data.value === p.name)
      )
      const records = own.map((r) => {
        const data =
          r.type === 'contact' && dids.has(r.data.name) ? { ...r.data, did: dids.get(r.data.name) } : r.data
        return { type: r.type, data, source: { kind: 'demo' as const, name: 'Démo Musette', at } }
      })
      await node.vault.putMany(records)
      out(`Filled ${p.name}'s vault: ${records.length} records`)
    }
    await node.stop()
  }

  // 2. Start the nodes as a user would (`musette start`), each with its ports.
  const running: Running[] = []
  const stopAll = () => {
    for (const r of running) r.child.kill('SIGTERM')
  }
  process.on('SIGINT', () => {
    out('\nStopping the demo…')
    stopAll()
    setTimeout(() => process.exit(0), 1500).unref()
  })
  process.on('SIGTERM', stopAll)
  try {
    for (const [i, p] of personas.entries()) {
      const home = join(dir, p.key)
      const passFile = join(dir, `${p.key}.passphrase`)
      await writeFile(passFile, p.passphrase + '\n', { mode: 0o600 })
      const started = await startNode(home, base + i, base + 20 + 2 * i, passFile)
      running.push({
        key: p.key,
        name: p.name,
        passphrase: p.passphrase,
        did: dids.get(p.name) ?? '',
        ...started
      })
    }

    // 3. Connect them: everyone dials everyone after them, over TCP on 127.0.0.1.
    const addrs = new Map<string, string>()
    for (const r of running) {
      const st = (await call(r, '/api/status')) as { listenAddrs: string[] }
      const tcp = st.listenAddrs.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/') && !a.includes('/ws'))
      if (tcp) addrs.set(r.key, tcp)
    }
    for (const [i, a] of running.entries()) {
      for (const b of running.slice(i + 1)) {
        const addr = addrs.get(b.key)
        if (addr) await call(a, '/api/peers', { addr })
      }
    }
    await seedAttestations(running)
    await seedQuestionnaire(running).catch((err: unknown) => {
      out(`(could not seed the questionnaire: ${err instanceof Error ? err.message : String(err)})`)
    })
    await seedCompany(running).catch((err: unknown) => {
      out(`(could not seed the project company: ${err instanceof Error ? err.message : String(err)})`)
    })
    await seedRecovery(running).catch((err: unknown) => {
      out(`(could not seed recovery: ${err instanceof Error ? err.message : String(err)})`)
    })
    for (const r of running) {
      const st = (await call(r, '/api/status')) as { peers: unknown[] }
      r.child.stdout?.resume()
      r.child.stderr?.resume()
      out('')
      out(`${r.name} — ${st.peers.length} peers connected`)
      out(`  Open:       ${r.url}/#token=${r.token}`)
      out(`  DID:        ${r.did}`)
      out(`  Passphrase: ${r.passphrase}`)
    }
    out('')
    out(`Profiles in ${dir}. Ctrl-C stops the four nodes.`)
  } catch (err) {
    stopAll()
    throw err
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})

/**
 * Vault benchmark: put and get 10,000 ~2 KiB experience records, unlock a 10,000-record vault, and build
 * the time-line over 10,000 summaries. Each figure is a median over several rounds and is printed as a ratio
 * against a baseline measured in the same run (raw blockstore-level, scrypt alone, a plain sort).
 *
 * Usage: npm run bench:vault [-- --quick]      (--quick: 1,000 records, 1 round — a smoke run)
 * Results and what dominates them: docs/BENCHMARKS.md.
 */
import '../../node/polyfills.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { LevelBlockstore } from 'blockstore-level'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { EXPERIENCE_KINDS, SPHERES, type RecordDataMap } from '../../node/model/records.ts'
import { buildTimeline, type Summary, type TimelineQuery } from '../../node/model/timeline.ts'
import { DEFAULT_KDF, randomBytes, type Kdf } from '../../node/vault/crypto.ts'
import { nodeScrypt } from '../../node/vault/node-files.ts'
import { nativeAead } from '../../node/vault/native-aead.ts'
import { openNodeStores } from '../../node/vault/node-stores.ts'
import { Vault, type PutInput } from '../../node/vault/vault.ts'
import type { Blockstore } from 'interface-blockstore'
import { prng } from './prng.ts'

const QUICK = process.argv.includes('--quick')
const RECORDS = QUICK ? 1_000 : 10_000
const ROUNDS = QUICK ? 1 : 5
/** Records per `putMany` call in the batched variant. */
const BATCH = 250
/** Unlocks timed per round (the last one serves the cold `get`s and the time-line). */
const UNLOCKS_PER_ROUND = 2
/** Time-line builds per query per round (they take milliseconds: many samples, one median). */
const TIMELINE_RUNS = 25
const DESCRIPTION_BYTES = 1_800
const PASSPHRASE = 'correct horse battery staple'
const FILTERED: TimelineQuery = { sphere: 'pro', q: 'ingenieur' }

// ---------------------------------------------------------------------------------------------------------
// Realistic records, from a seeded generator so every run stores the same data.

const TITLES = [
  'Ingénieure logiciel',
  'Développeur full-stack',
  'Chargée de mission numérique',
  'Chef de projet européen',
  'Trésorière de l’association',
  'Bénévole aux Restos du cœur',
  'Formation premiers secours',
  'Master en sciences de l’éducation',
  'Prix de l’innovation sociale',
  'Animateur d’ateliers code',
  'Ingénieur systèmes embarqués',
  'Consultante data et RGPD',
  'Porte-parole du collectif',
  'Contribution à OpenStreetMap',
  'Coordinatrice de festival',
  'Responsable pédagogique'
]
const ORGANISATIONS = [
  'La Ressourcerie',
  'Mairie de Lyon',
  'Coopérative Oxalis',
  'Université de Nantes',
  'Croix-Rouge française',
  'Atelier Paysan',
  'Framasoft',
  'SNCF Réseau',
  'Emmaüs Connect',
  'Agence Lucie & Co'
]
const PLACES = ['Lyon', 'Paris', 'Nantes', 'Montréal', 'Bruxelles', 'Genève', 'Marseille', 'Rennes']
const SKILLS = [
  'TypeScript',
  'Gestion de projet',
  'Animation de réunion',
  'Comptabilité',
  'Prise de parole',
  'Rédaction',
  'Svelte',
  'Facilitation',
  'Recherche utilisateur',
  'Logistique',
  'Écoute active',
  'Budget'
]
const SENTENCES = [
  'Recueil des besoins auprès des équipes et des usagers, puis rédaction d’un cahier des charges partagé.',
  'Conduite du projet de bout en bout : planning, budget, arbitrages et comptes rendus hebdomadaires.',
  'Animation d’ateliers participatifs avec une vingtaine de bénévoles et de salariés.',
  'Mise en place d’outils libres pour la gestion des adhésions et la comptabilité de l’association.',
  'Encadrement de deux stagiaires et d’un apprenti, avec un suivi pédagogique régulier.',
  'Rédaction de la documentation, des guides d’utilisation et des supports de formation.',
  'Négociation avec les partenaires institutionnels et recherche de financements publics.',
  'Représentation de la structure lors de salons, de tables rondes et de rencontres régionales.',
  'Refonte de l’architecture technique : découpage en services, tests automatisés, déploiement continu.',
  'Accompagnement au changement des équipes, écoute des irritants et priorisation des évolutions.'
]

const encoder = new TextEncoder()

function experience(rand: () => number): RecordDataMap['experience'] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const kind = pick(EXPERIENCE_KINDS)
  const year = 1995 + Math.floor(rand() * 31)
  const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0')
  const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0')
  const precision = rand()
  const start = precision < 0.2 ? `${year}` : precision < 0.7 ? `${year}-${month}` : `${year}-${month}-${day}`
  const pointInTime = kind === 'award' || kind === 'diploma' || kind === 'event'
  const endYear = year + 1 + Math.floor(rand() * 6)
  const ongoing = !pointInTime && (rand() < 0.1 || endYear > 2026)
  let description = ''
  while (encoder.encode(description).length < DESCRIPTION_BYTES) description += pick(SENTENCES) + ' '
  // Trim to the byte budget (whole characters only).
  while (encoder.encode(description).length > DESCRIPTION_BYTES) description = description.slice(0, -8)
  const skills = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(SKILLS))
  return {
    kind,
    sphere: pick(SPHERES),
    title: pick(TITLES),
    organisation: pick(ORGANISATIONS),
    place: pick(PLACES),
    start,
    ...(pointInTime ? {} : ongoing ? { ongoing: true } : { end: `${endYear}-${month}` }),
    skills: [...new Set(skills)],
    description: description.trim(),
    ...(rand() < 0.3 ? { url: `https://example.org/experiences/${Math.floor(rand() * 1e6)}` } : {})
  }
}

function makeInputs(n: number): PutInput<'experience'>[] {
  const rand = prng(20261123)
  const source = { kind: 'demo', name: 'bench', at: '2026-11-23T10:00:00.000Z' } as const
  return Array.from({ length: n }, () => ({ type: 'experience', data: experience(rand), source }))
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const now = () => performance.now()

/** A full garbage collection before each timed phase, so one phase's garbage is not billed to the next. */
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2
}

async function cidOf(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

/** Read a whole block the way the vault does (the blockstore yields chunks). */
async function readAll(blocks: Blockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of blocks.get(cid)) {
    chunks.push(chunk)
    size += chunk.length
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0]
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const secrets = () => ({
  identitySeed: randomBytes(32),
  name: 'Bench',
  createdAt: '2026-11-23T10:00:00.000Z'
})

function byDate(a: Summary, b: Summary): number {
  return (b.date ?? '').localeCompare(a.date ?? '')
}

// ---------------------------------------------------------------------------------------------------------
// One round

interface Samples {
  putSingle: number[]
  putMany: number[]
  get: number[]
  rawPut: number[]
  rawGet: number[]
  unlock: number[]
  unlockKdf: number[]
  unlockRest: number[]
  kdf: number[]
  timeline: number[]
  timelineFiltered: number[]
  sort: number[]
  blockBytes: number[]
  matches: number[]
}

const samples: Samples = {
  putSingle: [],
  putMany: [],
  get: [],
  rawPut: [],
  rawGet: [],
  unlock: [],
  unlockKdf: [],
  unlockRest: [],
  kdf: [],
  timeline: [],
  timelineFiltered: [],
  sort: [],
  blockBytes: [],
  matches: []
}

async function round(inputs: PutInput<'experience'>[], r: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'musette-bench-vault-'))
  const label = r < 0 ? 'warm-up' : `round ${r + 1}/${ROUNDS}`
  const log = (s: string) => process.stderr.write(`  ${label}: ${s}\n`)
  try {
    // 1. putMany, in batches: one datastore batch per call for the index entries.
    {
      const stores = await openNodeStores(join(root, 'batched'))
      const vault = await Vault.create(stores, nodeScrypt, PASSPHRASE, secrets(), {
        kdfParams: DEFAULT_KDF,
        aead: nativeAead
      })
      gc()
      const t = now()
      for (let i = 0; i < inputs.length; i += BATCH) await vault.putMany(inputs.slice(i, i + BATCH))
      samples.putMany.push(now() - t)
      vault.lock()
      await stores.close()
      log(`putMany ${Math.round(samples.putMany.at(-1) ?? 0)} ms`)
    }

    // 2. single puts: one block write and one index write per record (what the API does per request).
    const ids: string[] = []
    const lengths: number[] = []
    const vaultDir = join(root, 'single')
    {
      const stores = await openNodeStores(vaultDir)
      const vault = await Vault.create(stores, nodeScrypt, PASSPHRASE, secrets(), {
        kdfParams: DEFAULT_KDF,
        aead: nativeAead
      })
      gc()
      const t = now()
      for (const input of inputs) ids.push((await vault.put(input)).id)
      samples.putSingle.push(now() - t)
      // The sealed blocks' sizes, for the raw baseline (not timed).
      for await (const { bytes } of stores.blocks.getAll()) {
        let n = 0
        for await (const chunk of bytes) n += chunk.length
        lengths.push(n)
      }
      vault.lock()
      await stores.close()
      samples.blockBytes.push(median(lengths))
      log(`put ${Math.round(samples.putSingle.at(-1) ?? 0)} ms`)
    }

    // 3. unlock on freshly opened stores (the KDF inside it timed apart), then cold gets on that instance;
    //    each unlock right after the KDF alone with the same parameters (a fresh salt, as a new keyring has).
    for (let u = 0; u < UNLOCKS_PER_ROUND; u++) {
      gc()
      const tk = now()
      await nodeScrypt(PASSPHRASE, { ...DEFAULT_KDF, salt: randomBytes(16) })
      samples.kdf.push(now() - tk)
      const stores = await openNodeStores(vaultDir)
      gc()
      let kdfMs = 0
      const timedKdf: Kdf = async (passphrase, params) => {
        const t = now()
        const key = await nodeScrypt(passphrase, params)
        kdfMs = now() - t
        return key
      }
      const t = now()
      const vault = await Vault.unlock(stores, timedKdf, PASSPHRASE, { aead: nativeAead })
      const unlockMs = now() - t
      samples.unlock.push(unlockMs)
      samples.unlockKdf.push(kdfMs)
      samples.unlockRest.push(unlockMs - kdfMs)
      if (vault.size !== inputs.length)
        throw new Error(`unlocked ${vault.size} records, expected ${inputs.length}`)
      if (u === UNLOCKS_PER_ROUND - 1) {
        gc()
        const tg = now()
        for (const id of ids) {
          if (!(await vault.get(id))) throw new Error(`record ${id} not found`)
        }
        samples.get.push(now() - tg)
        log(`unlock ${Math.round(unlockMs)} ms, get ${Math.round(samples.get.at(-1) ?? 0)} ms`)

        // 4. the time-line, against a plain sort of the same summaries by date.
        gc()
        for (let i = 0; i < TIMELINE_RUNS; i++) {
          let t0 = now()
          buildTimeline([...vault.summaries()], {})
          samples.timeline.push(now() - t0)
          t0 = now()
          const filtered = buildTimeline([...vault.summaries()], FILTERED)
          samples.timelineFiltered.push(now() - t0)
          samples.matches.push(filtered.total)
          t0 = now()
          ;[...vault.summaries()].sort(byDate)
          samples.sort.push(now() - t0)
        }
      }
      vault.lock()
      await stores.close()
    }

    // 5. raw blockstore-level: random bytes of the sealed blocks' lengths, CIDs sha256/raw as the vault does.
    {
      const payloads = lengths.map((n) => randomBytes(n))
      const cids: CID[] = []
      const rawDir = join(root, 'raw')
      let blocks = new LevelBlockstore(rawDir)
      await blocks.open()
      gc()
      const t = now()
      for (const bytes of payloads) {
        const cid = await cidOf(bytes)
        await blocks.put(cid, bytes)
        cids.push(cid)
      }
      samples.rawPut.push(now() - t)
      await blocks.close()
      // Opened and closed once first, as the vault's stores were for the first unlock: the first open after a
      // bulk write replays LevelDB's log and compacts, and the vault's cold gets come after that too.
      for (let open = 0; open < UNLOCKS_PER_ROUND; open++) {
        if (open > 0) await blocks.close()
        blocks = new LevelBlockstore(rawDir)
        await blocks.open()
      }
      gc()
      const tg = now()
      for (const cid of cids) {
        const bytes = await readAll(blocks, cid)
        if (bytes.length === 0) throw new Error('empty block')
      }
      samples.rawGet.push(now() - tg)
      await blocks.close()
      log(
        `raw put ${Math.round(samples.rawPut.at(-1) ?? 0)} ms, raw get ${Math.round(samples.rawGet.at(-1) ?? 0)} ms`
      )
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report

const ms = (v: number) =>
  v >= 100 ? `${Math.round(v).toLocaleString('en-US')} ms` : `${v.toFixed(v >= 10 ? 1 : 2)} ms`
const perOp = (v: number) => `${((v * 1000) / RECORDS).toFixed(0)} µs/rec`
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')

async function main(): Promise<void> {
  const started = now()
  const loadBefore = loadavg()[0] ?? 0
  const inputs = makeInputs(RECORDS)
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  process.stderr.write(
    `Vault benchmark: ${RECORDS.toLocaleString('en-US')} records, ${ROUNDS} round(s), ` +
      `Node ${process.versions.node}, ${cpus().length} × ${cpu}\n`
  )
  // Warm the JIT and the crypto paths on a small vault (not measured).
  await round(inputs.slice(0, 200), -1)
  for (const key of Object.keys(samples) as (keyof Samples)[]) samples[key].length = 0
  for (let r = 0; r < ROUNDS; r++) await round(inputs, r)

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
    keyof Samples,
    number
  >
  const putGetVault = m.putSingle + m.get
  const putGetRaw = m.rawPut + m.rawGet
  const putOk = m.putSingle <= 3 * m.rawPut
  const getOk = m.get <= 3 * m.rawGet
  const putGetOk = putGetVault <= 3 * putGetRaw
  const n = RECORDS.toLocaleString('en-US')
  const firstUnlock = median(samples.unlock.filter((_, i) => i % UNLOCKS_PER_ROUND === 0))
  const laterUnlocks = median(samples.unlock.filter((_, i) => i % UNLOCKS_PER_ROUND !== 0))

  const rows: string[][] = [
    ['Measure', 'Vault', 'Baseline', 'Baseline time', 'Ratio', 'Target', 'Result'],
    [
      `put ${n} (single \`put\`)`,
      `${ms(m.putSingle)} (${perOp(m.putSingle)})`,
      'raw blockstore-level put',
      `${ms(m.rawPut)} (${perOp(m.rawPut)})`,
      ratio(m.putSingle, m.rawPut),
      '≤ 3×',
      verdict(putOk)
    ],
    [
      `put ${n} (\`putMany\` × ${BATCH})`,
      `${ms(m.putMany)} (${perOp(m.putMany)})`,
      'raw blockstore-level put',
      `${ms(m.rawPut)} (${perOp(m.rawPut)})`,
      ratio(m.putMany, m.rawPut),
      '≤ 3×',
      verdict(m.putMany <= 3 * m.rawPut)
    ],
    [
      `get ${n} (cold: new unlocked instance)`,
      `${ms(m.get)} (${perOp(m.get)})`,
      'raw blockstore-level get (reopened)',
      `${ms(m.rawGet)} (${perOp(m.rawGet)})`,
      ratio(m.get, m.rawGet),
      '≤ 3×',
      verdict(getOk)
    ],
    [
      `**put + get ${n}** (single puts)`,
      ms(putGetVault),
      'raw put + get',
      ms(putGetRaw),
      ratio(putGetVault, putGetRaw),
      '≤ 3×',
      `**${verdict(putGetOk)}**`
    ],
    [
      `**unlock** (${n} records, scrypt N=2^16 r=8 p=1)`,
      ms(m.unlock),
      'scrypt alone (nodeScrypt)',
      ms(m.kdf),
      ratio(m.unlock, m.kdf),
      '< 1 s',
      `**${verdict(m.unlock < 1000)}**`
    ],
    ['↳ of which the KDF (inside unlock)', ms(m.unlockKdf), '', '', '', '', ''],
    ['↳ unlock minus KDF (keyring, index load)', ms(m.unlockRest), '', '', '', '', ''],
    ['↳ first unlock after the bulk write (LevelDB compacting)', ms(firstUnlock), '', '', '', '', ''],
    ['↳ later unlocks', ms(laterUnlocks), '', '', '', '', ''],
    [
      `**time-line**, ${n} summaries, no filter`,
      ms(m.timeline),
      '`Array.prototype.sort` by date',
      ms(m.sort),
      ratio(m.timeline, m.sort),
      '< 50 ms',
      `**${verdict(m.timeline < 50)}**`
    ],
    [
      `**time-line**, sphere + text ("${FILTERED.q ?? ''}", ${Math.round(m.matches)} hits)`,
      ms(m.timelineFiltered),
      '`Array.prototype.sort` by date',
      ms(m.sort),
      ratio(m.timelineFiltered, m.sort),
      '< 50 ms',
      `**${verdict(m.timelineFiltered < 50)}**`
    ]
  ]
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? []
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`
  const out = [
    line(rows[0] ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line)
  ]

  const total = (now() - started) / 1000
  process.stdout.write(
    [
      '',
      `Medians over ${ROUNDS} round(s) (${UNLOCKS_PER_ROUND * ROUNDS} unlocks, ${TIMELINE_RUNS * ROUNDS} time-lines);` +
        ` records ~${DESCRIPTION_BYTES} B of description, sealed block median ${Math.round(m.blockBytes)} B;` +
        ` Node ${process.versions.node}, ${cpus().length} cores. Ratio = vault median / baseline median.`,
      '',
      ...out,
      '',
      `Per-round samples (ms): put ${fmt(samples.putSingle)}; putMany ${fmt(samples.putMany)}; get ${fmt(samples.get)};` +
        ` raw put ${fmt(samples.rawPut)}; raw get ${fmt(samples.rawGet)}; unlock ${fmt(samples.unlock)};` +
        ` scrypt ${fmt(samples.kdf)}`,
      'What dominates each figure, and what would change it: docs/BENCHMARKS.md.',
      `Total run time ${total.toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(2)} before,` +
        ` ${(loadavg()[0] ?? 0).toFixed(2)} after on ${cpus().length} cores.` +
        `${QUICK ? ' (--quick: a smoke run, not the targets’ size.)' : ''}`,
      ''
    ].join('\n')
  )
}

function fmt(values: readonly number[]): string {
  return values.map((v) => Math.round(v)).join(' / ')
}

await main()

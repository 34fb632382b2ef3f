/**
 * Import, backup and restore benchmark (issue 7), through the real daemon (`musette start`, the built bundle)
 * and its HTTP API, as the UI drives it:
 *
 * 1. A LinkedIn export of 5,000 positions and 20,000 connections (plus education, skills, recommendations and
 *    endorsements; LinkedIn's notes lines before the Connections header, quoted multi-line descriptions,
 *    accents), zipped with fflate: preview (`POST /api/import/linkedin/preview`) + import of every item
 *    (`POST /api/import/linkedin`) into a fresh profile on disk. Target: under 10 s, the daemon's peak memory
 *    (VmHWM) under 300 MB. Baseline, same run: unzip + CSV parse of the same bytes alone (fflate + csv-parse),
 *    so the ratio shows what checking, encrypting and writing cost.
 * 2. A vault of 10,000 records of every kind the importers make (experiences, skills, contacts, notes) plus
 *    facets and places: backup (`GET /api/backup`, the CAR streamed to a file) and restore into a fresh home
 *    (`POST /api/restore`, which checks every block, the passphrase and every record before writing).
 *    Target: under 5 s each. Baseline, same run: SHA-256 of the archive's bytes (what any backup must read).
 *
 * Usage: npm run bench:import [-- --rounds 3] [-- --quick] [-- --only import|backup]     Results: docs/BENCHMARKS.md.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parse as parseCsv } from 'csv-parse/sync'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { ensureBuilt, runCli, startHome, type StartedNode } from '../../tests/integration/cli-node.ts'
import { prng } from './prng.ts'

const QUICK = process.argv.includes('--quick')
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const ROUNDS = arg('rounds', QUICK ? 1 : 3)
const SCALE = QUICK ? 0.1 : 1
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const PASS = 'une phrase de passe pour le banc'
const TARGET = { importMs: 10_000, importMB: 300, backupMs: 5_000, restoreMs: 5_000 }

// ---------------------------------------------------------------------------------------------------------
// A realistic export, from a seeded generator

const FIRST = [
  'Émilie',
  'Karim',
  'Sophie',
  'Zoé',
  'Inès',
  'Léo',
  'Anaïs',
  'Jérôme',
  'Chloé',
  'Noël',
  'Maëlle'
]
const LAST = ['Laurent', 'Benali', 'Martin', 'Lefèvre', 'Durand', 'Guérin', 'Bérard', 'Ñúñez', 'Kowalski']
const ORGS = ['Atelier Lumière', 'Studio Écume', 'Coopérative Ouest, SCOP', 'Mairie de Nantes', 'Fab’Lab']
const TITLES = ['Designer produit', 'Chargée de mission', 'Développeur', 'Cheffe de projet', 'Consultant']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const q = (s: string) => `"${s.replace(/"/g, '""')}"`

export interface Sizes {
  positions: number
  connections: number
  education: number
  skills: number
  recommendations: number
  endorsements: number
}

export function linkedInExport(n: Sizes, seed = 7): Uint8Array {
  const r = prng(seed)
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!
  const person = (i: number) => [`${pick(FIRST)}${i}`, pick(LAST)]
  const monthYear = () => `${pick(MONTHS)} ${1995 + Math.floor(r() * 30)}`
  const lines = (header: string, rows: string[]) => strToU8([header, ...rows].join('\n') + '\n')
  const positions: string[] = []
  for (let i = 0; i < n.positions; i++) {
    const y = 1990 + (i % 34)
    const desc = `Mission n° ${i} : coordination d’équipes, « ateliers » partagés.\n- Résultat : +${i % 50} %\n- Outils : Figma, "Miro"`
    positions.push(
      [
        q(`${pick(ORGS)} ${i}`),
        q(`${pick(TITLES)} ${i}`),
        q(desc),
        q('Nantes, France'),
        `Jan ${y}`,
        `Dec ${y}`
      ].join(',')
    )
  }
  const connections: string[] = []
  for (let i = 0; i < n.connections; i++) {
    const [f, l] = person(i)
    const url = `https://www.linkedin.com/in/p-${i}`
    connections.push(
      [
        f,
        l,
        url,
        i % 3 ? '' : `p${i}@exemple.fr`,
        q(`${pick(ORGS)}`),
        pick(TITLES),
        `${(i % 28) + 1} ${monthYear()}`
      ].join(',')
    )
  }
  const education: string[] = []
  for (let i = 0; i < n.education; i++) {
    education.push(
      [
        q(`École ${i}`),
        String(1990 + (i % 30)),
        String(1992 + (i % 30)),
        q('Mémoire\nsur l’accessibilité'),
        q('Master'),
        q('')
      ].join(',')
    )
  }
  const skills: string[] = []
  for (let i = 0; i < n.skills; i++) skills.push(q(`Compétence ${i}`))
  const recs: string[] = []
  for (let i = 0; i < n.recommendations; i++) {
    const [f, l] = person(i)
    recs.push(
      [
        f,
        l,
        q(pick(ORGS)),
        pick(TITLES),
        q(`${f} a transformé notre façon de travailler.\nMerci !`),
        q(`0${(i % 9) + 1}/14/21, 10:12 AM`),
        'VISIBLE'
      ].join(',')
    )
  }
  const ends: string[] = []
  for (let i = 0; i < n.endorsements; i++) {
    const [f, l] = person(i)
    ends.push(
      [
        `2022/05/0${(i % 9) + 1} 09:12:45 UTC`,
        `Compétence ${i % Math.max(1, n.skills)}`,
        f,
        l,
        `www.linkedin.com/in/e-${i}`,
        'ACCEPTED'
      ].join(',')
    )
  }
  const notes =
    'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
  return zipSync(
    {
      'Positions.csv': lines('Company Name,Title,Description,Location,Started On,Finished On', positions),
      'Connections.csv': strToU8(
        notes +
          new TextDecoder().decode(
            lines('First Name,Last Name,URL,Email Address,Company,Position,Connected On', connections)
          )
      ),
      'Education.csv': lines('School Name,Start Date,End Date,Notes,Degree Name,Activities', education),
      'Skills.csv': lines('Name', skills),
      'Recommendations_Received.csv': lines(
        'First Name,Last Name,Company,Job Title,Text,Creation Date,Status',
        recs
      ),
      'Endorsement_Received_Info.csv': lines(
        'Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status',
        ends
      )
    },
    { level: 6 }
  )
}

// ---------------------------------------------------------------------------------------------------------
// The daemon

async function startDaemon(dir: string, key: string, init: boolean): Promise<StartedNode & { pid: number }> {
  const home = join(dir, key)
  const pass = join(dir, `${key}.pass`)
  await writeFile(pass, `${PASS}\n`)
  if (init) {
    const r = runCli(['init', '--home', home, '--name', 'Émilie Banc', '--passphrase-file', pass])
    if (r.status !== 0) throw new Error(r.stderr)
  }
  const node = await startHome(home, init ? ['--passphrase-file', pass] : [], 60_000)
  return Object.assign(node, { pid: node.child.pid! })
}

async function call(
  node: StartedNode,
  method: string,
  path: string,
  body?: BodyInit,
  type?: string,
  headers: Record<string, string> = {}
) {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${node.token}`, ...(type ? { 'content-type': type } : {}), ...headers },
    ...(body !== undefined ? { body } : {})
  })
  if (res.status >= 300)
    throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 500)}`)
  return res
}

/** The daemon's peak and current resident memory, from /proc (MB). */
async function memoryOf(pid: number): Promise<{ peakMB: number; rssMB: number }> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN)
  return { peakMB: kb('VmHWM') / 1024, rssMB: kb('VmRSS') / 1024 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

/** Unzip and parse every CSV: what any importer must do. */
function baselineParse(zip: Uint8Array): number {
  const files = unzipSync(zip)
  let rows = 0
  for (const [name, bytes] of Object.entries(files)) {
    let text = new TextDecoder().decode(bytes)
    if (name === 'Connections.csv') text = text.slice(text.indexOf('First Name'))
    rows += (parseCsv(text, { columns: true, relax_column_count: true }) as unknown[]).length
  }
  return rows
}

/** Preview the export, then import every item it found: what the UI does. */
async function importAll(node: StartedNode, zip: Uint8Array, onPreviewed?: () => Promise<void>) {
  const preview = (await (
    await call(
      node,
      'POST',
      '/api/import/linkedin/preview?name=export.zip',
      zip as unknown as BodyInit,
      'application/octet-stream'
    )
  ).json()) as { token: string; items: Array<{ key: string; duplicateOf?: string }> }
  await onPreviewed?.()
  const keys = preview.items.filter((i) => !i.duplicateOf).map((i) => i.key)
  const body = JSON.stringify({ token: preview.token, keys })
  const done = (await (
    await call(node, 'POST', '/api/import/linkedin', body, 'application/json')
  ).json()) as {
    imported: number
  }
  return { items: preview.items.length, imported: done.imported }
}

async function importRound(dir: string, zip: Uint8Array, round: number) {
  const node = await startDaemon(dir, `import-${round}`, true)
  try {
    const before = await memoryOf(node.pid)
    const t0 = performance.now()
    let t1 = 0
    let afterPreview = before
    const done = await importAll(node, zip, async () => {
      t1 = performance.now()
      afterPreview = await memoryOf(node.pid)
    })
    const t2 = performance.now()
    const after = await memoryOf(node.pid)
    return {
      previewMs: t1 - t0,
      importMs: t2 - t1,
      totalMs: t2 - t0,
      items: done.items,
      imported: done.imported,
      baseMB: before.rssMB,
      previewPeakMB: afterPreview.peakMB,
      peakMB: after.peakMB
    }
  } finally {
    await node.stop()
  }
}

async function backupRound(dir: string, zip: Uint8Array, round: number) {
  const node = await startDaemon(dir, `vault-${round}`, true)
  let archive: Uint8Array
  let records = 0
  let backupMs = 0
  try {
    // 10,000 records: a LinkedIn import of every kind, plus facets and places through the records API
    const { imported } = await importAll(node, zip)
    for (let i = 0; records + imported < 10_000 * SCALE && i < 200; i++) {
      const body =
        i % 2
          ? { type: 'place', data: { name: `Lieu ${i}`, city: 'Nantes', country: 'France', from: '2019' } }
          : { type: 'facet', data: { kind: 'website', value: `https://exemple.fr/${i}` } }
      await call(node, 'POST', '/api/records', JSON.stringify(body), 'application/json')
      records++
    }
    records += imported
    const t0 = performance.now()
    archive = new Uint8Array(await (await call(node, 'GET', '/api/backup')).arrayBuffer())
    await writeFile(join(dir, `backup-${round}.car`), archive)
    backupMs = performance.now() - t0
  } finally {
    await node.stop()
  }
  const fresh = await startDaemon(dir, `restored-${round}`, false)
  try {
    const t0 = performance.now()
    const bytes = await readFile(join(dir, `backup-${round}.car`))
    await call(fresh, 'POST', '/api/restore', bytes as unknown as BodyInit, 'application/vnd.ipld.car', {
      'x-musette-passphrase': encodeURIComponent(PASS)
    })
    const restoreMs = performance.now() - t0
    const t1 = performance.now()
    createHash('sha256').update(bytes).digest()
    const hashMs = performance.now() - t1
    return { records, archiveMB: archive.byteLength / 1024 / 1024, backupMs, restoreMs, hashMs }
  } finally {
    await fresh.stop()
  }
}

async function main(): Promise<void> {
  ensureBuilt()
  const dir = await mkdtemp(join(tmpdir(), 'musette-bench-import-'))
  const load0 = loadavg()
  console.log(
    `Import, backup and restore benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${load0.map((l) => l.toFixed(2)).join(' ')}, ${ROUNDS} round(s)${QUICK ? ' (quick: a tenth of the sizes)' : ''}`
  )
  try {
    const big: Sizes = {
      positions: 5000 * SCALE,
      connections: 20000 * SCALE,
      education: 300 * SCALE,
      skills: 200 * SCALE,
      recommendations: 100 * SCALE,
      endorsements: 500 * SCALE
    }
    const zip = linkedInExport(big)
    const items = Object.values(big).reduce((a, b) => a + b, 0)
    console.log(
      `\n## LinkedIn export: ${fmt(big.positions)} positions, ${fmt(big.connections)} connections, ${fmt(items)} rows in all; ZIP ${fmt(zip.byteLength / 1024)} KB`
    )
    const imports = []
    for (let i = 0; i < (ONLY === 'backup' ? 0 : ROUNDS); i++) {
      const t0 = performance.now()
      const rows = baselineParse(zip)
      const baseMs = performance.now() - t0
      const r = await importRound(dir, zip, i)
      imports.push({ ...r, baseMs, rows })
      console.log(
        `round ${i + 1}: preview ${fmt(r.previewMs)} ms + import ${fmt(r.importMs)} ms = ${fmt(r.totalMs)} ms for ${fmt(r.imported)} records (baseline unzip + parse of ${fmt(rows)} rows: ${fmt(baseMs)} ms, ${fmt(r.totalMs / baseMs, 1)}×); daemon memory ${fmt(r.baseMB)} MB at rest, peak ${fmt(r.previewPeakMB)} MB after the preview and ${fmt(r.peakMB)} MB after the import`
      )
    }
    const vaultSizes: Sizes = {
      positions: 2000 * SCALE,
      connections: 6800 * SCALE,
      education: 300 * SCALE,
      skills: 200 * SCALE,
      recommendations: 200 * SCALE,
      endorsements: 300 * SCALE
    }
    const vaultZip = linkedInExport(vaultSizes, 11)
    console.log('\n## Backup and restore of a 10,000-record vault')
    const backups = []
    for (let i = 0; i < (ONLY === 'import' ? 0 : ROUNDS); i++) {
      const r = await backupRound(dir, vaultZip, i)
      backups.push(r)
      console.log(
        `round ${i + 1}: ${fmt(r.records)} records, archive ${fmt(r.archiveMB, 1)} MB; backup ${fmt(r.backupMs)} ms, restore ${fmt(r.restoreMs)} ms (baseline SHA-256 of the archive ${fmt(r.hashMs, 1)} ms: backup ${fmt(r.backupMs / r.hashMs, 0)}×, restore ${fmt(r.restoreMs / r.hashMs, 0)}×)`
      )
    }
    const imp = median(imports.map((r) => r.totalMs))
    const peak = Math.max(...imports.map((r) => r.peakMB))
    const bk = median(backups.map((r) => r.backupMs))
    const rs = median(backups.map((r) => r.restoreMs))
    const base = median(imports.map((r) => r.baseMs))
    const hash = median(backups.map((r) => r.hashMs))
    console.log('\n## Targets (medians)')
    const line = (ok: boolean, what: string, value: string) =>
      console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${value}`)
    if (imports.length) {
      line(
        imp < TARGET.importMs,
        `import of the LinkedIn export under ${fmt(TARGET.importMs)} ms`,
        `${fmt(imp)} ms (${fmt(imp / base, 1)}× unzip + parse alone)`
      )
      line(
        peak < TARGET.importMB,
        `daemon memory during the import under ${TARGET.importMB} MB (peak RSS)`,
        `${fmt(peak)} MB`
      )
    }
    if (backups.length) {
      line(
        bk < TARGET.backupMs,
        `backup of ${fmt(10_000 * SCALE)} records under ${fmt(TARGET.backupMs)} ms`,
        `${fmt(bk)} ms (${fmt(bk / hash, 0)}× a SHA-256 of the archive)`
      )
      line(
        rs < TARGET.restoreMs,
        `restore of ${fmt(10_000 * SCALE)} records under ${fmt(TARGET.restoreMs)} ms`,
        `${fmt(rs)} ms (${fmt(rs / hash, 0)}× a SHA-256 of the archive)`
      )
    }
    console.log(
      `load after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// run when called, not when imported (scripts that build the same export)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()

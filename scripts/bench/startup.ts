/**
 * Startup benchmark: from a fresh process to the local API answering, against `node -e 0` spawned the same
 * way. Spawns `node bin/musette.mjs start --home <tmp> --api-port <free> --p2p-port <free>`, polls
 * `GET /api/health` every 5 ms until it answers 200, then stops the node with SIGTERM.
 *
 * Usage: npx tsx scripts/bench/startup.ts [--quick]      (--quick: 3 runs instead of 7)
 * Results and what dominates them: docs/BENCHMARKS.md.
 */
import '../../node/polyfills.ts'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const QUICK = process.argv.includes('--quick')
const RUNS = QUICK ? 3 : 7
const POLL_MS = 5
const TARGET_RATIO = 5
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = join(ROOT, 'bin', 'musette.mjs')
const BUNDLE_DIR = join(ROOT, 'dist', 'node')
const PASSPHRASE = 'correct horse battery staple'

const now = () => performance.now()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2
}

/** A TCP port free on 127.0.0.1 right now (and, with `pair`, the next one too: libp2p's WebSockets port). */
async function freePort(pair = false): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(undefined))
      server.listen(port, '127.0.0.1', () => {
        const address = server.address()
        const p = typeof address === 'object' && address ? address.port : undefined
        server.close(() => resolve(p))
      })
    })
  for (;;) {
    const port = await listen(0)
    if (port === undefined || port >= 65534) continue
    if (!pair || (await listen(port + 1)) !== undefined) return port
  }
}

/** One GET /api/health without keep-alive: true on a 200. */
function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
      res.on('error', () => resolve(false))
    })
    req.on('error', () => resolve(false))
    req.end()
  })
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode)
    else child.once('exit', (code) => resolve(code))
  })
}

/** Milliseconds from spawn to exit of `node <args>`. */
async function timeToExit(args: string[]): Promise<number> {
  const t = now()
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await exited(child)
  const elapsed = now() - t
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${stderr}`)
  return elapsed
}

interface StartTiming {
  /** Spawn to the first 200 of GET /api/health. */
  health: number
  /** Spawn to "API ready on …" on stdout. */
  printed: number
}

/** Spawn `musette start`, time it to the first healthy answer, then SIGTERM it and wait for its exit. */
async function timeToHealthy(home: string): Promise<StartTiming> {
  const apiPort = await freePort()
  const p2pPort = await freePort(true)
  const args = [BIN, 'start', '--home', home, '--api-port', String(apiPort), '--p2p-port', String(p2pPort)]
  const t = now()
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let printed = NaN
  const ready = `API ready on http://127.0.0.1:${apiPort}`
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (Number.isNaN(printed) && stdout.includes(ready)) printed = now() - t
  })
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  let gone = false
  const exit = exited(child).then((code) => {
    gone = true
    return code
  })
  try {
    for (;;) {
      if (gone) throw new Error(`musette start exited early:\n${stdout}\n${stderr}`)
      if (await healthy(apiPort)) break
      await sleep(POLL_MS)
    }
    const health = now() - t
    // The line is written before the process yields, so it is there by now (or in the pipe's next read).
    for (let i = 0; i < 200 && Number.isNaN(printed); i++) await sleep(1)
    return { health, printed }
  } finally {
    if (!gone) child.kill('SIGTERM')
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const code = await exit
    clearTimeout(kill)
    if (code !== 0 && code !== null)
      process.stderr.write(`  (musette start exited with ${code}: ${stderr.trim()})\n`)
  }
}

function ensureBundle(): void {
  if (existsSync(join(BUNDLE_DIR, 'musette.mjs'))) return
  process.stderr.write('dist/node/musette.mjs is missing: node scripts/build.mjs --node\n')
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--node'], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  if (r.status !== 0) throw new Error('the node bundle did not build')
}

const ms = (v: number) => `${Math.round(v)} ms`
const range = (v: readonly number[]) => `${Math.round(Math.min(...v))}–${Math.round(Math.max(...v))} ms`

async function main(): Promise<void> {
  const started = now()
  const loadBefore = loadavg()[0] ?? 0
  ensureBundle()
  const serverChunk = readdirSync(BUNDLE_DIR).find((f) => /^server-[A-Z0-9]+\.mjs$/.test(f))
  const importBundle = "import('./dist/node/musette.mjs')"
  const importServer = serverChunk
    ? `import('./dist/node/musette.mjs').then(() => import('./dist/node/${serverChunk}'))`
    : undefined
  process.stderr.write(
    `Startup benchmark: ${RUNS} runs each, Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}\n`
  )

  const scratch = await mkdtemp(join(tmpdir(), 'musette-bench-startup-'))
  const homes: string[] = []
  const freshHome = async () => {
    const home = await mkdtemp(join(scratch, 'fresh-'))
    homes.push(home)
    return home
  }
  try {
    // An initialized, locked profile: `musette init` once (scrypt N=2^16, not timed).
    const initHome = join(scratch, 'initialized')
    const passFile = join(scratch, 'passphrase')
    await writeFile(passFile, PASSPHRASE + '\n', { mode: 0o600 })
    const init = spawnSync(
      process.execPath,
      [BIN, 'init', '--home', initHome, '--name', 'Bench', '--passphrase-file', passFile],
      { cwd: ROOT, encoding: 'utf8' }
    )
    if (init.status !== 0) throw new Error(`musette init failed: ${init.stdout}${init.stderr}`)

    // Warm the page cache and the OS (not measured).
    await timeToExit(['-e', '0'])
    await timeToExit(['-e', importBundle])
    await timeToHealthy(await freshHome())
    await timeToHealthy(initHome)

    const baseline: number[] = []
    const fresh: StartTiming[] = []
    const locked: StartTiming[] = []
    const imports: number[] = []
    const importsServer: number[] = []
    // Interleaved, so that a burst of load elsewhere on the machine hits every measure alike.
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await timeToExit(['-e', '0']))
      fresh.push(await timeToHealthy(await freshHome()))
      locked.push(await timeToHealthy(initHome))
      imports.push(await timeToExit(['-e', importBundle]))
      if (importServer) importsServer.push(await timeToExit(['-e', importServer]))
      process.stderr.write(
        `  run ${i + 1}/${RUNS}: node -e 0 ${ms(baseline.at(-1) ?? 0)}, fresh ${ms(fresh.at(-1)?.health ?? 0)},` +
          ` locked ${ms(locked.at(-1)?.health ?? 0)}, import ${ms(imports.at(-1) ?? 0)}\n`
      )
    }

    const base = median(baseline)
    const freshMs = median(fresh.map((f) => f.health))
    const lockedMs = median(locked.map((f) => f.health))
    const importMs = median(imports)
    const importServerMs = importsServer.length > 0 ? median(importsServer) : NaN
    const verdict = (v: number) => (v <= TARGET_RATIO * base ? 'PASS' : 'MISS')
    const ratio = (v: number) => `${(v / base).toFixed(2)}×`

    const rows: string[][] = [
      ['Measure', 'Median', 'Range', 'Ratio to `node -e 0`', 'Target', 'Result'],
      ['`node -e 0`, spawn to exit (baseline)', ms(base), range(baseline), '1.00×', '', ''],
      [
        '**start → `/api/health` 200, fresh profile**',
        ms(freshMs),
        range(fresh.map((f) => f.health)),
        ratio(freshMs),
        `≤ ${TARGET_RATIO}×`,
        `**${verdict(freshMs)}**`
      ],
      [
        '↳ start → "API ready" line read from its stdout pipe',
        ms(median(fresh.map((f) => f.printed))),
        range(fresh.map((f) => f.printed)),
        ratio(median(fresh.map((f) => f.printed))),
        '',
        ''
      ],
      [
        '**start → `/api/health` 200, initialized locked profile**',
        ms(lockedMs),
        range(locked.map((f) => f.health)),
        ratio(lockedMs),
        `≤ ${TARGET_RATIO}×`,
        `**${verdict(lockedMs)}**`
      ],
      [
        '`import(dist/node/musette.mjs)`, spawn to exit',
        ms(importMs),
        range(imports),
        ratio(importMs),
        '',
        ''
      ]
    ]
    if (importServer) {
      rows.push([
        `↳ then \`import(${serverChunk ?? ''})\` (the API server chunk)`,
        ms(importServerMs),
        range(importsServer),
        ratio(importServerMs),
        '',
        ''
      ])
    }
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? []
    const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`
    const table = [
      line(rows[0] ?? []),
      `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
      ...rows.slice(1).map(line)
    ]

    // The split, as medians of differences within each run (measured one after the other, so a burst of load
    // elsewhere hits both sides); the parts need not add up exactly to the total.
    const slowest = Math.max(freshMs, lockedMs)
    const slowSeries = (freshMs >= lockedMs ? fresh : locked).map((f) => f.health)
    const loadedSeries = importsServer.length > 0 ? importsServer : imports
    const bundlePart = median(imports.map((v, i) => v - (baseline[i] ?? NaN)))
    const serverPart = median(importsServer.map((v, i) => v - (imports[i] ?? NaN)))
    const restPart = median(slowSeries.map((v, i) => v - (loadedSeries[i] ?? NaN)))
    const part = (v: number) => (v > 0 ? `${ms(v)} (${pct(v, slowest)})` : '≈ 0 ms (within the noise)')
    const notes = [
      `Where the time goes (slowest start, ${ms(slowest)}; medians of per-run differences):`,
      `  - Node itself (\`node -e 0\`): ${part(base)}`,
      `  - loading and evaluating the bundle's static graph (import minus \`node -e 0\`): ${part(bundlePart)}`,
      ...(importsServer.length > 0 ? [`  - the API server chunk on top: ${part(serverPart)}`] : []),
      `  - the rest (home, token and config files, listen, first HTTP answer): ${part(restPart)}`
    ]
    const miss = verdict(freshMs) === 'MISS' || verdict(lockedMs) === 'MISS'
    const dominant =
      bundlePart >= restPart
        ? 'module loading dominates: the code imported before the API can listen'
        : 'the work after loading dominates (files, listen)'
    process.stdout.write(
      [
        '',
        `Medians of ${RUNS} runs each, interleaved; Node ${process.versions.node}, ${cpus().length} cores;` +
          ` /api/health polled every ${POLL_MS} ms.`,
        '',
        ...table,
        '',
        ...notes,
        miss ? `MISS: ${dominant}.` : `Both within ${TARGET_RATIO}× of \`node -e 0\`.`,
        `Total run time ${((now() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(2)}` +
          ` before, ${(loadavg()[0] ?? 0).toFixed(2)} after on ${cpus().length} cores.`,
        ''
      ].join('\n')
    )
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

function pct(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)} %`
}

await main()

#!/usr/bin/env node
// `npm test`: every check, in order — Chromium present (installed from Debian when missing and root),
// lint, type checks, build, then all Vitest projects (unit, integration over real sockets and disks,
// browser in Debian's Chromium). Ends with one line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const CHROMIUM = process.env.MUSETTE_CHROMIUM ?? '/usr/bin/chromium'

function run(label, cmd, args, opts = {}) {
  process.stdout.write(`\n▶ ${label}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts })
  if (r.status !== 0) {
    process.stderr.write(`\n✗ ${label} failed (exit ${r.status ?? r.signal})\n`)
    process.exit(r.status || 1)
  }
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    process.stderr.write(
      `The browser test needs Debian's Chromium at ${CHROMIUM}. Install it with:\n` +
        '  sudo apt-get update && sudo apt-get install -y chromium\n'
    )
    process.exit(1)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get update', 'apt-get', ['update'], { env })
  run("install Debian's chromium", 'apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    env
  })
}

const only = process.argv.slice(2)
ensureChromium()
run('svelte-kit sync', bin('svelte-kit'), ['sync'])
run('lint (eslint)', bin('eslint'), ['.'])
run('format (prettier --check)', bin('prettier'), ['--check', '.'])
run('types (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])
run('types (svelte-check)', bin('svelte-check'), ['--tsconfig', './tsconfig.json', '--threshold', 'error'])
run('build (UI and node)', process.execPath, [join(root, 'scripts', 'build.mjs')])

mkdirSync(join(root, 'test-results'), { recursive: true })
const report = join(root, 'test-results', 'vitest.json')
const vitest = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...only],
  { cwd: root, stdio: 'inherit' }
)
let summary = ''
try {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`
} catch {
  summary = ''
}
if (summary) process.stdout.write(`\n${summary}\n`)
process.exit(vitest.status ?? 1)

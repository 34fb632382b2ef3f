#!/usr/bin/env node
// Builds what `npm start` runs: the UI (SvelteKit static SPA → dist/ui) and the node (one esbuild bundle
// with code splitting → dist/node/musette.mjs; libp2p and LevelDB load only when the vault is unlocked).
// Usage: node scripts/build.mjs [--ui] [--node] [--if-stale]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = new Set(process.argv.slice(2))
const all = !args.has('--ui') && !args.has('--node')
const ifStale = args.has('--if-stale')

function newest(paths) {
  let t = 0
  const walk = (p) => {
    if (!existsSync(p)) return
    const s = statSync(p)
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && !e.startsWith('.')) walk(join(p, e))
    } else if (!/\.test\.ts$/.test(p)) t = Math.max(t, s.mtimeMs)
  }
  paths.forEach((p) => walk(join(root, p)))
  return t
}
const stale = (output, inputs) =>
  !ifStale || !existsSync(join(root, output)) || statSync(join(root, output)).mtimeMs < newest(inputs)

if (
  (all || args.has('--ui')) &&
  stale('dist/ui/index.html', [
    'app',
    'node/model',
    'credentials',
    'svelte.config.js',
    'vite.config.ts',
    'package-lock.json'
  ])
) {
  process.stdout.write('Building the UI…\n')
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit'
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (
  (all || args.has('--node')) &&
  stale('dist/node/musette.mjs', ['node', 'credentials', 'protocols', 'scripts/demo.ts', 'package-lock.json'])
) {
  process.stdout.write('Building the node…\n')
  const { build } = await import('esbuild')
  await build({
    absWorkingDir: root,
    entryPoints: { musette: 'node/cli.ts', demo: 'scripts/demo.ts' },
    outdir: 'dist/node',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    // LevelDB is a native addon that finds its prebuilt binary next to its own files.
    external: ['classic-level'],
    banner: {
      js: "import { createRequire as __musetteCreateRequire } from 'node:module'; const require = __musetteCreateRequire(import.meta.url);"
    }
  })
}

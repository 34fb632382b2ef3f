#!/usr/bin/env node
// The `musette` command: runs the bundled node (dist/node/musette.mjs), building it first if missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'

// A personal node runs in the background for hours: a V8 heap that grows by 30 % before its next full
// collection (rather than up to 4×, V8's default when collections are fast) keeps a 26,000-row import
// under 300 MB instead of ~370, for a few per cent of speed (docs/BENCHMARKS.md, "Import, backup and
// restore"). Set before anything large is allocated.
setFlagsFromString('--heap-growing-percent=30')

const bundle = new URL('../dist/node/musette.mjs', import.meta.url)
if (!existsSync(fileURLToPath(bundle))) {
  const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))
  const r = spawnSync(process.execPath, [build], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const { main } = await import(bundle.href)
process.exit(await main(process.argv.slice(2)))

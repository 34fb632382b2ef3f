#!/usr/bin/env node
// The `musette` command: runs the bundled node (dist/node/musette.mjs), building it first if missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = new URL('../dist/node/musette.mjs', import.meta.url)
if (!existsSync(fileURLToPath(bundle))) {
  const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))
  const r = spawnSync(process.execPath, [build], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const { main } = await import(bundle.href)
process.exit(await main(process.argv.slice(2)))

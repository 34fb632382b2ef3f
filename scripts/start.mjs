#!/usr/bin/env node
// `npm start`: build what is stale (UI, node bundle), then run `musette start` with the given flags
// (default profile: $MUSETTE_HOME or ~/.musette). `npm run demo` runs the three-node demo instead.
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const demo = args[0] === '--demo'

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], {
  stdio: 'inherit'
})
if (build.status !== 0) process.exit(build.status ?? 1)

const entry = demo
  ? [join(root, 'dist', 'node', 'demo.mjs'), ...args.slice(1)]
  : [join(root, 'bin', 'musette.mjs'), 'start', ...args]
const child = spawn(process.execPath, entry, { stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))

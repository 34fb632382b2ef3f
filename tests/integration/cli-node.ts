/** Run the real `musette` CLI (the built bundle) as a child process, as a user would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/musette.mjs', import.meta.url))

/** Make sure dist/node is built (npm test builds first; a lone vitest run may not have). */
export function ensureBuilt(): void {
  if (existsSync(`${ROOT}/dist/node/musette.mjs`) && existsSync(`${ROOT}/dist/node/demo.mjs`)) return
  const r = spawnSync(process.execPath, [`${ROOT}/scripts/build.mjs`, '--node'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('build failed')
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Two consecutive free ports (libp2p uses p2pPort and p2pPort + 1). */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort()
    if (p < 65000 && (await isFree(p + 1))) return p
  }
  throw new Error('no free port pair')
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

export function runCli(
  args: string[],
  input?: string
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

export interface StartedNode {
  child: ChildProcess
  url: string
  token: string
  output: () => string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** `musette start …`; resolves once it printed the URL to open (after unlocking, if asked to). */
export function startCli(args: string[], timeoutMs = 30_000): Promise<StartedNode> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`musette start did not print its URL in time:\n${out}`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /Open (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(out)
      if (m?.[1] && m[2]) {
        clearTimeout(timer)
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
        resolve({
          child,
          url: m[1],
          token: m[2],
          output: () => out,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
            child.kill(signal)
            return exited
          }
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`musette start exited with ${code}:\n${out}`))
    })
  })
}

/** `musette start --home <home>` on free API and peer-to-peer ports, with more arguments if given. */
export async function startHome(home: string, args: string[] = [], timeoutMs?: number): Promise<StartedNode> {
  return startCli(
    [
      '--home',
      home,
      '--api-port',
      String(await freePort()),
      '--p2p-port',
      String(await freePortPair()),
      ...args
    ],
    timeoutMs
  )
}

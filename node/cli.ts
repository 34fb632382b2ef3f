/**
 * The `musette` command line: init, start, status, id.
 * Exit codes: 0 ok, 1 failure, 2 misuse (bad flags), 3 the node is not running (status).
 */
import './polyfills.ts'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import {
  HomeError,
  paths,
  prepareHome,
  readPassphraseFile,
  readRunInfo,
  readToken,
  removeRunInfo,
  resolveHome,
  writeRunInfo
} from './home.ts'
import { MIN_PASSPHRASE } from './model/api.ts'
import { MusetteNode, VERSION } from './service.ts'
import { VaultError } from './vault/vault.ts'

class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

const out = (s = '') => process.stdout.write(s + '\n')
const err = (s: string) => process.stderr.write(s + '\n')

const HELP: Record<string, string> = {
  main: `musette ${VERSION} — your professional backpack, peer to peer

Usage: musette <command> [options]

Commands:
  init      create your identity and encrypted vault
  start     start your node and serve the UI (prints the URL to open)
  status    show whether your node runs, its peers and addresses
  id        print your DID and PeerId

Options common to every command:
  --home DIR   profile directory (default: $MUSETTE_HOME, else ~/.musette)
  -h, --help   help for a command: musette <command> --help
  -v, --version`,
  init: `Usage: musette init --name NAME --passphrase-file FILE [--home DIR]

Creates the identity (one Ed25519 key: your DID and your PeerId) and the encrypted vault.
You can also do this from the UI on first visit: run \`musette start\` and open the printed URL.

  --name NAME              your display name
  --passphrase-file FILE   file holding the passphrase (at least ${MIN_PASSPHRASE} characters; - for stdin)
  --home DIR               profile directory`,
  start: `Usage: musette start [--home DIR] [--api-port N] [--p2p-port N] [--passphrase-file FILE]

Starts the node: the UI and local API on http://127.0.0.1:<api-port>, libp2p on <p2p-port> (TCP) and
<p2p-port>+1 (WebSockets). The vault stays locked until the passphrase is given, in the UI or with
--passphrase-file. Stop with Ctrl-C.

  --home DIR               profile directory
  --api-port N             local API and UI port (default 7373, or musette.json)
  --p2p-port N             libp2p TCP port (default 7374, or musette.json; 0 = any)
  --p2p-host HOST          interface libp2p listens on (default 127.0.0.1; 0.0.0.0 for your LAN)
  --passphrase-file FILE   unlock at start (- for stdin)
  --mdns                   discover peers on the local network`,
  status: `Usage: musette status [--home DIR] [--json]

Asks the running node for its status. Exit code 3 when it does not run.`,
  id: `Usage: musette id [--home DIR] [--passphrase-file FILE] [--json]

Prints your DID and PeerId. They are stored encrypted: the running, unlocked node is asked, or the vault
is opened with --passphrase-file when the node does not run.`
}

const COMMON = {
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O
) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/, ''), command)
  }
}

function port(value: string | boolean | undefined, flag: string, command: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65534)
    throw new UsageError(`${flag} must be a port number`, command)
  return n
}

function uiDir(): string | undefined {
  // bundled: dist/node/musette.mjs → dist/ui; from source: node/cli.ts → dist/ui
  const here = dirname(fileURLToPath(import.meta.url))
  for (const candidate of [join(here, '..', 'ui'), join(here, '..', 'dist', 'ui')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate
  }
  return undefined
}

async function cmdInit(args: string[]): Promise<number> {
  const v = parse('init', args, { name: { type: 'string' }, 'passphrase-file': { type: 'string' } })
  if (v.help) return help('init')
  if (typeof v.name !== 'string' || v.name.trim() === '') throw new UsageError('--name is required', 'init')
  if (typeof v['passphrase-file'] !== 'string') throw new UsageError('--passphrase-file is required', 'init')
  const passphrase = await readPassphraseFile(v['passphrase-file'])
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new UsageError(`the passphrase needs at least ${MIN_PASSPHRASE} characters`, 'init')
  }
  const home = resolveHome(v.home as string | undefined)
  if (await readRunInfo(home)) throw new VaultError('ALREADY_INITIALIZED', `a node is running on ${home}`)
  const { config } = await prepareHome(home)
  const node = new MusetteNode({ home, config, network: false })
  await node.load()
  if (node.state !== 'uninitialized') {
    err(`musette: ${home} already has an identity (run \`musette id\` to see it)`)
    return 1
  }
  const id = await node.createIdentity(v.name.trim(), passphrase)
  await node.stop()
  out(`Identity created in ${home}`)
  out(`DID:    ${id.did}`)
  out(`PeerId: ${id.peerId}`)
  out('Keep your passphrase safe: it cannot be recovered. Next: musette start')
  return 0
}

async function cmdStart(args: string[]): Promise<number> {
  const v = parse('start', args, {
    'api-port': { type: 'string' },
    'p2p-port': { type: 'string' },
    'p2p-host': { type: 'string' },
    'passphrase-file': { type: 'string' },
    mdns: { type: 'boolean' }
  })
  if (v.help) return help('start')
  const home = resolveHome(v.home as string | undefined)
  const { config, token } = await prepareHome(home)
  const running = await readRunInfo(home)
  if (running && isAlive(running.pid)) {
    err(`musette: a node already runs on ${home} (pid ${running.pid}): ${running.apiUrl}`)
    return 1
  }
  const apiPort = port(v['api-port'], '--api-port', 'start') ?? config.apiPort
  const merged = {
    ...config,
    p2pPort: port(v['p2p-port'], '--p2p-port', 'start') ?? config.p2pPort,
    p2pHost: typeof v['p2p-host'] === 'string' ? v['p2p-host'] : config.p2pHost,
    mdns: v.mdns === true || config.mdns
  }
  const passphrase =
    typeof v['passphrase-file'] === 'string' ? await readPassphraseFile(v['passphrase-file']) : undefined

  const node = new MusetteNode({ home, config: merged })
  await node.load()
  const { ApiServer } = await import('./api/server.ts')
  const server = new ApiServer({
    node,
    token,
    port: apiPort,
    uiDir: uiDir(),
    onError: (e) => err(`musette: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  })
  try {
    await server.listen()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    err(
      code === 'EADDRINUSE'
        ? `musette: port ${apiPort} is taken: choose another with --api-port`
        : `musette: cannot listen on 127.0.0.1:${apiPort}: ${(e as Error).message}`
    )
    return 1
  }
  await writeRunInfo(home, { pid: process.pid, apiUrl: server.url, startedAt: new Date().toISOString() })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    out(`\nStopping (${signal})…`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await server.close().catch(() => undefined)
    await node.stop().catch(() => undefined)
    await removeRunInfo(home)
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  out(`Musette ${VERSION} — profile ${home}`)
  out(`API ready on ${server.url}`)
  if (passphrase !== undefined) {
    if (node.state === 'uninitialized') {
      err('musette: --passphrase-file given, but this profile has no identity yet: run `musette init` first')
      await stop('error')
      return 1
    }
    try {
      const id = await node.unlock(passphrase)
      out(`Unlocked: ${id.did}`)
    } catch (e) {
      err(`musette: cannot unlock: ${e instanceof Error ? e.message : String(e)}`)
      await stop('error')
      return 1
    }
    if (node.networkError) err(`musette: network offline: ${node.networkError}`)
    else for (const a of node.network?.listenAddrs() ?? []) out(`Listening on ${a}`)
  } else {
    out(
      node.state === 'uninitialized'
        ? 'New profile: create your identity in the UI.'
        : 'Vault locked: unlock it in the UI.'
    )
  }
  if (!uiDir()) err('musette: the UI is not built (npm run build); the API alone is served')
  out('')
  out(`Open ${server.url}/#token=${token}`)
  // keep running until a signal
  return new Promise<number>(() => undefined)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function api(home: string, path: string): Promise<{ status: number; body: unknown } | undefined> {
  const info = await readRunInfo(home)
  const token = await readToken(home)
  if (!info || !token || !isAlive(info.pid)) return undefined
  try {
    const res = await fetch(info.apiUrl + path, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000)
    })
    return { status: res.status, body: await res.json() }
  } catch {
    return undefined
  }
}

async function cmdStatus(args: string[]): Promise<number> {
  const v = parse('status', args, { json: { type: 'boolean' } })
  if (v.help) return help('status')
  const home = resolveHome(v.home as string | undefined)
  const session = await api(home, '/api/session')
  if (!session) {
    if (v.json) out(JSON.stringify({ running: false, home }))
    else out(`Not running (profile ${home}). Start it with: musette start`)
    return 3
  }
  const s = session.body as { initialized: boolean; locked: boolean }
  const status = !s.locked ? await api(home, '/api/status') : undefined
  const info = await readRunInfo(home)
  if (v.json) {
    out(
      JSON.stringify(
        { running: true, home, apiUrl: info?.apiUrl, ...s, ...(status?.body as object) },
        null,
        2
      )
    )
    return 0
  }
  out(`Running: ${info?.apiUrl ?? ''} (profile ${home})`)
  if (!s.initialized) out('No identity yet: open the UI to create it.')
  else if (s.locked) out('Vault locked.')
  else {
    const st = status?.body as {
      did: string
      peerId: string
      listenAddrs: string[]
      peers: { peerId: string; did: string | null }[]
      records: { total: number }
      networkError?: string
    }
    out(`DID:     ${st.did}`)
    out(`PeerId:  ${st.peerId}`)
    out(`Records: ${st.records.total}`)
    if (st.networkError) out(`Network: offline (${st.networkError})`)
    for (const a of st.listenAddrs) out(`Listen:  ${a}`)
    out(`Peers:   ${st.peers.length}`)
    for (const p of st.peers) out(`  ${p.peerId}${p.did ? `  ${p.did}` : ''}`)
  }
  return 0
}

async function cmdId(args: string[]): Promise<number> {
  const v = parse('id', args, { 'passphrase-file': { type: 'string' }, json: { type: 'boolean' } })
  if (v.help) return help('id')
  const home = resolveHome(v.home as string | undefined)
  let id: { did: string; peerId: string } | undefined
  const session = await api(home, '/api/session')
  const s = session?.body as { did?: string; peerId?: string; locked?: boolean } | undefined
  if (s?.did && s.peerId) id = { did: s.did, peerId: s.peerId }
  else if (typeof v['passphrase-file'] === 'string') {
    if (session) {
      err('musette: the node runs and is locked: unlock it in the UI, then run `musette id` again')
      return 1
    }
    const passphrase = await readPassphraseFile(v['passphrase-file'])
    const { config } = await prepareHome(home)
    const node = new MusetteNode({ home, config, network: false })
    await node.load()
    if (node.state === 'uninitialized') {
      err(`musette: ${home} has no identity yet: run \`musette init\``)
      return 1
    }
    const identity = await node.unlock(passphrase)
    id = { did: identity.did, peerId: identity.peerId }
    await node.stop()
  } else {
    err(
      existsSync(paths(home).vault)
        ? 'musette: your DID is stored encrypted: start and unlock the node, or pass --passphrase-file'
        : `musette: ${home} has no identity yet: run \`musette init\``
    )
    return 1
  }
  if (v.json) out(JSON.stringify(id))
  else {
    out(`DID:    ${id.did}`)
    out(`PeerId: ${id.peerId}`)
  }
  return 0
}

function help(command: keyof typeof HELP): number {
  out(HELP[command])
  return 0
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        return help(rest[0] && rest[0] in HELP ? rest[0] : 'main')
      case '-v':
      case '--version':
        out(VERSION)
        return 0
      case 'init':
        return await cmdInit(rest)
      case 'start': {
        const { tolerateSocketErrors } = await import('./socket-errors.ts')
        tolerateSocketErrors()
        return await cmdStart(rest)
      }
      case 'status':
        return await cmdStatus(rest)
      case 'id':
        return await cmdId(rest)
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`musette: ${e.message}`)
      err(e.command ? `Try: musette ${e.command} --help` : 'Try: musette --help')
      return 2
    }
    if (e instanceof VaultError || e instanceof HomeError) {
      err(`musette: ${e.message}`)
      return 1
    }
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      err(`musette: ${(e as Error).message}`)
      return 1
    }
    err(`musette: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    return 1
  }
}

const isEntry = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      err(String(e))
      process.exit(1)
    }
  )
}

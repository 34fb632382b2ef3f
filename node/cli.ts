/**
 * The `musette` command line: init, start, status, id, backup, restore.
 * Exit codes: 0 ok, 1 failure, 2 misuse (bad flags), 3 the node is not running (status).
 */
import './polyfills.ts'
import { existsSync, openAsBlob } from 'node:fs'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
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
  backup    write an encrypted backup of your vault into a file
  restore   restore a backup into an empty profile

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
is opened with --passphrase-file when the node does not run.`,
  backup: `Usage: musette backup FILE [--home DIR] [--passphrase-file FILE]

Writes the whole vault into FILE as one encrypted archive (a CAR file of the encrypted blocks and the
wrapped keys): the same passphrase opens it, on this machine or another, with \`musette restore\` or the
UI's first-start screen. FILE must not exist yet. When the node runs and is unlocked, it writes the archive
and no passphrase is asked; otherwise the vault is opened with the passphrase.

  --home DIR               profile directory
  --passphrase-file FILE   file holding the passphrase (- for stdin); else $MUSETTE_PASSPHRASE, else a prompt`,
  restore: `Usage: musette restore FILE [--home DIR] [--passphrase-file FILE]

Restores the encrypted archive FILE into this profile, which must have no identity yet: same DID, same
records, same history. Everything is checked (every block's hash, the passphrase, every record) before
anything is written; a refused archive changes nothing. Works whether the node runs or not.

  --home DIR               profile directory (a new one is created if it does not exist)
  --passphrase-file FILE   the backup's passphrase (- for stdin); else $MUSETTE_PASSPHRASE, else a prompt`
}

const COMMON = {
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

type Values = Record<string, string | boolean | undefined>

function parseAll(
  command: string,
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>
): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...COMMON, ...options }, strict: true, allowPositionals: true })
    return { values: r.values as Values, positionals: r.positionals }
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/, ''), command)
  }
}

function parse(command: string, args: string[], options: NonNullable<ParseArgsConfig['options']>): Values {
  const { values, positionals } = parseAll(command, args, options)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, command)
  return values
}

/** Options and the one FILE argument of `backup` and `restore` (absolute; '' with --help). */
function parseFile(command: string, args: string[]): { v: Values; file: string } {
  const { values, positionals } = parseAll(command, args, { 'passphrase-file': { type: 'string' } })
  if (values.help) return { v: values, file: '' }
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError(`give one FILE (musette ${command} FILE)`, command)
  return { v: values, file: resolve(positionals[0]) }
}

/**
 * The passphrase for `backup` and `restore`: --passphrase-file, else $MUSETTE_PASSPHRASE (for scripts),
 * else typed at a prompt that does not echo it. Without a terminal and with neither, it is misuse.
 */
async function passphraseFor(command: string, file: string | boolean | undefined): Promise<string> {
  if (typeof file === 'string') return readPassphraseFile(file)
  const env = process.env.MUSETTE_PASSPHRASE
  if (env) return env
  if (process.stdin.isTTY && process.stderr.isTTY) return promptHidden('Passphrase: ')
  throw new UsageError('no passphrase: give --passphrase-file FILE or set MUSETTE_PASSPHRASE', command)
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin
  process.stderr.write(question)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve) => {
    let typed = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish()
          resolve(typed)
          return
        }
        if (ch === '\u0003') {
          // Ctrl-C: raw mode swallows the signal, so leave as the shell expects
          finish()
          process.exit(130)
        }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1)
        else if (ch >= ' ') typed += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** Write the chunks into FILE through FILE.part, renamed once complete: never a half-written archive. */
async function writeWhole(file: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const part = `${file}.part`
  const fh = await open(part, 'wx', 0o600)
  let bytes = 0
  try {
    for await (const chunk of chunks) {
      await fh.write(chunk)
      bytes += chunk.byteLength
    }
    await fh.sync()
    await fh.close()
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(part, { force: true })
    throw e
  }
  await rename(part, file)
  return bytes
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

/** A request to the running node of this profile; undefined when none runs or it does not answer. */
async function apiFetch(
  home: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Blob; timeoutMs?: number } = {}
): Promise<Response | undefined> {
  const info = await readRunInfo(home)
  const token = await readToken(home)
  if (!info || !token || !isAlive(info.pid)) return undefined
  try {
    return await fetch(info.apiUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 5000)
    })
  } catch {
    return undefined
  }
}

async function api(home: string, path: string): Promise<{ status: number; body: unknown } | undefined> {
  const res = await apiFetch(home, path)
  if (!res) return undefined
  try {
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

async function cmdBackup(args: string[]): Promise<number> {
  const { v, file } = parseFile('backup', args)
  if (v.help) return help('backup')
  const home = resolveHome(v.home as string | undefined)
  if (existsSync(file)) {
    err(`musette: ${file} already exists: choose another name (nothing is overwritten)`)
    return 1
  }
  const session = await api(home, '/api/session')
  if (session) {
    // the node holds the database: it writes the archive, and being unlocked, asks no passphrase
    const s = session.body as { initialized: boolean; locked: boolean }
    if (!s.initialized) {
      err(`musette: ${home} has no identity yet: there is nothing to back up`)
      return 1
    }
    if (s.locked) {
      err('musette: the node runs and is locked: unlock it in the UI, then run `musette backup` again')
      return 1
    }
    const res = await apiFetch(home, '/api/backup', { timeoutMs: 30 * 60_000 })
    if (!res?.ok || !res.body) {
      err(`musette: the node did not send the backup (${res ? `HTTP ${res.status}` : 'no answer'})`)
      return 1
    }
    const bytes = await writeWhole(file, Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>))
    out(`Backup written: ${file} (${bytes} bytes), by the running node`)
    out('It opens only with your passphrase: keep both, in different places.')
    return 0
  }
  if (!existsSync(paths(home).vault)) {
    err(`musette: ${home} has no identity yet: there is nothing to back up`)
    return 1
  }
  const passphrase = await passphraseFor('backup', v['passphrase-file'])
  const { config } = await prepareHome(home)
  const node = new MusetteNode({ home, config, network: false })
  try {
    await node.load()
    if (node.state === 'uninitialized') {
      err(`musette: ${home} has no identity yet: there is nothing to back up`)
      return 1
    }
    // unlocking checks the passphrase: an archive its owner cannot open would be no backup
    await node.unlock(passphrase)
    const records = (await node.vault.list()).length
    const bytes = await writeWhole(file, node.backupChunks())
    out(`Backup written: ${file} (${bytes} bytes, ${records} records)`)
    out('It opens only with your passphrase: keep both, in different places.')
    return 0
  } finally {
    await node.stop()
  }
}

async function cmdRestore(args: string[]): Promise<number> {
  const { v, file } = parseFile('restore', args)
  if (v.help) return help('restore')
  const home = resolveHome(v.home as string | undefined)
  const { MAX_BACKUP_BYTES, BackupError } = await import('./backup.ts')
  if ((await stat(file)).size > MAX_BACKUP_BYTES) {
    err(`musette: ${file} is too large for a backup (${MAX_BACKUP_BYTES / 1024 / 1024} MB at most)`)
    return 1
  }
  const refused = (message: string) => {
    err(`musette: ${file} not restored: ${message}`)
    return 1
  }
  const session = await api(home, '/api/session')
  if (session) {
    if ((session.body as { initialized: boolean }).initialized)
      return refused(`${home} already has an identity (a backup restores into an empty profile)`)
    const passphrase = await passphraseFor('restore', v['passphrase-file'])
    const res = await apiFetch(home, '/api/restore', {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.ipld.car',
        'x-musette-passphrase': encodeURIComponent(passphrase)
      },
      body: await openAsBlob(file),
      timeoutMs: 30 * 60_000
    })
    if (!res) return refused('the node did not answer')
    const body = (await res.json().catch(() => ({}))) as {
      restored?: number
      did?: string
      error?: { message?: string }
    }
    if (!res.ok) return refused(body.error?.message ?? `HTTP ${res.status}`)
    out(`Restored ${body.restored ?? 0} records from ${file} into the running node (${home})`)
    out(`DID:    ${body.did ?? ''}`)
    return 0
  }
  const { config } = await prepareHome(home)
  const node = new MusetteNode({ home, config, network: false })
  try {
    await node.load()
    if (node.state !== 'uninitialized')
      return refused(`${home} already has an identity (a backup restores into an empty profile)`)
    const passphrase = await passphraseFor('restore', v['passphrase-file'])
    let restored: number
    try {
      restored = (await node.restoreBackup(await readFile(file), passphrase)).records
    } catch (e) {
      if (e instanceof BackupError) return refused(e.message)
      throw e
    }
    out(`Restored ${restored} records from ${file} into ${home}`)
    out(`DID:    ${node.identity?.did ?? ''}`)
    out('Next: musette start (the same passphrase unlocks it)')
    return 0
  } finally {
    await node.stop()
  }
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
      case 'backup':
        return await cmdBackup(rest)
      case 'restore':
        return await cmdRestore(rest)
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

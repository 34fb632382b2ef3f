/**
 * Project companies at scale (issue 6, "Proof that it works"): N real libp2p nodes on 127.0.0.1 — the
 * product's stack, `Network.start` (TCP, Noise, Yamux, identify, kad-dht, gossipsub with StrictNoSign, relay)
 * on a MemoryBlockstore, with `CompanyService` and node:crypto's Ed25519 registered as in the node — join one
 * open company signed by node 0; M project announcements (title, summary, period, role, 3–6 skills, outcomes;
 * about a third under a per-company pseudonym) are published from random nodes, at a steady pace (`--rate`
 * a second), then M more all at once (`--mode both|steady|burst`).
 *
 * The nodes live in `--procs` child processes (default 2: one event loop per core; node i in child i % procs);
 * this parent process only orchestrates (topology, schedule, figures) and holds no node.
 *
 * Topology: node i (i ≥ 1) dials 3 or 4 distinct random earlier nodes (fewer when fewer exist), so the dialed
 * graph is connected and sparse. (The nodes' kad-dht then connects most of them to each other: the report
 * gives the connections actually held.) Every node joins before dialing; the run waits until every node sees
 * as many subscribers as it has links and a mesh of min(Dlo, links) — or, if a subscription never shows (a
 * gossipsub stream that failed to open under load is not retried), until every node has that mesh and the
 * counts have not moved for 2 s.
 *
 * What is measured, per phase:
 * - delivery: each node records when it took each announcement (`onAnnouncement`, i.e. after validation and
 *   storage). Per announcement, the time from its publish until 99 % of the nodes (the publisher included)
 *   hold it, and its 99th percentile over the announcements; and the time from the phase's first publish
 *   until 99 % of the nodes hold all of the phase's announcements. (With 30 nodes, 99 % is all 30.)
 * - wire: every TCP socket of the child processes (node:diagnostics_channel `net.client.socket` and
 *   `net.server.socket`), `bytesWritten` — so everything libp2p sent: Noise, Yamux, gossipsub and the
 *   other protocols (identify, ping, kad-dht) — from just before the first publish to `--tail` seconds after
 *   the last delivery (IHAVE gossip goes on for a few heartbeats). The same over an idle window of `--idle`
 *   seconds before the first phase gives the background rate, subtracted for the "net" figure. Gossipsub
 *   alone: every RPC frame its outbound streams send (`OutboundStream.pushPrefixed`, length prefix
 *   included, before Noise and Yamux), split into full announcement copies (the protobuf `Message` entries)
 *   and the rest (control: IHAVE, IWANT, IDONTWANT, GRAFT, PRUNE, subscriptions, framing).
 *   Per delivered announcement (one node taking one announcement it did not publish), against the mean size
 *   of the signed announcement (dag-cbor bytes, what is published): the overhead ratio.
 * - CPU: the children's `process.cpuUsage()` over the same window (and over the idle window), per delivery;
 *   the event loop's delay (`monitorEventLoopDelay`); connections opened and closed, and why (libp2p's
 *   connection monitor aborts a connection whose ping takes over 5 s, so a stalled event loop loses them).
 * - memory: each child's `process.memoryUsage()` after a full GC, before starting its nodes (baseline) and
 *   after the run; (after − baseline) / nodes in that child, heapUsed and RSS (the largest over children).
 *
 * Usage: npx tsx scripts/scale/companies.ts [--nodes 30] [--projects 100] [--procs 2] [--mode both]
 *          [--rate 5] [--idle 5] [--tail 3] [--seed 1] [--timeout 60] [--gossipsub D=4,Dlo=3,Dhi=6]
 * (`npm run scale:companies`). `--gossipsub` overrides gossipsub options on the running nodes, for what-if
 * runs only (the report says so); SCALE_CPU_PROF=dir writes a V8 CPU profile of each child per phase.
 * Prints a report and a last line `RESULT {json}`; exit 0 when it ran (targets PASS or FAIL), 1 when it
 * could not run, 2 on bad options. Results: docs/BENCHMARKS.md.
 */
import '../../node/polyfills.ts'
// as in the node: node:crypto's Ed25519 for signature checks (credentials, and project announcements)
import '../../node/native-verify.ts'
import { fork, type ChildProcess } from 'node:child_process'
import dc from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import type { Connection } from '@libp2p/interface'
import { cpus, loadavg, totalmem } from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as dagCbor from '@ipld/dag-cbor'
import { MemoryBlockstore } from 'blockstore-core'
import { createIdentity, seedOf, type Identity } from '../../node/identity.ts'
import { GOSSIP_MESH, Network, pubsubOf } from '../../node/network/p2p.ts'
import {
  encode,
  keySigner,
  pseudonymFor,
  signAnnouncement,
  signCompany,
  verifyCompany
} from '../../protocols/company/company.ts'
import type {
  AnnouncementBody,
  CompanyBody,
  ProjectContent,
  SignedAnnouncement
} from '../../protocols/company/schema.ts'
import {
  CompanyService,
  MemoryCompanyStore,
  topicOf,
  type JoinedCompany
} from '../../protocols/company/service.ts'
import { prng } from '../bench/prng.ts'

// ——— options ———

const { values: opts } = parseArgs({
  options: {
    nodes: { type: 'string', default: '30' },
    projects: { type: 'string', default: '100' },
    procs: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'both' },
    rate: { type: 'string', default: '5' },
    idle: { type: 'string', default: '5' },
    tail: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '60' },
    gossipsub: { type: 'string', default: '' },
    child: { type: 'boolean', default: false }
  },
  strict: true
})

function numOpt(name: keyof typeof opts, min: number, max: number): number {
  const n = Number(opts[name])
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`)
    process.exit(2)
  }
  return n
}

const TARGET = { deliveryMs: 2000, overhead: 10, memoryMB: 60 }
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// ——— parent ⇄ child messages ———

interface NodeInfo {
  index: number
  peerId: string
  addr: string
}
interface Mem {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}
interface GossipCounters {
  frames: number
  bytes: number
  messageCopies: number
  messageBytes: number
  ihaveIds: number
  iwantIds: number
  idontwantIds: number
  graft: number
  prune: number
  subscriptions: number
}
interface Counters {
  wireWritten: number
  wireRead: number
  sockets: number
  gossip: GossipCounters
  validations: number
  validationMs: number
  rejects: Record<string, number>
  connectionsOpened: number
  connectionsClosed: number
  connectionKinds: Record<string, number>
  /** CPU time of the process (user + system), ms */
  cpuMs: number
}
interface PlannedAnnouncement {
  node: number
  project: string
  pseudonymous: boolean
  name: string
  content: ProjectContent
  /** ms after the phase's start time */
  offset: number
}
interface MeshState {
  index: number
  connections: number
  subscribers: number
  mesh: number
}

type Request =
  | { t: 'start'; nodes: number[]; gossipsub: Record<string, unknown> }
  | { t: 'company'; index: number }
  | { t: 'join'; company: Uint8Array }
  | { t: 'dial'; plan: Array<{ from: number; to: string; target: number }> }
  | { t: 'mesh' }
  | { t: 'counters' }
  | { t: 'prepare'; items: PlannedAnnouncement[] }
  | { t: 'publish'; at: number; items: string[] }
  | { t: 'held'; projects: string[] }
  | { t: 'receipts'; projects: string[] }
  | { t: 'lag'; reset: boolean }
  | { t: 'memory' }
  | { t: 'profile'; action: 'start' | 'stop'; file?: string }
  | { t: 'stop' }

type Reply =
  | { t: 'started'; nodes: NodeInfo[]; base: Mem; pid: number }
  | { t: 'company'; bytes: Uint8Array }
  | { t: 'ok' }
  | { t: 'dialed'; failures: string[] }
  | { t: 'mesh'; nodes: MeshState[] }
  | { t: 'counters'; counters: Counters }
  | { t: 'prepared'; sizes: Record<string, number> }
  | { t: 'published'; times: Record<string, number> }
  | { t: 'held'; counts: Record<number, number> }
  | { t: 'receipts'; nodes: Record<number, Record<string, number>> }
  | { t: 'lag'; p99: number; max: number }
  | { t: 'memory'; mem: Mem; maxRssKB: number }
  | { t: 'error'; message: string }

// ——— child: hosts nodes ———

async function child(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  const fullGc = async () => {
    for (let i = 0; i < 3; i++) {
      gc?.()
      await sleep(50)
    }
  }
  const memory = (): Mem => {
    const m = process.memoryUsage()
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers
    }
  }

  // every TCP socket this process opens or accepts (libp2p's only transport in use here)
  const sockets = new Set<Socket>()
  let closedWritten = 0
  let closedRead = 0
  const track = (msg: unknown) => {
    const socket = (msg as { socket: Socket }).socket
    sockets.add(socket)
    socket.once('close', () => {
      closedWritten += socket.bytesWritten
      closedRead += socket.bytesRead
      sockets.delete(socket)
    })
  }
  dc.subscribe('net.client.socket', track)
  dc.subscribe('net.server.socket', track)

  const gossip: GossipCounters = {
    frames: 0,
    bytes: 0,
    messageCopies: 0,
    messageBytes: 0,
    ihaveIds: 0,
    iwantIds: 0,
    idontwantIds: 0,
    graft: 0,
    prune: 0,
    subscriptions: 0
  }
  const validation = { n: 0, ms: 0 }
  const connections = { opened: 0, closed: 0, kinds: {} as Record<string, number> }
  const rejects: Record<string, number> = {}

  interface RpcLike {
    subscriptions?: unknown[]
    messages?: Array<{ data?: Uint8Array; topic?: string; from?: Uint8Array; seqno?: Uint8Array }>
    control?: {
      ihave?: Array<{ messageIDs: Uint8Array[] }>
      iwant?: Array<{ messageIDs: Uint8Array[] }>
      idontwant?: Array<{ messageIDs: Uint8Array[] }>
      graft?: unknown[]
      prune?: unknown[]
    }
  }
  let current: RpcLike | null = null
  const varintLen = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4)
  const field = (len: number) => 1 + varintLen(len) + len
  const utf8 = new TextEncoder()
  const countFrame = (bytes: number) => {
    gossip.frames++
    gossip.bytes += bytes
    const rpc = current
    if (!rpc) return
    for (const m of rpc.messages ?? []) {
      let len = 0
      if (m.data) len += field(m.data.byteLength)
      if (m.topic) len += field(utf8.encode(m.topic).byteLength)
      if (m.from) len += field(m.from.byteLength)
      if (m.seqno) len += field(m.seqno.byteLength)
      gossip.messageCopies++
      gossip.messageBytes += field(len)
    }
    const c = rpc.control
    const ids = (xs?: Array<{ messageIDs: Uint8Array[] }>) =>
      (xs ?? []).reduce((s, x) => s + x.messageIDs.length, 0)
    gossip.ihaveIds += ids(c?.ihave)
    gossip.iwantIds += ids(c?.iwant)
    gossip.idontwantIds += ids(c?.idontwant)
    gossip.graft += c?.graft?.length ?? 0
    gossip.prune += c?.prune?.length ?? 0
    gossip.subscriptions += rpc.subscriptions?.length ?? 0
  }

  /** Count what gossipsub sends: its RPCs (to classify them) and the frames its outbound streams push. */
  const instrument = (pubsub: object) => {
    type Send = (this: unknown, ...args: unknown[]) => unknown
    const p = pubsub as Record<string, unknown> & { streamsOutbound: Map<string, object> }
    for (const [name, rpcArg] of [
      ['sendRpc', 1],
      ['sendRpcInBatch', 1]
    ] as const) {
      const orig = p[name] as Send
      p[name] = function (this: unknown, ...args: unknown[]) {
        const before = current
        current = args[rpcArg] as RpcLike
        try {
          return orig.apply(this, args)
        } finally {
          current = before
        }
      }
    }
    // the OutboundStream class is not exported: patch its prototype through an instance, once
    const patchProto = (stream: object) => {
      const proto = Object.getPrototypeOf(stream) as Record<string, unknown>
      if (proto.__scaleCounted) return
      proto.__scaleCounted = true
      const orig = proto.pushPrefixed as (this: unknown, data: Uint8Array) => void
      proto.pushPrefixed = function (this: unknown, data: Uint8Array) {
        countFrame(data.byteLength)
        orig.call(this, data)
      }
    }
    const first = p.streamsOutbound.values().next()
    if (!first.done) patchProto(first.value)
    else {
      // no outbound stream yet: patch on the first send
      const orig = p.sendRpc as Send
      p.sendRpc = function (this: unknown, ...args: unknown[]) {
        const s = p.streamsOutbound.get(args[0] as string)
        if (s) patchProto(s)
        return orig.apply(this, args)
      }
    }
  }

  interface Hosted {
    index: number
    id: Identity
    net: Network
    store: MemoryCompanyStore
    svc: CompanyService
    received: Map<string, number>
  }
  const hosted = new Map<number, Hosted>()
  let company: (JoinedCompany & { topic: string }) | undefined
  const prepared = new Map<string, { node: Hosted; signed: SignedAnnouncement }>()
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  let instrumented = false
  let profiler: import('node:inspector/promises').Session | undefined

  const handle = async (req: Request): Promise<Reply> => {
    switch (req.t) {
      case 'start': {
        await fullGc()
        const base = memory()
        for (const index of req.nodes) {
          const id = await createIdentity()
          const net = await Network.start({ privateKey: id.privateKey, blockstore: new MemoryBlockstore() })
          const store = new MemoryCompanyStore()
          const received = new Map<string, number>()
          const svc = new CompanyService({
            libp2p: net.libp2p,
            store,
            onAnnouncement: (signed) => {
              if (!received.has(signed.body.project)) received.set(signed.body.project, now())
            },
            onReject: (r) => {
              rejects[r.code] = (rejects[r.code] ?? 0) + 1
            }
          })
          await svc.start()
          // --gossipsub: what-if runs with other gossipsub options, set on the running instance
          Object.assign((pubsubOf(net.libp2p) as unknown as { opts: object }).opts, req.gossipsub)
          const kindOf = (c: Connection) =>
            `${c.direction} ${c.remoteAddr.toString().includes('/p2p-circuit') ? 'relay' : c.remoteAddr.toString().includes('/ws') ? 'ws' : 'tcp'}`
          net.libp2p.addEventListener('connection:open', (e) => {
            connections.opened++
            const k = kindOf(e.detail)
            connections.kinds[`open ${k}`] = (connections.kinds[`open ${k}`] ?? 0) + 1
            // why connections end: the error they are aborted with (a failed ping, a reset…)
            const conn = e.detail as Connection & { abort(err: Error): void }
            const abort = conn.abort.bind(conn)
            conn.abort = (err: Error) => {
              const why = `abort: ${(err?.message ?? String(err)).slice(0, 60)}`
              connections.kinds[why] = (connections.kinds[why] ?? 0) + 1
              abort(err)
            }
          })
          net.libp2p.addEventListener('connection:close', (e) => {
            connections.closed++
            const age = Date.now() - e.detail.timeline.open
            const k = `close ${kindOf(e.detail)} ${age < 1000 ? '<1s' : age < 10_000 ? '<10s' : '≥10s'}`
            connections.kinds[k] = (connections.kinds[k] ?? 0) + 1
          })
          hosted.set(index, { index, id, net, store, svc, received })
        }
        return {
          t: 'started',
          base,
          pid: process.pid,
          nodes: [...hosted.values()].map((h) => ({
            index: h.index,
            peerId: h.net.peerId,
            addr: h.net.listenAddrs().find((a) => a.includes('/tcp/') && !a.includes('/ws'))!
          }))
        }
      }
      case 'company': {
        const creator = hosted.get(req.index)!
        const body: CompanyBody = {
          v: 1,
          name: 'Compagnie des projets — tiers-lieux et ateliers partagés',
          description:
            'Des personnes qui ont monté ou animé des ateliers partagés, repair cafés, fablabs et tiers-lieux ' +
            'partagent leurs projets pour trouver celles et ceux qui ont vécu la même chose.',
          tags: ['tiers-lieux', 'réparation', 'économie circulaire', 'fablab'],
          mode: 'open',
          creator: creator.id.did,
          creatorName: 'Émilie Laurent',
          created: new Date().toISOString()
        }
        const { signed } = await signCompany(body, async (m) => creator.id.privateKey.sign(m))
        return { t: 'company', bytes: encode(signed) }
      }
      case 'join': {
        const c = verifyCompany(dagCbor.decode(req.company))
        company = { id: c.id, body: c.body, topic: topicOf(c.id) }
        for (const h of hosted.values()) {
          h.svc.join(company)
          const pubsub = pubsubOf(h.net.libp2p)
          const validate = pubsub.topicValidators.get(company.topic)!
          pubsub.topicValidators.set(company.topic, async (peer, msg) => {
            const t0 = performance.now()
            try {
              return await validate(peer, msg)
            } finally {
              validation.n++
              validation.ms += performance.now() - t0
            }
          })
        }
        return { t: 'ok' }
      }
      case 'dial': {
        // a few at a time (a Noise handshake is CPU work; 30 nodes share 2 cores), three tries each
        const failures: string[] = []
        const queue = [...req.plan]
        const worker = async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            for (let attempt = 1; ; attempt++) {
              try {
                await hosted.get(next.from)!.net.dial(next.to, AbortSignal.timeout(20_000))
                break
              } catch (err) {
                if (attempt < 3) continue
                failures.push(`${next.from} → ${next.to}: ${(err as Error).message}`)
                break
              }
            }
          }
        }
        await Promise.all(Array.from({ length: 4 }, worker))
        return { t: 'dialed', failures }
      }
      case 'mesh': {
        const topic = company!.topic
        return {
          t: 'mesh',
          nodes: [...hosted.values()].map((h) => {
            const pubsub = pubsubOf(h.net.libp2p)
            return {
              index: h.index,
              connections: new Set(h.net.libp2p.getConnections().map((c) => c.remotePeer.toString())).size,
              subscribers: pubsub.getSubscribers(topic).length,
              mesh: (pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(topic).length
            }
          })
        }
      }
      case 'counters': {
        if (!instrumented) {
          instrumented = true
          for (const h of hosted.values()) instrument(pubsubOf(h.net.libp2p))
        }
        let written = closedWritten
        let read = closedRead
        for (const s of sockets) {
          written += s.bytesWritten
          read += s.bytesRead
        }
        return {
          t: 'counters',
          counters: {
            wireWritten: written,
            wireRead: read,
            sockets: sockets.size,
            gossip: { ...gossip },
            validations: validation.n,
            validationMs: validation.ms,
            rejects: { ...rejects },
            connectionsOpened: connections.opened,
            connectionsClosed: connections.closed,
            connectionKinds: { ...connections.kinds },
            cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000
          }
        }
      }
      case 'prepare': {
        const sizes: Record<string, number> = {}
        for (const item of req.items) {
          const node = hosted.get(item.node)!
          const base = {
            v: 1 as const,
            company: company!.id,
            project: item.project,
            version: 1,
            published: new Date().toISOString(),
            content: item.content
          }
          let signed: SignedAnnouncement
          if (item.pseudonymous) {
            const pseudo = pseudonymFor(seedOf(node.id), company!.id)
            const body: AnnouncementBody = { ...base, author: pseudo.key }
            signed = await signAnnouncement(body, keySigner(pseudo.secret))
          } else {
            const body: AnnouncementBody = {
              ...base,
              author: node.id.privateKey.publicKey.raw,
              did: node.id.did,
              name: item.name
            }
            signed = await signAnnouncement(body, async (m) => node.id.privateKey.sign(m))
          }
          prepared.set(item.project, { node, signed })
          sizes[item.project] = encode(signed).byteLength
        }
        return { t: 'prepared', sizes }
      }
      case 'publish': {
        const times: Record<string, number> = {}
        await Promise.all(
          req.items.map(async (project) => {
            const p = prepared.get(project)!
            const wait = req.at + (offsets.get(project) ?? 0) - now()
            if (wait > 0) await sleep(wait)
            times[project] = now()
            await p.node.svc.publish(p.signed)
          })
        )
        return { t: 'published', times }
      }
      case 'held': {
        const counts: Record<number, number> = {}
        for (const h of hosted.values())
          counts[h.index] = req.projects.filter((p) => h.received.has(p)).length
        return { t: 'held', counts }
      }
      case 'receipts': {
        const nodes: Record<number, Record<string, number>> = {}
        for (const h of hosted.values()) {
          const r: Record<string, number> = {}
          for (const p of req.projects) {
            const t = h.received.get(p)
            if (t !== undefined) r[p] = t
          }
          nodes[h.index] = r
        }
        return { t: 'receipts', nodes }
      }
      case 'lag': {
        const reply: Reply = { t: 'lag', p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 }
        if (req.reset) lag.reset()
        return reply
      }
      case 'profile': {
        // SCALE_CPU_PROF=dir: a V8 CPU profile of each child during each phase (where the time goes)
        const { Session } = await import('node:inspector/promises')
        if (req.action === 'start') {
          profiler = new Session()
          profiler.connect()
          await profiler.post('Profiler.enable')
          await profiler.post('Profiler.start')
        } else if (profiler) {
          const { profile } = await profiler.post('Profiler.stop')
          const { writeFile } = await import('node:fs/promises')
          await writeFile(req.file!, JSON.stringify(profile))
          profiler.disconnect()
          profiler = undefined
        }
        return { t: 'ok' }
      }
      case 'memory': {
        await fullGc()
        return { t: 'memory', mem: memory(), maxRssKB: process.resourceUsage().maxRSS }
      }
      case 'stop': {
        // While nodes stop, a WebSocket dial that a node aborted (its listeners gone) can still get ECONNRESET
        // from a peer that stopped first: `ws` then emits an 'error' nobody listens to, which would kill this
        // process. Tolerated here, during shutdown only (see docs/BENCHMARKS.md).
        process.on('uncaughtException', (err: Error & { code?: string }) => {
          if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(err.code ?? '')) return
          console.error(err)
          process.exit(1)
        })
        await Promise.allSettled(
          [...hosted.values()].map(async (h) => {
            await h.svc.stop()
            await h.net.stop()
          })
        )
        hosted.clear()
        return { t: 'ok' }
      }
    }
  }
  // publish offsets, set by 'prepare' (kept apart from the signed announcement)
  const offsets = new Map<string, number>()
  process.on('message', (raw: { rid?: unknown; req?: Request }) => {
    if (typeof raw !== 'object' || raw === null || typeof raw.rid !== 'number' || !raw.req) return
    if (raw.req.t === 'prepare') for (const i of raw.req.items) offsets.set(i.project, i.offset)
    const req = raw.req
    const rid = raw.rid
    handle(req).then(
      (reply) => process.send!({ rid, reply }),
      (err: unknown) =>
        process.send!({
          rid,
          reply: { t: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }
        })
    )
  })
  // the parent went away: stop the nodes and leave
  process.on('disconnect', () => {
    void Promise.allSettled([...hosted.values()].map((h) => h.net.stop())).finally(() => process.exit(0))
  })
  process.send!({ rid: 0, reply: { t: 'ok' } })
}

// ——— parent: orchestrates ———

const TITLES = [
  'Repair café mensuel du quartier Saint-Michel',
  'Atelier vélo itinérant dans les écoles primaires',
  'Refonte du site d’une épicerie coopérative',
  'Ouverture d’un fablab dans une ancienne gare',
  'Chantier participatif d’éco-rénovation d’une grange',
  'Formation au numérique pour 80 seniors',
  'Festival associatif de musiques actuelles (3 000 visiteurs)',
  'Cartographie des tiers-lieux de la région',
  'Accompagnement de douze créateurs d’entreprise',
  'Application de covoiturage pour un territoire rural',
  'Ressourcerie éphémère pendant un mois',
  'Migration de l’outil de gestion d’une PME vers Odoo',
  'Jardin partagé au pied d’une résidence',
  'Cours de couture et d’upcycling pour adultes',
  'Mise en place d’une monnaie locale complémentaire'
]
const SUMMARIES = [
  'Un lieu ouvert un samedi par mois où des bénévoles aident les habitants à réparer leurs objets.',
  'Nous avons équipé une camionnette d’outils et de pièces pour aller d’école en école.',
  'Le projet est parti d’un constat simple : rien de tel n’existait à moins de 40 km.',
  'Il a fallu convaincre la mairie, trouver un local, réunir une équipe et un premier budget.',
  'Chaque session accueillait une quinzaine de personnes, avec un binôme d’animateurs.',
  'Le financement venait d’un appel à projets régional et d’une campagne participative.',
  'La deuxième année, le projet a été repris par une association de quartier.',
  'Nous avons documenté chaque étape pour que d’autres puissent reproduire le dispositif.'
]
const ROLES = [
  'Coordinatrice bénévole',
  'Chef de projet',
  'Développeur full-stack',
  'Animatrice d’ateliers',
  'Trésorier de l’association',
  'Consultante indépendante',
  'Formateur',
  'Co-fondatrice'
]
const SKILLS = [
  'Gestion de projet',
  'Animation d’ateliers',
  'Électronique',
  'Facilitation',
  'TypeScript',
  'Comptabilité associative',
  'Communication',
  'Recherche de financements',
  'Design d’interface',
  'Logistique événementielle',
  'Pédagogie',
  'Menuiserie',
  'Négociation',
  'Rédaction',
  'SQL',
  'Photographie',
  'Médiation numérique',
  'Gestion budgétaire',
  'Recrutement de bénévoles',
  'Accessibilité',
  'Couture',
  'Jardinage',
  'Partenariats publics',
  'Conduite du changement'
]
const OUTCOMES = [
  '300 objets réparés la première année, dont 60 % d’appareils électriques.',
  'Douze écoles visitées, 450 élèves formés à l’entretien de leur vélo.',
  'Un lieu ouvert quatre jours par semaine, deux emplois créés.',
  'Des ventes en ligne multipliées par trois en six mois.',
  'Une charte reprise par trois autres communes.',
  'Un guide de 40 pages publié sous licence libre.',
  'Une subvention de 25 000 € obtenue pour la suite.'
]
const NAMES = [
  'Émilie Laurent',
  'Karim Benali',
  'Sophie Martin',
  'Inès Moreau',
  'Lucas Petit',
  'Nadia Haddad',
  'Thomas Girard',
  'Awa Diallo',
  'Julien Roux',
  'Camille Fontaine'
]

function planAnnouncements(
  rand: () => number,
  nodes: number,
  count: number,
  offsetOf: (i: number) => number
): PlannedAnnouncement[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const some = <T>(xs: readonly T[], n: number): T[] => {
    const pool = [...xs]
    const out: T[] = []
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!)
    return out
  }
  return Array.from({ length: count }, (_, i) => {
    const node = Math.floor(rand() * nodes)
    const startYear = 2014 + Math.floor(rand() * 11)
    const ongoing = rand() < 0.3
    const start = `${startYear}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}`
    const end = `${Math.min(2025, startYear + 1 + Math.floor(rand() * 3))}`
    return {
      node,
      project: crypto.randomUUID(),
      pseudonymous: rand() < 0.35,
      name: NAMES[node % NAMES.length]!,
      offset: offsetOf(i),
      content: {
        title: pick(TITLES),
        summary: some(SUMMARIES, 2 + Math.floor(rand() * 3)).join(' '),
        period: ongoing ? { start, ongoing: true } : { start, end },
        role: pick(ROLES),
        skills: some(SKILLS, 3 + Math.floor(rand() * 4)),
        outcomes: some(OUTCOMES, 1 + Math.floor(rand() * 2)).join(' ')
      }
    }
  })
}

class Child {
  readonly #pending = new Map<number, (r: Reply) => void>()
  #rid = 1
  readonly ready: Promise<void>
  constructor(readonly proc: ChildProcess) {
    let readyResolve!: () => void
    let readyReject!: (e: Error) => void
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res
      readyReject = rej
    })
    proc.on('message', (m: { rid?: unknown; reply?: Reply }) => {
      // (tsx's loader may use the same channel for its own messages)
      if (typeof m !== 'object' || m === null || typeof m.rid !== 'number' || !m.reply) return
      if (m.rid === 0) return readyResolve()
      const cb = this.#pending.get(m.rid)
      this.#pending.delete(m.rid)
      cb?.(m.reply!)
    })
    proc.on('exit', (code) => {
      readyReject(new Error(`a child process exited (${code})`))
      for (const cb of this.#pending.values()) cb({ t: 'error', message: `child exited (${code})` })
      this.#pending.clear()
    })
  }
  ask<T extends Reply['t']>(req: Request, timeoutMs = 120_000): Promise<Extract<Reply, { t: T }>> {
    const rid = this.#rid++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rid)
        reject(new Error(`child did not answer ${req.t} in ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(rid, (reply) => {
        clearTimeout(timer)
        if (reply.t === 'error') reject(new Error(`child, on ${req.t}: ${reply.message}`))
        else resolve(reply as Extract<Reply, { t: T }>)
      })
      this.proc.send({ rid, req })
    })
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}
function addCounters(cs: Counters[]): Counters {
  const g = (k: keyof GossipCounters) => sum(cs.map((c) => c.gossip[k]))
  const rejects: Record<string, number> = {}
  for (const c of cs) for (const [k, v] of Object.entries(c.rejects)) rejects[k] = (rejects[k] ?? 0) + v
  return {
    wireWritten: sum(cs.map((c) => c.wireWritten)),
    wireRead: sum(cs.map((c) => c.wireRead)),
    sockets: sum(cs.map((c) => c.sockets)),
    gossip: {
      frames: g('frames'),
      bytes: g('bytes'),
      messageCopies: g('messageCopies'),
      messageBytes: g('messageBytes'),
      ihaveIds: g('ihaveIds'),
      iwantIds: g('iwantIds'),
      idontwantIds: g('idontwantIds'),
      graft: g('graft'),
      prune: g('prune'),
      subscriptions: g('subscriptions')
    },
    validations: sum(cs.map((c) => c.validations)),
    validationMs: sum(cs.map((c) => c.validationMs)),
    rejects,
    connectionsOpened: sum(cs.map((c) => c.connectionsOpened)),
    connectionsClosed: sum(cs.map((c) => c.connectionsClosed)),
    connectionKinds: cs.reduce<Record<string, number>>((acc, c) => {
      for (const [k, v] of Object.entries(c.connectionKinds)) acc[k] = (acc[k] ?? 0) + v
      return acc
    }, {}),
    cpuMs: sum(cs.map((c) => c.cpuMs))
  }
}
function diffCounters(a: Counters, b: Counters): Counters {
  const rejects: Record<string, number> = {}
  for (const k of new Set([...Object.keys(a.rejects), ...Object.keys(b.rejects)]))
    rejects[k] = (b.rejects[k] ?? 0) - (a.rejects[k] ?? 0)
  const gossip = { ...b.gossip }
  for (const k of Object.keys(gossip) as Array<keyof GossipCounters>) gossip[k] -= a.gossip[k]
  return {
    wireWritten: b.wireWritten - a.wireWritten,
    wireRead: b.wireRead - a.wireRead,
    sockets: b.sockets,
    gossip,
    validations: b.validations - a.validations,
    validationMs: b.validationMs - a.validationMs,
    rejects,
    connectionsOpened: b.connectionsOpened - a.connectionsOpened,
    connectionsClosed: b.connectionsClosed - a.connectionsClosed,
    connectionKinds: Object.fromEntries(
      Object.entries(b.connectionKinds)
        .map(([k, v]) => [k, v - (a.connectionKinds[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0)
    ),
    cpuMs: b.cpuMs - a.cpuMs
  }
}

interface PhaseResult {
  phase: 'steady' | 'burst'
  projects: number
  rateHz: number | null
  publishSpanMs: number
  allHeld: boolean
  nodesHoldingAll: number
  deliveries: number
  expectedDeliveries: number
  /** From the phase's first publish until 99 % of the nodes hold all its announcements. */
  t99AllMs: number
  /** Until every node holds all. */
  t100AllMs: number
  /** Per announcement: publish → 99 % of the nodes hold it. */
  perAnnouncementP50Ms: number
  perAnnouncementP99Ms: number
  perAnnouncementMaxMs: number
  announcementBytesMean: number
  windowMs: number
  wireBytes: number
  wireBytesNet: number
  gossipBytes: number
  gossipFrames: number
  copies: number
  perDelivery: {
    wireBytes: number
    wireBytesNet: number
    gossipBytes: number
    frames: number
    copies: number
    copyBytes: number
    controlBytes: number
    ihaveIds: number
    iwantIds: number
    idontwantIds: number
  }
  overhead: { wire: number; wireNet: number; gossip: number }
  grafts: number
  prunes: number
  validationMsMean: number
  rejects: Record<string, number>
  eventLoopP99Ms: number
  eventLoopMaxMs: number
  connectionsOpened: number
  connectionsClosed: number
  connectionKinds: Record<string, number>
  /** CPU time of all the nodes' processes in the window, and per delivery */
  cpuMs: number
  cpuMsPerDelivery: number
  /** the same, less the idle background's CPU rate over the window */
  cpuMsPerDeliveryNet: number
}

async function parent(): Promise<number> {
  const N = numOpt('nodes', 2, 200)
  const M = numOpt('projects', 1, 10_000)
  const P = Math.min(numOpt('procs', 1, 64), N)
  const rate = numOpt('rate', 0.1, 1000)
  const idleS = numOpt('idle', 0, 60)
  const tailS = numOpt('tail', 0, 60)
  const seed = numOpt('seed', 0, 2 ** 31)
  const timeoutS = numOpt('timeout', 5, 600)
  const mode = opts.mode
  if (mode !== 'both' && mode !== 'steady' && mode !== 'burst') {
    console.error('--mode is both, steady or burst')
    return 2
  }
  const phases: Array<'steady' | 'burst'> = mode === 'both' ? ['steady', 'burst'] : [mode]
  // --gossipsub floodPublish=false,D=4: override the product's gossipsub options (experiments only)
  const gossipsub: Record<string, unknown> = {}
  for (const kv of opts.gossipsub ? opts.gossipsub.split(',') : []) {
    const [k, v] = kv.split('=') as [string, string | undefined]
    try {
      gossipsub[k] = JSON.parse(v ?? '')
    } catch {
      console.error(`--gossipsub ${kv}: expected key=JSON value`)
      return 2
    }
  }
  const rand = prng(seed)
  const log = (s: string) => process.stderr.write(`[scale] ${s}\n`)
  const started = Date.now()
  const load0 = loadavg()[0]!

  // children: node i lives in child i % P
  const script = fileURLToPath(import.meta.url)
  const children: Child[] = []
  const ownerOf = (i: number) => children[i % P]!
  const nodesOf = (c: number) => Array.from({ length: N }, (_, i) => i).filter((i) => i % P === c)
  let stopping: Promise<void> | undefined
  const stopAll = () =>
    (stopping ??= (async () => {
      await Promise.allSettled(children.map((c) => c.ask({ t: 'stop' }, 30_000)))
      for (const c of children) if (c.proc.connected) c.proc.disconnect()
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((res) => {
              if (c.proc.exitCode !== null) return res()
              const t = setTimeout(() => {
                c.proc.kill('SIGKILL')
                res()
              }, 5000)
              c.proc.once('exit', () => {
                clearTimeout(t)
                res()
              })
            })
        )
      )
    })())
  const onSignal = () => {
    log('interrupted: stopping the nodes')
    void stopAll().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  try {
    for (let c = 0; c < P; c++) {
      const proc = fork(script, ['--child'], {
        execArgv: [...process.execArgv, '--expose-gc'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      })
      children.push(new Child(proc))
    }
    await Promise.all(children.map((c) => c.ready))
    log(`${P} process(es); starting ${N} nodes`)
    const t0 = Date.now()
    const startReplies = await Promise.all(
      children.map((c, i) => c.ask<'started'>({ t: 'start', nodes: nodesOf(i), gossipsub }))
    )
    const infos = new Map<number, NodeInfo>()
    for (const r of startReplies) for (const n of r.nodes) infos.set(n.index, n)
    const startMs = Date.now() - t0
    log(`nodes started in ${startMs} ms`)

    const { bytes: companyBytes } = await ownerOf(0).ask<'company'>({ t: 'company', index: 0 })
    await Promise.all(children.map((c) => c.ask({ t: 'join', company: companyBytes })))

    // topology: node i dials 3 or 4 random earlier nodes
    const edges = new Set<string>()
    const plans: Array<Array<{ from: number; to: string; target: number }>> = children.map(() => [])
    for (let i = 1; i < N; i++) {
      const k = Math.min(i, 3 + Math.floor(rand() * 2))
      const targets = new Set<number>()
      while (targets.size < k) targets.add(Math.floor(rand() * i))
      for (const j of targets) {
        edges.add(`${j}-${i}`)
        plans[i % P]!.push({ from: i, to: infos.get(j)!.addr, target: j })
      }
    }
    const degree = Array.from({ length: N }, () => 0)
    for (const e of edges) {
      const [a, b] = e.split('-').map(Number) as [number, number]
      degree[a]!++
      degree[b]!++
    }
    const dialed = await Promise.all(children.map((c, i) => c.ask<'dialed'>({ t: 'dial', plan: plans[i]! })))
    const failures = dialed.flatMap((d) => d.failures)
    // a link that could not be made (three tries of 20 s) is reported, not fatal: the mesh check decides
    if (failures.length) log(`${failures.length} dial(s) failed:\n${failures.join('\n')}`)
    log(`${edges.size} links dialed (degree ${Math.min(...degree)}–${Math.max(...degree)})`)

    // wait for the mesh
    const settle0 = Date.now()
    // settled: every node sees as many subscribers as it has links and holds a mesh of min(Dlo, links);
    // or, when that does not come (a gossipsub stream that failed to open under load is not retried), every
    // node has a mesh of min(Dlo, links) and the subscriber counts have not changed for 2 s
    const dlo = typeof gossipsub.Dlo === 'number' ? gossipsub.Dlo : GOSSIP_MESH.Dlo
    const settled = (m: MeshState) =>
      m.subscribers >= degree[m.index]! && m.mesh >= Math.min(dlo, degree[m.index]!)
    const meshed = (m: MeshState) =>
      m.subscribers >= Math.min(dlo, degree[m.index]!) && m.mesh >= Math.min(dlo, degree[m.index]!)
    let stable = 0
    let lastSubscribers = -1
    let mesh: MeshState[] = []
    let polls = 0
    let redials = 0
    let lastRedial = Date.now()
    for (;;) {
      mesh = (await Promise.all(children.map((c) => c.ask<'mesh'>({ t: 'mesh' })))).flatMap((r) => r.nodes)
      const subscribers = sum(mesh.map((m) => m.subscribers))
      stable = subscribers === lastSubscribers ? stable + 1 : 0
      lastSubscribers = subscribers
      if (mesh.every(settled) || (mesh.every(meshed) && stable >= 8)) break
      if (Date.now() - lastRedial > 10_000) {
        // a node short of its links (a connection closed under load): dial its planned links again
        lastRedial = Date.now()
        const short = new Set(mesh.filter((m) => m.connections < degree[m.index]!).map((m) => m.index))
        if (short.size) {
          redials += short.size
          log(`re-dialing the links of ${short.size} node(s) short of connections`)
          await Promise.all(
            children.map((c, i) =>
              c.ask<'dialed'>({
                t: 'dial',
                plan: plans[i]!.filter((p) => short.has(p.from) || short.has(p.target))
              })
            )
          )
        }
      }
      if (++polls % 8 === 0) {
        const lags = await Promise.all(children.map((c) => c.ask<'lag'>({ t: 'lag', reset: true })))
        log(
          `settling: connections ${percentile(
            mesh.map((m) => m.connections),
            50
          )}, subscribers ${percentile(
            mesh.map((m) => m.subscribers),
            50
          )}, mesh ${percentile(
            mesh.map((m) => m.mesh),
            50
          )} (medians); event loop max ${Math.max(...lags.map((l) => l.max)).toFixed(0)} ms`
        )
      }
      if (Date.now() - settle0 > 60_000) {
        const late = mesh.filter((m) => !settled(m))
        throw new Error(`the mesh did not settle in 60 s: ${JSON.stringify(late)}`)
      }
      await sleep(250)
    }
    await sleep(1200) // one more heartbeat
    mesh = (await Promise.all(children.map((c) => c.ask<'mesh'>({ t: 'mesh' })))).flatMap((r) => r.nodes)
    const settleMs = Date.now() - settle0
    const unsettled = mesh.filter((m) => !settled(m)).length
    log(`mesh settled in ${settleMs} ms`)

    const counters = async () =>
      addCounters(
        (await Promise.all(children.map((c) => c.ask<'counters'>({ t: 'counters' })))).map((r) => r.counters)
      )
    // instrument, then the idle background
    await counters()
    const idle0 = await counters()
    const idleT0 = now()
    await sleep(idleS * 1000)
    const idle = diffCounters(idle0, await counters())
    const idleMs = now() - idleT0
    const idleRate = idleMs > 0 ? idle.wireWritten / idleMs : 0 // bytes per ms
    log(
      `idle: ${idle.wireWritten} bytes in ${idleMs.toFixed(0)} ms; connections opened ${idle.connectionsOpened}, closed ${idle.connectionsClosed}`
    )

    const results: PhaseResult[] = []
    for (const phase of phases) {
      const interval = phase === 'steady' ? 1000 / rate : 0
      const plan = planAnnouncements(rand, N, M, (i) => i * interval)
      const projects = plan.map((p) => p.project)
      const sizes: Record<string, number> = {}
      await Promise.all(
        children.map(async (c, ci) => {
          const items = plan.filter((p) => p.node % P === ci)
          const r = await c.ask<'prepared'>({ t: 'prepare', items })
          Object.assign(sizes, r.sizes)
        })
      )
      await Promise.all(children.map((c) => c.ask<'lag'>({ t: 'lag', reset: true })))
      const profileDir = process.env.SCALE_CPU_PROF
      if (profileDir) await Promise.all(children.map((c) => c.ask({ t: 'profile', action: 'start' })))
      const before = await counters()
      const at = now() + 300
      const w0 = now()
      const publishing = Promise.all(
        children.map((c, ci) =>
          c.ask<'published'>(
            { t: 'publish', at, items: plan.filter((p) => p.node % P === ci).map((p) => p.project) },
            (timeoutS + M / rate) * 1000 + 60_000
          )
        )
      )
      // wait until every node holds every announcement, or the timeout
      const deadline = at + plan[plan.length - 1]!.offset + timeoutS * 1000
      let allHeld = false
      for (;;) {
        await sleep(200)
        const held = (await Promise.all(children.map((c) => c.ask<'held'>({ t: 'held', projects })))).flatMap(
          (r) => Object.values(r.counts)
        )
        if (held.length === N && held.every((h) => h === M)) {
          allHeld = true
          break
        }
        if (now() > deadline) {
          log(`${phase}: timed out; held per node: ${held.join(' ')}`)
          break
        }
      }
      const published: Record<string, number> = {}
      for (const r of await publishing) Object.assign(published, r.times)
      const lagReplies = await Promise.all(children.map((c) => c.ask<'lag'>({ t: 'lag', reset: false })))
      await sleep(tailS * 1000)
      const d = diffCounters(before, await counters())
      const windowMs = now() - w0
      if (profileDir)
        await Promise.all(
          children.map((c, i) =>
            c.ask({ t: 'profile', action: 'stop', file: `${profileDir}/${phase}-${i}.cpuprofile` })
          )
        )
      const receipts: Record<number, Record<string, number>> = {}
      for (const r of await Promise.all(children.map((c) => c.ask<'receipts'>({ t: 'receipts', projects }))))
        Object.assign(receipts, r.nodes)

      // delivery figures
      const need = Math.ceil(0.99 * N)
      const firstPublish = Math.min(...Object.values(published))
      const perAnnouncement = plan.map((p) => {
        const times = Object.values(receipts)
          .map((r) => r[p.project])
          .filter((t): t is number => t !== undefined)
          .sort((a, b) => a - b)
        const t = times[need - 1]
        return t === undefined ? Infinity : t - published[p.project]!
      })
      const completion = Object.values(receipts)
        .map((r) =>
          projects.every((p) => r[p] !== undefined) ? Math.max(...projects.map((p) => r[p]!)) : Infinity
        )
        .sort((a, b) => a - b)
      const deliveries = sum(
        plan.map(
          (p) =>
            Object.entries(receipts).filter(([i, r]) => Number(i) !== p.node && r[p.project] !== undefined)
              .length
        )
      )
      const meanSize = sum(Object.values(sizes)) / M
      const wireNet = d.wireWritten - idleRate * windowMs
      const per = (x: number) => (deliveries ? x / deliveries : NaN)
      results.push({
        phase,
        projects: M,
        rateHz: phase === 'steady' ? rate : null,
        publishSpanMs: Math.max(...Object.values(published)) - firstPublish,
        allHeld,
        nodesHoldingAll: completion.filter((c) => c !== Infinity).length,
        deliveries,
        expectedDeliveries: M * (N - 1),
        t99AllMs: (completion[need - 1] ?? Infinity) - firstPublish,
        t100AllMs: (completion[N - 1] ?? Infinity) - firstPublish,
        perAnnouncementP50Ms: percentile(perAnnouncement, 50),
        perAnnouncementP99Ms: percentile(perAnnouncement, 99),
        perAnnouncementMaxMs: Math.max(...perAnnouncement),
        announcementBytesMean: meanSize,
        windowMs,
        wireBytes: d.wireWritten,
        wireBytesNet: wireNet,
        gossipBytes: d.gossip.bytes,
        gossipFrames: d.gossip.frames,
        copies: d.gossip.messageCopies,
        perDelivery: {
          wireBytes: per(d.wireWritten),
          wireBytesNet: per(wireNet),
          gossipBytes: per(d.gossip.bytes),
          frames: per(d.gossip.frames),
          copies: per(d.gossip.messageCopies),
          copyBytes: per(d.gossip.messageBytes),
          controlBytes: per(d.gossip.bytes - d.gossip.messageBytes),
          ihaveIds: per(d.gossip.ihaveIds),
          iwantIds: per(d.gossip.iwantIds),
          idontwantIds: per(d.gossip.idontwantIds)
        },
        overhead: {
          wire: per(d.wireWritten) / meanSize,
          wireNet: per(wireNet) / meanSize,
          gossip: per(d.gossip.bytes) / meanSize
        },
        grafts: d.gossip.graft,
        prunes: d.gossip.prune,
        validationMsMean: d.validations ? d.validationMs / d.validations : NaN,
        rejects: Object.fromEntries(Object.entries(d.rejects).filter(([, v]) => v > 0)),
        eventLoopP99Ms: Math.max(...lagReplies.map((l) => l.p99)),
        eventLoopMaxMs: Math.max(...lagReplies.map((l) => l.max)),
        connectionsOpened: d.connectionsOpened,
        connectionsClosed: d.connectionsClosed,
        connectionKinds: d.connectionKinds,
        cpuMs: d.cpuMs,
        cpuMsPerDelivery: per(d.cpuMs),
        cpuMsPerDeliveryNet: per(d.cpuMs - (idleMs > 0 ? (idle.cpuMs / idleMs) * windowMs : 0))
      })
      log(`${phase}: done (${allHeld ? 'all held' : 'INCOMPLETE'})`)
    }

    const finalMesh = (await Promise.all(children.map((c) => c.ask<'mesh'>({ t: 'mesh' })))).flatMap(
      (r) => r.nodes
    )
    const mems = await Promise.all(children.map((c) => c.ask<'memory'>({ t: 'memory' })))
    const memory = mems.map((m, i) => {
      const base = startReplies[i]!.base
      const n = nodesOf(i).length
      return {
        pid: startReplies[i]!.pid,
        nodes: n,
        baseRssMB: base.rss / 2 ** 20,
        baseHeapMB: base.heapUsed / 2 ** 20,
        rssMB: m.mem.rss / 2 ** 20,
        heapMB: m.mem.heapUsed / 2 ** 20,
        maxRssMB: m.maxRssKB / 1024,
        rssPerNodeMB: (m.mem.rss - base.rss) / 2 ** 20 / n,
        heapPerNodeMB: (m.mem.heapUsed - base.heapUsed) / 2 ** 20 / n,
        peakRssPerNodeMB: (m.maxRssKB * 1024 - base.rss) / 2 ** 20 / n
      }
    })
    const rssPerNode = Math.max(...memory.map((m) => m.rssPerNodeMB))
    const heapPerNode = Math.max(...memory.map((m) => m.heapPerNodeMB))
    const peakPerNode = Math.max(...memory.map((m) => m.peakRssPerNodeMB))

    const connections = mesh.map((m) => m.connections)
    const meshSizes = mesh.map((m) => m.mesh)
    const topology = {
      nodes: N,
      procs: P,
      links: edges.size,
      degreeMin: Math.min(...degree),
      degreeMedian: percentile(degree, 50),
      degreeMax: Math.max(...degree),
      connectionsMedian: percentile(connections, 50),
      meshMin: Math.min(...meshSizes),
      meshMedian: percentile(meshSizes, 50),
      meshMax: Math.max(...meshSizes),
      finalConnectionsMedian: percentile(
        finalMesh.map((m) => m.connections),
        50
      ),
      finalMeshMedian: percentile(
        finalMesh.map((m) => m.mesh),
        50
      ),
      startMs,
      settleMs,
      redials,
      unsettled,
      dialFailures: failures.length
    }

    // ——— report ———
    const fmt = (x: number, d = 0) =>
      Number.isFinite(x)
        ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
        : '∞'
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
    const out: string[] = []
    out.push(
      `# Project companies at scale — ${new Date().toISOString()}`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${fmt(load0, 2)} before, ${fmt(loadavg()[0]!, 2)} after`,
      ...(Object.keys(gossipsub).length
        ? [`EXPERIMENT: gossipsub options changed from the product's: ${JSON.stringify(gossipsub)}`]
        : []),
      `Topology: ${N} nodes in ${P} process(es), ${edges.size} links (each node dials 3–4 random earlier ones; degree ${topology.degreeMin}/${topology.degreeMedian}/${topology.degreeMax} min/median/max), company mesh ${topology.meshMin}/${topology.meshMedian}/${topology.meshMax}; started in ${fmt(startMs)} ms, mesh settled in ${fmt(settleMs)} ms`,
      `Idle background: ${fmt(idle.wireWritten)} bytes on the wire in ${fmt(idleMs)} ms (${fmt(idleRate * 1000)} B/s, all nodes)`,
      ''
    )
    for (const r of results) {
      out.push(
        `## ${r.phase === 'steady' ? `Steady: ${r.projects} announcements at ${r.rateHz}/s` : `Burst: ${r.projects} announcements at once`}`,
        '',
        `delivered: ${r.deliveries}/${r.expectedDeliveries} (${r.nodesHoldingAll}/${N} nodes hold all)`,
        `time to 99% of nodes holding 100% (from first publish): ${fmt(r.t99AllMs)} ms (publishing took ${fmt(r.publishSpanMs)} ms; all nodes: ${fmt(r.t100AllMs)} ms)`,
        `per announcement, publish → 99% of nodes: p50 ${fmt(r.perAnnouncementP50Ms)} ms, p99 ${fmt(r.perAnnouncementP99Ms)} ms, max ${fmt(r.perAnnouncementMaxMs)} ms`,
        `announcement size: ${fmt(r.announcementBytesMean)} bytes (mean, signed dag-cbor)`,
        `wire (TCP, all protocols) in ${fmt(r.windowMs)} ms: ${fmt(r.wireBytes)} bytes, net of idle ${fmt(r.wireBytesNet)}`,
        `per delivery: ${fmt(r.perDelivery.wireBytes)} wire bytes (net ${fmt(r.perDelivery.wireBytesNet)}), gossipsub ${fmt(r.perDelivery.gossipBytes)} bytes in ${fmt(r.perDelivery.frames, 2)} RPC frames: ${fmt(r.perDelivery.copies, 2)} full copies (${fmt(r.perDelivery.copyBytes)} bytes) + control ${fmt(r.perDelivery.controlBytes)} bytes (IHAVE ids ${fmt(r.perDelivery.ihaveIds, 2)}, IWANT ids ${fmt(r.perDelivery.iwantIds, 2)}, IDONTWANT ids ${fmt(r.perDelivery.idontwantIds, 2)})`,
        `overhead (bytes per delivery / announcement size): wire ${fmt(r.overhead.wire, 2)}×, wire net of idle ${fmt(r.overhead.wireNet, 2)}×, gossipsub frames ${fmt(r.overhead.gossip, 2)}×`,
        `CPU (all node processes) in the window: ${fmt(r.cpuMs)} ms, ${fmt(r.cpuMsPerDelivery, 2)} ms per delivery, ${fmt(r.cpuMsPerDeliveryNet, 2)} net of the idle background (${fmt(idle.cpuMs)} ms of CPU in ${fmt(idleMs)} ms idle)`,
        `validation: ${fmt(r.validationMsMean, 3)} ms per message (mean); event loop delay p99 ${fmt(r.eventLoopP99Ms, 1)} ms, max ${fmt(r.eventLoopMaxMs, 1)} ms; grafts ${r.grafts}, prunes ${r.prunes}; connections opened ${r.connectionsOpened}, closed ${r.connectionsClosed} ${JSON.stringify(r.connectionKinds)}; rejects ${JSON.stringify(r.rejects)}`,
        ''
      )
    }
    out.push('## Memory', '')
    for (const m of memory)
      out.push(
        `process ${m.pid}: ${m.nodes} nodes; baseline RSS ${fmt(m.baseRssMB, 1)} MB heap ${fmt(m.baseHeapMB, 1)} MB; after RSS ${fmt(m.rssMB, 1)} MB heap ${fmt(m.heapMB, 1)} MB (peak RSS ${fmt(m.maxRssMB, 1)} MB)`
      )
    out.push(
      `per node: RSS ${fmt(rssPerNode, 1)} MB, heapUsed ${fmt(heapPerNode, 1)} MB (peak RSS ${fmt(peakPerNode, 1)} MB)`,
      ''
    )

    const checks = [
      ...results.flatMap((r) => [
        {
          target: `${r.phase}: every node holds every announcement`,
          value: `${r.deliveries}/${r.expectedDeliveries} deliveries`,
          pass: r.allHeld
        },
        {
          target: `${r.phase}: per announcement, 99% of nodes hold it within ${TARGET.deliveryMs} ms (p99 over announcements)`,
          value: `${fmt(r.perAnnouncementP99Ms)} ms`,
          pass: r.perAnnouncementP99Ms < TARGET.deliveryMs
        },
        ...(r.phase === 'burst'
          ? [
              {
                target: `burst: 99% of nodes hold 100% within ${TARGET.deliveryMs} ms of the first publish`,
                value: `${fmt(r.t99AllMs)} ms`,
                pass: r.t99AllMs < TARGET.deliveryMs
              }
            ]
          : []),
        {
          target: `${r.phase}: wire overhead under ${TARGET.overhead}× (all TCP bytes in the window)`,
          value: `${fmt(r.overhead.wire, 2)}×`,
          pass: r.overhead.wire < TARGET.overhead
        },
        {
          target: `${r.phase}: wire overhead under ${TARGET.overhead}× (net of the idle background)`,
          value: `${fmt(r.overhead.wireNet, 2)}×`,
          pass: r.overhead.wireNet < TARGET.overhead
        }
      ]),
      {
        target: `under ${TARGET.memoryMB} MB per node (RSS)`,
        value: `${fmt(rssPerNode, 1)} MB (heapUsed ${fmt(heapPerNode, 1)} MB)`,
        pass: rssPerNode < TARGET.memoryMB
      }
    ]
    out.push('## Targets', '')
    for (const c of checks) out.push(`${verdict(c.pass)}  ${c.target}: ${c.value}`)
    out.push('')
    console.log(out.join('\n'))
    console.log(
      'RESULT ' +
        JSON.stringify({
          nodes: N,
          projects: M,
          procs: P,
          seed,
          gossipsub,
          topology,
          idle: { bytes: idle.wireWritten, ms: idleMs },
          phases: results,
          memory: {
            perNode: { rssMB: rssPerNode, heapUsedMB: heapPerNode, peakRssMB: peakPerNode },
            processes: memory
          },
          checks,
          loadavg: [load0, loadavg()[0]],
          totalMs: Date.now() - started
        })
    )
    return 0
  } finally {
    await stopAll()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

if (opts.child) {
  child().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
} else {
  parent().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        `scale test could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
      )
      process.exit(1)
    }
  )
}

/**
 * `/musette/status/1.0.0`: fetch an issuer's status list (a Bitstring Status List credential). The list is
 * signed by its issuer, so any peer holding a copy may serve it; the asker verifies it (credentials/).
 *
 * One stream per request: `{ type: 'status-get', list }` → `{ type: 'status-list', credential }` or
 * `{ type: 'status-missing' }`. Reads capped and timed, as every Musette protocol.
 */
import { setMaxListeners } from '@libp2p/interface'
import { z } from 'zod'
import { deadline, messageStream, readMessage, translate, writeMessage } from '../codec.ts'
import { openStream, type PeerTarget, type ProtocolHost } from '../host.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'

export const STATUS_PROTOCOL = '/musette/status/1.0.0'
/** A 131,072-entry list compresses to a few hundred bytes; its signed credential stays far below this. */
export const MAX_MESSAGE_SIZE = 64 * 1024
export const TIMEOUT_MS = 5_000
export const MAX_INBOUND_STREAMS = 4
export const MAX_LIST_ID_LENGTH = 500

export const StatusRequest = z.strictObject({
  type: z.literal('status-get'),
  list: z.string().min(1).max(MAX_LIST_ID_LENGTH)
})
export const StatusResponse = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status-list'), credential: z.record(z.string(), z.unknown()) }),
  z.strictObject({ type: z.literal('status-missing') })
])
export type StatusRequest = z.infer<typeof StatusRequest>
export type StatusResponse = z.infer<typeof StatusResponse>

export interface StatusComponents {
  libp2p: ProtocolHost
  /** The signed list with this id, if this node has it (its own, or a copy it verified). */
  getList(id: string): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined
}

export interface StatusService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
}

export function status(): (components: StatusComponents) => StatusService {
  return (components) => {
    const handle = async (stream: Stream, _connection: Connection): Promise<void> => {
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      setMaxListeners(Infinity, signal)
      const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
      try {
        const req = await readMessage(lp, StatusRequest, { signal, timeoutMs: TIMEOUT_MS })
        const credential = await components.getList(req.list)
        const res: StatusResponse = credential
          ? { type: 'status-list', credential }
          : { type: 'status-missing' }
        await writeMessage(lp, res, { signal, timeoutMs: TIMEOUT_MS })
        await stream.close({ signal })
      } catch (err) {
        stream.abort(translate(err, signal))
      }
    }
    return {
      protocol: STATUS_PROTOCOL,
      async start() {
        await components.libp2p.handle(STATUS_PROTOCOL, handle, {
          maxInboundStreams: MAX_INBOUND_STREAMS,
          runOnLimitedConnection: true
        })
      },
      async stop() {
        await components.libp2p.unhandle(STATUS_PROTOCOL)
      }
    }
  }
}

/** Ask a peer for a status list; undefined when it has none. Throws the codec's typed errors. */
export async function fetchStatusList(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  list: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {}
): Promise<Record<string, unknown> | undefined> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  const { signal, timer } = deadline({ signal: options.signal, timeoutMs })
  const stream = await openStream(libp2p, target, STATUS_PROTOCOL, {
    signal,
    timer,
    callerSignal: options.signal,
    runOnLimitedConnection: true
  })
  try {
    const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
    await writeMessage(lp, { type: 'status-get', list } satisfies StatusRequest, { signal, timeoutMs })
    const res = await readMessage(lp, StatusResponse, { signal, timeoutMs })
    await stream.close({ signal })
    return res.type === 'status-list' ? res.credential : undefined
  } catch (err) {
    const error = translate(err, timer, options.signal)
    stream.abort(error)
    throw error
  }
}

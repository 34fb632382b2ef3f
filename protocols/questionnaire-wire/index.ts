/**
 * `/musette/questionnaire/1.0.0`: the direct exchanges of an anonymous questionnaire (issue 5). One stream per
 * exchange; the opener writes one message and reads one reply.
 *
 * | message         | from → to                 | reply                                  |
 * | --------------- | ------------------------- | -------------------------------------- |
 * | `questionnaire` | asker → invitee           | ack, or nack (NOT_INVITED, CLOSED, …)  |
 * | `token`         | invitee → asker           | `evaluation` (the POPRF evaluation), or nack |
 * | `relay`         | invitee → another invitee | ack, or nack — an answer sealed to the asker, to publish later in a batch |
 * | `answer`        | invitee → asker           | ack, or nack — only when the person opted out of anonymity |
 *
 * The remote peer is authenticated by Noise; its DID is handed to `onMessage`, which decides (invitee lists,
 * closing dates, one token per invitee…) — this module only checks sizes, schemas, the deadline and a
 * per-peer rate limit. Questionnaires travel as opaque capped objects: the node verifies their signature.
 * The answers themselves reach the asker on the gossipsub topic {@link topicOf}, published by the relays.
 */
import { setMaxListeners } from '@libp2p/interface'
import { z } from 'zod'
import {
  deadline,
  encodeMessage,
  messageStream,
  readMessage,
  translate,
  validate,
  writeMessage
} from '../codec.ts'
import { openStream, type PeerTarget, type ProtocolHost } from '../host.ts'
import { didOfPeerId } from '../peer.ts'
import { RateLimiter } from '../rate-limit.ts'
import { MAX_SEALED_ANSWER_BYTES } from '../questionnaire/crypto.ts'
import { MAX_QUESTIONNAIRE_BYTES, QUESTIONNAIRE_ID_PATTERN } from '../questionnaire/schema.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'

export const QUESTIONNAIRE_PROTOCOL = '/musette/questionnaire/1.0.0'
/** The caps of the questionnaire's own schema: a signed questionnaire, a sealed (padded) answer. */
export const MAX_QUESTIONNAIRE_SIZE = MAX_QUESTIONNAIRE_BYTES
export const MAX_SEALED_SIZE = MAX_SEALED_ANSWER_BYTES
export const MAX_MESSAGE_SIZE = MAX_QUESTIONNAIRE_BYTES + 4096
export const TIMEOUT_MS = 15_000
export const MAX_INBOUND_STREAMS = 8
/** Per remote DID: a burst of 30 exchanges, then one every 2 s. */
export const RATE_LIMIT = { capacity: 30, refillPerSecond: 0.5 }

/** The gossipsub topic where the relays publish a questionnaire's sealed answers. */
export function topicOf(qid: string): string {
  return `/musette/questionnaire/${qid}`
}

const qid = z.string().regex(QUESTIONNAIRE_ID_PATTERN, 'a questionnaire id')
const bytes = (min: number, max: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes')
    .refine((b) => b.byteLength >= min && b.byteLength <= max, `${min} to ${max} bytes`)

const Signed = z.record(z.string(), z.unknown()).refine(
  (value) => {
    try {
      return encodeMessage(value).byteLength <= MAX_QUESTIONNAIRE_SIZE
    } catch {
      return false
    }
  },
  { message: `a questionnaire is ${MAX_QUESTIONNAIRE_SIZE} bytes at most` }
)

export const QuestionnaireMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('questionnaire'), id: z.uuid(), signed: Signed }),
  z.strictObject({ type: z.literal('token'), qid, blinded: bytes(32, 32) }),
  z.strictObject({ type: z.literal('relay'), qid, sealed: bytes(1, MAX_SEALED_SIZE) }),
  z.strictObject({ type: z.literal('answer'), qid, sealed: bytes(1, MAX_SEALED_SIZE) })
])
export type QuestionnaireMessage = z.infer<typeof QuestionnaireMessage>

const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/)
export const QuestionnaireReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ack'), duplicate: z.boolean().optional() }),
  z.strictObject({ type: z.literal('evaluation'), evaluation: bytes(1, 1024) }),
  z.strictObject({ type: z.literal('nack'), code })
])
export type QuestionnaireReply = z.infer<typeof QuestionnaireReply>

export class QuestionnaireRefusedError extends Error {
  readonly name = 'QuestionnaireRefusedError'
  constructor(readonly code: string) {
    super(`the peer refused: ${code}`)
  }
}

/** Send one message and read its reply. A nack throws {@link QuestionnaireRefusedError}. */
export async function exchange(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  message: QuestionnaireMessage,
  options: { signal?: AbortSignal; timeoutMs?: number } = {}
): Promise<Exclude<QuestionnaireReply, { type: 'nack' }>> {
  const valid = validate(message, QuestionnaireMessage)
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  const { signal, timer } = deadline({ signal: options.signal, timeoutMs })
  const stream = await openStream(libp2p, target, QUESTIONNAIRE_PROTOCOL, {
    signal,
    timer,
    callerSignal: options.signal,
    runOnLimitedConnection: true
  })
  try {
    const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
    await writeMessage(lp, valid, { signal, timeoutMs })
    const reply = await readMessage(lp, QuestionnaireReply, { signal, timeoutMs })
    await stream.close({ signal })
    if (reply.type === 'nack') throw new QuestionnaireRefusedError(reply.code)
    if (valid.type === 'token' && reply.type !== 'evaluation')
      throw new QuestionnaireRefusedError('NO_EVALUATION')
    return reply
  } catch (err) {
    if (err instanceof QuestionnaireRefusedError) throw err
    const error = translate(err, timer, options.signal)
    stream.abort(error)
    throw error
  }
}

export interface QuestionnaireComponents {
  libp2p: ProtocolHost
  /** Decide on a valid message from an authenticated peer. A throw is answered `INTERNAL`. */
  onMessage(
    message: QuestionnaireMessage,
    context: { remoteDid: string; signal: AbortSignal }
  ): Promise<QuestionnaireReply> | QuestionnaireReply
  now?(): number
}

export interface QuestionnaireService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
}

export function questionnaire(): (components: QuestionnaireComponents) => QuestionnaireService {
  return (components) => {
    const limiter = new RateLimiter({ ...RATE_LIMIT, now: components.now })
    const log = components.libp2p.logger.forComponent('musette:questionnaire')
    const reply = async (
      lp: ReturnType<typeof messageStream>,
      connection: Connection,
      signal: AbortSignal
    ) => {
      const remoteDid = didOfPeerId(connection.remotePeer)
      const limited = remoteDid != null && !limiter.take(remoteDid)
      let message: QuestionnaireMessage
      try {
        message = await readMessage(lp, QuestionnaireMessage, { signal, timeoutMs: TIMEOUT_MS })
      } catch (err) {
        const name = err instanceof Error ? err.name : ''
        if (name === 'InvalidMessageError') return nack('INVALID_MESSAGE')
        if (name === 'MessageTooLargeError') return nack('MESSAGE_TOO_LARGE')
        throw err
      }
      if (remoteDid == null) return nack('WRONG_SENDER')
      if (limited) return nack('RATE_LIMITED')
      try {
        return validate(await components.onMessage(message, { remoteDid, signal }), QuestionnaireReply)
      } catch (err) {
        log.error('the node failed on a %s message - %e', message.type, err)
        return nack('INTERNAL')
      }
    }
    const handle = async (stream: Stream, connection: Connection): Promise<void> => {
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      setMaxListeners(Infinity, signal)
      const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
      try {
        await writeMessage(lp, await reply(lp, connection, signal), { signal, timeoutMs: TIMEOUT_MS })
        await stream.close({ signal })
      } catch (err) {
        stream.abort(translate(err, signal))
      }
    }
    return {
      protocol: QUESTIONNAIRE_PROTOCOL,
      async start() {
        await components.libp2p.handle(QUESTIONNAIRE_PROTOCOL, handle, {
          maxInboundStreams: MAX_INBOUND_STREAMS,
          runOnLimitedConnection: true
        })
      },
      async stop() {
        await components.libp2p.unhandle(QUESTIONNAIRE_PROTOCOL)
        limiter.clear()
      }
    }
  }
}

function nack(code: string): QuestionnaireReply {
  return { type: 'nack', code }
}

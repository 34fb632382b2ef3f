/**
 * Anonymous questionnaires (issue 5), on the node: the asker's side (make, sign and send a questionnaire to
 * named contacts, give each invitee exactly one blind token, accept the answers that come back without
 * knowing whose they are, show results past the threshold) and the invitee's side (a pseudonym key and its
 * token per questionnaire, the person's own answer, and relaying other invitees' sealed answers).
 *
 * How an answer travels (protocols/questionnaire-wire, DESIGN.md):
 * 1. The asker's node delivers the signed questionnaire to each invitee over `/musette/questionnaire/1.0.0`,
 *    retrying until each one got it (or the questionnaire closed).
 * 2. Each invitee's node at once makes a one-time Ed25519 pseudonym key, blinds it and gets one POPRF
 *    evaluation from the asker (RFC 9497, info = questionnaire id), checked against the asker's committed key.
 * 3. The person answers: the node signs `{pseudonym, token, seq, body}` with the pseudonym key, seals it to
 *    the asker (X25519 + XChaCha20-Poly1305), and hands it to another online invitee — never the asker.
 * 4. That relay publishes what it holds, shuffled, every `batchSeconds` (±25 %) and once more shortly before
 *    the closing date, on the questionnaire's gossipsub topic (unsigned messages: no `from`, no seqno;
 *    `floodPublish` off). It republishes until the closing date, so an asker who was offline still gets it.
 * 5. The asker opens it, checks the token against the pseudonym (one pseudonym per invitee, so one answer per
 *    invitee; a higher `seq` replaces the earlier answer) and keeps the answer under the pseudonym only.
 * With no other invitee online the answer waits. Only a person who opts out of anonymity sends it directly.
 */
import { randomInt } from 'node:crypto'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'multiformats/bases/base64'
import {
  beginToken,
  checkAnswer,
  decodeTokenState,
  encodeTokenState,
  evaluateToken,
  finishToken,
  openAnswer,
  QuestionnaireError as CryptoError,
  sealAnswer,
  signAnswer,
  signQuestionnaire,
  askerKeys,
  verifyQuestionnaire
} from '../protocols/questionnaire/crypto.ts'
import { aggregate } from '../protocols/questionnaire/results.ts'
import { answerBody as AnswerBodySchema, checkAnswerFits } from '../protocols/questionnaire/schema.ts'
import { peerIdOfDid } from '../protocols/peer.ts'
import {
  exchange,
  MAX_SEALED_SIZE,
  questionnaire as questionnaireProtocol,
  QuestionnaireRefusedError,
  topicOf,
  type QuestionnaireMessage,
  type QuestionnaireReply,
  type QuestionnaireService
} from '../protocols/questionnaire-wire/index.ts'
import { pubsubOf, type MusetteLibp2p } from './network/p2p.ts'
import type { StoredDataMap, VaultRecord } from './model/records.ts'
import type { Identity } from './identity.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'
import type { z } from 'zod'
import type { questionnaireBody } from '../protocols/questionnaire/schema.ts'

type Body = z.infer<typeof questionnaireBody>
type QRecord = VaultRecord<'questionnaire'>
type QData = StoredDataMap['questionnaire']

/** Answers arriving this long after the closing date are still taken (relays' last batches in flight). */
export const CLOSING_GRACE_MS = 5 * 60_000
/** How often pending work (deliveries, tokens, waiting answers) is retried without a peer connecting (at most). */
export const PUMP_INTERVAL_MS = 15_000
/** How often a waiting answer looks the other invitees up in the DHT (at most). */
export const DISCOVERY_INTERVAL_MS = 60_000
/** Sealed answers one invitee may hand one relay for one questionnaire (each change of answer is one). */
export const MAX_RELAYS_PER_SENDER = 20
/** Sealed answers a relay holds for one questionnaire. */
export const MAX_RELAY_POOL = 400
/** Nacks after which a delivery or an answer is not retried. */
const FINAL_CODES = new Set([
  'NOT_INVITED',
  'CLOSED',
  'WRONG_SENDER',
  'INVALID_QUESTIONNAIRE',
  'NOT_A_CONTACT',
  'DUPLICATE',
  'FORGED_TOKEN',
  'BAD_SIGNATURE',
  'MALFORMED',
  'INVALID_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'REPLAY'
])

export class QuestionnairesError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID_STATE' | 'VALIDATION_FAILED' | 'NOT_A_CONTACT',
    message: string,
    readonly reason?: string
  ) {
    super(message)
    this.name = 'QuestionnairesError'
  }
}

export interface QuestionnairesInit {
  vault: Vault
  identity: Identity
  libp2p: MusetteLibp2p
  settings: () => { batchSeconds: number; policy: 'contacts' | 'anyone' }
  events: { emit(name: 'questionnaire', data: Record<string, unknown>): void }
  now?: () => Date
}

export interface CreateQuestionnaire {
  title: string
  intro?: string
  lang: 'fr' | 'en'
  questions: Body['questions']
  invitees: string[]
  closes: string
  threshold?: number
}

const hashOf = (bytes: Uint8Array): string => base64url.baseEncode(sha256(bytes))

function shuffle<T>(items: T[]): T[] {
  const a = [...items]
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[a[i], a[j]] = [a[j] as T, a[i] as T]
  }
  return a
}

export class Questionnaires {
  readonly #vault: Vault
  readonly #identity: Identity
  readonly #libp2p: MusetteLibp2p
  readonly #settings: QuestionnairesInit['settings']
  readonly #events: QuestionnairesInit['events']
  readonly #now: () => Date
  readonly #protocol: QuestionnaireService
  readonly #locks = new Map<string, Promise<unknown>>()
  /** `${qid} ${did}` → sealed answers that invitee handed us (memory only: who gave what is never stored). */
  readonly #relayCounts = new Map<string, number>()
  readonly #lastDiscovery = new Map<string, number>()
  #pumping: Promise<void> | undefined
  #again = false
  #pumpTimer: ReturnType<typeof setInterval> | undefined
  #flushTimer: ReturnType<typeof setTimeout> | undefined
  #stopped = true

  constructor(init: QuestionnairesInit) {
    this.#vault = init.vault
    this.#identity = init.identity
    this.#libp2p = init.libp2p
    this.#settings = init.settings
    this.#events = init.events
    this.#now = init.now ?? (() => new Date())
    this.#protocol = questionnaireProtocol()({
      libp2p: init.libp2p,
      onMessage: (message, { remoteDid }) => this.#onMessage(message, remoteDid)
    })
  }

  async start(): Promise<void> {
    this.#stopped = false
    await this.#protocol.start()
    // answers are taken in the topic validator (#validateAtAsker), before gossipsub forwards anything
    for (const rec of await this.#list())
      if (this.#isOpen(rec.data, CLOSING_GRACE_MS)) this.#subscribe(rec.data)
    this.#libp2p.addEventListener('peer:connect', this.#onPeer)
    // a node set to publish often (tests, demos) also retries often
    const batchMs = this.#settings().batchSeconds * 1000
    this.#pumpTimer = setInterval(() => this.pump(), Math.min(PUMP_INTERVAL_MS, Math.max(1000, batchMs)))
    this.#pumpTimer.unref?.()
    this.#scheduleFlush()
    this.pump()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearInterval(this.#pumpTimer)
    clearTimeout(this.#flushTimer)
    this.#libp2p.removeEventListener('peer:connect', this.#onPeer)
    const pubsub = pubsubOf(this.#libp2p)
    for (const topic of pubsub.getTopics()) {
      if (!topic.startsWith('/musette/questionnaire/')) continue
      pubsub.topicValidators.delete(topic)
      pubsub.unsubscribe(topic)
    }
    await this.#protocol.stop()
    await this.#pumping?.catch(() => undefined)
  }

  // ——— helpers ———

  /** One change at a time per questionnaire (handlers, the pump and the API all update the same record). */
  #lock<T>(qid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(qid) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.#locks.set(qid, tail)
    void tail.then(() => {
      if (this.#locks.get(qid) === tail) this.#locks.delete(qid)
    })
    return run
  }

  async #list(): Promise<QRecord[]> {
    return (await this.#vault.list('questionnaire')) as QRecord[]
  }

  async #find(qid: string): Promise<QRecord | undefined> {
    return (await this.#list()).find((r) => r.data.qid === qid)
  }

  async #save(rec: QRecord, data: QData): Promise<QRecord> {
    return (await this.#vault.update(rec.id, data, rec.version)) as QRecord
  }

  #body(data: QData): Body {
    return (data.signed as { body: Body }).body
  }

  #isOpen(data: QData, graceMs = 0): boolean {
    return this.#now().getTime() < Date.parse(this.#body(data).closes) + graceMs
  }

  #subscribe(data: QData): void {
    const pubsub = pubsubOf(this.#libp2p)
    const topic = topicOf(data.qid)
    if (data.role === 'asker') {
      pubsub.topicValidators.set(topic, (_peer, msg) => this.#validateAtAsker(data.qid, msg.data))
    } else {
      // an invitee cannot read answers: it only forwards what has the size of one
      pubsub.topicValidators.set(topic, (_peer, msg) =>
        msg.data.byteLength > 0 && msg.data.byteLength <= MAX_SEALED_SIZE
          ? TopicValidatorResult.Accept
          : TopicValidatorResult.Reject
      )
    }
    if (!pubsub.getTopics().includes(topic)) pubsub.subscribe(topic)
  }

  #unsubscribe(qid: string): void {
    const pubsub = pubsubOf(this.#libp2p)
    pubsub.topicValidators.delete(topicOf(qid))
    pubsub.unsubscribe(topicOf(qid))
  }

  #emit(qid: string, op: string): void {
    this.#events.emit('questionnaire', { qid, op })
  }

  async #isContact(did: string): Promise<boolean> {
    return (await this.#vault.list('contact')).some((c) => (c.data as StoredDataMap['contact']).did === did)
  }

  // ——— the asker ———

  async create(input: CreateQuestionnaire): Promise<QRecord> {
    const me = this.#identity.did
    const invitees = [...new Set(input.invitees)].sort()
    if (invitees.includes(me))
      throw new QuestionnairesError('VALIDATION_FAILED', 'you cannot invite yourself')
    for (const did of invitees) {
      if (!(await this.#isContact(did)))
        throw new QuestionnairesError('NOT_A_CONTACT', `${did} is not one of your contacts`, 'NOT_A_CONTACT')
    }
    const threshold = input.threshold ?? 3
    if (invitees.length < threshold) {
      throw new QuestionnairesError(
        'VALIDATION_FAILED',
        `with ${invitees.length} invitees, the ${threshold} answers needed to see results can never come`,
        'TOO_FEW_INVITEES'
      )
    }
    const now = this.#now()
    if (Date.parse(input.closes) <= now.getTime() + 60_000)
      throw new QuestionnairesError(
        'VALIDATION_FAILED',
        'the closing date must be in the future',
        'CLOSES_IN_PAST'
      )
    const keys = askerKeys()
    const body = {
      v: 1 as const,
      asker: me,
      ...(this.#vault.secrets.name ? { askerName: this.#vault.secrets.name.slice(0, 100) } : {}),
      title: input.title,
      ...(input.intro ? { intro: input.intro } : {}),
      lang: input.lang,
      questions: input.questions,
      invitees,
      tokenKey: keys.tokenKey,
      sealKey: keys.sealKey,
      created: now.toISOString(),
      closes: new Date(Date.parse(input.closes)).toISOString(),
      threshold
    }
    let signed
    try {
      signed = await signQuestionnaire(body as Body, (m) => this.#identity.privateKey.sign(m))
    } catch (err) {
      if (err instanceof CryptoError)
        throw new QuestionnairesError('VALIDATION_FAILED', err.message, err.code)
      throw err
    }
    const data: QData = {
      role: 'asker',
      qid: signed.id,
      signed: signed.signed as Record<string, unknown>,
      receivedAt: now.toISOString(),
      tokenSecret: keys.tokenSecret,
      sealSecret: keys.sealSecret,
      issued: {},
      deliveries: Object.fromEntries(invitees.map((d) => [d, { status: 'pending' as const }]))
    }
    const rec = (await this.#vault.put({
      type: 'questionnaire',
      data,
      source: { kind: 'manual', at: now.toISOString() }
    })) as QRecord
    this.#subscribe(data)
    this.#emit(data.qid, 'created')
    this.pump()
    return rec
  }

  async #deliver(rec: QRecord): Promise<void> {
    const pending = Object.entries(rec.data.deliveries ?? {}).filter(([, d]) => d.status === 'pending')
    await Promise.allSettled(
      pending.map(async ([did]) => {
        let outcome: { status: 'delivered' | 'failed'; error?: string } | undefined
        try {
          await exchange(
            this.#libp2p,
            peerIdOfDid(did),
            {
              type: 'questionnaire',
              id: crypto.randomUUID(),
              signed: rec.data.signed
            },
            { timeoutMs: 8000 }
          )
          outcome = { status: 'delivered' }
        } catch (err) {
          if (err instanceof QuestionnaireRefusedError && FINAL_CODES.has(err.code))
            outcome = { status: 'failed', error: err.code }
        }
        if (!outcome) return
        const done = outcome
        await this.#lock(rec.data.qid, async () => {
          const cur = await this.#find(rec.data.qid)
          if (!cur) return
          await this.#save(cur, { ...cur.data, deliveries: { ...cur.data.deliveries, [did]: done } })
        })
        this.#emit(rec.data.qid, 'delivery')
      })
    )
  }

  async #onToken(qid: string, blinded: Uint8Array, remoteDid: string): Promise<QuestionnaireReply> {
    return this.#lock(qid, async () => {
      const rec = await this.#find(qid)
      if (!rec || rec.data.role !== 'asker' || !rec.data.tokenSecret) return nack('UNKNOWN_QUESTIONNAIRE')
      const body = this.#body(rec.data)
      if (!body.invitees.includes(remoteDid)) return nack('NOT_INVITED')
      if (!this.#isOpen(rec.data)) return nack('CLOSED')
      const h = hashOf(blinded)
      const issued = rec.data.issued ?? {}
      // one token per invitee: the same blinded element again (a lost reply) gets its evaluation again
      if (issued[remoteDid] !== undefined && issued[remoteDid] !== h) return nack('DUPLICATE')
      const evaluation = evaluateToken(rec.data.tokenSecret, qid, blinded)
      if (issued[remoteDid] === undefined) {
        await this.#save(rec, { ...rec.data, issued: { ...issued, [remoteDid]: h } })
        this.#emit(qid, 'token')
      }
      return { type: 'evaluation', evaluation }
    })
  }

  /** Open, check and keep one sealed answer. Returns a verdict code ('ACCEPTED', 'DUPLICATE', a refusal…). */
  async #acceptSealed(qid: string, sealed: Uint8Array): Promise<string> {
    return this.#lock(qid, async () => {
      const rec = await this.#find(qid)
      if (!rec || rec.data.role !== 'asker' || !rec.data.sealSecret || !rec.data.tokenSecret)
        return 'UNKNOWN_QUESTIONNAIRE'
      if (!this.#isOpen(rec.data, CLOSING_GRACE_MS)) return 'CLOSED'
      let answer
      try {
        answer = openAnswer(rec.data.sealSecret, qid, sealed)
        answer = checkAnswer(rec.data.tokenSecret, qid, answer)
        checkAnswerFits(this.#body(rec.data), answer.body)
      } catch (err) {
        if (err instanceof CryptoError) return err.code
        throw err
      }
      const pseudonym = base64url.baseEncode(answer.pseudonym)
      const existing = (await this.#vault.list('qanswer')).find((r) => {
        const d = r.data as StoredDataMap['qanswer']
        return d.qid === qid && d.pseudonym === pseudonym
      })
      const data = {
        qid,
        pseudonym,
        seq: answer.seq,
        body: answer.body as Record<string, unknown>,
        day: this.#now().toISOString().slice(0, 10)
      }
      if (existing) {
        const prev = existing.data as StoredDataMap['qanswer']
        if (answer.seq === prev.seq) return 'DUPLICATE'
        if (answer.seq < prev.seq) return 'REPLAY'
        await this.#vault.update(existing.id, data, existing.version)
      } else {
        await this.#vault.put({
          type: 'qanswer',
          data,
          source: { kind: 'peer', at: this.#now().toISOString() }
        })
      }
      this.#emit(qid, 'answer')
      return 'ACCEPTED'
    })
  }

  async #validateAtAsker(qid: string, data: Uint8Array): Promise<TopicValidatorResult> {
    if (data.byteLength === 0 || data.byteLength > MAX_SEALED_SIZE) return TopicValidatorResult.Reject
    try {
      const verdict = await this.#acceptSealed(qid, data)
      if (verdict === 'ACCEPTED') return TopicValidatorResult.Accept
      // a republished answer, or one that came by another relay: nothing wrong with the peer
      if (verdict === 'DUPLICATE' || verdict === 'CLOSED') return TopicValidatorResult.Ignore
      return TopicValidatorResult.Reject
    } catch {
      return TopicValidatorResult.Ignore
    }
  }

  // ——— the invitee ———

  async #onQuestionnaire(signed: Record<string, unknown>, remoteDid: string): Promise<QuestionnaireReply> {
    let verified: { id: string; body: Body }
    try {
      verified = verifyQuestionnaire(signed) as { id: string; body: Body }
    } catch (err) {
      if (err instanceof CryptoError) return nack('INVALID_QUESTIONNAIRE')
      throw err
    }
    const { id, body } = verified
    if (body.asker !== remoteDid) return nack('WRONG_SENDER')
    if (!body.invitees.includes(this.#identity.did)) return nack('NOT_INVITED')
    if (Date.parse(body.closes) <= this.#now().getTime()) return nack('CLOSED')
    if (this.#settings().policy === 'contacts' && !(await this.#isContact(remoteDid)))
      return nack('NOT_A_CONTACT')
    return this.#lock(id, async () => {
      if (await this.#find(id)) return { type: 'ack', duplicate: true }
      const started = beginToken(id)
      const data: QData = {
        role: 'invitee',
        qid: id,
        signed,
        receivedAt: this.#now().toISOString(),
        pseudonymSecret: started.pseudonymSecret,
        pseudonymKey: started.pseudonymKey,
        tokenState: encodeTokenState(started.state)
      }
      await this.#vault.put({
        type: 'questionnaire',
        data,
        source: { kind: 'peer', at: this.#now().toISOString() }
      })
      this.#subscribe(data)
      this.#emit(id, 'received')
      this.pump()
      return { type: 'ack' }
    })
  }

  async #getToken(rec: QRecord): Promise<void> {
    const d = rec.data
    if (!d.tokenState) return
    const body = this.#body(d)
    const state = decodeTokenState(d.tokenState)
    let update: Partial<QData>
    try {
      const reply = await exchange(
        this.#libp2p,
        peerIdOfDid(body.asker),
        { type: 'token', qid: d.qid, blinded: state.blinded },
        { timeoutMs: 8000 }
      )
      if (reply.type !== 'evaluation') return
      update = { token: finishToken(state, reply.evaluation, body.tokenKey, d.qid), tokenError: undefined }
    } catch (err) {
      if (err instanceof CryptoError) update = { tokenError: err.code }
      else if (err instanceof QuestionnaireRefusedError && FINAL_CODES.has(err.code))
        update = { tokenError: err.code }
      else return // offline or timed out: the pump tries again
    }
    await this.#lock(d.qid, async () => {
      const cur = await this.#find(d.qid)
      if (!cur) return
      const next = { ...cur.data, ...update }
      if (next.tokenError === undefined) delete next.tokenError
      await this.#save(cur, next)
    })
    this.#emit(d.qid, update.token ? 'token' : 'token-failed')
  }

  /** The person's answer: kept, then sent (through a relay unless they opted out of anonymity). */
  async answer(qid: string, body: unknown, anonymous = true): Promise<QRecord> {
    const parsed = AnswerBodySchema.safeParse(body)
    if (!parsed.success)
      throw new QuestionnairesError(
        'VALIDATION_FAILED',
        parsed.error.issues[0]?.message ?? 'invalid answer',
        'MALFORMED'
      )
    const rec = await this.#lock(qid, async () => {
      const cur = await this.#find(qid)
      if (!cur || cur.data.role !== 'invitee')
        throw new QuestionnairesError('NOT_FOUND', 'no such questionnaire')
      if (!this.#isOpen(cur.data))
        throw new QuestionnairesError('INVALID_STATE', 'this questionnaire is closed', 'CLOSED')
      try {
        checkAnswerFits(this.#body(cur.data), parsed.data)
      } catch (err) {
        if (err instanceof CryptoError)
          throw new QuestionnairesError('VALIDATION_FAILED', err.message, err.code)
        throw err
      }
      const mine = {
        seq: (cur.data.mine?.seq ?? 0) + 1,
        body: parsed.data as Record<string, unknown>,
        at: this.#now().toISOString(),
        anonymous,
        status: 'waiting' as const
      }
      return this.#save(cur, { ...cur.data, mine })
    })
    this.#emit(qid, 'answered')
    this.pump()
    return rec
  }

  /** Other invitees we can reach now (never the asker, never us), found through the DHT when not connected. */
  async #relays(body: Body): Promise<string[]> {
    const others = body.invitees.filter((d) => d !== this.#identity.did && d !== body.asker)
    const connected = new Set(this.#libp2p.getConnections().map((c) => c.remotePeer.toString()))
    const online = others.filter((d) => connected.has(peerIdOfDid(d).toString()))
    if (online.length > 0) return online
    // look every invitee up (not only the one we will pick): the DHT peers learn nothing about our choice
    const key = body.invitees.join()
    const every = Math.min(DISCOVERY_INTERVAL_MS, Math.max(2000, this.#settings().batchSeconds * 5000))
    if (Date.now() - (this.#lastDiscovery.get(key) ?? 0) < every) return []
    this.#lastDiscovery.set(key, Date.now())
    const found = await Promise.allSettled(
      others.map(async (d) => {
        const peer = peerIdOfDid(d)
        await this.#libp2p.peerRouting
          .findPeer(peer, { signal: AbortSignal.timeout(5000) })
          .catch(() => undefined)
        await this.#libp2p.dial(peer, { signal: AbortSignal.timeout(5000) })
        return d
      })
    )
    return found.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  }

  async #sendMine(rec: QRecord): Promise<void> {
    const d = rec.data
    const mine = d.mine
    if (!mine || mine.status !== 'waiting' || !d.token || !d.pseudonymSecret || !d.pseudonymKey) return
    const body = this.#body(d)
    const answer = signAnswer({
      id: d.qid,
      pseudonymSecret: d.pseudonymSecret,
      pseudonymKey: d.pseudonymKey,
      token: d.token,
      seq: mine.seq,
      body: mine.body as z.infer<typeof AnswerBodySchema>
    })
    const sealed = sealAnswer(body.sealKey, d.qid, answer)
    let status: 'relayed' | 'sent' | 'failed' | undefined
    let error: string | undefined
    if (mine.anonymous) {
      for (const did of shuffle(await this.#relays(body))) {
        try {
          await exchange(
            this.#libp2p,
            peerIdOfDid(did),
            { type: 'relay', qid: d.qid, sealed },
            { timeoutMs: 8000 }
          )
          status = 'relayed'
          break
        } catch {
          // that relay is gone or refuses: try another
        }
      }
    } else {
      try {
        await exchange(
          this.#libp2p,
          peerIdOfDid(body.asker),
          { type: 'answer', qid: d.qid, sealed },
          { timeoutMs: 8000 }
        )
        status = 'sent'
      } catch (err) {
        if (err instanceof QuestionnaireRefusedError && err.code === 'DUPLICATE') status = 'sent'
        else if (err instanceof QuestionnaireRefusedError && FINAL_CODES.has(err.code)) {
          status = 'failed'
          error = err.code
        }
      }
    }
    if (!status) return
    const final = status
    await this.#lock(d.qid, async () => {
      const cur = await this.#find(d.qid)
      // the person may have changed the answer meanwhile: that newer one is still waiting
      if (!cur?.data.mine || cur.data.mine.seq !== mine.seq) return
      await this.#save(cur, {
        ...cur.data,
        mine: { ...cur.data.mine, status: final, ...(error ? { error } : {}) }
      })
    })
    this.#emit(d.qid, final)
  }

  async #onRelay(qid: string, sealed: Uint8Array, remoteDid: string): Promise<QuestionnaireReply> {
    const rec = await this.#find(qid)
    if (!rec || rec.data.role !== 'invitee') return nack('UNKNOWN_QUESTIONNAIRE')
    const body = this.#body(rec.data)
    if (!body.invitees.includes(remoteDid) || remoteDid === this.#identity.did) return nack('NOT_INVITED')
    if (!this.#isOpen(rec.data)) return nack('CLOSED')
    const key = `${qid} ${remoteDid}`
    const count = this.#relayCounts.get(key) ?? 0
    if (count >= MAX_RELAYS_PER_SENDER) return nack('RATE_LIMITED')
    const hash = hashOf(sealed)
    return this.#lock(`relay:${qid}`, async () => {
      const pool = (await this.#vault.list('qrelay')).filter(
        (r) => (r.data as StoredDataMap['qrelay']).qid === qid
      )
      if (pool.some((r) => (r.data as StoredDataMap['qrelay']).hash === hash))
        return { type: 'ack', duplicate: true }
      if (pool.length >= MAX_RELAY_POOL) return nack('RATE_LIMITED')
      this.#relayCounts.set(key, count + 1)
      await this.#vault.put({
        type: 'qrelay',
        data: { qid, sealed, hash },
        // no peer name, no time finer than the day: the relay keeps nothing that points back to the answerer
        source: { kind: 'peer', at: `${this.#now().toISOString().slice(0, 10)}T00:00:00.000Z` }
      })
      return { type: 'ack' }
    })
  }

  // ——— relaying: batches on the topic ———

  #scheduleFlush(): void {
    if (this.#stopped) return
    clearTimeout(this.#flushTimer)
    const batchMs = this.#settings().batchSeconds * 1000
    const delay = Math.round(batchMs * (0.75 + Math.random() * 0.5))
    this.#flushTimer = setTimeout(() => {
      void this.flush().finally(() => this.#scheduleFlush())
    }, delay)
    this.#flushTimer.unref?.()
  }

  /** Publish every sealed answer held for open questionnaires, shuffled; forget those of closed ones. */
  async flush(): Promise<number> {
    const pool = await this.#vault.list('qrelay')
    if (pool.length === 0) return 0
    const open = new Map<string, QData>()
    for (const r of await this.#list()) open.set(r.data.qid, r.data)
    const pubsub = pubsubOf(this.#libp2p)
    let published = 0
    for (const r of shuffle(pool)) {
      const d = r.data as StoredDataMap['qrelay']
      const q = open.get(d.qid)
      if (!q || !this.#isOpen(q, CLOSING_GRACE_MS)) {
        await this.#vault.delete(r.id).catch(() => undefined)
        continue
      }
      try {
        // the class takes per-message options its interface does not declare
        const publish = pubsub.publish.bind(pubsub) as (
          topic: string,
          data: Uint8Array,
          opts: { floodPublish: boolean; ignoreDuplicatePublishError: boolean }
        ) => Promise<unknown>
        await publish(topicOf(d.qid), d.sealed, {
          floodPublish: false,
          ignoreDuplicatePublishError: true
        })
        published++
      } catch {
        // no peer on the topic right now: the next batch tries again
      }
    }
    return published
  }

  // ——— the pump: whatever is pending, tried again ———

  readonly #onPeer = (): void => {
    this.pump()
  }

  /** Retry pending deliveries, token requests and waiting answers (coalesced: one run at a time). */
  pump(): void {
    if (this.#stopped) return
    if (this.#pumping) {
      this.#again = true
      return
    }
    this.#pumping = (async () => {
      do {
        this.#again = false
        for (const rec of await this.#list().catch(() => [])) {
          if (this.#stopped) return
          if (!this.#isOpen(rec.data)) continue
          if (rec.data.role === 'asker') await this.#deliver(rec).catch(() => undefined)
          else if (!rec.data.declined) {
            if (!rec.data.token && !rec.data.tokenError) await this.#getToken(rec).catch(() => undefined)
            const cur = await this.#find(rec.data.qid)
            if (cur) await this.#sendMine(cur).catch(() => undefined)
          }
        }
      } while (this.#again && !this.#stopped)
    })().finally(() => {
      this.#pumping = undefined
    })
  }

  /** Wait for the current pump run (tests). */
  async settled(): Promise<void> {
    while (this.#pumping) await this.#pumping
  }

  // ——— inbound stream messages ———

  async #onMessage(message: QuestionnaireMessage, remoteDid: string): Promise<QuestionnaireReply> {
    switch (message.type) {
      case 'questionnaire':
        return this.#onQuestionnaire(message.signed, remoteDid)
      case 'token':
        return this.#onToken(message.qid, message.blinded, remoteDid)
      case 'relay':
        return this.#onRelay(message.qid, message.sealed, remoteDid)
      case 'answer': {
        const rec = await this.#find(message.qid)
        if (!rec || rec.data.role !== 'asker') return nack('UNKNOWN_QUESTIONNAIRE')
        if (!this.#body(rec.data).invitees.includes(remoteDid)) return nack('NOT_INVITED')
        const verdict = await this.#acceptSealed(message.qid, message.sealed)
        return verdict === 'ACCEPTED'
          ? { type: 'ack' }
          : verdict === 'DUPLICATE'
            ? { type: 'ack', duplicate: true }
            : nack(verdict)
      }
    }
  }

  // ——— views for the API ———

  async list(): Promise<Array<Record<string, unknown>>> {
    const answers = await this.#answerCounts()
    return (await this.#list())
      .filter((r) => !r.data.declined)
      .map((r) => this.#summary(r, answers.get(r.data.qid) ?? 0))
      .sort((a, b) => String(b.receivedAt).localeCompare(String(a.receivedAt)))
  }

  async #answerCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    for (const r of await this.#vault.list('qanswer')) {
      const qid = (r.data as StoredDataMap['qanswer']).qid
      counts.set(qid, (counts.get(qid) ?? 0) + 1)
    }
    return counts
  }

  #summary(rec: QRecord, answered: number): Record<string, unknown> {
    const d = rec.data
    const b = this.#body(d)
    const base = {
      id: rec.id,
      qid: d.qid,
      role: d.role,
      title: b.title,
      askerName: b.askerName,
      asker: b.asker,
      lang: b.lang,
      closes: b.closes,
      created: b.created,
      open: this.#isOpen(d),
      threshold: b.threshold,
      invited: b.invitees.length,
      receivedAt: d.receivedAt
    }
    if (d.role === 'asker') {
      const deliveries = Object.values(d.deliveries ?? {})
      return {
        ...base,
        delivered: deliveries.filter((x) => x.status === 'delivered').length,
        failed: deliveries.filter((x) => x.status === 'failed').length,
        tokens: Object.keys(d.issued ?? {}).length,
        answered
      }
    }
    return {
      ...base,
      ready: d.token !== undefined,
      tokenError: d.tokenError,
      mine: d.mine
        ? { seq: d.mine.seq, at: d.mine.at, status: d.mine.status, anonymous: d.mine.anonymous }
        : undefined
    }
  }

  async view(qid: string): Promise<Record<string, unknown>> {
    const rec = await this.#find(qid)
    if (!rec || rec.data.declined) throw new QuestionnairesError('NOT_FOUND', 'no such questionnaire')
    const b = this.#body(rec.data)
    const questions = b.questions
    const invitees = await this.#names(b.invitees)
    if (rec.data.role === 'asker') {
      const answers = (await this.#vault.list('qanswer'))
        .map((r) => r.data as StoredDataMap['qanswer'])
        .filter((a) => a.qid === qid)
      const results = aggregate(
        b,
        answers.map((a) => a.body as z.infer<typeof AnswerBodySchema>)
      )
      return {
        ...this.#summary(rec, answers.length),
        intro: b.intro,
        questions,
        invitees: invitees.map((i) => ({
          ...i,
          delivery: rec.data.deliveries?.[i.did]?.status ?? 'pending'
        })),
        results
      }
    }
    return {
      ...this.#summary(rec, 0),
      intro: b.intro,
      questions,
      invitees,
      mine: rec.data.mine
    }
  }

  /** Invitees as the person knows them: a contact's name, else the DID only. */
  async #names(dids: string[]): Promise<Array<{ did: string; name?: string }>> {
    const names = new Map<string, string>()
    for (const c of await this.#vault.list('contact')) {
      const d = c.data as StoredDataMap['contact']
      if (d.did) names.set(d.did, d.name)
    }
    return dids.map((did) => (names.has(did) ? { did, name: names.get(did) } : { did }))
  }

  /** Remove a questionnaire from this vault (the asker: its answers too). */
  async remove(qid: string): Promise<void> {
    await this.#lock(qid, async () => {
      const rec = await this.#find(qid)
      if (!rec) throw new QuestionnairesError('NOT_FOUND', 'no such questionnaire')
      const others: AnyRecord[] = [
        ...(await this.#vault.list('qanswer')),
        ...(await this.#vault.list('qrelay'))
      ]
      for (const r of others) if ((r.data as { qid: string }).qid === qid) await this.#vault.delete(r.id)
      await this.#vault.delete(rec.id)
      this.#unsubscribe(qid)
    })
    this.#emit(qid, 'removed')
  }
}

function nack(code: string): QuestionnaireReply {
  return { type: 'nack', code }
}

/**
 * The cryptography of anonymous questionnaires. Browser-safe (no `node:`), only audited primitives from
 * @noble/curves, @noble/hashes and @noble/ciphers.
 *
 * Identity of a questionnaire
 *   id = 'q' ‖ base32(SHA-256(dag-cbor(body))) — lowercase RFC 4648 base32, no padding (53 characters). The
 *   asker signs utf8('musette/questionnaire/v1\n' ‖ id) with its DID's Ed25519 key; the body commits to the
 *   sorted invitees, the questions, the closing date, the POPRF key `tokenKey` and the X25519 key `sealKey`.
 *
 * Tokens: RFC 9497 POPRF, ristretto255-SHA512, info = utf8(id)
 *   1. The invitee makes a fresh Ed25519 pseudonym key pair for this questionnaire and blinds the pseudonym's
 *      public key (the PRF input): `beginToken`. Only the blinded element goes to the asker.
 *   2. The asker evaluates it with its secret key and proves (DLEQ) that it used the key behind `tokenKey`,
 *      tweaked by the info: `evaluateToken` → evaluated element (32) ‖ proof (64).
 *   3. The invitee checks the proof against the *committed* `tokenKey` — so the asker cannot evaluate each
 *      invitee with a different key to tag them — and unblinds: `finishToken` → the 64-byte token.
 *   The asker sees only a uniformly random blinded element, never the pseudonym nor the token; later it
 *   recomputes PRF(pseudonym) with its key (`checkAnswer`) and accepts a token only if it matches. One
 *   evaluation per invitee (enforced by the node) gives one pseudonym per invitee, so one answer each.
 *
 * Answers
 *   `{qid, pseudonym, token, seq, body, sig}`, sig = Ed25519 by the pseudonym over
 *   utf8('musette/questionnaire/answer/v1\n') ‖ dag-cbor({qid, pseudonym, token, seq, body}).
 *
 * Sealing (an HPKE-like base mode — RFC 9180's shape, built from noble primitives, not HPKE itself)
 *   enc, skE  = a fresh X25519 key pair
 *   dh        = X25519(skE, sealKey)            (low-order keys are refused by noble)
 *   key‖nonce = HKDF-SHA256(ikm = dh, salt = utf8('musette/questionnaire/seal/v1'),
 *                           info = enc ‖ sealKey ‖ utf8(id), 32 + 24 bytes)
 *   sealed    = 0x01 ‖ enc (32) ‖ XChaCha20-Poly1305(key, nonce, aad = utf8(id), padded plaintext)
 *   The plaintext is u32be(length) ‖ dag-cbor(answer) ‖ zeros, padded to a power of two of at least 1 KiB
 *   (and at most MAX_ANSWER_BYTES + 4), so that relays and the gossip topic see only a coarse size. A fresh
 *   ephemeral key per message makes the derived nonce unique. Sender authentication is deliberately absent
 *   (answers are anonymous); integrity and origin as an invitee come from the pseudonym's signature and token.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import {
  ed25519,
  ristretto255,
  ristretto255_hasher,
  ristretto255_oprf,
  x25519
} from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import * as dagCbor from '@ipld/dag-cbor'
import { base32 } from 'multiformats/bases/base32'
import { z } from 'zod'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import { QuestionnaireError } from './errors.ts'
import {
  answer as answerSchema,
  answerBody,
  bytes,
  checkAnswerFits,
  MAX_ANSWER_BYTES,
  MAX_QUESTIONNAIRE_BYTES,
  MAX_SEQ,
  parseWith,
  QUESTIONNAIRE_ID_PATTERN,
  questionnaireBody,
  signedQuestionnaire,
  type Answer,
  type AnswerBody,
  type Bytes,
  type QuestionnaireBody,
  type SignedQuestionnaire
} from './schema.ts'

export { QuestionnaireError, type QuestionnaireErrorCode } from './errors.ts'

export const QUESTIONNAIRE_DOMAIN = 'musette/questionnaire/v1\n'
export const ANSWER_DOMAIN = 'musette/questionnaire/answer/v1\n'
export const SEAL_LABEL = 'musette/questionnaire/seal/v1'
export const SEAL_VERSION = 1
/** A token is the POPRF output: SHA-512, 64 bytes. */
export const TOKEN_LENGTH = 64
/** evaluated element (32) ‖ DLEQ proof (c, s: 64). */
export const EVALUATION_LENGTH = 96
const SEAL_MIN_PADDED = 1024
const SEAL_MAX_PADDED = MAX_ANSWER_BYTES + 4
const SEAL_HEADER = 1 + 32
const TAG_LENGTH = 16
/** The largest sealed answer: version, ephemeral key, the largest padded plaintext, the tag. */
export const MAX_SEALED_ANSWER_BYTES = SEAL_HEADER + SEAL_MAX_PADDED + TAG_LENGTH

const utf8 = new TextEncoder()

// ---------------------------------------------------------------------------------------------- encodings

/** dag-cbor bytes of a value, `undefined` properties dropped (dag-cbor has no `undefined`). */
function canonical(value: unknown): Bytes {
  return dagCbor.encode(prune(value)) as Bytes
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune)
  if (value == null || typeof value !== 'object' || value instanceof Uint8Array) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v)
  return out
}

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Constant-time equality of two byte strings of the same public length. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

function decodeCapped(bytes: unknown, cap: number, what: string): unknown {
  if (!(bytes instanceof Uint8Array)) throw new QuestionnaireError('MALFORMED', `${what}: expected bytes`)
  if (bytes.length > cap) {
    throw new QuestionnaireError('TOO_LARGE', `${what} is ${bytes.length} bytes, over ${cap}`)
  }
  try {
    return dagCbor.decode(bytes)
  } catch (err) {
    throw new QuestionnaireError('MALFORMED', `${what}: not valid dag-cbor`, { cause: err })
  }
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !QUESTIONNAIRE_ID_PATTERN.test(id)) {
    throw new QuestionnaireError('MALFORMED', 'not a questionnaire id')
  }
  return id
}

/** A copy of `value` if it is `length` bytes, else MALFORMED. */
function checkBytes(value: unknown, length: number, what: string): Bytes {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new QuestionnaireError('MALFORMED', `${what}: expected ${length} bytes`)
  }
  return new Uint8Array(value)
}

function verifyEd25519(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    // RFC 8032 strict decoding (no ZIP-215 leniency): one valid encoding per signature
    return ed25519.verify(sig, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------- questionnaires

/** The questionnaire's id: 'q' + base32(SHA-256(dag-cbor(body))). Deterministic. */
export function questionnaireId(body: QuestionnaireBody): string {
  return 'q' + base32.baseEncode(sha256(canonical(body)))
}

/** What the asker signs: utf8('musette/questionnaire/v1\n' + id). */
export function questionnaireMessage(id: string): Bytes {
  return utf8.encode(QUESTIONNAIRE_DOMAIN + id)
}

export interface AskerKeys {
  /** The POPRF secret key (ristretto255 scalar, 32 bytes): keep it in the vault. */
  tokenSecret: Bytes
  /** Its public key, committed in the body as `tokenKey`. */
  tokenKey: Bytes
  /** The X25519 secret key answers are sealed to. */
  sealSecret: Bytes
  sealKey: Bytes
}

/** Fresh keys for one questionnaire. */
export function askerKeys(): AskerKeys {
  const token = ristretto255_oprf.poprf(new Uint8Array(0)).generateKeyPair()
  const seal = x25519.keygen()
  return {
    tokenSecret: token.secretKey,
    tokenKey: token.publicKey,
    sealSecret: seal.secretKey,
    sealKey: seal.publicKey
  }
}

/**
 * Validate the body, compute its id and sign it with `sign` (the asker's DID key, Ed25519). Throws
 * MALFORMED for an invalid body, BAD_SIGNATURE when the signature is not the asker's.
 */
export async function signQuestionnaire(
  body: QuestionnaireBody,
  sign: (message: Uint8Array) => Uint8Array | Promise<Uint8Array>
): Promise<{ id: string; signed: SignedQuestionnaire }> {
  const parsed = parseWith(questionnaireBody, body, 'questionnaire')
  checkSealKey(parsed.sealKey)
  const id = questionnaireId(parsed)
  const signature: unknown = await sign(questionnaireMessage(id))
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new QuestionnaireError('BAD_SIGNATURE', 'the signer did not return a 64-byte signature')
  }
  const sig = new Uint8Array(signature)
  if (!verifyEd25519(sig, questionnaireMessage(id), publicKeyFromDidKey(parsed.asker))) {
    throw new QuestionnaireError('BAD_SIGNATURE', "the signature is not by the asker's key")
  }
  return { id, signed: { body: parsed, sig } }
}

/**
 * Check a signed questionnaire: schema (MALFORMED), the id recomputed from the body, the asker's signature
 * (BAD_SIGNATURE), and — only when `now` is given — that it has not closed (CLOSED).
 */
export function verifyQuestionnaire(
  signed: unknown,
  opts: { now?: Date } = {}
): { id: string; body: QuestionnaireBody } {
  const parsed = parseWith(signedQuestionnaire, signed, 'questionnaire')
  const { body } = parsed
  checkSealKey(body.sealKey)
  const id = questionnaireId(body)
  if (!verifyEd25519(parsed.sig, questionnaireMessage(id), publicKeyFromDidKey(body.asker))) {
    throw new QuestionnaireError('BAD_SIGNATURE', "the questionnaire is not signed by its asker's key")
  }
  if (opts.now !== undefined && !(opts.now.getTime() < Date.parse(body.closes))) {
    throw new QuestionnaireError('CLOSED', `the questionnaire closed at ${body.closes}`)
  }
  return { id, body }
}

/** dag-cbor of a signed questionnaire (validated; TOO_LARGE over MAX_QUESTIONNAIRE_BYTES). */
export function encodeQuestionnaire(signed: SignedQuestionnaire): Bytes {
  const bytes = canonical(parseWith(signedQuestionnaire, signed, 'questionnaire'))
  if (bytes.length > MAX_QUESTIONNAIRE_BYTES) {
    throw new QuestionnaireError('TOO_LARGE', `questionnaire is ${bytes.length} bytes`)
  }
  return bytes
}

/** Decode (capped) and schema-check a signed questionnaire; `verifyQuestionnaire` still has to check it. */
export function decodeQuestionnaire(bytes: Uint8Array): SignedQuestionnaire {
  return parseWith(
    signedQuestionnaire,
    decodeCapped(bytes, MAX_QUESTIONNAIRE_BYTES, 'questionnaire'),
    'questionnaire'
  )
}

/** An X25519 key whose shared secrets are all zero (low order) is useless: refuse it up front. */
function checkSealKey(sealKey: Uint8Array): void {
  try {
    x25519.getSharedSecret(LOW_ORDER_PROBE, sealKey)
  } catch (err) {
    throw new QuestionnaireError('MALFORMED', 'questionnaire: sealKey is not a usable X25519 key', {
      cause: err
    })
  }
}
const LOW_ORDER_PROBE = new Uint8Array(32).fill(0x5a)

// ------------------------------------------------------------------------------------------------ tokens

const POPRF_CONTEXT = 'OPRFV1-\x02-ristretto255-SHA512'
const makePoprf = (id: string) => ristretto255_oprf.poprf(utf8.encode(id))
/** A few questionnaires' POPRF instances (each precomputes G·m for its info). */
const poprfCache = new Map<string, ReturnType<typeof makePoprf>>()

function poprf(id: string): ReturnType<typeof makePoprf> {
  let p = poprfCache.get(id)
  if (p === undefined) {
    if (poprfCache.size >= 64) poprfCache.delete(poprfCache.keys().next().value as string)
    p = makePoprf(id)
    poprfCache.set(id, p)
  }
  return p
}

/**
 * The POPRF tweaked key of RFC 9497 §3.3.3: pkS + G·m, m = HashToScalar("Info" ‖ I2OSP(len(info), 2) ‖ info)
 * with DST "HashToScalar-" ‖ contextString. What the asker's proof is checked against.
 */
export function tweakedKey(tokenKey: Uint8Array, info: Uint8Array): Bytes {
  let pk
  try {
    pk = ristretto255.Point.fromBytes(tokenKey)
  } catch (err) {
    throw new QuestionnaireError('MALFORMED', 'tokenKey is not a ristretto255 element', { cause: err })
  }
  const framed = concat(utf8.encode('Info'), Uint8Array.of(info.length >> 8, info.length & 0xff), info)
  const m = ristretto255_hasher.hashToScalar(framed, { DST: 'HashToScalar-' + POPRF_CONTEXT })
  const tweaked = ristretto255.Point.BASE.multiply(m).add(pk)
  if (tweaked.is0()) throw new QuestionnaireError('MALFORMED', 'tweaked key is the identity')
  return tweaked.toBytes()
}

/** What the invitee keeps between `beginToken` and `finishToken` (with `pseudonymSecret`, in its vault). */
export interface TokenState {
  qid: string
  /** The PRF input: the pseudonym's Ed25519 public key. */
  input: Bytes
  /** The blinding scalar: secret. */
  blind: Bytes
  /** The blinded element: what goes to the asker. */
  blinded: Bytes
}

const tokenStateSchema = z.strictObject({
  qid: z.string().regex(QUESTIONNAIRE_ID_PATTERN),
  input: bytes(32),
  blind: bytes(32),
  blinded: bytes(32)
})

/** `beginToken`'s blind step computes a tweaked key we do not use yet: any valid element will do. */
const PLACEHOLDER_KEY = ristretto255.Point.BASE.toBytes()

/** Invitee, on receiving a questionnaire: a fresh pseudonym, blinded for the asker. */
export function beginToken(id: string): {
  pseudonymSecret: Bytes
  pseudonymKey: Bytes
  state: TokenState
} {
  checkId(id)
  const { secretKey: pseudonymSecret, publicKey: pseudonymKey } = ed25519.keygen()
  const { blind, blinded } = poprf(id).blind(pseudonymKey, PLACEHOLDER_KEY)
  return { pseudonymSecret, pseudonymKey, state: { qid: id, input: pseudonymKey, blind, blinded } }
}

export function encodeTokenState(state: TokenState): Bytes {
  return canonical(parseWith(tokenStateSchema, state, 'token state'))
}

export function decodeTokenState(bytes: Uint8Array): TokenState {
  return parseWith(tokenStateSchema, decodeCapped(bytes, 1024, 'token state'), 'token state')
}

/**
 * Asker: evaluate one invitee's blinded element with the POPRF key, with a DLEQ proof. Returns evaluated
 * element (32) ‖ proof (64). Throws MALFORMED for anything but a valid non-identity ristretto255 element.
 * The node must evaluate at most one element per invitee per questionnaire.
 */
export function evaluateToken(tokenSecret: Uint8Array, id: string, blinded: Uint8Array): Bytes {
  checkId(id)
  checkBytes(tokenSecret, 32, 'tokenSecret')
  checkBytes(blinded, 32, 'blinded element')
  let out
  try {
    out = poprf(id).blindEvaluate(tokenSecret, blinded)
  } catch (err) {
    throw new QuestionnaireError(
      'MALFORMED',
      'cannot evaluate: the blinded element is not a non-identity ristretto255 element (or the secret is invalid)',
      { cause: err }
    )
  }
  return concat(out.evaluated, out.proof)
}

/**
 * Invitee: check the asker's proof against the committed `tokenKey` (BAD_PROOF otherwise) and unblind:
 * the 64-byte token for `state.input`, the pseudonym.
 */
export function finishToken(
  state: TokenState,
  evaluation: Uint8Array,
  tokenKey: Uint8Array,
  id: string
): Bytes {
  checkId(id)
  const s = parseWith(tokenStateSchema, state, 'token state')
  if (s.qid !== id)
    throw new QuestionnaireError('WRONG_QUESTIONNAIRE', 'the token state is for another questionnaire')
  checkBytes(evaluation, EVALUATION_LENGTH, 'evaluation')
  checkBytes(tokenKey, 32, 'tokenKey')
  const tweaked = tweakedKey(tokenKey, utf8.encode(id))
  try {
    return poprf(id).finalize(
      s.input,
      s.blind,
      evaluation.subarray(0, 32),
      s.blinded,
      evaluation.subarray(32),
      tweaked
    )
  } catch (err) {
    throw new QuestionnaireError('BAD_PROOF', "the asker's evaluation does not prove its committed key", {
      cause: err
    })
  }
}

// ----------------------------------------------------------------------------------------------- answers

/** What a pseudonym signs: utf8(ANSWER_DOMAIN) ‖ dag-cbor({qid, pseudonym, token, seq, body}). */
export function answerMessage(a: Omit<Answer, 'sig'>): Bytes {
  return concat(
    utf8.encode(ANSWER_DOMAIN),
    canonical({ qid: a.qid, pseudonym: a.pseudonym, token: a.token, seq: a.seq, body: a.body })
  )
}

/** Invitee: the signed answer. Throws MALFORMED (bad body, keys that do not match) or TOO_LARGE. */
export function signAnswer(input: {
  id: string
  pseudonymSecret: Uint8Array
  pseudonymKey: Uint8Array
  token: Uint8Array
  seq: number
  body: AnswerBody
}): Answer {
  const qid = checkId(input.id)
  checkBytes(input.pseudonymSecret, 32, 'pseudonymSecret')
  const pseudonym = checkBytes(input.pseudonymKey, 32, 'pseudonymKey')
  const token = checkBytes(input.token, TOKEN_LENGTH, 'token')
  if (!Number.isSafeInteger(input.seq) || input.seq < 0 || input.seq > MAX_SEQ) {
    throw new QuestionnaireError('MALFORMED', `seq must be an integer in 0..${MAX_SEQ}`)
  }
  if (!sameBytes(ed25519.getPublicKey(input.pseudonymSecret), pseudonym)) {
    throw new QuestionnaireError('MALFORMED', 'pseudonymKey is not the public key of pseudonymSecret')
  }
  const body = parseWith(answerBody, input.body, 'answer body')
  const unsigned = { qid, pseudonym, token, seq: input.seq, body }
  const signed: Answer = { ...unsigned, sig: ed25519.sign(answerMessage(unsigned), input.pseudonymSecret) }
  encodeAnswer(signed) // the size cap
  return signed
}

/**
 * Asker: check a received answer — schema (MALFORMED), questionnaire (WRONG_QUESTIONNAIRE), the pseudonym's
 * signature (BAD_SIGNATURE), and that the token is the asker's PRF of the pseudonym (FORGED_TOKEN, compared in
 * constant time). With `questionnaire`, also `checkAnswerFits` (MALFORMED).
 */
export function checkAnswer(
  tokenSecret: Uint8Array,
  id: string,
  value: unknown,
  questionnaire?: QuestionnaireBody
): Answer {
  checkId(id)
  checkBytes(tokenSecret, 32, 'tokenSecret')
  const a = parseWith(answerSchema, value, 'answer')
  if (a.qid !== id)
    throw new QuestionnaireError('WRONG_QUESTIONNAIRE', 'the answer is for another questionnaire')
  if (!verifyEd25519(a.sig, answerMessage(a), a.pseudonym)) {
    throw new QuestionnaireError('BAD_SIGNATURE', 'the answer is not signed by its pseudonym')
  }
  let expected: Uint8Array
  try {
    expected = poprf(id).evaluate(tokenSecret, a.pseudonym)
  } catch (err) {
    throw new QuestionnaireError('FORGED_TOKEN', 'no token can match this pseudonym', { cause: err })
  }
  if (!sameBytes(expected, a.token)) {
    throw new QuestionnaireError('FORGED_TOKEN', 'the token was not issued for this pseudonym')
  }
  if (questionnaire !== undefined) checkAnswerFits(questionnaire, a.body)
  return a
}

/** dag-cbor of an answer (validated; TOO_LARGE over MAX_ANSWER_BYTES). */
export function encodeAnswer(value: Answer): Bytes {
  const bytes = canonical(parseWith(answerSchema, value, 'answer'))
  if (bytes.length > MAX_ANSWER_BYTES) {
    throw new QuestionnaireError('TOO_LARGE', `answer is ${bytes.length} bytes, over ${MAX_ANSWER_BYTES}`)
  }
  return bytes
}

/** Decode (capped: TOO_LARGE) and schema-check an answer (MALFORMED). Signature and token are not checked. */
export function decodeAnswer(bytes: Uint8Array): Answer {
  return parseWith(answerSchema, decodeCapped(bytes, MAX_ANSWER_BYTES, 'answer'), 'answer')
}

// ------------------------------------------------------------------------------------------------ sealing

function sealKeys(dh: Uint8Array, enc: Uint8Array, sealKey: Uint8Array, id: string) {
  const okm = hkdf(sha256, dh, utf8.encode(SEAL_LABEL), concat(enc, sealKey, utf8.encode(id)), 32 + 24)
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) }
}

function paddedLength(length: number): number {
  let n = SEAL_MIN_PADDED
  while (n < length) n *= 2
  return Math.min(n, SEAL_MAX_PADDED)
}

/** Encrypt an answer to the asker's `sealKey`, bound to the questionnaire id (see the file header). */
export function sealAnswer(sealKey: Uint8Array, id: string, value: Answer): Bytes {
  checkId(id)
  checkBytes(sealKey, 32, 'sealKey')
  const encoded = encodeAnswer(value)
  const plaintext = new Uint8Array(paddedLength(encoded.length + 4))
  new DataView(plaintext.buffer).setUint32(0, encoded.length)
  plaintext.set(encoded, 4)
  const eph = x25519.keygen()
  let dh: Uint8Array
  try {
    dh = x25519.getSharedSecret(eph.secretKey, sealKey)
  } catch (err) {
    throw new QuestionnaireError('MALFORMED', 'sealKey is not a usable X25519 key', { cause: err })
  }
  const { key, nonce } = sealKeys(dh, eph.publicKey, sealKey, id)
  const ct = xchacha20poly1305(key, nonce, utf8.encode(id)).encrypt(plaintext)
  return concat(Uint8Array.of(SEAL_VERSION), eph.publicKey, ct)
}

/**
 * Asker: decrypt a sealed answer (UNREADABLE: wrong key, wrong id, tampered, unknown version; TOO_LARGE over
 * MAX_SEALED_ANSWER_BYTES) and decode it (MALFORMED; WRONG_QUESTIONNAIRE if its `qid` is not `id`). The
 * answer's signature and token are checked by `checkAnswer`.
 */
export function openAnswer(sealSecret: Uint8Array, id: string, sealed: Uint8Array): Answer {
  checkId(id)
  checkBytes(sealSecret, 32, 'sealSecret')
  if (!(sealed instanceof Uint8Array)) throw new QuestionnaireError('UNREADABLE', 'a sealed answer is bytes')
  if (sealed.length > MAX_SEALED_ANSWER_BYTES) {
    throw new QuestionnaireError('TOO_LARGE', `sealed answer is ${sealed.length} bytes`)
  }
  if (sealed.length < SEAL_HEADER + 4 + TAG_LENGTH || sealed[0] !== SEAL_VERSION) {
    throw new QuestionnaireError('UNREADABLE', 'not a sealed answer')
  }
  const enc = sealed.subarray(1, SEAL_HEADER)
  let plaintext: Uint8Array
  try {
    const dh = x25519.getSharedSecret(sealSecret, enc)
    const sealKey = x25519.getPublicKey(sealSecret)
    const { key, nonce } = sealKeys(dh, enc, sealKey, id)
    plaintext = xchacha20poly1305(key, nonce, utf8.encode(id)).decrypt(sealed.subarray(SEAL_HEADER))
  } catch (err) {
    throw new QuestionnaireError('UNREADABLE', 'the sealed answer does not decrypt', { cause: err })
  }
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getUint32(0)
  if (length > plaintext.length - 4) throw new QuestionnaireError('UNREADABLE', 'bad padding')
  const a = decodeAnswer(plaintext.subarray(4, 4 + length))
  if (a.qid !== id)
    throw new QuestionnaireError('WRONG_QUESTIONNAIRE', 'the answer is for another questionnaire')
  return a
}

import * as dagCbor from '@ipld/dag-cbor'
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import {
  askerKeys,
  beginToken,
  checkAnswer,
  decodeAnswer,
  decodeQuestionnaire,
  decodeTokenState,
  encodeAnswer,
  encodeQuestionnaire,
  encodeTokenState,
  evaluateToken,
  EVALUATION_LENGTH,
  finishToken,
  MAX_SEALED_ANSWER_BYTES,
  openAnswer,
  questionnaireId,
  questionnaireMessage,
  sealAnswer,
  signAnswer,
  signQuestionnaire,
  verifyQuestionnaire
} from './crypto.ts'
import { QuestionnaireError, type QuestionnaireErrorCode } from './errors.ts'
import {
  MAX_ANSWER_BYTES,
  MAX_QUESTIONNAIRE_BYTES,
  QUESTIONNAIRE_ID_PATTERN,
  type AnswerBody,
  type QuestionnaireBody
} from './schema.ts'
import { didKeyPair, makeAsker, makeBody } from './test-fixtures.ts'

function code(fn: () => unknown): QuestionnaireErrorCode | 'NO_ERROR' | 'OTHER' {
  try {
    fn()
    return 'NO_ERROR'
  } catch (err) {
    return err instanceof QuestionnaireError ? err.code : 'OTHER'
  }
}

async function codeOf(p: Promise<unknown>): Promise<QuestionnaireErrorCode | 'NO_ERROR' | 'OTHER'> {
  try {
    await p
    return 'NO_ERROR'
  } catch (err) {
    return err instanceof QuestionnaireError ? err.code : 'OTHER'
  }
}

const BODY: AnswerBody = {
  answers: [
    { q: 'ecoute', scale: 4 },
    { q: 'role', choice: 2 },
    { q: 'forces', choices: [0, 2] },
    { q: 'exemple', text: 'Pendant le salon, elle a pris le temps.' }
  ]
}

/** One invitee's whole path: pseudonym, blinded token, asker's evaluation, token. */
function token(keys: { tokenSecret: Uint8Array; tokenKey: Uint8Array }, id: string) {
  const t = beginToken(id)
  const evaluation = evaluateToken(keys.tokenSecret, id, t.state.blinded)
  return { ...t, token: finishToken(t.state, evaluation, keys.tokenKey, id) }
}

async function setup() {
  const asker = makeAsker()
  const body = makeBody(asker)
  const { id, signed } = await signQuestionnaire(body, asker.sign)
  return { asker, body, id, signed }
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice()
  copy[at] = (copy[at] as number) ^ 0x01
  return copy
}

describe('questionnaires: id, signature, verification', () => {
  it('the id is deterministic, from the dag-cbor of the body, and has the documented form', async () => {
    const { asker, body, id } = await setup()
    expect(id).toMatch(QUESTIONNAIRE_ID_PATTERN)
    expect(id).toHaveLength(53)
    expect(questionnaireId(body)).toBe(id)
    // key order does not matter (dag-cbor sorts map keys), absent = undefined
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as QuestionnaireBody
    expect(questionnaireId({ ...reordered, intro: body.intro })).toBe(id)
    const { intro: _intro, ...noIntro } = body
    expect(questionnaireId({ ...noIntro, intro: undefined })).toBe(questionnaireId(noIntro))
    expect(questionnaireId(makeBody(asker, { title: 'Autre' }))).not.toBe(id)
  })

  it('signs and verifies; survives a dag-cbor round trip', async () => {
    const { body, id, signed } = await setup()
    expect(verifyQuestionnaire(signed)).toEqual({ id, body })
    const bytes = encodeQuestionnaire(signed)
    const decoded = decodeQuestionnaire(bytes)
    expect(verifyQuestionnaire(decoded).id).toBe(id)
    expect(
      ed25519.verify(signed.sig, questionnaireMessage(id), ed25519.getPublicKey(new Uint8Array(32)))
    ).toBe(false)
  })

  it('accepts an async signer', async () => {
    const asker = makeAsker()
    const { id } = await signQuestionnaire(makeBody(asker), (m) => Promise.resolve(asker.sign(m)))
    expect(id).toMatch(QUESTIONNAIRE_ID_PATTERN)
  })

  it('refuses to sign with a key that is not the asker’s', async () => {
    const asker = makeAsker()
    const other = didKeyPair()
    expect(await codeOf(signQuestionnaire(makeBody(asker), (m) => ed25519.sign(m, other.secretKey)))).toBe(
      'BAD_SIGNATURE'
    )
    expect(await codeOf(signQuestionnaire(makeBody(asker), () => new Uint8Array(10)))).toBe('BAD_SIGNATURE')
  })

  it('rejects a changed question, title, invitee list, key or closing date (BAD_SIGNATURE)', async () => {
    const { asker, body, signed } = await setup()
    const changes: Partial<QuestionnaireBody>[] = [
      { questions: [{ ...body.questions[0]!, text: 'Autre chose ?' }, ...body.questions.slice(1)] },
      { title: 'Changed' },
      { invitees: asker.invitees.slice(1) },
      { tokenKey: askerKeys().tokenKey as QuestionnaireBody['tokenKey'] },
      { sealKey: askerKeys().sealKey as QuestionnaireBody['sealKey'] },
      { closes: '2030-01-01T00:00:00.000Z' },
      { threshold: 4 }
    ]
    for (const change of changes) {
      expect(code(() => verifyQuestionnaire({ ...signed, body: { ...body, ...change } }))).toBe(
        'BAD_SIGNATURE'
      )
    }
    expect(code(() => verifyQuestionnaire({ ...signed, sig: flip(signed.sig, 3) }))).toBe('BAD_SIGNATURE')
  })

  it('rejects a swapped asker: someone else’s DID on the asker’s signature, or re-signed by another', async () => {
    const { body, signed } = await setup()
    const other = didKeyPair()
    const swapped = { ...body, asker: other.did }
    expect(code(() => verifyQuestionnaire({ ...signed, body: swapped }))).toBe('BAD_SIGNATURE')
    // the other signs the body naming the original asker
    const id = questionnaireId(body)
    const sig = ed25519.sign(questionnaireMessage(id), other.secretKey)
    expect(code(() => verifyQuestionnaire({ body, sig }))).toBe('BAD_SIGNATURE')
  })

  it('says CLOSED only when asked with a date at or after the closing date', async () => {
    const { signed, body } = await setup()
    expect(code(() => verifyQuestionnaire(signed, { now: new Date('2025-06-10T00:00:00Z') }))).toBe(
      'NO_ERROR'
    )
    expect(code(() => verifyQuestionnaire(signed, { now: new Date(body.closes) }))).toBe('CLOSED')
    expect(code(() => verifyQuestionnaire(signed, { now: new Date('2026-01-01T00:00:00Z') }))).toBe('CLOSED')
    expect(code(() => verifyQuestionnaire(signed))).toBe('NO_ERROR')
  })

  it('rejects malformed bodies (MALFORMED)', async () => {
    const asker = makeAsker()
    const bad: Partial<QuestionnaireBody>[] = [
      { invitees: [...asker.invitees, asker.did].sort() }, // asker invited
      { invitees: [...asker.invitees].reverse() }, // not sorted
      { invitees: [asker.invitees[0]!, asker.invitees[0]!] }, // duplicate
      { invitees: [] },
      { invitees: ['did:web:example.com'] },
      { threshold: 2 },
      { threshold: 51 },
      { threshold: 3.5 },
      { closes: '2025-06-01T10:00:00.000Z' }, // not after created
      { created: 'yesterday' },
      { questions: [] },
      { title: '' },
      { title: 'x'.repeat(201) },
      { tokenKey: new Uint8Array(32) as QuestionnaireBody['tokenKey'] }, // the identity
      { tokenKey: new Uint8Array(32).fill(0xff) as QuestionnaireBody['tokenKey'] }, // not an encoding
      { sealKey: new Uint8Array(32) as QuestionnaireBody['sealKey'] }, // low order
      { sealKey: new Uint8Array(31) as QuestionnaireBody['sealKey'] },
      {
        questions: [
          { id: 'a', level: 'savoir', kind: 'text', text: 'A' },
          { id: 'a', level: 'savoir', kind: 'text', text: 'B' }
        ]
      },
      { questions: [{ id: 'a', level: 'savoir', kind: 'scale', text: 'A', options: ['x', 'y'] }] },
      { questions: [{ id: 'a', level: 'savoir', kind: 'single', text: 'A' }] },
      { questions: [{ id: 'a', level: 'savoir', kind: 'multiple', text: 'A', options: ['x'] }] },
      { questions: [{ id: 'a', level: 'savoir', kind: 'single', text: 'A', options: ['x', 'x'] }] },
      { questions: [{ id: 'a', level: 'savoir', kind: 'text', text: 'A', low: 'no' }] },
      { questions: [{ id: 'a b', level: 'savoir', kind: 'text', text: 'A' }] }
    ]
    for (const patch of bad) {
      expect(await codeOf(signQuestionnaire(makeBody(asker, patch), asker.sign)), JSON.stringify(patch)).toBe(
        'MALFORMED'
      )
    }
    const { signed } = await signQuestionnaire(makeBody(asker), asker.sign)
    expect(code(() => verifyQuestionnaire({ ...signed, extra: 1 }))).toBe('MALFORMED')
    expect(code(() => verifyQuestionnaire({ ...signed, body: { ...signed.body, extra: 1 } }))).toBe(
      'MALFORMED'
    )
    expect(code(() => verifyQuestionnaire(null))).toBe('MALFORMED')
    expect(code(() => decodeQuestionnaire(new Uint8Array([0xff, 0x00])))).toBe('MALFORMED')
  })

  it('refuses oversized questionnaires before decoding (TOO_LARGE); the largest valid one fits', async () => {
    expect(code(() => decodeQuestionnaire(new Uint8Array(MAX_QUESTIONNAIRE_BYTES + 1)))).toBe('TOO_LARGE')
    const asker = makeAsker(200)
    const big = '€'.repeat(200) // 3 bytes of UTF-8 each
    const body = makeBody(asker, {
      askerName: '€'.repeat(100),
      title: big,
      intro: '€'.repeat(2000),
      questions: Array.from({ length: 40 }, (_, i) => ({
        id: `q${i}`.padEnd(40, 'x'),
        level: 'savoir' as const,
        kind: 'multiple' as const,
        text: '€'.repeat(500),
        options: Array.from({ length: 12 }, (_, j) => `${j}`.padEnd(200, '€'))
      }))
    })
    const { signed } = await signQuestionnaire(body, asker.sign)
    expect(encodeQuestionnaire(signed).length).toBeLessThanOrEqual(MAX_QUESTIONNAIRE_BYTES)
  })
})

describe('tokens (POPRF)', () => {
  it('an invitee gets a 64-byte token for its pseudonym; the asker recognises it', async () => {
    const { asker, id, body } = await setup()
    const t = token(asker.keys, id)
    expect(t.token).toHaveLength(64)
    expect(t.state.blinded).toHaveLength(32)
    const a = signAnswer({ id, ...t, seq: 0, body: BODY })
    expect(checkAnswer(asker.keys.tokenSecret, id, a, body)).toEqual(a)
  })

  it('the token state survives the vault (encode/decode)', async () => {
    const { asker, id } = await setup()
    const t = beginToken(id)
    const state = decodeTokenState(encodeTokenState(t.state))
    expect(state).toEqual(t.state)
    const evaluation = evaluateToken(asker.keys.tokenSecret, id, state.blinded)
    expect(evaluation).toHaveLength(EVALUATION_LENGTH)
    const tok = finishToken(state, evaluation, asker.keys.tokenKey, id)
    const a = signAnswer({ id, ...t, token: tok, seq: 1, body: BODY })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, a))).toBe('NO_ERROR')
    expect(code(() => decodeTokenState(new Uint8Array(2000)))).toBe('TOO_LARGE')
  })

  it('the blinded element tells the asker nothing: two pseudonyms, fresh blinds, unrelated elements', async () => {
    const { id } = await setup()
    const a = beginToken(id)
    const b = beginToken(id)
    expect(a.state.blinded).not.toEqual(b.state.blinded)
    expect(a.pseudonymKey).not.toEqual(b.pseudonymKey)
  })

  it('an evaluation with another key than the committed tokenKey fails (BAD_PROOF): no tagging', async () => {
    const { asker, id } = await setup()
    const t = beginToken(id)
    const tagging = askerKeys() // the asker tries a second key for this invitee
    const evaluation = evaluateToken(tagging.tokenSecret, id, t.state.blinded)
    expect(code(() => finishToken(t.state, evaluation, asker.keys.tokenKey, id))).toBe('BAD_PROOF')
  })

  it('an evaluation under another questionnaire’s info, or tampered, fails (BAD_PROOF)', async () => {
    const { asker, id } = await setup()
    const other = questionnaireId(makeBody(asker, { title: 'Autre' }))
    const t = beginToken(id)
    const wrongInfo = evaluateToken(asker.keys.tokenSecret, other, t.state.blinded)
    expect(code(() => finishToken(t.state, wrongInfo, asker.keys.tokenKey, id))).toBe('BAD_PROOF')
    const good = evaluateToken(asker.keys.tokenSecret, id, t.state.blinded)
    for (const at of [0, 5, 31, 32, 40, 63, 64, 95]) {
      expect(
        code(() => finishToken(t.state, flip(good, at), asker.keys.tokenKey, id)),
        `byte ${at}`
      ).toBe('BAD_PROOF')
    }
    // a proof for someone else's blinded element
    const u = beginToken(id)
    const forU = evaluateToken(asker.keys.tokenSecret, id, u.state.blinded)
    expect(code(() => finishToken(t.state, forU, asker.keys.tokenKey, id))).toBe('BAD_PROOF')
    expect(code(() => finishToken(t.state, good.subarray(0, 64), asker.keys.tokenKey, id))).toBe('MALFORMED')
    expect(code(() => finishToken(t.state, good, asker.keys.tokenKey, other))).toBe('WRONG_QUESTIONNAIRE')
  })

  it('the asker refuses to evaluate garbage (MALFORMED)', async () => {
    const { asker, id } = await setup()
    expect(code(() => evaluateToken(asker.keys.tokenSecret, id, new Uint8Array(32)))).toBe('MALFORMED')
    expect(code(() => evaluateToken(asker.keys.tokenSecret, id, new Uint8Array(32).fill(0xff)))).toBe(
      'MALFORMED'
    )
    expect(code(() => evaluateToken(asker.keys.tokenSecret, id, new Uint8Array(33)))).toBe('MALFORMED')
    expect(code(() => evaluateToken(asker.keys.tokenSecret, 'not-an-id', beginToken(id).state.blinded))).toBe(
      'MALFORMED'
    )
  })
})

describe('answers', () => {
  it('a token from another questionnaire is rejected (FORGED_TOKEN), even with the same asker keys', async () => {
    const { asker, id } = await setup()
    const otherId = questionnaireId(makeBody(asker, { title: 'Autre' }))
    const t = token(asker.keys, otherId) // a genuine token, for the other questionnaire
    const a = signAnswer({ id, ...t, seq: 0, body: BODY })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, a))).toBe('FORGED_TOKEN')
    // and the answer as it was made, for the other questionnaire, is not for this one
    const b = signAnswer({ id: otherId, ...t, seq: 0, body: BODY })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, b))).toBe('WRONG_QUESTIONNAIRE')
    expect(code(() => checkAnswer(asker.keys.tokenSecret, otherId, b))).toBe('NO_ERROR')
  })

  it('a non-invitee’s forged token is rejected (FORGED_TOKEN): random bytes, or another pseudonym’s token', async () => {
    const { asker, id } = await setup()
    const outsider = beginToken(id)
    const random = crypto.getRandomValues(new Uint8Array(64))
    const a = signAnswer({ id, ...outsider, token: random, seq: 0, body: BODY })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, a))).toBe('FORGED_TOKEN')
    // an invitee's genuine token, used with a second pseudonym (to answer twice)
    const invitee = token(asker.keys, id)
    const second = beginToken(id)
    const b = signAnswer({ id, ...second, token: invitee.token, seq: 0, body: BODY })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, b))).toBe('FORGED_TOKEN')
    // a token checked against another asker's secret
    const c = signAnswer({ id, ...invitee, seq: 0, body: BODY })
    expect(code(() => checkAnswer(askerKeys().tokenSecret, id, c))).toBe('FORGED_TOKEN')
  })

  it('any changed field breaks the pseudonym’s signature (BAD_SIGNATURE)', async () => {
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const a = signAnswer({ id, ...t, seq: 3, body: BODY })
    const changed = [
      { ...a, seq: 4 },
      { ...a, body: { answers: BODY.answers.slice(1) } },
      { ...a, body: { answers: [{ q: 'ecoute', scale: 5 }, ...BODY.answers.slice(1)] } },
      { ...a, token: flip(a.token, 10) },
      { ...a, pseudonym: beginToken(id).pseudonymKey },
      { ...a, sig: flip(a.sig, 0) },
      { ...a, sig: flip(a.sig, 63) }
    ]
    for (const c of changed)
      expect(code(() => checkAnswer(asker.keys.tokenSecret, id, c))).toBe('BAD_SIGNATURE')
  })

  it('one byte changed anywhere in the encoded answer: rejected, never accepted', async () => {
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const bytes = encodeAnswer(signAnswer({ id, ...t, seq: 0, body: BODY }))
    const codes = new Set<string>()
    for (let at = 0; at < bytes.length; at++) {
      const c = code(() => checkAnswer(asker.keys.tokenSecret, id, decodeAnswer(flip(bytes, at))))
      expect(c, `byte ${at}`).not.toBe('NO_ERROR')
      expect(c, `byte ${at}`).not.toBe('OTHER')
      codes.add(c)
    }
    expect([...codes].every((c) => ['MALFORMED', 'BAD_SIGNATURE', 'WRONG_QUESTIONNAIRE'].includes(c))).toBe(
      true
    )
  })

  it('checks the answer against the questions when given the body (MALFORMED)', async () => {
    const { asker, id, body } = await setup()
    const t = token(asker.keys, id)
    const a = signAnswer({ id, ...t, seq: 0, body: { answers: [{ q: 'role', choice: 7 }] } })
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, a))).toBe('NO_ERROR')
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, a, body))).toBe('MALFORMED')
  })

  it('signAnswer refuses inconsistent input (MALFORMED)', async () => {
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const other = beginToken(id)
    expect(code(() => signAnswer({ id, ...t, pseudonymKey: other.pseudonymKey, seq: 0, body: BODY }))).toBe(
      'MALFORMED'
    )
    expect(code(() => signAnswer({ id, ...t, seq: -1, body: BODY }))).toBe('MALFORMED')
    expect(code(() => signAnswer({ id, ...t, seq: 1_000_001, body: BODY }))).toBe('MALFORMED')
    expect(code(() => signAnswer({ id, ...t, seq: 0, body: { answers: [{ q: 'x', scale: 9 }] } }))).toBe(
      'MALFORMED'
    )
    expect(code(() => signAnswer({ id, ...t, token: new Uint8Array(32), seq: 0, body: BODY }))).toBe(
      'MALFORMED'
    )
  })

  it('refuses oversized answers before decoding (TOO_LARGE); the largest valid answer fits', async () => {
    expect(code(() => decodeAnswer(new Uint8Array(MAX_ANSWER_BYTES + 1)))).toBe('TOO_LARGE')
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const answers = Array.from({ length: 40 }, (_, i) => ({
      q: `q${i}`.padEnd(40, 'x'),
      text: '€'.repeat(400) // 16,000 code units in all, 48,000 bytes of UTF-8
    }))
    const a = signAnswer({ id, ...t, seq: 1_000_000, body: { answers } })
    expect(encodeAnswer(a).length).toBeLessThanOrEqual(MAX_ANSWER_BYTES)
    const sealed = sealAnswer(asker.keys.sealKey, id, a)
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_ANSWER_BYTES)
    expect(openAnswer(asker.keys.sealSecret, id, sealed)).toEqual(a)
    // one more character of free text is refused by the schema
    const over = { answers: [...answers.slice(0, 39), { q: 'last', text: '€'.repeat(401) }] }
    expect(code(() => signAnswer({ id, ...t, seq: 0, body: over }))).toBe('MALFORMED')
  })

  it('a raw dag-cbor value with extra fields is MALFORMED', async () => {
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const a = signAnswer({ id, ...t, seq: 0, body: BODY })
    expect(code(() => decodeAnswer(dagCbor.encode({ ...a, extra: true })))).toBe('MALFORMED')
    expect(code(() => checkAnswer(asker.keys.tokenSecret, id, { ...a, seq: '0' }))).toBe('MALFORMED')
  })
})

describe('sealing', () => {
  it('seals to the asker and opens; the relay sees a padded size only', async () => {
    const { asker, id } = await setup()
    const t = token(asker.keys, id)
    const short = signAnswer({ id, ...t, seq: 0, body: { answers: [{ q: 'ecoute', scale: 1 }] } })
    const longer = signAnswer({ id, ...t, seq: 1, body: BODY })
    const s1 = sealAnswer(asker.keys.sealKey, id, short)
    const s2 = sealAnswer(asker.keys.sealKey, id, longer)
    expect(s1.length).toBe(s2.length)
    expect(s1.length).toBe(1 + 32 + 1024 + 16)
    expect(openAnswer(asker.keys.sealSecret, id, s1)).toEqual(short)
    expect(openAnswer(asker.keys.sealSecret, id, s2)).toEqual(longer)
    // two seals of the same answer differ (fresh ephemeral key)
    expect(sealAnswer(asker.keys.sealKey, id, short)).not.toEqual(s1)
  })

  it('wrong key, wrong id, any changed byte, truncation or another version: UNREADABLE', async () => {
    const { asker, id } = await setup()
    const otherId = questionnaireId(makeBody(asker, { title: 'Autre' }))
    const t = token(asker.keys, id)
    const sealed = sealAnswer(asker.keys.sealKey, id, signAnswer({ id, ...t, seq: 0, body: BODY }))
    expect(code(() => openAnswer(askerKeys().sealSecret, id, sealed))).toBe('UNREADABLE')
    expect(code(() => openAnswer(asker.keys.sealSecret, otherId, sealed))).toBe('UNREADABLE')
    for (const at of [0, 1, 20, 32, 33, 100, 500, sealed.length - 17, sealed.length - 1]) {
      expect(
        code(() => openAnswer(asker.keys.sealSecret, id, flip(sealed, at))),
        `byte ${at}`
      ).toBe('UNREADABLE')
    }
    expect(code(() => openAnswer(asker.keys.sealSecret, id, sealed.subarray(0, sealed.length - 1)))).toBe(
      'UNREADABLE'
    )
    expect(code(() => openAnswer(asker.keys.sealSecret, id, sealed.subarray(0, 40)))).toBe('UNREADABLE')
    expect(code(() => openAnswer(asker.keys.sealSecret, id, new Uint8Array(0)))).toBe('UNREADABLE')
    // an ephemeral key of low order
    const lowOrder = sealed.slice()
    lowOrder.fill(0, 1, 33)
    expect(code(() => openAnswer(asker.keys.sealSecret, id, lowOrder))).toBe('UNREADABLE')
  })

  it('an answer for another questionnaire sealed under this id is WRONG_QUESTIONNAIRE', async () => {
    const { asker, id } = await setup()
    const otherId = questionnaireId(makeBody(asker, { title: 'Autre' }))
    const t = token(asker.keys, otherId)
    const a = signAnswer({ id: otherId, ...t, seq: 0, body: BODY })
    expect(code(() => openAnswer(asker.keys.sealSecret, id, sealAnswer(asker.keys.sealKey, id, a)))).toBe(
      'WRONG_QUESTIONNAIRE'
    )
  })

  it('oversized sealed input is TOO_LARGE; sealing to a low-order key is MALFORMED', async () => {
    const { asker, id } = await setup()
    expect(
      code(() => openAnswer(asker.keys.sealSecret, id, new Uint8Array(MAX_SEALED_ANSWER_BYTES + 1)))
    ).toBe('TOO_LARGE')
    const t = token(asker.keys, id)
    const a = signAnswer({ id, ...t, seq: 0, body: BODY })
    expect(code(() => sealAnswer(new Uint8Array(32), id, a))).toBe('MALFORMED')
  })
})

describe('cost per answer', () => {
  it('measures the crypto of one answer, both sides (printed, not asserted)', async () => {
    const { asker, id, body } = await setup()
    const rounds = 50
    const t = { begin: 0, evaluate: 0, finish: 0, sign: 0, seal: 0, open: 0, check: 0 }
    const lap = (k: keyof typeof t, start: number) => {
      const now = performance.now()
      t[k] += now - start
      return now
    }
    for (let i = 0; i < rounds + 5; i++) {
      if (i === 5) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] = 0 // warm-up done
      let at = performance.now()
      const b = beginToken(id)
      at = lap('begin', at)
      const evaluation = evaluateToken(asker.keys.tokenSecret, id, b.state.blinded)
      at = lap('evaluate', at)
      const tok = finishToken(b.state, evaluation, asker.keys.tokenKey, id)
      at = lap('finish', at)
      const a = signAnswer({ id, ...b, token: tok, seq: 0, body: BODY })
      at = lap('sign', at)
      const sealed = sealAnswer(asker.keys.sealKey, id, a)
      at = lap('seal', at)
      const opened = openAnswer(asker.keys.sealSecret, id, sealed)
      at = lap('open', at)
      checkAnswer(asker.keys.tokenSecret, id, opened, body)
      lap('check', at)
    }
    const per = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, +(v / rounds).toFixed(2)]))
    const total = Object.values(t).reduce((s, v) => s + v, 0) / rounds
    const invitee = (t.begin + t.finish + t.sign + t.seal) / rounds
    const askerSide = (t.evaluate + t.open + t.check) / rounds
    console.log(
      `questionnaire crypto per answer (ms, mean of ${rounds}): ${JSON.stringify(per)}; ` +
        `invitee ${invitee.toFixed(2)}, asker ${askerSide.toFixed(2)}, total ${total.toFixed(2)}`
    )
    expect(total).toBeGreaterThan(0)
  })
})

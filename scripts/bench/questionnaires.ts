/**
 * Anonymous questionnaires benchmark (issue 5): the cryptography of one answer on each side, and the time for
 * the asker to check 200 answers, against 200 raw node:crypto Ed25519 verifies measured in the same run.
 *
 * - invitee, per answer: a pseudonym key and its blinded element (beginToken), the token from the asker's
 *   evaluation with its proof checked (finishToken), the signed answer (signAnswer), sealed to the asker.
 * - asker, per answer: one POPRF evaluation with its proof (evaluateToken, once per invitee), then opening the
 *   sealed answer and checking it (signature, token = PRF of the pseudonym, fits the questions).
 * - the asker checking 200 sealed answers (open + check) vs 200 node:crypto Ed25519 verifies of messages of
 *   the same size: the ratio is the figure.
 *
 * Usage: npx tsx scripts/bench/questionnaires.ts [--quick]   (results: docs/BENCHMARKS.md)
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { ed25519 } from '@noble/curves/ed25519.js'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import {
  askerKeys,
  beginToken,
  checkAnswer,
  encodeAnswer,
  evaluateToken,
  finishToken,
  openAnswer,
  sealAnswer,
  signAnswer,
  signQuestionnaire
} from '../../protocols/questionnaire/crypto.ts'
import { TEMPLATES } from '../../protocols/questionnaire/templates.ts'
import type { AnswerBody, QuestionnaireBody } from '../../protocols/questionnaire/schema.ts'

const QUICK = process.argv.includes('--quick')
const ANSWERS = 200
const ROUNDS = QUICK ? 3 : 7

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

const ms = (n: number) => `${n.toFixed(2)} ms`

async function main(): Promise<void> {
  const template = TEMPLATES.find((t) => t.lang === 'fr') ?? TEMPLATES[0]!
  const askerSecret = ed25519.utils.randomSecretKey()
  const asker = didKeyFromPublicKey(ed25519.getPublicKey(askerSecret))
  const invitees = Array.from({ length: ANSWERS }, () =>
    didKeyFromPublicKey(ed25519.getPublicKey(ed25519.utils.randomSecretKey()))
  ).sort()
  const keys = askerKeys()
  const now = Date.now()
  const body: QuestionnaireBody = {
    v: 1,
    asker,
    title: template.title,
    intro: template.intro,
    lang: template.lang,
    questions: template.questions,
    invitees,
    tokenKey: keys.tokenKey,
    sealKey: keys.sealKey,
    created: new Date(now).toISOString(),
    closes: new Date(now + 7 * 86_400_000).toISOString(),
    threshold: 3
  }
  const { id } = await signQuestionnaire(body, (m) => ed25519.sign(m, askerSecret))
  const answerOf = (i: number): AnswerBody => ({
    answers: template.questions.map((q) => {
      if (q.kind === 'scale') return { q: q.id, scale: 1 + (i % 5) }
      if (q.kind === 'single') return { q: q.id, choice: i % (q.options?.length ?? 1) }
      if (q.kind === 'multiple') return { q: q.id, choices: [0] }
      return { q: q.id, text: `Réponse libre numéro ${i}, quelques mots sur la personne.` }
    })
  })

  // invitee and asker, one answer at a time
  const inviteeTimes: number[] = []
  const evaluateTimes: number[] = []
  const sealed: Uint8Array[] = []
  let answerBytes = 0
  for (let i = 0; i < ANSWERS; i++) {
    const t0 = performance.now()
    const started = beginToken(id)
    const t1 = performance.now()
    const evaluation = evaluateToken(keys.tokenSecret, id, started.state.blinded)
    const t2 = performance.now()
    const token = finishToken(started.state, evaluation, keys.tokenKey, id)
    const answer = signAnswer({
      id,
      pseudonymSecret: started.pseudonymSecret,
      pseudonymKey: started.pseudonymKey,
      token,
      seq: 1,
      body: answerOf(i)
    })
    sealed.push(sealAnswer(keys.sealKey, id, answer))
    const t3 = performance.now()
    answerBytes += encodeAnswer(answer).length
    inviteeTimes.push(t1 - t0 + (t3 - t2))
    evaluateTimes.push(t2 - t1)
  }

  // the baseline: 200 raw Ed25519 verifies with node:crypto, messages as large as the answers
  const message = new Uint8Array(Math.round(answerBytes / ANSWERS)).fill(42)
  const pkcs8 = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(askerSecret)
  ])
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  const publicKey = createPublicKey(privateKey)
  const signature = nodeSign(null, message, privateKey)

  const checkRounds: number[] = []
  const rawRounds: number[] = []
  const openTimes: number[] = []
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = performance.now()
    for (const s of sealed) {
      const a = performance.now()
      checkAnswer(keys.tokenSecret, id, openAnswer(keys.sealSecret, id, s), body)
      if (r > 0) openTimes.push(performance.now() - a)
    }
    const t1 = performance.now()
    for (let i = 0; i < ANSWERS; i++)
      if (!nodeVerify(null, message, publicKey, signature)) throw new Error('raw')
    const t2 = performance.now()
    if (r === 0) continue // warm-up
    checkRounds.push(t1 - t0)
    rawRounds.push(t2 - t1)
  }
  const check = median(checkRounds)
  const raw = median(rawRounds)
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]?.toFixed(2)}`)
  console.log(
    `questionnaire: "${template.title}", ${template.questions.length} questions, ${ANSWERS} invitees`
  )
  console.log(`answer: ${Math.round(answerBytes / ANSWERS)} bytes signed, ${sealed[0]?.length} bytes sealed`)
  console.log(
    `invitee, per answer (pseudonym, blind, finish token + proof, sign, seal): ${ms(median(inviteeTimes))}`
  )
  console.log(
    `asker, per invitee (POPRF evaluation + proof):                         ${ms(median(evaluateTimes))}`
  )
  console.log(
    `asker, per answer (open, signature, token, fits):                       ${ms(median(openTimes))}`
  )
  console.log(
    `asker checks ${ANSWERS} answers: ${ms(check)}; ${ANSWERS} raw node:crypto Ed25519 verifies: ${ms(raw)}`
  )
  console.log(`ratio: ${(check / raw).toFixed(1)}× the raw verifies`)
}

await main()

/** Test fixtures (used by the *.test.ts files only): an asker with its DID key, sorted invitees, a small body. */
import { ed25519 } from '@noble/curves/ed25519.js'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import { askerKeys, type AskerKeys } from './crypto.ts'
import type { QuestionnaireBody } from './schema.ts'

export function didKeyPair(): { did: string; secretKey: Uint8Array } {
  const { secretKey, publicKey } = ed25519.keygen()
  return { did: didKeyFromPublicKey(publicKey), secretKey }
}

export function makeAsker(inviteeCount = 5): {
  did: string
  secretKey: Uint8Array
  keys: AskerKeys
  invitees: string[]
  sign: (message: Uint8Array) => Uint8Array
} {
  const { did, secretKey } = didKeyPair()
  const invitees = Array.from({ length: inviteeCount }, () => didKeyPair().did).sort()
  return {
    did,
    secretKey,
    keys: askerKeys(),
    invitees,
    sign: (message) => ed25519.sign(message, secretKey)
  }
}

export function makeBody(asker: ReturnType<typeof makeAsker>, patch: Partial<QuestionnaireBody> = {}) {
  const body: QuestionnaireBody = {
    v: 1,
    asker: asker.did,
    askerName: 'Émilie',
    title: 'Mes savoir-être',
    intro: 'Merci !',
    lang: 'fr',
    questions: [
      {
        id: 'ecoute',
        level: 'savoir-etre',
        kind: 'scale',
        text: 'J’écoute.',
        low: 'Rarement',
        high: 'Souvent'
      },
      { id: 'role', level: 'savoir-faire', kind: 'single', text: 'Mon rôle ?', options: ['A', 'B', 'C'] },
      {
        id: 'forces',
        level: 'savoir-etre',
        kind: 'multiple',
        text: 'Mes forces ?',
        options: ['X', 'Y', 'Z']
      },
      { id: 'exemple', level: 'savoir', kind: 'text', text: 'Un exemple ?' }
    ],
    invitees: asker.invitees,
    tokenKey: asker.keys.tokenKey as QuestionnaireBody['tokenKey'],
    sealKey: asker.keys.sealKey as QuestionnaireBody['sealKey'],
    created: '2025-06-01T10:00:00.000Z',
    closes: '2025-06-15T10:00:00.000Z',
    threshold: 3,
    ...patch
  }
  return body
}

/**
 * A small passphrase strength estimator: length, character classes, and a penalty for very common words
 * and sequences. Not zxcvbn; enough to steer people toward long passphrases.
 */
export type Strength = 'weak' | 'medium' | 'strong'

const COMMON = [
  'password',
  'motdepasse',
  'azerty',
  'qwerty',
  'azertyuiop',
  'qwertyuiop',
  'soleil',
  'bonjour',
  'musette',
  'admin',
  'welcome',
  'letmein',
  'iloveyou',
  'jetaime',
  'abc',
  'abcdef',
  'secret',
  'marseille',
  'paris',
  'football',
  'dragon',
  'monkey',
  'princess',
  'loulou',
  'chouchou',
  'doudou',
  'nicolas',
  'julien',
  'camille'
]

const SEQUENCES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'azertyuiop', 'qwertyuiop', 'qsdfghjklm']

export interface StrengthResult {
  level: Strength
  /** 0..100, for the meter. */
  score: number
  common: boolean
}

function hasSequence(lower: string): boolean {
  for (const seq of SEQUENCES) {
    for (let i = 0; i + 4 <= seq.length; i++) {
      if (lower.includes(seq.slice(i, i + 4))) return true
    }
  }
  return false
}

export function estimateStrength(pass: string): StrengthResult {
  const lower = pass.toLowerCase()
  const normalized = lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/, /\s/].filter((re) => re.test(pass)).length
  const unique = new Set(pass).size
  const words = lower.split(/[\s\-_.]+/).filter((w) => w.length >= 3).length

  // rough bits of entropy: length × log2(alphabet), tempered by repetition
  const alphabet = [26, 26, 10, 33, 1].reduce((acc, size, i) => {
    const re = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/, /\s/][i]!
    return re.test(pass) ? acc + size : acc
  }, 0)
  let bits = pass.length * Math.log2(Math.max(alphabet, 2))
  bits *= Math.min(1, unique / Math.max(6, pass.length * 0.5))
  if (words >= 4) bits += 10

  const common = COMMON.some((w) => normalized.includes(w)) || hasSequence(normalized)
  if (common) bits -= 20
  if (/(.)\1{2,}/.test(pass)) bits -= 10
  if (classes <= 1 && pass.length < 16) bits -= 10

  const score = Math.max(0, Math.min(100, Math.round((bits / 90) * 100)))
  const level: Strength = pass.length < 10 || bits < 45 ? 'weak' : bits < 70 ? 'medium' : 'strong'
  return { level, score: level === 'weak' ? Math.min(score, 33) : score, common }
}

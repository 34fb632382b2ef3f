/**
 * Presentations benchmark: verify a holder-signed presentation of 20 DISTINCT Open Badges 3.0 attestations
 * (20 ids, 5 issuers, 20 skills, testimonies, dates) with verifyPresentation, many rounds, median time per
 * presentation; the baseline is 20 raw node:crypto Ed25519 verifies (`crypto.verify(null, data, key, sig)`)
 * in the same run. Target: a presentation in under 5× the raw cost of its 20 signatures.
 *
 * Two paths: the node's (node:crypto's verifier registered by node/native-verify.ts) and the browser's
 * (the same code with WebCrypto, as the Vérifier page runs it; Chromium's own figure is in the test).
 *
 * Usage: npx tsx scripts/bench/presentations.ts [--quick]   (--quick: 15 rounds instead of 60)
 * Pin it to one core for the "one core" figure: taskset -c 0 npx tsx scripts/bench/presentations.ts
 * Results and what dominates them: docs/BENCHMARKS.md.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import { publicKeyFromSeed, setNativeEd25519Verifier } from '../../credentials/ed25519.ts'
import { createPresentation, issueCredential, signPresentation } from '../../credentials/issue.ts'
import { RELATIONSHIPS, skillAttestation } from '../../credentials/open-badges.ts'
import { clearTemplates } from '../../credentials/template.ts'
import { verifyCredential, verifyData, verifyPresentation } from '../../credentials/verify.ts'
// the node's path: credentials/ checks signatures with node:crypto, registered by the node
import '../../node/native-verify.ts'

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 15 : 60
const CREDENTIALS = 20
const ISSUERS = 5
const TARGET = 5
const CHALLENGE = 'bench-challenge-2f9c'
const DOMAIN = 'employer.example'
const SKILLS = [
  'TypeScript',
  'Gestion de projet',
  'Menuiserie',
  'Négociation',
  'Enseignement',
  'Comptabilité'
]

type Json = Record<string, unknown>

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

function seedOf(n: number): Uint8Array {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, n + 101)
  seed[31] = 0x70
  return seed
}

const ms = (n: number) => n.toFixed(2)

async function main(): Promise<void> {
  const people = Array.from({ length: ISSUERS + 1 }, (_, i) => {
    const seed = seedOf(i)
    return { seed, did: didKeyFromPublicKey(publicKeyFromSeed(seed)), name: `Person ${i}` }
  })
  const holder = people[ISSUERS]!
  const vcs: Json[] = []
  for (let i = 0; i < CREDENTIALS; i++) {
    const issuer = people[i % ISSUERS]!
    const unsigned = skillAttestation({
      issuer: { did: issuer.did, name: issuer.name },
      holder: { did: holder.did, name: holder.name },
      achievement: { name: `${SKILLS[i % SKILLS.length]!} ${i}`, kind: i % 5 === 0 ? 'experience' : 'skill' },
      relationship: RELATIONSHIPS[i % RELATIONSHIPS.length]!,
      context: { experience: `Project ${i}`, organisation: `Org ${i % 7}`, start: '2021-01', end: '2023-12' },
      testimony: `Testimony number ${i}: worked together for ${1 + (i % 9)} years, always reliable.`,
      validFrom: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
      id: `urn:uuid:00000000-0000-4000-9000-${String(i).padStart(12, '0')}`
    })
    vcs.push(
      await issueCredential(unsigned, { seed: issuer.seed, did: issuer.did, now: '2025-01-01T00:00:00Z' })
    )
  }
  const vp = await signPresentation(createPresentation({ holder: holder.did, verifiableCredential: vcs }), {
    seed: holder.seed,
    did: holder.did,
    challenge: CHALLENGE,
    domain: DOMAIN
  })
  const bytes = Buffer.byteLength(JSON.stringify(vp))
  const now = new Date('2025-06-01T00:00:00Z')
  const verifyVp = async () => {
    const r = await verifyPresentation(vp, { challenge: CHALLENGE, domain: DOMAIN, now })
    if (!r.verified) throw new Error(`the bench presentation does not verify: ${JSON.stringify(r.checks)}`)
  }

  // raw baseline: 20 node:crypto Ed25519 verifies over each credential's JSON bytes, with its issuer's key
  const raw = vcs.map((vc, i) => {
    const seed = people[i % ISSUERS]!.seed
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)])
    const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
    const data = Buffer.from(JSON.stringify(vc))
    return { data, key: createPublicKey(priv), sig: nodeSign(null, data, priv) }
  })
  const raw20 = () => {
    for (const r of raw) if (!nodeVerify(null, r.data, r.key, r.sig)) throw new Error('raw verify failed')
  }

  // cold: the first presentation of this shape (templates expanded, contexts processed)
  clearTemplates()
  let t = performance.now()
  await verifyVp()
  const coldMs = performance.now() - t

  const phase = async (fn: () => Promise<unknown>) => {
    const ts: number[] = []
    for (let k = 0; k < Math.max(5, ROUNDS / 3); k++) {
      const s = performance.now()
      await fn()
      ts.push(performance.now() - s)
    }
    return median(ts)
  }
  const run = async (label: string) => {
    await verifyVp() // warm-up, not counted
    const rawMs: number[] = []
    const vpMs: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      t = performance.now()
      raw20()
      rawMs.push(performance.now() - t)
      t = performance.now()
      await verifyVp()
      vpMs.push(performance.now() - t)
    }
    // where the time goes: the presentation's own signed bytes (the whole presentation, its 20 credentials
    // included, canonicalized) and the 20 credentials' own checks
    const vpData = await phase(() => verifyData(vp, vp.proof as Json))
    const creds = await phase(async () => {
      for (const vc of vcs) await verifyCredential(vc, { now })
    })
    return {
      label,
      raw: median(rawMs),
      vp: median(vpMs),
      vpMin: Math.min(...vpMs),
      vpMax: Math.max(...vpMs),
      vpData,
      creds
    }
  }
  const node = await run('node (node:crypto verifier registered)')
  setNativeEd25519Verifier(undefined)
  const browser = await run('browser path (WebCrypto, no native verifier)')

  console.log(
    `\nNode ${process.version}, ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0]?.toFixed(2) ?? '?'}; ` +
      `one presentation of ${CREDENTIALS} distinct OB3 attestations from ${ISSUERS} issuers ` +
      `(${Math.round(bytes / 1024)} KiB), ${ROUNDS} rounds (median), sequential.\n`
  )
  console.log(
    '| Path | 20 raw verifies (ms) | verifyPresentation (ms) | Range (ms) | Ratio to raw | Target | Result |'
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  for (const r of [node, browser]) {
    const ratio = r.vp / r.raw
    console.log(
      `| ${r.label} | ${ms(r.raw)} | ${ms(r.vp)} | ${ms(r.vpMin)}–${ms(r.vpMax)} | ${ratio.toFixed(1)}× | < ${TARGET}× | ${
        ratio < TARGET ? '**PASS**' : '**MISS**'
      } |`
    )
  }
  console.log(
    `\nCold (first presentation of this shape, templates and contexts not yet cached): ${ms(coldMs)} ms`
  )
  for (const r of [node, browser]) {
    console.log(
      `${r.label}: the presentation's verifyData (canonicalize the whole presentation + hash) ` +
        `${ms(r.vpData)} ms; the 20 credentials' verifyCredential ${ms(r.creds)} ms ` +
        `(${ms(r.creds / CREDENTIALS)} ms each); 20 raw verifies ${ms(r.raw)} ms.`
    )
  }
}

await main()

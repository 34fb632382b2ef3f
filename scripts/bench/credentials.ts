/**
 * Credentials benchmark: issue, then verify, a set of DISTINCT Open Badges 3.0 skill attestations (different
 * ids, issuers, holders, skills, testimonies, dates), one at a time (one core), several rounds, median; and
 * raw Ed25519 verification with node:crypto in the same run, as the baseline.
 *
 * Usage: npx tsx scripts/bench/credentials.ts [--quick] [--reference]
 *   --quick: 200 credentials, 3 rounds (default 400 credentials, 7 rounds)
 *   --reference: also time the reference canonicalization path (jsonld + rdf-canonize, no templates)
 * Pin it to one core for the "one core" figure: taskset -c 0 npx tsx scripts/bench/credentials.ts
 * Results and what dominates them: docs/BENCHMARKS.md.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { canonizeDataset, canonizeReference, toDataset } from '../../credentials/canonize.ts'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import { publicKeyFromSeed } from '../../credentials/ed25519.ts'
import { issueCredential } from '../../credentials/issue.ts'
import { RELATIONSHIPS, skillAttestation } from '../../credentials/open-badges.ts'
import { clearTemplates } from '../../credentials/template.ts'
import { verifyCredential, verifyData } from '../../credentials/verify.ts'
// the node's path: credentials/ checks signatures with node:crypto, registered by the node
import '../../node/native-verify.ts'

const QUICK = process.argv.includes('--quick')
const REFERENCE = process.argv.includes('--reference')
const COUNT = QUICK ? 200 : 400
const ROUNDS = QUICK ? 3 : 7
const ISSUERS = 20
const SKILLS = [
  'TypeScript',
  'Project management',
  'Carpentry',
  'Negotiation',
  'Teaching',
  'Accounting',
  'UX'
]

type Json = Record<string, unknown>

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

function seedOf(n: number): Uint8Array {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, n + 1)
  seed[31] = 0x5a
  return seed
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

async function main(): Promise<void> {
  const people = Array.from({ length: ISSUERS * 2 }, (_, i) => {
    const seed = seedOf(i)
    return { seed, did: didKeyFromPublicKey(publicKeyFromSeed(seed)), name: `Person ${i}` }
  })
  const unsigned: Json[] = []
  for (let i = 0; i < COUNT; i++) {
    const issuer = people[i % ISSUERS]!
    const holder = people[ISSUERS + ((i * 7) % ISSUERS)]!
    unsigned.push(
      skillAttestation({
        issuer: { did: issuer.did, name: issuer.name },
        holder: { did: holder.did, name: holder.name },
        achievement: {
          name: `${SKILLS[i % SKILLS.length]!} ${i}`,
          kind: i % 5 === 0 ? 'experience' : 'skill'
        },
        relationship: RELATIONSHIPS[i % RELATIONSHIPS.length]!,
        context: {
          experience: `Project ${i}`,
          organisation: `Org ${i % 13}`,
          start: '2021-01',
          end: '2023-12'
        },
        testimony: `Testimony number ${i}: worked together for ${1 + (i % 9)} years, always reliable.`,
        validFrom: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
        id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      })
    )
  }

  // issue (cold: the first few expand contexts)
  const signed: Json[] = []
  const t0 = performance.now()
  for (const [i, u] of unsigned.entries()) {
    const issuer = people[i % ISSUERS]!
    signed.push(await issueCredential(u, { seed: issuer.seed, did: issuer.did, now: '2025-01-01T00:00:00Z' }))
  }
  const issueMs = performance.now() - t0

  // raw baseline: node:crypto Ed25519 over each credential's JSON bytes, same count, same keys
  const rawSet = signed.map((vc, i) => {
    const seed = people[i % ISSUERS]!.seed
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)])
    const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
    const data = Buffer.from(JSON.stringify(vc))
    return { data, key: createPublicKey(priv), sig: nodeSign(null, data, priv) }
  })

  const now = new Date('2025-06-01T00:00:00Z')
  const oursRates: number[] = []
  const rawRates: number[] = []
  // warm-up round of each, not counted
  for (const vc of signed) {
    const r = await verifyCredential(vc, { now })
    if (!r.verified) throw new Error(`bench credential does not verify: ${JSON.stringify(r.checks)}`)
  }
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now()
    for (const r of rawSet) if (!nodeVerify(null, r.data, r.key, r.sig)) throw new Error('raw verify failed')
    rawRates.push(COUNT / ((performance.now() - t) / 1000))
    t = performance.now()
    for (const vc of signed) {
      const r = await verifyCredential(vc, { now })
      if (!r.verified) throw new Error('verify failed')
    }
    oursRates.push(COUNT / ((performance.now() - t) / 1000))
  }

  // where the time goes, per credential (medians of the per-phase totals over 3 passes)
  const phase = async (fn: (vc: Json) => Promise<unknown>) => {
    const ts: number[] = []
    for (let k = 0; k < 3; k++) {
      const t = performance.now()
      for (const vc of signed) await fn(vc)
      ts.push(((performance.now() - t) * 1000) / COUNT)
    }
    return median(ts)
  }
  const vdUs = await phase((vc) => verifyData(vc, vc.proof as Json))
  let refUs: number | undefined
  let toRdfUs: number | undefined
  let c14nUs: number | undefined
  if (REFERENCE) {
    clearTemplates()
    refUs = await phase(async (vc) => {
      const doc = { ...vc }
      delete doc.proof
      const proof: Json = { '@context': vc['@context'], ...(vc.proof as Json) }
      delete proof.proofValue
      await canonizeReference(doc)
      await canonizeReference(proof)
    })
    const datasets = await Promise.all(
      signed.map((vc) => {
        const doc = { ...vc }
        delete doc.proof
        return toDataset(doc)
      })
    )
    toRdfUs = await phase(async (vc) => {
      const doc = { ...vc }
      delete doc.proof
      await toDataset(doc)
    })
    let i = 0
    c14nUs = await phase(() => {
      canonizeDataset(datasets[i++ % datasets.length]!)
      return Promise.resolve()
    })
  }

  const ours = median(oursRates)
  const rawRate = median(rawRates)
  const ratio = ours / rawRate
  console.log(
    `\nNode ${process.version}, ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0]?.toFixed(2) ?? '?'}; ` +
      `${COUNT} distinct OB3 attestations from ${ISSUERS} issuers, ${ROUNDS} rounds (median), sequential.\n`
  )
  console.log('| Measure | Median | Range | Ratio to raw | Target | Result |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  console.log(
    `| raw Ed25519 verify (node:crypto), per second | ${fmt(rawRate)} | ${fmt(Math.min(...rawRates))}–${fmt(Math.max(...rawRates))} | 1.00× | | |`
  )
  console.log(
    `| **verifyCredential (OB3, eddsa-rdfc-2022), per second** | ${fmt(ours)} | ${fmt(Math.min(...oursRates))}–${fmt(Math.max(...oursRates))} | ${ratio.toFixed(2)}× | ≥ 0.3× | ${ratio >= 0.3 ? '**PASS**' : '**FAIL**'} |`
  )
  console.log(
    `| issueCredential (OB3), per second (one pass, cold) | ${fmt(COUNT / (issueMs / 1000))} | | | | |`
  )
  console.log(`\nPer credential: verifyData (2 × templated RDFC-1.0 + 2 × SHA-256) ${vdUs.toFixed(0)} µs`)
  if (refUs !== undefined) {
    console.log(
      `Reference path (jsonld toRDF + rdf-canonize, both documents): ${refUs.toFixed(0)} µs; ` +
        `document toRDF alone ${toRdfUs?.toFixed(0)} µs, RDFC-1.0 alone ${c14nUs?.toFixed(0)} µs`
    )
  }
}

await main()

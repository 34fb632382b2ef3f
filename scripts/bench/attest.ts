/**
 * Attestation round trip on loopback: from A's request to the verified credential stored at A (B accepts
 * automatically, as soon as the request lands), against a libp2p ping round trip between the same two
 * nodes in the same run. Medians; prints a markdown table.
 *
 *   npx tsx scripts/bench/attest.ts [--quick]
 */
import '../../node/polyfills.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prepareHome } from '../../node/home.ts'
import { MusetteNode } from '../../node/service.ts'

const quick = process.argv.includes('--quick')
// the attest protocol lets one peer send 20 messages at once, then one every 5 s: stay under it
const ROUNDS = quick ? 5 : 15
const FAST_KDF = { alg: 'scrypt', N: 2 ** 10, r: 8, p: 1 } as const

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

async function startNode(name: string) {
  const home = await mkdtemp(join(tmpdir(), 'musette-bench-attest-'))
  const { config } = await prepareHome(home)
  const node = new MusetteNode({
    home,
    config: { ...config, p2pPort: 0, attestations: { policy: 'contacts', perHour: 100 } },
    kdfParams: FAST_KDF
  })
  await node.load()
  await node.createIdentity(name, 'bench passphrase')
  return { node, home }
}

const a = await startNode('A')
const b = await startNode('B')
try {
  const sa = a.node.social!
  const sb = b.node.social!
  const inv = await sa.createInvitation()
  await sb.acceptInvitation(inv.link)
  const contact = (await a.node.vault.list('contact')).find(
    (c) => c.data && (c.data as { did?: string }).did
  )!
  // B attests as soon as a request lands
  b.node.on('attestation', (e) => {
    if (e.state !== 'pending') return
    void (async () => {
      const rec = await b.node.vault.get(String(e.id))
      if (rec && (rec.data as { direction: string }).direction === 'in') {
        await sb.accept(rec.id, { relationship: 'colleague', testimony: 'bench' })
      }
    })()
  })
  const addr = b.node.network!.listenAddrs().find((x) => !x.includes('/ws') && !x.includes('circuit'))!

  const trip: number[] = []
  const ping: number[] = []
  for (let i = 0; i < ROUNDS + 2; i++) {
    const t0 = performance.now()
    await a.node.network!.ping(addr)
    const p = performance.now() - t0
    const done = new Promise<void>((resolve) => {
      const on = () => {
        a.node.off('credential', on)
        resolve()
      }
      a.node.on('credential', on)
    })
    const t1 = performance.now()
    await sa.requestAttestation({ contactId: contact.id, claim: { kind: 'skill', name: `Skill ${i}` } })
    await done
    const t = performance.now() - t1
    if (i >= 2) {
      ping.push(p)
      trip.push(t)
    }
  }
  const mp = median(ping)
  const mt = median(trip)
  process.stdout.write(
    [
      `Attestation round trip on loopback, ${ROUNDS} rounds (medians), Node ${process.version}:`,
      '',
      '| Measure | Median | Baseline (libp2p ping RTT) | Ratio |',
      '| --- | --- | --- | --- |',
      `| request → verified credential stored at the asker (auto-accept) | ${mt.toFixed(1)} ms | ${mp.toFixed(2)} ms | ${(mt / mp).toFixed(0)}× |`,
      ''
    ].join('\n') + '\n'
  )
} finally {
  await a.node.stop()
  await b.node.stop()
  await rm(a.home, { recursive: true, force: true })
  await rm(b.home, { recursive: true, force: true })
}
process.exit(0)

/**
 * Smoke test of the project companies scale script (scripts/scale/companies.ts, issue 6): a small run —
 * 6 real nodes, 10 projects published at a steady pace then 10 at once — in which every node must receive
 * every project, and whose printed figures must parse. The full run (30 nodes, 100 projects) is
 * `npm run scale:companies`; its results are in docs/BENCHMARKS.md.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url))

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, 'scripts/scale/companies.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

interface Phase {
  phase: string
  projects: number
  allHeld: boolean
  nodesHoldingAll: number
  deliveries: number
  expectedDeliveries: number
  t99AllMs: number
  perAnnouncementP99Ms: number
  announcementBytesMean: number
  wireBytes: number
  gossipBytes: number
  copies: number
  overhead: { wire: number; wireNet: number; gossip: number }
  perDelivery: { copies: number; frames: number }
}

describe('scripts/scale/companies.ts', () => {
  it('6 nodes, 10 projects steady then 10 at once: every node holds every project; figures parse', async () => {
    const { code, stdout, stderr } = await run([
      '--nodes',
      '6',
      '--projects',
      '10',
      '--rate',
      '20',
      '--idle',
      '1',
      '--tail',
      '1',
      '--timeout',
      '20'
    ])
    expect(code, stderr).toBe(0)
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
    expect(line, stdout).toBeDefined()
    const result = JSON.parse(line!.slice('RESULT '.length)) as {
      nodes: number
      projects: number
      phases: Phase[]
      memory: { perNode: { rssMB: number; heapUsedMB: number } }
      checks: Array<{ target: string; value: string; pass: boolean }>
      topology: { links: number; meshMin: number }
    }
    expect(result.nodes).toBe(6)
    expect(result.topology.links).toBeGreaterThanOrEqual(5)
    expect(result.phases.map((p) => p.phase)).toEqual(['steady', 'burst'])
    for (const p of result.phases) {
      // every node received every project
      expect(p.allHeld).toBe(true)
      expect(p.nodesHoldingAll).toBe(6)
      expect(p.deliveries).toBe(p.expectedDeliveries)
      expect(p.expectedDeliveries).toBe(10 * 5)
      // the figures are numbers, and sensible ones
      for (const x of [p.t99AllMs, p.perAnnouncementP99Ms, p.overhead.wire, p.overhead.gossip]) {
        expect(Number.isFinite(x)).toBe(true)
        expect(x).toBeGreaterThan(0)
      }
      expect(p.announcementBytesMean).toBeGreaterThan(300)
      expect(p.wireBytes).toBeGreaterThan(p.gossipBytes)
      // at least one full copy sent per delivery, and the wire carries more than the announcements
      expect(p.perDelivery.copies).toBeGreaterThanOrEqual(1)
      expect(p.overhead.wire).toBeGreaterThan(1)
    }
    expect(Number.isFinite(result.memory.perNode.rssMB)).toBe(true)
    expect(Number.isFinite(result.memory.perNode.heapUsedMB)).toBe(true)
    // the human report: the figures and one PASS/FAIL line per target
    expect(stdout).toMatch(/time to 99% of nodes holding 100% \(from first publish\): [\d,]+ ms/)
    expect(stdout).toMatch(/per announcement, publish → 99% of nodes: p50 [\d,]+ ms, p99 [\d,]+ ms/)
    expect(stdout).toMatch(/overhead \(bytes per delivery \/ announcement size\): wire [\d.]+×/)
    expect(stdout).toMatch(/per node: RSS -?[\d.]+ MB, heapUsed -?[\d.]+ MB/)
    const verdicts = stdout.split('\n').filter((l) => /^(PASS|FAIL) {2}/.test(l))
    expect(verdicts).toHaveLength(result.checks.length)
    const held = result.checks.filter((c) => c.target.endsWith('every node holds every announcement'))
    expect(held).toHaveLength(2)
    for (const c of held) expect(c.pass).toBe(true)
  }, 90_000)
})

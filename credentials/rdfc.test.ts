import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { RdfQuad, RdfTerm } from 'jsonld'
import * as rdfCanonize from 'rdf-canonize'
import { canonizeDatasetReference, toDataset } from './canonize.ts'
import { setNativeSha256 } from './hash.ts'
import { canonicalNQuads, escapeIri, escapeLiteral } from './rdfc.ts'
import { alice, bob, signedAttestation } from '../tests/fixtures/credentials/helpers.ts'
import { prng } from '../scripts/bench/prng.ts'

const XSD = 'http://www.w3.org/2001/XMLSchema#'
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'

const iri = (value: string): RdfTerm => ({ termType: 'NamedNode', value })
const blank = (value: string): RdfTerm => ({ termType: 'BlankNode', value })
const literal = (value: string, datatype = `${XSD}string`, language?: string): RdfTerm => ({
  termType: 'Literal',
  value,
  datatype: { termType: 'NamedNode', value: datatype },
  ...(language === undefined ? {} : { language })
})
const DEFAULT: RdfTerm = { termType: 'DefaultGraph', value: '' }
const quad = (subject: RdfTerm, predicate: RdfTerm, object: RdfTerm, graph = DEFAULT): RdfQuad => ({
  subject,
  predicate,
  object,
  graph
})

/** rdf-canonize's answer, or its error message */
function reference(dataset: RdfQuad[]): string {
  try {
    return canonizeDatasetReference(structuredClone(dataset))
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

function ours(dataset: RdfQuad[]): string | undefined {
  try {
    return canonicalNQuads(dataset)
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

/** a small seeded generator (mulberry32) */
const random = prng

const AWKWARD = [
  'plain',
  'with "quotes" and \\ backslash',
  'new\nline\ttab\rreturn\bback\fform',
  '\u0000\u0001\u001f\u007f',
  'é 漢字 😀',
  'lone \ud800 surrogate',
  ''
]
const IRIS = [
  'http://example.org/a',
  'http://example.org/b',
  'urn:x:with space',
  'urn:x:<angle>"quote"{brace}|pipe^caret`tick\\',
  'did:key:z6MkExample',
  'urn:x:\u0001control'
]

function randomDataset(rand: () => number, blanks: number, quads: number): RdfQuad[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const node = (): RdfTerm => (rand() < 0.7 ? blank(`_:b${Math.floor(rand() * blanks)}`) : iri(pick(IRIS)))
  const predicates = ['http://example.org/p', 'http://example.org/q', `${RDF}type`, 'urn:x:p q']
  const out: RdfQuad[] = []
  for (let i = 0; i < quads; i++) {
    const r = rand()
    const object =
      r < 0.5
        ? node()
        : r < 0.7
          ? literal(pick(AWKWARD))
          : r < 0.8
            ? literal(pick(AWKWARD), `${RDF}langString`, pick(['en', 'fr-CA', '']))
            : r < 0.9
              ? literal(String(Math.floor(rand() * 3)), `${XSD}integer`)
              : literal(pick(AWKWARD), pick(IRIS))
    const g = rand()
    const graph = g < 0.6 ? DEFAULT : g < 0.85 ? blank(`_:b${Math.floor(rand() * blanks)}`) : iri(pick(IRIS))
    out.push(quad(node(), iri(pick(predicates)), object, graph))
  }
  return out
}

/** blank nodes only, one or two predicates, no literal: many alike nodes, for Hash N-Degree Quads */
function alikeDataset(rand: () => number, blanks: number, quads: number): RdfQuad[] {
  const b = () => blank(`_:n${Math.floor(rand() * blanks)}`)
  const predicates =
    rand() < 0.5 ? ['http://example.org/p'] : ['http://example.org/p', 'http://example.org/q']
  return Array.from({ length: quads }, () =>
    quad(
      b(),
      iri(predicates[Math.floor(rand() * predicates.length)] as string),
      b(),
      rand() < 0.8 ? DEFAULT : b()
    )
  )
}

/** n blank nodes in a ring, all alike: only Hash N-Degree Quads can tell them apart */
function ring(n: number, prefix = 'r', graph = DEFAULT): RdfQuad[] {
  return Array.from({ length: n }, (_, i) =>
    quad(blank(`_:${prefix}${i}`), iri('http://example.org/next'), blank(`_:${prefix}${(i + 1) % n}`), graph)
  )
}

describe('rdfc.ts = rdf-canonize (RDFC-1.0)', () => {
  afterAll(() => setNativeSha256(undefined))

  it('escapes IRIs and literals as rdf-canonize serializes them', () => {
    for (const text of [...AWKWARD, ...IRIS]) {
      const expected = rdfCanonize.NQuads.serializeQuad(
        quad(iri('http://example.org/s'), iri('http://example.org/p'), literal(text))
      )
      expect(`<http://example.org/s> <http://example.org/p> "${escapeLiteral(text)}" .\n`).toBe(expected)
      const asIri = rdfCanonize.NQuads.serializeQuad(quad(iri(text), iri('http://example.org/p'), iri(text)))
      expect(`<${escapeIri(text)}> <http://example.org/p> <${escapeIri(text)}> .\n`).toBe(asIri)
    }
    for (let c = 0; c < 0x80; c++) {
      const text = `a${String.fromCharCode(c)}b`
      const expected = rdfCanonize.NQuads.serializeQuad(quad(iri(text), iri(text), literal(text)))
      expect(`<${escapeIri(text)}> <${escapeIri(text)}> "${escapeLiteral(text)}" .\n`).toBe(expected)
    }
  })

  it('agrees on hand-made corner cases: symmetric graphs, cycles, duplicates, graphs, datatypes', () => {
    const cases: RdfQuad[][] = [
      [],
      [quad(iri('http://example.org/s'), iri('http://example.org/p'), literal('o'))],
      ring(2),
      ring(3),
      ring(6),
      [...ring(3, 'x'), ...ring(3, 'y')], // two identical components
      [...ring(4, 'x'), ...ring(2, 'y')],
      ring(3, 'g', blank('_:named')),
      // a chain of 14 distinct blank nodes: _:c14n1 and _:c14n10… as subjects and objects
      Array.from({ length: 14 }, (_, i) => [
        quad(blank(`_:c${i}`), iri('http://example.org/next'), blank(`_:c${i + 1}`)),
        quad(blank(`_:c${i}`), iri('http://example.org/v'), literal(`v${i}`))
      ]).flat(),
      [
        quad(blank('_:a'), iri('http://example.org/p'), blank('_:b')),
        quad(blank('_:b'), iri('http://example.org/p'), blank('_:a')),
        quad(blank('_:a'), iri('http://example.org/p'), blank('_:a')),
        quad(blank('_:c'), iri('http://example.org/p'), literal('x'), blank('_:a'))
      ],
      // duplicate quads (distinct objects, same content) stay duplicated, as in rdf-canonize
      [
        quad(blank('_:a'), iri('http://example.org/p'), literal('x')),
        quad(blank('_:a'), iri('http://example.org/p'), literal('x'))
      ],
      // a star of identical leaves
      Array.from({ length: 5 }, (_, i) =>
        quad(blank('_:hub'), iri('http://example.org/p'), blank(`_:leaf${i}`))
      ),
      // literals: language, datatypes, awkward strings
      AWKWARD.flatMap((text, i) => [
        quad(blank(`_:l${i}`), iri('http://example.org/p'), literal(text, `${RDF}langString`, 'fr')),
        quad(blank(`_:l${i}`), iri('http://example.org/q'), literal(text, 'urn:x:type with space')),
        quad(blank(`_:l${i}`), iri(IRIS[i % IRIS.length] as string), literal(text), iri('urn:x:graph'))
      ])
    ]
    for (const [i, dataset] of cases.entries()) {
      expect(ours(dataset), `case ${i}`).toBe(reference(dataset))
    }
  })

  it('fails like rdf-canonize when Hash N-Degree Quads exceeds its work limit', () => {
    // a complete graph of alike blank nodes needs more deep iterations than rdf-canonize allows by default
    const nodes = Array.from({ length: 6 }, (_, i) => `_:k${i}`)
    const dataset = nodes.flatMap((a) =>
      nodes.filter((b) => b !== a).map((b) => quad(blank(a), iri('http://example.org/p'), blank(b)))
    )
    const expected = reference(dataset)
    expect(expected).toMatch(/^error: Maximum deep iterations exceeded/)
    expect(ours(dataset)).toBe(expected)
  })

  it('agrees on 600 random datasets (noble and node:crypto hashes)', () => {
    for (const native of [false, true]) {
      setNativeSha256(
        native
          ? {
              hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
              bytes: (text) => createHash('sha256').update(text, 'utf8').digest()
            }
          : undefined
      )
      const rand = random(native ? 7 : 3)
      for (let i = 0; i < 300; i++) {
        const dataset =
          i % 2 === 0
            ? i % 4 === 0
              ? // enough blank nodes for labels that prefix others (_:c14n1, _:c14n10)
                randomDataset(rand, 12 + Math.floor(rand() * 12), 30 + Math.floor(rand() * 30))
              : randomDataset(rand, 1 + Math.floor(rand() * 8), Math.floor(rand() * 24))
            : alikeDataset(rand, 2 + Math.floor(rand() * 6), 2 + Math.floor(rand() * 10))
        expect(ours(dataset), `dataset ${i}: ${JSON.stringify(dataset)}`).toBe(reference(dataset))
      }
    }
    setNativeSha256(undefined)
  })

  it('agrees on real credentials and presentations', async () => {
    const one = await signedAttestation()
    const two = await signedAttestation(alice, bob, 'Ed25519Signature2020')
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      holder: bob.did,
      // the same credential twice: alike named graphs, resolved by Hash N-Degree Quads
      verifiableCredential: [one, two, one]
    }
    for (const doc of [one, two, vp]) {
      const dataset = await toDataset(doc)
      expect(ours(dataset)).toBe(reference(dataset))
    }
  })

  it('leaves to rdf-canonize what it treats in its own ways', () => {
    const p = iri('http://example.org/p')
    const shared = quad(blank('_:a'), p, literal('x'))
    for (const dataset of [
      [quad(blank('c14n0'), p, literal('x'))], // rdf-canonize keeps c14n labels as they are
      [quad(blank(''), p, literal('x'))],
      [quad(blank('_:a'), blank('_:p'), literal('x'))], // generalized RDF
      [quad(literal('s'), p, literal('x'))],
      [quad(blank('_:a'), p, { termType: 'Literal', value: 'no datatype' } as RdfTerm)],
      [shared, shared] // the same quad object twice
    ]) {
      expect(canonicalNQuads(dataset)).toBeUndefined()
    }
  })
})

/**
 * RDFC-1.0 (RDF Dataset Canonicalization, https://www.w3.org/TR/rdf-canon/) over a dataset of quads, to
 * canonical N-Quads: a port of rdf-canonize 5's synchronous implementation (RDFC10Sync), step for step,
 * with the same output on every input it accepts — including rdf-canonize's own choices where the spec
 * leaves room (the Hash N-Degree Quads permutation order, the "Maximum deep iterations" limit with a work
 * factor of 1, the default code-unit sort).
 *
 * What is faster here: every term is serialized (and escaped) once per quad instead of once per use, the
 * first-degree hash of a blank node is one SHA-256 call over its joined lines, and the hash is the platform's
 * (credentials/hash.ts: node:crypto when the node registered it, @noble/hashes otherwise).
 *
 * Inputs rdf-canonize treats in its own peculiar ways are not handled here and return undefined, so that the
 * caller runs rdf-canonize itself: generalized RDF (a predicate that is not an IRI, a literal subject), an
 * unknown term type, a literal without datatype, a blank node label starting with "c14n" (rdf-canonize keeps
 * such labels in its output), and the same quad object listed twice.
 *
 * Tests compare it with rdf-canonize on the W3C-style corner cases (symmetric graphs, cycles, duplicate
 * quads, escapes) and on random datasets (credentials/rdfc.test.ts).
 */
import type { RdfQuad, RdfTerm } from 'jsonld'
import { sha256Hex } from './hash.ts'

const RDF_LANGSTRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString'
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string'

// N-Quads escapes, as rdf-canonize's NQuads serializer does them (control characters are what they escape)
/* eslint-disable no-control-regex */
const IRI_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/
const IRI_ESCAPE_ALL = /[\u0000-\u0020<>"{}|^`\\]/g
const LITERAL_ESCAPE = /[\u0000-\u001F\u007F"\\]/
const LITERAL_ESCAPE_ALL = /[\u0000-\u001F\u007F"\\]/g
/* eslint-enable no-control-regex */
const ECHAR: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\'
}

function uchar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
}

export function escapeIri(s: string): string {
  return IRI_ESCAPE.test(s) ? s.replace(IRI_ESCAPE_ALL, uchar) : s
}

export function escapeLiteral(s: string): string {
  return LITERAL_ESCAPE.test(s) ? s.replace(LITERAL_ESCAPE_ALL, (c) => ECHAR[c] ?? uchar(c)) : s
}

/**
 * A quad with its non-blank terms serialized as N-Quads; a blank node position holds its label instead
 * (in `sb`, `ob`, `gb`, which must not be empty nor start with "c14n"). The template cache (template.ts)
 * builds these directly.
 */
export interface Line {
  /** the serialized subject ("<iri>"), or "" when `sb` is set */
  s: string
  sb: string | undefined
  /** " <predicate> " (with its spaces) */
  p: string
  /** the predicate IRI as is (unescaped): Hash Related Blank Node uses it so */
  pv: string
  /** the serialized object, or "" when `ob` is set */
  o: string
  ob: string | undefined
  /** "" (default graph) or " <graph>", or "" when `gb` is set */
  g: string
  gb: string | undefined
}

export function serializeObject(term: RdfTerm): string | undefined {
  if (term.termType === 'NamedNode') return `<${escapeIri(term.value)}>`
  if (term.termType !== 'Literal' || typeof term.datatype?.value !== 'string') return undefined
  let out = `"${escapeLiteral(term.value)}"`
  const datatype = term.datatype.value
  if (datatype === RDF_LANGSTRING) {
    if (term.language) out += `@${term.language}`
  } else if (datatype !== XSD_STRING) {
    out += `^^<${escapeIri(datatype)}>`
  }
  return out
}

export function blankLabel(term: RdfTerm): string | undefined {
  // rdf-canonize keeps "c14n…" labels as they are, and issues a fresh label at every use of an empty one
  return term.termType === 'BlankNode' && term.value !== '' && !term.value.startsWith('c14n')
    ? term.value
    : undefined
}

/** null: not a dataset this port handles (the caller uses rdf-canonize) */
function toLine(quad: RdfQuad): Line | null {
  const { subject, predicate, object, graph } = quad
  if (predicate.termType !== 'NamedNode') return null
  const line: Line = {
    s: '',
    sb: undefined,
    p: ` <${escapeIri(predicate.value)}> `,
    pv: predicate.value,
    o: '',
    ob: undefined,
    g: '',
    gb: undefined
  }
  if (subject.termType === 'NamedNode') line.s = `<${escapeIri(subject.value)}>`
  else if ((line.sb = blankLabel(subject)) === undefined) return null
  if (object.termType === 'BlankNode') {
    if ((line.ob = blankLabel(object)) === undefined) return null
  } else {
    const o = serializeObject(object)
    if (o === undefined) return null
    line.o = o
  }
  if (graph.termType === 'NamedNode') line.g = ` <${escapeIri(graph.value)}>`
  else if (graph.termType === 'BlankNode') {
    if ((line.gb = blankLabel(graph)) === undefined) return null
  } else if (graph.termType !== 'DefaultGraph') return null
  return line
}

/** An identifier issuer (RDFC-1.0 §4.5): old label → prefix + counter, in issue order. */
class Issuer {
  constructor(
    readonly prefix: string,
    readonly existing: Map<string, string> = new Map(),
    public counter = 0
  ) {}
  clone(): Issuer {
    return new Issuer(this.prefix, new Map(this.existing), this.counter)
  }
  getId(old: string): string {
    const existing = this.existing.get(old)
    if (existing) return existing
    const id = this.prefix + this.counter++
    this.existing.set(old, id)
    return id
  }
  has(old: string): boolean {
    return this.existing.has(old)
  }
}

/** rdf-canonize's Permuter: the permutations of a list, in the same order (sorted start, Johnson-Trotter). */
function* permutations(list: string[]): Generator<string[]> {
  const current = list.sort()
  const left = new Map<string, boolean>()
  for (const element of current) left.set(element, true)
  const length = current.length
  for (;;) {
    yield current.slice()
    let k: string | null = null
    let pos = 0
    for (let i = 0; i < length; ++i) {
      const element = current[i] as string
      const goesLeft = left.get(element)
      if (
        (k === null || element > k) &&
        ((goesLeft && i > 0 && element > (current[i - 1] as string)) ||
          (!goesLeft && i < length - 1 && element > (current[i + 1] as string)))
      ) {
        k = element
        pos = i
      }
    }
    if (k === null) return
    const swap = left.get(k) ? pos - 1 : pos + 1
    current[pos] = current[swap] as string
    current[swap] = k
    for (const element of current) if (element > k) left.set(element, !left.get(element))
  }
}

/**
 * The lines `s[i] + p[i] + o[i]`, sorted (UTF-16 code units, as Array.prototype.sort) and joined. Sorted by
 * subject, then predicate, then the rest: the same order as sorting whole lines, because a serialized
 * subject never is a proper prefix of another but for blank node labels (_:c14n1, _:c14n10), which are
 * followed by a space where the longer one has a digit; and a predicate (" <iri> ") never is a proper
 * prefix of another. Faster than sorting whole lines: short comparisons, rarely between equal prefixes.
 */
function sortedLines(s: string[], p: string[], o: string[]): string {
  const bySubject = new Map<string, number[]>()
  for (let i = 0; i < s.length; i++) {
    const subject = s[i] as string
    const group = bySubject.get(subject)
    if (group === undefined) bySubject.set(subject, [i])
    else group.push(i)
  }
  sortP = p
  sortO = o
  let out = ''
  for (const subject of [...bySubject.keys()].sort()) {
    const group = bySubject.get(subject) as number[]
    if (group.length > 1) group.sort(byRest)
    for (const i of group) out += subject + (p[i] as string) + (o[i] as string)
  }
  sortP = sortO = EMPTY
  return out
}

// byRest's arrays, set by sortedLines around its (synchronous) sorts: no closure made per call
const EMPTY: string[] = []
let sortP = EMPTY
let sortO = EMPTY

function byRest(a: number, b: number): number {
  const pa = sortP[a] as string
  const pb = sortP[b] as string
  if (pa !== pb) return pa < pb ? -1 : 1
  const oa = sortO[a] as string
  const ob = sortO[b] as string
  return oa < ob ? -1 : oa > ob ? 1 : 0
}

class Canonicalizer {
  readonly lines: Line[]
  /** blank node label → the lines it occurs in (each once), in first-occurrence order */
  readonly quadsOf = new Map<string, Line[]>()
  readonly firstDegree = new Map<string, string>()
  readonly canonical = new Issuer('c14n')
  maxDeepIterations = 0
  remainingDeepIterations = 0

  constructor(lines: Line[]) {
    this.lines = lines
    for (const line of lines) {
      this.#add(line.sb, line)
      this.#add(line.ob, line)
      this.#add(line.gb, line)
    }
  }

  #add(label: string | undefined, line: Line): void {
    if (label === undefined) return
    const list = this.quadsOf.get(label)
    if (list === undefined) this.quadsOf.set(label, [line])
    else if (list[list.length - 1] !== line) list.push(line)
  }

  /** Hash First Degree Quads (§4.6): the reference node is _:a, every other blank node _:z. */
  hashFirstDegree(id: string): string {
    const lines = this.quadsOf.get(id) as Line[]
    const n = lines.length
    const s = new Array<string>(n)
    const p = new Array<string>(n)
    const o = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const l = lines[i] as Line
      const object = l.ob === undefined ? l.o : l.ob === id ? '_:a' : '_:z'
      const graph = l.gb === undefined ? l.g : l.gb === id ? ' _:a' : ' _:z'
      s[i] = l.sb === undefined ? l.s : l.sb === id ? '_:a' : '_:z'
      p[i] = l.p
      o[i] = `${object}${graph} .\n`
    }
    const hash = sha256Hex(sortedLines(s, p, o))
    this.firstDegree.set(id, hash)
    return hash
  }

  /** Hash Related Blank Node (§4.7) */
  hashRelated(related: string, line: Line, issuer: Issuer, position: 's' | 'o' | 'g'): string {
    let input = position
    // rdf-canonize uses the predicate IRI unescaped here
    if (position !== 'g') input += `<${line.pv}>`
    if (this.canonical.has(related)) input += '_:' + this.canonical.getId(related)
    else if (issuer.has(related)) input += '_:' + issuer.getId(related)
    else input += this.firstDegree.get(related) as string
    return sha256Hex(input)
  }

  /** Hash N-Degree Quads (§4.8) */
  hashNDegree(id: string, issuerIn: Issuer): { hash: string; issuer: Issuer } {
    if (this.remainingDeepIterations === 0) {
      throw new Error(`Maximum deep iterations exceeded (${this.maxDeepIterations}).`)
    }
    this.remainingDeepIterations--
    let issuer = issuerIn
    const hashToRelated = new Map<string, string[]>()
    for (const line of this.quadsOf.get(id) as Line[]) {
      for (const [related, position] of [
        [line.sb, 's'],
        [line.ob, 'o'],
        [line.gb, 'g']
      ] as const) {
        if (related === undefined || related === id) continue
        const hash = this.hashRelated(related, line, issuer, position)
        const entries = hashToRelated.get(hash)
        if (entries) entries.push(related)
        else hashToRelated.set(hash, [related])
      }
    }
    let data = ''
    for (const hash of [...hashToRelated.keys()].sort()) {
      data += hash
      let chosenPath = ''
      let chosenIssuer: Issuer | undefined
      for (const permutation of permutations(hashToRelated.get(hash) as string[])) {
        let issuerCopy = issuer.clone()
        let path = ''
        const recursionList: string[] = []
        let skip = false
        for (const related of permutation) {
          if (this.canonical.has(related)) {
            path += '_:' + this.canonical.getId(related)
          } else {
            if (!issuerCopy.has(related)) recursionList.push(related)
            path += '_:' + issuerCopy.getId(related)
          }
          if (chosenPath.length !== 0 && path > chosenPath) {
            skip = true
            break
          }
        }
        if (skip) continue
        for (const related of recursionList) {
          const result = this.hashNDegree(related, issuerCopy)
          path += '_:' + issuerCopy.getId(related)
          path += `<${result.hash}>`
          issuerCopy = result.issuer
          if (chosenPath.length !== 0 && path > chosenPath) {
            skip = true
            break
          }
        }
        if (skip) continue
        if (chosenPath.length === 0 || path < chosenPath) {
          chosenPath = path
          chosenIssuer = issuerCopy
        }
      }
      data += chosenPath
      issuer = chosenIssuer as Issuer
    }
    return { hash: sha256Hex(data), issuer }
  }

  main(): string {
    // 5.3: first-degree hashes, grouped
    const hashToBlankNodes = new Map<string, string[]>()
    for (const id of this.quadsOf.keys()) {
      const hash = this.hashFirstDegree(id)
      const list = hashToBlankNodes.get(hash)
      if (list) list.push(id)
      else hashToBlankNodes.set(hash, [id])
    }
    // 5.4: unique hashes get canonical labels in hash order; the others wait
    const nonUnique: string[][] = []
    for (const hash of [...hashToBlankNodes.keys()].sort()) {
      const ids = hashToBlankNodes.get(hash) as string[]
      if (ids.length > 1) nonUnique.push(ids)
      else this.canonical.getId(ids[0] as string)
    }
    // rdf-canonize's default limit: maxWorkFactor 1, i.e. as many deep iterations as non-unique nodes
    let max = nonUnique.reduce((n, ids) => n + ids.length, 0)
    if (max > Number.MAX_SAFE_INTEGER) max = Infinity
    this.maxDeepIterations = max
    this.remainingDeepIterations = max
    // 6: Hash N-Degree Quads for the rest
    for (const ids of nonUnique) {
      const hashPaths: { hash: string; issuer: Issuer }[] = []
      for (const id of ids) {
        if (this.canonical.has(id)) continue
        const issuer = new Issuer('b')
        issuer.getId(id)
        hashPaths.push(this.hashNDegree(id, issuer))
      }
      hashPaths.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
      for (const result of hashPaths) {
        for (const old of result.issuer.existing.keys()) this.canonical.getId(old)
      }
    }
    // 7: relabel, serialize, sort
    const n = this.lines.length
    const s = new Array<string>(n)
    const p = new Array<string>(n)
    const o = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const l = this.lines[i] as Line
      const object = l.ob === undefined ? l.o : '_:' + this.canonical.getId(l.ob)
      const graph = l.gb === undefined ? l.g : ' _:' + this.canonical.getId(l.gb)
      s[i] = l.sb === undefined ? l.s : '_:' + this.canonical.getId(l.sb)
      p[i] = l.p
      o[i] = `${object}${graph} .\n`
    }
    return sortedLines(s, p, o)
  }
}

/**
 * The RDFC-1.0 canonical N-Quads of `dataset`, exactly as rdf-canonize's `_canonizeSync` (algorithm
 * RDFC-1.0, default options) gives them; undefined for the inputs left to rdf-canonize (see above).
 * Throws, as rdf-canonize does, when the Hash N-Degree Quads work limit is exceeded.
 */
export function canonicalNQuads(dataset: readonly RdfQuad[]): string | undefined {
  const lines = new Array<Line>(dataset.length)
  const seen = new Set<RdfQuad>()
  for (let i = 0; i < dataset.length; i++) {
    const quad = dataset[i] as RdfQuad
    if (seen.has(quad)) return undefined
    seen.add(quad)
    const line = toLine(quad)
    if (line === null) return undefined
    lines[i] = line
  }
  return new Canonicalizer(lines).main()
}

/** The RDFC-1.0 canonical N-Quads of a dataset given as lines (see Line), as canonicalNQuads would give. */
export function canonicalLines(lines: Line[]): string {
  return new Canonicalizer(lines).main()
}

/**
 * JSON-LD expansion templates: the costly part of canonicalizing a credential is JSON-LD expansion (context
 * processing, term resolution), and it depends only on the document's *shape*: its keys, its `@context`
 * and `type` values, its numbers and booleans, and which strings sit where. The string values only flow
 * into the RDF terms (an IRI or a literal), unchanged.
 *
 * So the first time a shape is seen, we expand a copy of the document where every string value (except
 * `type`s and contexts) is replaced by a unique placeholder IRI `urn:x-musette-ph:<n>`, then record, for each
 * quad term, which placeholder it came from. The next document of that shape gets its dataset by substituting
 * its own strings, without any JSON-LD work. RDFC-1.0 then runs on the real dataset as usual, so blank-node
 * labels still depend on the real values.
 *
 * Safety: a template is used only when the expansion is provably value-independent:
 * - every placeholder appears in the dataset, only as a whole term (never inside another string, as with
 *   `@json` literals), either as one literal or only as IRIs (an id is the subject of its node's quads and
 *   the object of references to it); else the shape is marked as not templatable;
 * - a value that lands in an IRI position must be an absolute IRI with a plain scheme (did:, urn:, https:,
 *   http:) and only characters allowed unescaped in N-Quads IRIs; otherwise (relative IRIs, compact IRIs,
 *   vocabulary terms, blank node ids…) the document goes through the reference path;
 * - the schemes above are not defined as terms by any bundled context (tested), so they never expand as
 *   compact IRIs, and only documents whose contexts are all bundled URLs are templated.
 * Tests compare the fast path with the reference path on many documents.
 */
import type { RdfQuad, RdfTerm } from 'jsonld'
import { isKnownContext } from './loader.ts'

const PH_PREFIX = 'urn:x-musette-ph:'
const MAX_TEMPLATES = 256
const MAX_STRINGS = 2000
const SAFE_IRI = /^(?:did|urn|https?):[^\s<>"{}|\\^`]*$/
// Placeholders are numbers; a real value that looks like one must not be substituted into a template.
const LOOKS_LIKE_PH = /^urn:x-musette-ph:/

type Slot = { kind: 'fixed' } | { kind: 'iri' | 'literal'; index: number }

interface QuadTemplate {
  quad: RdfQuad
  slots: [Slot, Slot, Slot, Slot]
}

interface Template {
  quads: QuadTemplate[]
  /** for each string index: true if it becomes an IRI */
  iriPositions: boolean[]
}

const templates = new Map<string, Template | null>()

interface Walk {
  shape: string[]
  strings: string[]
  ok: boolean
  /** indices of strings kept verbatim (part of the shape): values in vocabulary positions */
  keep?: Set<number>
}

function walkValue(value: unknown, key: string, w: Walk, depth: number): unknown {
  if (!w.ok) return value
  if (depth > 64) {
    w.ok = false
    return value
  }
  if (typeof value === 'string') {
    if (key === '@context' || key === 'type' || key === '@type') {
      if (key === '@context' && !isKnownContext(value)) w.ok = false
      w.shape.push(JSON.stringify(value), ',')
      return value
    }
    if (LOOKS_LIKE_PH.test(value) || w.strings.length >= MAX_STRINGS) w.ok = false
    const index = w.strings.length
    w.strings.push(value)
    if (w.keep?.has(index)) {
      w.shape.push(JSON.stringify(value), ',')
      return value
    }
    w.shape.push('$,')
    return `${PH_PREFIX}${index}`
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    // every scalar token ends with a comma: [1, 23] and [12, 3] must not share a shape
    w.shape.push(JSON.stringify(value), ',')
    return value
  }
  if (Array.isArray(value)) {
    w.shape.push('[')
    const out = value.map((v) => walkValue(v, key, w, depth + 1))
    w.shape.push(']')
    return out
  }
  if (typeof value === 'object') {
    if (key === '@context') {
      // inline contexts are not templated
      w.ok = false
      return value
    }
    w.shape.push('{')
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      w.shape.push(JSON.stringify(k), ':')
      out[k] = walkValue(v, k, w, depth + 1)
    }
    w.shape.push('}')
    return out
  }
  w.ok = false
  return value
}

function slotOf(term: RdfTerm, seen: Map<number, string>): Slot | null {
  const v = term.value
  const at = v.indexOf(PH_PREFIX)
  if (at === -1) return { kind: 'fixed' }
  if (at !== 0) return null
  const rest = v.slice(PH_PREFIX.length)
  if (!/^\d+$/.test(rest)) return null
  const index = Number(rest)
  const before = seen.get(index)
  if (term.termType === 'NamedNode') {
    // an id is the subject of its node's quads and the object of references to it: many uses, all IRIs
    if (before !== undefined && before !== 'iri') return null
    seen.set(index, 'iri')
    return { kind: 'iri', index }
  }
  if (term.termType === 'Literal') {
    // a string value is one literal, once
    if (before !== undefined || term.datatype?.value.includes(PH_PREFIX)) return null
    seen.set(index, 'literal')
    return { kind: 'literal', index }
  }
  return null
}

function buildTemplate(dataset: RdfQuad[], count: number, keep?: Set<number>): Template | null {
  const seen = new Map<number, string>()
  const quads: QuadTemplate[] = []
  for (const quad of dataset) {
    const slots = [quad.subject, quad.predicate, quad.object, quad.graph].map((t) => slotOf(t, seen))
    if (slots.some((s) => s === null)) return null
    quads.push({ quad, slots: slots as [Slot, Slot, Slot, Slot] })
  }
  const iriPositions = new Array<boolean>(count).fill(false)
  for (let i = 0; i < count; i++) {
    // every string must land in the dataset: one that expansion dropped cannot be substituted safely
    if (keep?.has(i)) continue
    const kind = seen.get(i)
    if (kind === undefined) return null
    iriPositions[i] = kind === 'iri'
  }
  return { quads, iriPositions }
}

function fill(term: RdfTerm, slot: Slot, strings: string[]): RdfTerm {
  if (slot.kind === 'fixed') return term
  const value = strings[slot.index] ?? ''
  return { ...term, value }
}

/**
 * The RDF dataset of `doc`, from a cached template when its shape has been seen, else from `expand`
 * (the reference path), recording a template for next time.
 */
export async function templatedDataset(
  doc: unknown,
  expand: (doc: unknown) => Promise<RdfQuad[]>
): Promise<RdfQuad[]> {
  const first = await attempt(doc, expand, undefined)
  if (first.dataset) return first.dataset
  if (first.unsafe === undefined) return expand(doc)
  // some strings sit in IRI positions but are not absolute IRIs (e.g. `proofPurpose: "assertionMethod"`,
  // expanded against the vocabulary): make them part of the shape, and try once more
  const second = await attempt(doc, expand, first.unsafe)
  return second.dataset ?? expand(doc)
}

async function attempt(
  doc: unknown,
  expand: (doc: unknown) => Promise<RdfQuad[]>,
  keep: Set<number> | undefined
): Promise<{ dataset?: RdfQuad[]; unsafe?: Set<number> }> {
  const w: Walk = { shape: [], strings: [], ok: true, ...(keep ? { keep } : {}) }
  const skeleton = walkValue(doc, '', w, 0)
  if (!w.ok) return {}
  const shape = w.shape.join('')
  let template = templates.get(shape)
  if (template === undefined) {
    try {
      template = buildTemplate(await expand(skeleton), w.strings.length, keep)
    } catch {
      template = null
    }
    if (templates.size >= MAX_TEMPLATES) {
      const oldest = templates.keys().next().value
      if (oldest !== undefined) templates.delete(oldest)
    }
    templates.set(shape, template)
  }
  if (template === null) return {}
  const { strings } = w
  let unsafe: Set<number> | undefined
  for (let i = 0; i < strings.length; i++) {
    if (template.iriPositions[i] && !SAFE_IRI.test(strings[i] ?? '')) (unsafe ??= new Set()).add(i)
  }
  if (unsafe) return keep ? {} : { unsafe }
  const out: RdfQuad[] = []
  const keys = new Set<string>()
  for (const { quad, slots } of template.quads) {
    const q: RdfQuad = {
      subject: fill(quad.subject, slots[0], strings),
      predicate: fill(quad.predicate, slots[1], strings),
      object: fill(quad.object, slots[2], strings),
      graph: fill(quad.graph, slots[3], strings)
    }
    // two nodes given the same id merge in RDF: drop duplicate quads, as expansion would
    const key = `${q.subject.termType}${q.subject.value}\u0000${q.predicate.value}\u0000${q.object.termType}${q.object.value}\u0000${q.object.datatype?.value ?? ''}\u0000${q.object.language ?? ''}\u0000${q.graph.termType}${q.graph.value}`
    if (keys.has(key)) continue
    keys.add(key)
    out.push(q)
  }
  return { dataset: out }
}

/** For tests and benchmarks. */
export function clearTemplates(): void {
  templates.clear()
}

export function templateCount(): number {
  return templates.size
}

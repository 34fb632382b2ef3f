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
 * - the shape key ends every scalar token with a comma, so that it never gives two different documents
 *   the same shape (numbers and booleans are part of the shape, and [1, 23] is not [12, 3]).
 * Duplicate quads (two nodes with one id merge in RDF) are dropped as expansion would drop them.
 *
 * For canonicalization, a template also carries its quads pre-serialized as N-Quads lines (rdfc.ts), so
 * that a document of a known shape goes from JSON to RDFC-1.0 input with no JSON-LD work and no escaping
 * but that of its own string literals.
 * Tests compare the fast path with the reference path on many documents.
 */
import type { RdfQuad, RdfTerm } from 'jsonld'
import { isKnownContext } from './loader.ts'
import { blankLabel, escapeIri, escapeLiteral, serializeObject, type Line } from './rdfc.ts'

const PH_PREFIX = 'urn:x-musette-ph:'
const MAX_TEMPLATES = 256
const MAX_STRINGS = 2000
// an absolute IRI with a plain scheme and nothing N-Quads would escape (so it is substituted as is)
// eslint-disable-next-line no-control-regex
const SAFE_IRI = /^(?:did|urn|https?):[^\s\u0000-\u0020<>"{}|\\^`]*$/

type Slot = { kind: 'fixed' } | { kind: 'iri' | 'literal'; index: number }

/** How one term of a template quad becomes a term of a line (rdfc.ts) and a term id (duplicates). */
interface TermPlan {
  /** -1 for a fixed term, else the index of the string that fills it */
  index: number
  /** fixed: the serialized term ("" for a blank node or the default graph); literal slot: what follows the
   * quoted value (datatype or language); IRI slot: unused */
  text: string
  /** a fixed blank node's label */
  blank: string | undefined
  /** fixed: the term's id; slot: the id of its kind (term id = value id × kinds + kind) */
  id: number
}

interface QuadTemplate {
  quad: RdfQuad
  slots: [Slot, Slot, Slot, Slot]
  plan: [TermPlan, TermPlan, TermPlan, TermPlan]
}

interface Template {
  quads: QuadTemplate[]
  /** for each string index: true if it becomes an IRI */
  iriPositions: boolean[]
  /** the indices of the strings that become IRIs */
  iriIndices: number[]
  /** false if some fixed term cannot be pre-serialized (then canonicalization goes through rdfc.ts's input) */
  lineable: boolean
  /** the values of the fixed terms → value id */
  values: Map<string, number>
  /** number of term kinds (term type, datatype, language) */
  kinds: number
}

const templates = new Map<string, Template | null>()

interface Walk {
  shape: string
  strings: string[]
  ok: boolean
  /** indices of strings kept verbatim (part of the shape): values in vocabulary positions */
  keep: Set<number> | undefined
}

// The shape's tokens for keys and for `type`/`@context` values, which repeat a lot: a short code each
// ("#" or "%", base 36, ":" or ","), given once and never reassigned, so one code always means one text;
// past MAX_TOKENS texts, the JSON of the text itself (which starts with a quote, never with # or %).
const KEY_TOKENS = new Map<string, string>()
const VALUE_TOKENS = new Map<string, string>()
const MAX_TOKENS = 4096

function token(cache: Map<string, string>, text: string, mark: string, end: string): string {
  let t = cache.get(text)
  if (t === undefined) {
    if (cache.size >= MAX_TOKENS) return JSON.stringify(text) + end
    t = mark + cache.size.toString(36) + end
    cache.set(text, t)
  }
  return t
}

/**
 * Walks a document: its shape key and its strings, in document order; with `build`, also the skeleton (the
 * document with every string but kept ones replaced by its placeholder). The same walk either way, so the
 * placeholders' numbers are the strings' indices.
 */
function walkValue(value: unknown, key: string, w: Walk, depth: number, build: boolean): unknown {
  if (!w.ok) return value
  if (depth > 64) {
    w.ok = false
    return value
  }
  if (typeof value === 'string') {
    if (key === '@context' || key === 'type' || key === '@type') {
      if (key === '@context' && !isKnownContext(value)) w.ok = false
      w.shape += token(VALUE_TOKENS, value, '%', ',')
      return value
    }
    // placeholders are numbered; a real value that looks like one must not be substituted into a template
    if (value.startsWith(PH_PREFIX) || w.strings.length >= MAX_STRINGS) w.ok = false
    const index = w.strings.length
    w.strings.push(value)
    if (w.keep?.has(index)) {
      w.shape += JSON.stringify(value) + ','
      return value
    }
    w.shape += '$,'
    return build ? `${PH_PREFIX}${index}` : undefined
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    // every scalar token ends with a comma: [1, 23] and [12, 3] must not share a shape
    w.shape += JSON.stringify(value) + ','
    return value
  }
  if (Array.isArray(value)) {
    w.shape += '['
    let out: unknown[] | undefined
    if (build) {
      out = []
      for (const v of value) out.push(walkValue(v, key, w, depth + 1, true))
    } else {
      for (const v of value) walkValue(v, key, w, depth + 1, false)
    }
    w.shape += ']'
    return out
  }
  if (typeof value === 'object') {
    if (key === '@context') {
      // inline contexts are not templated
      w.ok = false
      return value
    }
    w.shape += '{'
    const out: Record<string, unknown> | undefined = build ? {} : undefined
    for (const k of Object.keys(value)) {
      w.shape += token(KEY_TOKENS, k, '#', ':')
      const v = walkValue((value as Record<string, unknown>)[k], k, w, depth + 1, build)
      if (out) out[k] = v
    }
    w.shape += '}'
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

/** The kind of a term: what, besides its value, makes it equal to another term. */
function kindKey(term: RdfTerm): string {
  if (term.termType === 'Literal')
    return JSON.stringify([term.datatype?.value ?? null, term.language ?? null])
  return term.termType
}

const POSITIONS = ['subject', 'predicate', 'object', 'graph'] as const

function buildTemplate(dataset: RdfQuad[], count: number, keep: Set<number> | undefined): Template | null {
  const seen = new Map<number, string>()
  const slotted: { quad: RdfQuad; slots: [Slot, Slot, Slot, Slot] }[] = []
  const kindIds = new Map<string, number>()
  const values = new Map<string, number>()
  for (const quad of dataset) {
    const slots = POSITIONS.map((p) => slotOf(quad[p], seen))
    if (slots.some((s) => s === null)) return null
    slotted.push({ quad, slots: slots as [Slot, Slot, Slot, Slot] })
    for (const p of POSITIONS) {
      const key = kindKey(quad[p])
      if (!kindIds.has(key)) kindIds.set(key, kindIds.size)
    }
  }
  const iriPositions = new Array<boolean>(count).fill(false)
  const iriIndices: number[] = []
  for (let i = 0; i < count; i++) {
    // every string must land in the dataset: one that expansion dropped cannot be substituted safely
    if (keep?.has(i)) continue
    const kind = seen.get(i)
    if (kind === undefined) return null
    iriPositions[i] = kind === 'iri'
    if (kind === 'iri') iriIndices.push(i)
  }
  const kinds = kindIds.size
  let lineable = true
  const planOf = (term: RdfTerm, slot: Slot, position: (typeof POSITIONS)[number]): TermPlan => {
    const kind = kindIds.get(kindKey(term)) as number
    if (slot.kind !== 'fixed') {
      let text = ''
      if (slot.kind === 'literal') {
        // what serializeObject appends after the quoted value
        const whole = serializeObject(term)
        if (whole === undefined) lineable = false
        else text = whole.slice(escapeLiteral(term.value).length + 2)
        if (position !== 'object') lineable = false
      } else if (position === 'predicate') lineable = false
      return { index: slot.index, text, blank: undefined, id: kind }
    }
    let valueId = values.get(term.value)
    if (valueId === undefined) values.set(term.value, (valueId = values.size))
    const id = valueId * kinds + kind
    if (term.termType === 'BlankNode') {
      const label = blankLabel(term)
      if (label === undefined || position === 'predicate') lineable = false
      return { index: -1, text: '', blank: label, id }
    }
    let text = ''
    if (position === 'object') text = serializeObject(term) ?? ''
    else if (term.termType === 'NamedNode') text = `<${escapeIri(term.value)}>`
    else if (!(position === 'graph' && term.termType === 'DefaultGraph')) lineable = false
    if (position === 'object' && text === '') lineable = false
    if (position === 'predicate') text = ` ${text} `
    else if (position === 'graph' && text !== '') text = ` ${text}`
    return { index: -1, text, blank: undefined, id }
  }
  const quads: QuadTemplate[] = slotted.map(({ quad, slots }) => ({
    quad,
    slots,
    plan: [
      planOf(quad.subject, slots[0], 'subject'),
      planOf(quad.predicate, slots[1], 'predicate'),
      planOf(quad.object, slots[2], 'object'),
      planOf(quad.graph, slots[3], 'graph')
    ]
  }))
  return { quads, iriPositions, iriIndices, lineable, values, kinds }
}

function fill(term: RdfTerm, slot: Slot, strings: string[]): RdfTerm {
  if (slot.kind === 'fixed') return term
  const value = strings[slot.index] ?? ''
  return { ...term, value }
}

type Expand = (doc: unknown) => Promise<RdfQuad[]>

interface Match {
  template: Template
  strings: string[]
}

/** The template for `doc` and its strings; undefined when the document is not templatable. */
async function match(doc: unknown, expand: Expand): Promise<Match | undefined> {
  const first = await attempt(doc, expand, undefined)
  if (first.match || first.unsafe === undefined) return first.match
  // some strings sit in IRI positions but are not absolute IRIs (e.g. `proofPurpose: "assertionMethod"`,
  // expanded against the vocabulary): make them part of the shape, and try once more
  const second = await attempt(doc, expand, first.unsafe)
  return second.match
}

async function attempt(
  doc: unknown,
  expand: Expand,
  keep: Set<number> | undefined
): Promise<{ match?: Match; unsafe?: Set<number> }> {
  const w: Walk = { shape: '', strings: [], ok: true, keep }
  walkValue(doc, '', w, 0, false)
  if (!w.ok) return {}
  const { shape, strings } = w
  let template = templates.get(shape)
  if (template === undefined) {
    const b: Walk = { shape: '', strings: [], ok: true, keep }
    const skeleton = walkValue(doc, '', b, 0, true)
    try {
      template = buildTemplate(await expand(skeleton), strings.length, keep)
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
  let unsafe: Set<number> | undefined
  for (const i of template.iriIndices) {
    if (!SAFE_IRI.test(strings[i] ?? '')) (unsafe ??= new Set()).add(i)
  }
  if (unsafe) return keep ? {} : { unsafe }
  return { match: { template, strings } }
}

/**
 * Which filled quads to keep: two nodes given the same id merge in RDF, so drop duplicate quads, as
 * expansion would. A quad is identified by its four term ids (value id × kinds + kind).
 */
function keepMask({ template, strings }: Match): Uint8Array {
  const { quads, values, kinds } = template
  const local = new Map<string, number>()
  const valueIds = new Array<number>(strings.length)
  for (let i = 0; i < strings.length; i++) {
    const value = strings[i] as string
    let id = values.get(value) ?? local.get(value)
    if (id === undefined) local.set(value, (id = values.size + local.size))
    valueIds[i] = id
  }
  const termCount = (values.size + local.size) * kinds
  const keepQuad = new Uint8Array(quads.length)
  // four ids in one number while it stays exact (2^52), else a string
  const numeric = termCount <= 8192
  const keys = new Set<number | string>()
  for (let q = 0; q < quads.length; q++) {
    const plan = (quads[q] as QuadTemplate).plan
    let key: number | string = numeric ? 0 : ''
    for (let t = 0; t < 4; t++) {
      const term = plan[t] as TermPlan
      const id = term.index === -1 ? term.id : (valueIds[term.index] as number) * kinds + term.id
      if (numeric) key = (key as number) * 8192 + id
      else key += `${id},`
    }
    if (keys.has(key)) continue
    keys.add(key)
    keepQuad[q] = 1
  }
  return keepQuad
}

/**
 * The RDF dataset of `doc`, from a cached template when its shape has been seen, else from `expand`
 * (the reference path), recording a template for next time.
 */
export async function templatedDataset(doc: unknown, expand: Expand): Promise<RdfQuad[]> {
  const m = await match(doc, expand)
  if (!m) return expand(doc)
  const mask = keepMask(m)
  const out: RdfQuad[] = []
  m.template.quads.forEach(({ quad, slots }, q) => {
    if (!mask[q]) return
    out.push({
      subject: fill(quad.subject, slots[0], m.strings),
      predicate: fill(quad.predicate, slots[1], m.strings),
      object: fill(quad.object, slots[2], m.strings),
      graph: fill(quad.graph, slots[3], m.strings)
    })
  })
  return out
}

/**
 * The dataset of `doc` ready for RDFC-1.0: as N-Quads lines (rdfc.ts) straight from a template when its
 * shape has been seen, else as quads (expanded by `expand`, or filled from a template).
 */
export async function templatedLines(
  doc: unknown,
  expand: Expand
): Promise<{ lines: Line[] } | { dataset: RdfQuad[] }> {
  const m = await match(doc, expand)
  if (!m) return { dataset: await expand(doc) }
  if (!m.template.lineable) return { dataset: await templatedDataset(doc, expand) }
  const { template, strings } = m
  const mask = keepMask(m)
  // an IRI value is used many times (an id): its N-Quads form once; SAFE_IRI leaves nothing to escape
  const iris = new Array<string | undefined>(strings.length)
  for (const i of template.iriIndices) iris[i] = `<${strings[i] as string}>`
  const lines: Line[] = []
  for (let q = 0; q < template.quads.length; q++) {
    if (!mask[q]) continue
    const { quad, plan } = template.quads[q] as QuadTemplate
    const [s, p, o, g] = plan
    lines.push({
      s: s.index === -1 ? s.text : (iris[s.index] as string),
      sb: s.blank,
      p: p.text,
      pv: quad.predicate.value,
      o:
        o.index === -1
          ? o.text
          : template.iriPositions[o.index]
            ? (iris[o.index] as string)
            : `"${escapeLiteral(strings[o.index] as string)}"${o.text}`,
      ob: o.blank,
      g: g.index === -1 ? g.text : ` ${iris[g.index] as string}`,
      gb: g.blank
    })
  }
  return { lines }
}

/** For tests and benchmarks. */
export function clearTemplates(): void {
  templates.clear()
}

export function templateCount(): number {
  return templates.size
}

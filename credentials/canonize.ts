/**
 * RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, with the static loader only.
 *
 * The reference path is jsonld's toRDF (safe mode) then rdf-canonize: exactly what
 * @digitalbazaar/eddsa-rdfc-2022-cryptosuite does. The fast path skips JSON-LD expansion for documents whose
 * shape (keys, types, contexts) was already expanded once (template.ts), and runs RDFC-1.0 through rdfc.ts,
 * a port of rdf-canonize's algorithm with the same output (rdf-canonize itself for the inputs it leaves).
 */
import jsonld from 'jsonld'
import type { RdfQuad } from 'jsonld'
import * as rdfCanonize from 'rdf-canonize'
import { documentLoader } from './loader.ts'
import { canonicalLines, canonicalNQuads } from './rdfc.ts'
import { templatedLines } from './template.ts'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

export async function toDataset(doc: unknown): Promise<RdfQuad[]> {
  return jsonld.toRDF(doc, {
    documentLoader,
    safe: true,
    base: null,
    rdfDirection: 'i18n-datatype',
    produceGeneralizedRdf: false
  })
}

/**
 * rdf-canonize's browser build hashes with WebCrypto, which is async: its synchronous canonizer would hash
 * "[object Promise]" for every blank node. Outside Node, give it @noble/hashes' synchronous SHA-256 (the same
 * function); in Node its own node:crypto digest is synchronous already, and faster.
 */
export class Sha256Digest {
  readonly #h = sha256.create()
  update(msg: string): void {
    this.#h.update(utf8ToBytes(msg))
  }
  digest(): string {
    return bytesToHex(this.#h.digest())
  }
}
const IN_NODE =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string'
const DIGEST_OPTIONS = IN_NODE ? {} : { createMessageDigest: () => new Sha256Digest() }

/** RDFC-1.0 N-Quads of a dataset: rdfc.ts, or rdf-canonize for the inputs rdfc.ts leaves to it. */
export function canonizeDataset(dataset: RdfQuad[]): string {
  return canonicalNQuads(dataset) ?? canonizeDatasetReference(dataset)
}

/** RDFC-1.0 N-Quads of a dataset by rdf-canonize itself (the reference for rdfc.ts). */
export function canonizeDatasetReference(dataset: RdfQuad[]): string {
  return rdfCanonize._canonizeSync(dataset, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    ...DIGEST_OPTIONS
  })
}

/** The reference path: JSON-LD → RDF (jsonld, safe mode) → RDFC-1.0 N-Quads (rdf-canonize). */
export async function canonizeReference(doc: unknown): Promise<string> {
  return canonizeDatasetReference(await toDataset(doc))
}

/** RDFC-1.0 N-Quads of a JSON-LD document; the same bytes as canonizeReference, faster on known shapes. */
export async function canonize(doc: unknown): Promise<string> {
  const prepared = await templatedLines(doc, toDataset)
  return 'lines' in prepared ? canonicalLines(prepared.lines) : canonizeDataset(prepared.dataset)
}

/**
 * RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, with the static loader only.
 *
 * The reference path is jsonld's toRDF (safe mode) then rdf-canonize: exactly what
 * @digitalbazaar/eddsa-rdfc-2022-cryptosuite does. The fast path (template.ts) skips JSON-LD expansion for
 * documents whose shape (keys, types, contexts) was already expanded once.
 */
import jsonld from 'jsonld'
import type { RdfQuad } from 'jsonld'
import * as rdfCanonize from 'rdf-canonize'
import { documentLoader } from './loader.ts'
import { templatedDataset } from './template.ts'

export async function toDataset(doc: unknown): Promise<RdfQuad[]> {
  return jsonld.toRDF(doc, {
    documentLoader,
    safe: true,
    base: null,
    rdfDirection: 'i18n-datatype',
    produceGeneralizedRdf: false
  })
}

export function canonizeDataset(dataset: RdfQuad[]): string {
  return rdfCanonize._canonizeSync(dataset, { algorithm: 'RDFC-1.0', format: 'application/n-quads' })
}

/** The reference path: JSON-LD → RDF (jsonld, safe mode) → RDFC-1.0 N-Quads. */
export async function canonizeReference(doc: unknown): Promise<string> {
  return canonizeDataset(await toDataset(doc))
}

/** RDFC-1.0 N-Quads of a JSON-LD document; the same bytes as canonizeReference, faster on known shapes. */
export async function canonize(doc: unknown): Promise<string> {
  const dataset = await templatedDataset(doc, toDataset)
  return canonizeDataset(dataset)
}

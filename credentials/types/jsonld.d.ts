// Minimal declarations for jsonld and rdf-canonize (both untyped), limited to what credentials/ uses.

declare module 'jsonld' {
  export interface RemoteDocument {
    contextUrl: string | null
    documentUrl: string
    document: unknown
  }
  export interface RdfTerm {
    termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph'
    value: string
    datatype?: { termType: 'NamedNode'; value: string }
    language?: string
  }
  export interface RdfQuad {
    subject: RdfTerm
    predicate: RdfTerm
    object: RdfTerm
    graph: RdfTerm
  }
  export interface ToRdfOptions {
    documentLoader: (url: string) => Promise<RemoteDocument>
    safe?: boolean
    base?: string | null
    rdfDirection?: string
    produceGeneralizedRdf?: boolean
  }
  const jsonld: {
    toRDF(input: unknown, options: ToRdfOptions): Promise<RdfQuad[]>
  }
  export default jsonld
}

declare module 'rdf-canonize' {
  import type { RdfQuad, RdfTerm } from 'jsonld'
  export function canonize(
    dataset: RdfQuad[],
    options: { algorithm: 'RDFC-1.0'; format?: 'application/n-quads' }
  ): Promise<string>
  export interface MessageDigest {
    update(msg: string): void
    digest(): string
  }
  export function _canonizeSync(
    dataset: RdfQuad[],
    options: {
      algorithm: 'RDFC-1.0'
      format?: 'application/n-quads'
      createMessageDigest?: () => MessageDigest
    }
  ): string
  export const NQuads: {
    serializeQuad(quad: RdfQuad): string
    serializeQuadComponents(s: RdfTerm, p: RdfTerm, o: RdfTerm, g: RdfTerm): string
  }
}

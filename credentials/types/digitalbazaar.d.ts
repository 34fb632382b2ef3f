// Minimal declarations for the untyped Digital Bazaar packages, limited to what credentials/ uses.

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>
}

declare module '@digitalbazaar/data-integrity-context' {
  const mod: { contexts: Map<string, unknown>; CONTEXT_URL: string }
  export default mod
}

declare module '@digitalbazaar/multikey-context' {
  const mod: { contexts: Map<string, unknown>; CONTEXT_URL: string }
  export default mod
}

declare module 'did-context' {
  const mod: { contexts: Map<string, unknown>; CONTEXT_URL: string }
  export default mod
}

declare module 'ed25519-signature-2020-context' {
  const mod: { contexts: Map<string, unknown>; CONTEXT_URL: string }
  export default mod
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519Signer {
    id: string
    algorithm: string
    sign(options: { data: Uint8Array }): Promise<Uint8Array>
  }
  export interface Ed25519MultikeyKeyPair {
    id: string
    controller: string
    publicKeyMultibase: string
    secretKeyMultibase?: string
    signer(): Ed25519Signer
    export(options: {
      publicKey?: boolean
      secretKey?: boolean
      includeContext?: boolean
    }): Promise<Record<string, unknown>>
  }
  export function generate(options: {
    id?: string
    controller?: string
    seed?: Uint8Array
  }): Promise<Ed25519MultikeyKeyPair>
  export function from(key: Record<string, unknown>): Promise<Ed25519MultikeyKeyPair>
}

declare module '@digitalbazaar/ed25519-verification-key-2020' {
  export class Ed25519VerificationKey2020 {
    id: string
    controller: string
    publicKeyMultibase: string
    static generate(options: {
      seed?: Uint8Array
      id?: string
      controller?: string
    }): Promise<Ed25519VerificationKey2020>
    signer(): { id: string; algorithm: string; sign(options: { data: Uint8Array }): Promise<Uint8Array> }
    fingerprint(): string
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; requiredAlgorithm: string }
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; date?: string | Date | null; cryptosuite: unknown })
  }
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(options?: { key?: unknown; signer?: unknown; date?: string | Date | null })
  }
}

declare module '@digitalbazaar/vc' {
  export type DocumentLoader = (url: string) => Promise<{
    contextUrl: string | null
    documentUrl: string
    document: unknown
  }>
  export function issue(options: {
    credential: Record<string, unknown>
    suite: unknown
    documentLoader: DocumentLoader
    now?: string | Date
  }): Promise<Record<string, unknown>>
  export function signPresentation(options: {
    presentation: Record<string, unknown>
    suite: unknown
    documentLoader: DocumentLoader
    challenge: string
    domain?: string
  }): Promise<Record<string, unknown>>
  export function verifyCredential(options: {
    credential: unknown
    suite: unknown
    documentLoader: DocumentLoader
    now?: string | Date
  }): Promise<{ verified: boolean; error?: unknown }>
  export function verify(options: {
    presentation: unknown
    suite: unknown
    documentLoader: DocumentLoader
    challenge: string
    domain?: string
    now?: string | Date
  }): Promise<{ verified: boolean; error?: unknown }>
}

declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    constructor(options: { length?: number; buffer?: Uint8Array })
    readonly length: number
    bits: Uint8Array
    set(position: number, on: boolean): void
    get(position: number): boolean
    encodeBits(): Promise<string>
    static decodeBits(options: { encoded: string }): Promise<Uint8Array>
  }
}

/**
 * Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/): one list per issuer,
 * GZIP-compressed, base64url multibase (`u…`); bit 0 is the most significant bit of the first byte.
 * Compression uses CompressionStream (Node 20 and browsers); decompression is capped.
 */
import { base64url } from 'multiformats/bases/base64'
import { VC_V2_CONTEXT } from './loader.ts'

/** 16 KiB of bits: the spec's minimum, for group privacy. */
export const DEFAULT_STATUS_LIST_LENGTH = 131072
/** Refuse lists that decompress to more than this (a gzip bomb in a 256 KiB credential). */
export const MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024

export type StatusPurpose = 'revocation' | 'suspension'

type Json = Record<string, unknown>

export class StatusListError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StatusListError'
  }
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, max: number) {
  const writer = stream.writable.getWriter()
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close())
  written.catch(() => undefined)
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > max) {
      await reader.cancel()
      throw new StatusListError(`status list larger than ${max} bytes`)
    }
    chunks.push(value)
  }
  await written
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

export async function encodeStatusBits(bits: Uint8Array): Promise<string> {
  const gz = await pipe(bits, new CompressionStream('gzip'), Number.MAX_SAFE_INTEGER)
  return base64url.encode(gz)
}

const decoded = new Map<string, Promise<Uint8Array>>()

/** The bits of an `encodedList` (cached by its exact text). */
export function decodeStatusBits(encodedList: string): Promise<Uint8Array> {
  let entry = decoded.get(encodedList)
  if (!entry) {
    entry = (async () => {
      if (!encodedList.startsWith('u'))
        throw new StatusListError('encodedList must be base64url multibase (u…)')
      let gz: Uint8Array
      try {
        gz = base64url.decode(encodedList)
      } catch {
        throw new StatusListError('encodedList is not valid base64url')
      }
      try {
        return await pipe(gz, new DecompressionStream('gzip'), MAX_STATUS_LIST_BYTES)
      } catch (error) {
        if (error instanceof StatusListError) throw error
        throw new StatusListError('encodedList is not valid GZIP')
      }
    })()
    if (decoded.size >= 32) {
      const oldest = decoded.keys().next().value
      if (oldest !== undefined) decoded.delete(oldest)
    }
    decoded.set(encodedList, entry)
    entry.catch(() => decoded.delete(encodedList))
  }
  return entry
}

export function getBit(bits: Uint8Array, index: number): boolean {
  const byte = bits[index >> 3]
  if (byte === undefined || index < 0) throw new StatusListError(`index ${index} is outside the status list`)
  return (byte & (0x80 >> (index & 7))) !== 0
}

function setBit(bits: Uint8Array, index: number, on: boolean): void {
  const at = index >> 3
  const byte = bits[at]
  if (byte === undefined || index < 0) throw new StatusListError(`index ${index} is outside the status list`)
  bits[at] = on ? byte | (0x80 >> (index & 7)) : byte & ~(0x80 >> (index & 7))
}

export interface CreateStatusListOptions {
  /** the issuer */
  did: string
  /** the list credential's URL (what entries point to) */
  id: string
  length?: number
  purpose?: StatusPurpose
  validFrom?: string
}

/** An unsigned BitstringStatusListCredential with every bit clear; sign it with issueCredential. */
export async function createStatusList(options: CreateStatusListOptions): Promise<Json> {
  const length = options.length ?? DEFAULT_STATUS_LIST_LENGTH
  if (!Number.isInteger(length) || length <= 0 || length % 8 !== 0 || length > MAX_STATUS_LIST_BYTES * 8) {
    throw new StatusListError('the length of a status list is a positive multiple of 8')
  }
  const purpose = options.purpose ?? 'revocation'
  return {
    '@context': [VC_V2_CONTEXT],
    id: options.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.did,
    validFrom: options.validFrom ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    credentialSubject: {
      id: `${options.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList: await encodeStatusBits(new Uint8Array(length / 8))
    }
  }
}

function listSubject(list: Json): Json {
  const subject = list.credentialSubject
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    throw new StatusListError('a status list has one credentialSubject')
  }
  const s = subject as Json
  if (
    s.type !== 'BitstringStatusList' &&
    !(Array.isArray(s.type) && s.type.includes('BitstringStatusList'))
  ) {
    throw new StatusListError('the credentialSubject is not a BitstringStatusList')
  }
  if (typeof s.encodedList !== 'string') throw new StatusListError('the status list has no encodedList')
  return s
}

/**
 * A copy of `list` with the bit at `index` set (revoked) or cleared, and without its proof: sign it again
 * with issueCredential before serving it.
 */
export async function setStatus(list: Json, index: number, revoked: boolean): Promise<Json> {
  const subject = listSubject(list)
  const bits = (await decodeStatusBits(subject.encodedList as string)).slice()
  setBit(bits, index, revoked)
  const copy = structuredClone(list)
  delete copy.proof
  ;(copy.credentialSubject as Json).encodedList = await encodeStatusBits(bits)
  return copy
}

/** Reads the bit at `index` of a status list for `purpose` (the list's proof is checked by the caller). */
export async function readStatusBit(list: Json, index: number, purpose: string): Promise<boolean> {
  const types = Array.isArray(list.type) ? list.type : [list.type]
  if (!types.includes('BitstringStatusListCredential')) {
    throw new StatusListError('not a BitstringStatusListCredential')
  }
  const subject = listSubject(list)
  if (subject.statusPurpose !== purpose) {
    throw new StatusListError(`the status list is for ${String(subject.statusPurpose)}, not ${purpose}`)
  }
  return getBit(await decodeStatusBits(subject.encodedList as string), index)
}

/** The `credentialStatus` entry for the credential at `index` of the list `listId`. */
export function statusEntry(listId: string, index: number, purpose: StatusPurpose = 'revocation'): Json {
  if (!Number.isInteger(index) || index < 0) throw new StatusListError('a status index is a natural number')
  return {
    id: `${listId}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: listId
  }
}

import { lpStream, streamPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { encodeMessage, messageStream, readMessage, writeMessage } from './codec.ts'

const Schema = z.strictObject({ n: z.number().int(), s: z.string().max(10), opt: z.string().optional() })

async function pair(maxDataLength = 1024) {
  const [a, b] = await streamPair()
  return { a, b, la: messageStream(a, { maxDataLength }), lb: messageStream(b, { maxDataLength }) }
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; path?: PropertyKey[] }> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

describe('codec: length-prefixed dag-cbor', () => {
  it('round-trips a message through the schema (undefined properties dropped)', async () => {
    const { la, lb } = await pair()
    await writeMessage(la, { n: 1, s: 'hé', opt: undefined })
    expect(await readMessage(lb, Schema)).toEqual({ n: 1, s: 'hé' })
  })

  it('refuses an announced frame over the cap before reading it', async () => {
    const [a, b] = await streamPair()
    const raw = lpStream(a)
    const lb = messageStream(b, { maxDataLength: 100 })
    await raw.write(encodeMessage({ n: 1, s: 'x'.repeat(200) }))
    const err = await rejection(readMessage(lb, z.unknown()))
    expect(err.name).toBe('MessageTooLargeError')
    expect(err.code).toBe('MESSAGE_TOO_LARGE')
  })

  it('does not write a value over the cap', async () => {
    const { la } = await pair(16)
    const err = await rejection(writeMessage(la, { n: 1, s: 'x'.repeat(100) }))
    expect(err.name).toBe('MessageTooLargeError')
  })

  it('rejects garbage bytes as an InvalidMessageError', async () => {
    const [a, b] = await streamPair()
    await lpStream(a).write(new Uint8Array([0xff, 0xfe, 0x00, 0x13, 0x37]))
    const err = await rejection(readMessage(messageStream(b, { maxDataLength: 100 }), Schema))
    expect(err.name).toBe('InvalidMessageError')
    expect(err.code).toBe('INVALID_MESSAGE')
    expect(err.path).toEqual([])
  })

  it('rejects trailing bytes after a valid value', async () => {
    const [a, b] = await streamPair()
    const bytes = encodeMessage({ n: 1, s: 'x' })
    await lpStream(a).write(new Uint8Array([...bytes, 0x00]))
    const err = await rejection(readMessage(messageStream(b, { maxDataLength: 100 }), Schema))
    expect(err.name).toBe('InvalidMessageError')
  })

  it('survives absurd nesting', async () => {
    const [a, b] = await streamPair()
    await lpStream(a).write(new Uint8Array(60_000).fill(0x81))
    const err = await rejection(readMessage(messageStream(b, { maxDataLength: 64 * 1024 }), Schema))
    expect(err.name).toBe('InvalidMessageError')
  })

  it('reports a schema failure with the zod path', async () => {
    const { la, lb } = await pair()
    await writeMessage(la, { n: 'one', s: 'x' })
    const err = await rejection(readMessage(lb, Schema))
    expect(err.name).toBe('InvalidMessageError')
    expect(err.path).toEqual(['n'])
    expect(err.message).toMatch(/^n: /)
  })

  it('refuses unknown fields (strict schemas)', async () => {
    const { la, lb } = await pair()
    await writeMessage(la, { n: 1, s: 'x', extra: true })
    expect((await rejection(readMessage(lb, Schema))).name).toBe('InvalidMessageError')
  })

  it('times out a read that gets nothing', async () => {
    const { lb } = await pair()
    const started = Date.now()
    const err = await rejection(readMessage(lb, Schema, { timeoutMs: 50 }))
    expect(err.name).toBe('TimeoutError')
    expect(err.code).toBe('TIMEOUT')
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('times out a frame that arrives only in part', async () => {
    const [a, b] = await streamPair()
    a.send(new Uint8Array([50, 1, 2, 3])) // announces 50 bytes, sends 3
    const err = await rejection(
      readMessage(messageStream(b, { maxDataLength: 100 }), Schema, { timeoutMs: 50 })
    )
    expect(err.name).toBe('TimeoutError')
  })

  it('tells the caller’s abort from a timeout', async () => {
    const { lb } = await pair()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    const err = await rejection(readMessage(lb, Schema, { signal: controller.signal }))
    expect(err.name).toBe('AbortError')
    const err2 = await rejection(readMessage(lb, Schema, { signal: AbortSignal.timeout(20) }))
    expect(err2.name).toBe('TimeoutError')
  })

  it('reports a stream closed before a whole message', async () => {
    const { a, lb } = await pair()
    await a.close()
    const err = await rejection(readMessage(lb, Schema))
    expect(err.name).toBe('StreamClosedError')
  })
})

import { describe, expect, it } from 'vitest'
import {
  CreateRecordInput,
  DATA_SCHEMAS,
  ExperienceData,
  fieldErrors,
  PartialDate,
  RecordId,
  RECORD_TYPES
} from './records.ts'

describe('record schemas', () => {
  it.each(['2024', '2024-02', '2024-02-29', '1999-12-31'])('accepts the partial date %s', (d) => {
    expect(PartialDate.safeParse(d).success).toBe(true)
  })
  it.each(['24', '2024-13', '2024-00', '2024-01-32', '2024/01', '2024-1', 'hier', '2024-01-01T10:00'])(
    'rejects the date %s',
    (d) => {
      expect(PartialDate.safeParse(d).success).toBe(false)
    }
  )

  it('accepts a complete experience and applies defaults', () => {
    const r = ExperienceData.parse({ kind: 'mission', title: '  Identité visuelle  ', sphere: 'pro' })
    expect(r.title).toBe('Identité visuelle')
    expect(r.skills).toEqual([])
  })

  it('rejects unknown fields, bad enums, an end before the start and over-long text, with paths', () => {
    const bad = ExperienceData.safeParse({
      kind: 'heist',
      title: 'x'.repeat(201),
      sphere: 'pro',
      start: '2024',
      end: '2023',
      admin: true
    })
    expect(bad.success).toBe(false)
    if (bad.success) return
    const fields = fieldErrors(bad.error)
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['kind', 'title', '_']))
    const order = ExperienceData.safeParse({
      kind: 'job',
      title: 't',
      sphere: 'pro',
      start: '2024',
      end: '2023'
    })
    expect(order.success).toBe(false)
    if (!order.success) expect(fieldErrors(order.error)).toEqual({ end: ['the end comes before the start'] })
  })

  it('has a schema for every record type, and no client-created media', () => {
    expect(Object.keys(DATA_SCHEMAS).sort()).toEqual([...RECORD_TYPES].sort())
    expect(CreateRecordInput.safeParse({ type: 'media', data: {} }).success).toBe(false)
    expect(
      CreateRecordInput.safeParse({ type: 'note', data: { text: 'Idée', date: '2026-11-23' } }).success
    ).toBe(true)
  })

  it('validates contacts (email, circles, DID) and facets', () => {
    const c = DATA_SCHEMAS.contact
    expect(c.safeParse({ name: 'Karim', email: 'not-an-email' }).success).toBe(false)
    expect(c.safeParse({ name: 'Karim', circles: ['pro', 'galaxy'] }).success).toBe(false)
    expect(c.safeParse({ name: 'Karim', did: 'https://x' }).success).toBe(false)
    expect(c.safeParse({ name: 'Karim', circles: ['pro'], did: 'did:key:z6Mk' }).success).toBe(true)
    expect(DATA_SCHEMAS.facet.safeParse({ kind: 'email', value: '' }).success).toBe(false)
  })

  it('only takes opaque 26-char base32 ids', () => {
    expect(RecordId.safeParse('abcdefghijklmnopqrstuvwxyz').success).toBe(true)
    expect(RecordId.safeParse('../../etc/passwd').success).toBe(false)
    expect(RecordId.safeParse('ABCDEFGHIJKLMNOPQRSTUVWXYZ').success).toBe(false)
  })
})

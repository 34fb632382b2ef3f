/**
 * Images through the API of a real node (issue 7): a batch of images previewed one file at a time, with
 * their EXIF date and place; an image the vault holds flagged; a truncated file or a text file refused by
 * name without touching the batch; the import writes the chosen images in one go, onto the time-line, with
 * their source; and the blobs come back byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLAIN_JPEG, PNG, photoWithExif } from '../fixtures/import/images.ts'
import { api, raw, startWithIdentity, type TestApi } from './helpers.ts'

let t: TestApi

beforeAll(async () => {
  t = await startWithIdentity()
})
afterAll(async () => t.close())

type Preview = {
  token: string
  items: Array<{ key: string; data: Record<string, unknown>; duplicateOf?: string; bytes?: unknown }>
  warnings: string[]
}

async function add(bytes: Uint8Array, name: string, token?: string) {
  const qs = new URLSearchParams({ name, ...(token ? { token } : {}) })
  return raw(t.url, `/api/import/images/preview?${qs}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/octet-stream' },
    body: bytes
  })
}

describe('importing images', () => {
  it('previews a batch, refuses bad files by name, imports atomically onto the time-line', async () => {
    // one the vault already holds
    const up = await raw(t.url, '/api/media?name=deja.png', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG
    })
    expect(up.status).toBe(201)
    const held = (up.json() as { id: string }).id

    const first = await add(photoWithExif(), 'IMG_2041.JPG')
    expect(first.status, first.body).toBe(200)
    const { token } = first.json() as Preview
    expect((await add(PNG, 'pixel.png', token)).status).toBe(200)
    const bad = await add(photoWithExif().subarray(0, 400), 'cut.jpg', token)
    expect(bad.status).toBe(400)
    expect(bad.body).toContain('cut.jpg: the image/jpeg image is cut short')
    const text = await add(new TextEncoder().encode('BEGIN:VCARD\r\n'), 'notes.jpg', token)
    expect(text.status).toBe(415)
    const again = await add(PLAIN_JPEG, 'plain.jpg', token)
    const preview = again.json() as Preview
    expect(preview.items.map((i) => i.key)).toEqual(['image.0', 'image.1', 'image.2'])
    expect(preview.items[0]!.data).toMatchObject({ date: '2019-06-14', place: '47.21817, -1.55400' })
    expect(preview.items[1]!.duplicateOf).toBe(held)
    expect(preview.items.some((i) => 'bytes' in i)).toBe(false)

    // the duplicate is refused unless kept both; the rest goes in at once
    const refused = await api(t, '/api/import/images', {
      method: 'POST',
      body: { token, keys: ['image.0', 'image.1'] }
    })
    expect(refused.status).toBe(400)
    const done = await api(t, '/api/import/images', {
      method: 'POST',
      body: { token, keys: ['image.0', 'image.2'] }
    })
    expect(done.status, done.body).toBe(200)
    const { ids } = done.json() as { ids: string[] }
    expect(ids.length).toBe(2)

    const rec = (await api(t, `/api/records/${ids[0]}`)).json() as {
      source: { kind: string; name: string }
      data: Record<string, unknown>
    }
    expect(rec.source).toMatchObject({ kind: 'import', name: 'Images' })
    expect(rec.data).toMatchObject({
      name: 'IMG_2041.JPG',
      date: '2019-06-14',
      caption: 'Repair café, Nantes'
    })
    const blob = await fetch(`${t.url}/api/media/${ids[0]}/blob`, {
      headers: { authorization: `Bearer ${t.token}` }
    })
    expect(Buffer.from(await blob.arrayBuffer()).equals(photoWithExif())).toBe(true)

    const timeline = (await api(t, '/api/timeline')).json() as {
      years: Array<{ year: number; items: Array<{ id: string }> }>
    }
    const y2019 = timeline.years.find((y) => y.year === 2019)
    expect(y2019?.items.map((i) => i.id)).toContain(ids[0])
    // a batch is spent once imported
    expect(
      (await api(t, '/api/import/images', { method: 'POST', body: { token, keys: ['image.2'] } })).status
    ).toBe(404)
  })
})

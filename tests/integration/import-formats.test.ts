import { readFileSync, readdirSync } from 'node:fs'
import { strToU8, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, raw, startTestApi, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'
const LINKEDIN = new URL('../fixtures/import/linkedin/', import.meta.url)

function linkedInZip(overrides: Record<string, string | null> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {}
  for (const name of readdirSync(LINKEDIN)) files[name] = readFileSync(new URL(name, LINKEDIN))
  for (const [name, content] of Object.entries(overrides)) {
    if (content === null) delete files[name]
    else files[name] = strToU8(content)
  }
  // LinkedIn's export puts the CSVs at the root of the archive, some under folders: mimic both.
  return zipSync(files, { level: 6 })
}

interface PreviewItem {
  key: string
  type: string
  label: string
  data: Record<string, unknown>
  duplicateOf?: string
  merge?: Record<string, unknown>
  from?: { name: string; url?: string }
}

describe('importers of issue 7 through the API', () => {
  let t: TestApi
  const upload = (path: string, body: Uint8Array | string, type = 'application/zip') =>
    raw(t.url, path, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, host: new URL(t.url).host, 'content-type': type },
      body
    })
  const total = async () => ((await api(t, '/api/status')).json().records as { total: number }).total

  beforeAll(async () => {
    t = await startTestApi()
    const res = await api(t, '/api/identity', { body: { name: 'Émilie Laurent', passphrase: PASS } })
    expect(res.status).toBeLessThan(300)
  })
  afterAll(() => t.close())

  it('LinkedIn: preview, selection, duplicate suggestion, atomic import with progress and sources', async () => {
    // Already in the vault: the Studio Écume job, typed by hand.
    const mine = await api(t, '/api/records', {
      body: {
        type: 'experience',
        data: {
          kind: 'job',
          title: 'Designer UX',
          organisation: 'Studio Écume',
          start: '2017-09',
          end: '2020-12',
          sphere: 'pro',
          skills: []
        }
      }
    })
    expect(mine.status).toBe(201)
    const mineId = mine.json().id as string

    const preview = await upload(
      '/api/import/linkedin/preview?name=Basic_LinkedInDataExport.zip',
      linkedInZip()
    )
    expect(preview.status).toBe(200)
    const body = preview.json() as unknown as {
      token: string
      items: PreviewItem[]
      files: { read: string[]; missing: string[] }
      source: string
    }
    expect(body.source).toBe('LinkedIn')
    expect(body.files.missing).toEqual([])
    const dup = body.items.find((i) => i.key === 'Positions.csv:5')!
    expect(dup.duplicateOf).toBe(mineId)
    expect(dup.merge).toEqual({ place: 'Paris', description: expect.stringContaining('guérilla') })
    const testimony = body.items.find((i) => i.key === 'Recommendations_Received.csv:2')!
    expect(testimony.data.tags).toEqual(expect.arrayContaining(['testimony', 'unverified']))
    expect(testimony.from?.name).toBe('Karim Benali')

    // Choosing the duplicate is refused (a merge suggestion, not a second copy), and nothing is written.
    const before = await total()
    const all = body.items.map((i) => i.key)
    const refused = await api(t, '/api/import/linkedin', { body: { token: body.token, keys: all } })
    expect(refused.status).toBe(400)
    expect(refused.json().error?.fields?.['Positions.csv:5']?.[0]).toMatch(/already in the vault/)
    const unknown = await api(t, '/api/import/linkedin', {
      body: { token: body.token, keys: ['Positions.csv:999'] }
    })
    expect(unknown.status).toBe(400)
    expect(await total()).toBe(before)

    // Events while importing.
    const ctrl = new AbortController()
    const events: string[] = []
    const stream = fetch(`${t.url}/api/events`, {
      headers: { authorization: `Bearer ${t.token}` },
      signal: ctrl.signal
    })
      .then(async (res) => {
        const reader = res.body!.getReader()
        const dec = new TextDecoder()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          events.push(dec.decode(value))
        }
      })
      .catch(() => undefined)
    await new Promise((r) => setTimeout(r, 100))

    const chosen = body.items.filter((i) => !i.duplicateOf && i.key !== 'Skills.csv:4').map((i) => i.key)
    const ok = await api(t, '/api/import/linkedin', { body: { token: body.token, keys: chosen } })
    expect(ok.status).toBe(200)
    expect(ok.json().imported).toBe(chosen.length)
    await new Promise((r) => setTimeout(r, 100))
    ctrl.abort()
    await stream
    expect(events.join('')).toContain(`"done":${chosen.length},"total":${chosen.length}`)
    expect(await total()).toBe(before + chosen.length)

    // Every imported record names its source; the token is spent.
    const records = (await api(t, '/api/records')).json().records as {
      id: string
      type: string
      source: { kind: string; name?: string; at: string }
    }[]
    const ids = new Set(ok.json().ids as string[])
    const imported = records.filter((r) => ids.has(r.id))
    expect(imported).toHaveLength(chosen.length)
    for (const r of imported) expect(r.source).toMatchObject({ kind: 'import', name: 'LinkedIn' })
    const again = await api(t, '/api/import/linkedin', { body: { token: body.token, keys: chosen } })
    expect(again.status).toBe(404)

    // A second preview now suggests merges for what was just imported.
    const second = (await upload('/api/import/linkedin/preview', linkedInZip())).json() as unknown as {
      items: PreviewItem[]
    }
    expect(second.items.filter((i) => i.duplicateOf).length).toBeGreaterThanOrEqual(7)
  })

  it('LinkedIn: bad input names the file and line, and imports nothing', async () => {
    const before = await total()
    const cases: [string, Uint8Array | string, number, RegExp][] = [
      [
        'malformed CSV',
        linkedInZip({ 'Skills.csv': 'Name\nFigma\n"Sketch\n' }),
        400,
        /^Skills\.csv, line \d+: malformed CSV/
      ],
      [
        'bad date',
        linkedInZip({ 'Positions.csv': 'Company Name,Title,Started On,Finished On\nX,Y,Someday,\n' }),
        400,
        /^Positions\.csv, line 2: Started On/
      ],
      ['truncated ZIP', linkedInZip().subarray(0, 500), 400, /truncated/],
      ['not a ZIP', 'Name\nFigma\n', 415, /not a ZIP file/],
      ['a ZIP of something else', zipSync({ 'photo.txt': strToU8('x') }), 415, /not a LinkedIn export/],
      [
        'ZIP bomb',
        zipSync({ 'Connections.csv': new Uint8Array(30 * 1024 * 1024) }, { level: 9 }),
        413,
        /compression ratio/
      ]
    ]
    for (const [what, bytes, status, message] of cases) {
      const res = await upload('/api/import/linkedin/preview?name=export.zip', bytes)
      expect(res.status, what).toBe(status)
      expect(res.json().error?.message, what).toMatch(message)
      expect(Object.keys(res.json().error?.fields ?? {}).length, what).toBe(1)
    }
    const big = await upload('/api/import/linkedin/preview', new Uint8Array(50 * 1024 * 1024 + 1))
    expect(big.status).toBe(413)
    expect(await total()).toBe(before)
  })
  it('vCard: preview with a duplicate suggestion, import with source, and a truncated file refused', async () => {
    const vcf = readFileSync(new URL('../fixtures/import/vcard/google-contacts.vcf', import.meta.url))
    const preview = await upload('/api/import/vcard/preview?name=google.vcf', vcf, 'text/vcard')
    expect(preview.status).toBe(200)
    const body = preview.json() as unknown as { token: string; items: PreviewItem[] }
    // Sophie Martin came in with the LinkedIn connections above (same name): a merge suggestion.
    const sophie = body.items.find((i) => i.data.name === 'Sophie Martin')!
    expect(sophie.duplicateOf).toMatch(/^[a-z2-7]{26}$/)
    expect(sophie.merge).toMatchObject({ email: 'sophie.martin@coop-ouest.fr' })
    const ines = body.items.find((i) => i.data.name === 'Inès Durand')!
    expect(ines.duplicateOf).toBeUndefined()
    const ok = await api(t, '/api/import/vcard', { body: { token: body.token, keys: [ines.key] } })
    expect(ok.status).toBe(200)
    const rec = (await api(t, `/api/records/${(ok.json().ids as string[])[0]}`)).json()
    expect(rec.source).toMatchObject({ kind: 'import', name: 'vCard' })

    const before = await total()
    const text = vcf.toString()
    const bad = await upload(
      '/api/import/vcard/preview?name=cut.vcf',
      text.slice(0, text.length - 12),
      'text/vcard'
    )
    expect(bad.status).toBe(400)
    expect(bad.json().error?.message).toMatch(/^cut\.vcf, line \d+: the card is not closed/)
    const wrongKind = await upload('/api/import/vcard/preview?name=x.vcf', linkedInZip(), 'text/vcard')
    expect(wrongKind.status).toBe(415)
    // A token from one format is not accepted by another.
    const linkedInToken = (await upload('/api/import/linkedin/preview', linkedInZip())).json().token
    const cross = await api(t, '/api/import/vcard', { body: { token: linkedInToken, keys: ['card.1'] } })
    expect(cross.status).toBe(404)
    expect(await total()).toBe(before)
  })
  it('iCalendar: one event per series linked to contacts, imported with source; a malformed line refused', async () => {
    const ics = readFileSync(new URL('../fixtures/import/icalendar/calendar.ics', import.meta.url))
    const preview = await upload('/api/import/icalendar/preview?name=travail.ics', ics, 'text/calendar')
    expect(preview.status).toBe(200)
    const body = preview.json() as unknown as {
      token: string
      items: (PreviewItem & { contactIds?: string[] })[]
    }
    expect(body.items).toHaveLength(4)
    const standup = body.items[0]!
    // Karim Benali and Inès Durand are contacts by now (LinkedIn, vCard): matched by name and email.
    expect(standup.contactIds).toHaveLength(2)
    const ok = await api(t, '/api/import/icalendar', {
      body: { token: body.token, keys: body.items.map((i) => i.key) }
    })
    expect(ok.status).toBe(200)
    expect(ok.json().imported).toBe(4)
    const timeline = await api(t, '/api/timeline')
    expect(timeline.body).toContain('UX Days Flupa')

    const before = await total()
    const bad = await upload(
      '/api/import/icalendar/preview?name=x.ics',
      ics.toString().replace('LOCATION:Paris', 'LOCATION Paris'),
      'text/calendar'
    )
    expect(bad.status).toBe(400)
    expect(bad.json().error?.message).toMatch(/^x\.ics, line \d+: malformed line/)
    expect(await total()).toBe(before)
  })
})

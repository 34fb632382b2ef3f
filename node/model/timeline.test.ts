import { describe, expect, it } from 'vitest'
import { buildTimeline, summarize, type Summary } from './timeline.ts'

const at = '2026-01-01T00:00:00.000Z'
const exp = (
  id: string,
  start: string | undefined,
  sphere: 'pro' | 'associative',
  kind = 'job',
  title = id
) =>
  summarize(id, 'experience', { kind, title, sphere, skills: [], ...(start ? { start } : {}) } as never, at)

describe('time-line', () => {
  const items: Summary[] = [
    exp('a', '2019-05', 'pro'),
    exp('b', '2024', 'associative', 'volunteering', 'Repair Café'),
    exp('c', '2024-11-02', 'pro', 'mission', 'Affiche du festival'),
    exp('d', undefined, 'pro', 'award', 'Prix sans date'),
    summarize('n', 'note', { text: 'Une idée\nsuite', date: '2026-11-20', tags: [] }, at),
    summarize('s', 'skill', { name: 'Typographie', keywords: [] }, at),
    summarize('f', 'facet', { kind: 'email', value: 'e@exemple.fr' }, at)
  ]

  it('groups dated items by year, newest first, keeps undated apart and leaves out undated kinds', () => {
    const t = buildTimeline(items)
    expect(t.years.map((y) => y.year)).toEqual([2026, 2024, 2019])
    expect(t.years[1]?.items.map((i) => i.id)).toEqual(['c', 'b'])
    expect(t.years[0]?.items[0]?.title).toBe('Une idée')
    expect(t.undated.map((i) => i.id)).toEqual(['d'])
    expect(t.total).toBe(5)
  })

  it('filters by sphere, kind, type and accent-insensitive text', () => {
    expect(buildTimeline(items, { sphere: 'associative' }).total).toBe(1)
    expect(buildTimeline(items, { kind: 'mission' }).years[0]?.items[0]?.id).toBe('c')
    expect(buildTimeline(items, { type: 'note' }).total).toBe(1)
    expect(buildTimeline(items, { q: 'CAFE' }).years[0]?.items[0]?.id).toBe('b')
    expect(buildTimeline(items, { q: 'nothing like this' }).total).toBe(0)
  })
})

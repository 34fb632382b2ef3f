/** What can go in a composition, loaded from the vault: experiences, skills, received credentials. */
import { api } from '$lib/api'
import { formatRange } from '$lib/format'

export interface Composable {
  id: string
  type: 'experience' | 'skill' | 'credential'
  label: string
  sub?: string
}

export async function loadComposables(): Promise<Composable[]> {
  const [experiences, skills, credentials] = await Promise.all([
    api.records({ type: 'experience' }),
    api.records({ type: 'skill' }),
    api.credentials('received')
  ])
  const out: Composable[] = []
  for (const r of experiences) {
    const d = r.data as {
      title: string
      organisation?: string
      start?: string
      end?: string
      ongoing?: boolean
    }
    const sub = [d.organisation, formatRange(d.start, d.end, d.ongoing)].filter(Boolean).join(' · ')
    out.push({ id: r.id, type: 'experience', label: d.title, sub: sub || undefined })
  }
  for (const r of skills) {
    const d = r.data as { name: string; category?: string }
    out.push({ id: r.id, type: 'skill', label: d.name, sub: d.category })
  }
  for (const r of credentials) {
    if (r.data.revokedAt) continue
    out.push({ id: r.id, type: 'credential', label: r.data.name })
  }
  return out
}

/**
 * Live updates of project companies: the node's `company` events (`{ op, company }`: created, joined, left,
 * project, synced, published, withdrawn, mail, answered, connected, labelled, muted…) bump a tick the
 * Projets pages watch to refresh. Listens to the shared event stream without changing it.
 */
import { events } from '$lib/events.svelte'

class CompanyTicks {
  /** Bumped on every `company` event. */
  tick = $state(0)
  /** The last event. */
  last = $state.raw<{ op: string; company: string } | null>(null)
}

export const companyEvents = new CompanyTicks()

events.on((name, data) => {
  if (name !== 'company') return
  const d = data as { op?: unknown; company?: unknown } | undefined
  companyEvents.last = {
    op: typeof d?.op === 'string' ? d.op : '',
    company: typeof d?.company === 'string' ? d.company : ''
  }
  companyEvents.tick++
})

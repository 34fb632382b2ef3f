/**
 * Live updates of questionnaires: the node's `questionnaire` events (`{ qid, op }`) bump a tick that the
 * questionnaire pages watch to refresh. Listens to the shared event stream without changing it.
 */
import { events } from '$lib/events.svelte'

class QuestionnaireTicks {
  /** Bumped on every `questionnaire` event. */
  tick = $state(0)
  /** The last event, to refresh only what it concerns. */
  last = $state.raw<{ qid: string; op: string } | null>(null)
}

export const questionnaireEvents = new QuestionnaireTicks()

events.on((name, data) => {
  if (name !== 'questionnaire') return
  const d = data as { qid?: unknown; op?: unknown } | undefined
  questionnaireEvents.last = {
    qid: typeof d?.qid === 'string' ? d.qid : '',
    op: typeof d?.op === 'string' ? d.op : ''
  }
  questionnaireEvents.tick++
})

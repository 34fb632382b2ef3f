import { api } from './api'
import { session } from './session.svelte'

export interface ImportProgress {
  done: number
  total: number
}

type Listener = (name: string, data: unknown) => void

/** One parsed server-sent event. */
export interface SseEvent {
  event: string
  data: string
}

/**
 * Incremental SSE parser: feed it text chunks, get complete events back. Comments (`: ping`) are
 * dropped; `data:` lines are joined with newlines, as the spec says.
 */
export class SseParser {
  private buffer = ''

  push(chunk: string): SseEvent[] {
    this.buffer += chunk
    const out: SseEvent[] = []
    let idx: number
    while ((idx = this.buffer.search(/\r?\n\r?\n/)) !== -1) {
      const block = this.buffer.slice(0, idx)
      const sep = this.buffer.slice(idx).match(/^\r?\n\r?\n/)
      this.buffer = this.buffer.slice(idx + (sep ? sep[0].length : 2))
      let event = 'message'
      const data: string[] = []
      for (const line of block.split(/\r?\n/)) {
        if (line === '' || line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        let value = colon === -1 ? '' : line.slice(colon + 1)
        if (value.startsWith(' ')) value = value.slice(1)
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      if (data.length > 0 || event !== 'message') out.push({ event, data: data.join('\n') })
    }
    // a stream that never sends a blank line must not grow without bound
    if (this.buffer.length > 1_000_000) this.buffer = ''
    return out
  }
}

/**
 * The node's event stream, read with `fetch` so the token travels in a header. Reconnects with an
 * exponential backoff; views watch the ticks to refresh.
 */
class EventStream {
  connected = $state(false)
  /** Bumped on every `record` event. */
  recordTick = $state(0)
  /** Bumped on every `peer` event. */
  peerTick = $state(0)
  /** Bumped on every `contact` event (a contact recorded or changed by the node). */
  contactTick = $state(0)
  /** Bumped on every `attestation` event (a request sent, received, answered). */
  attestationTick = $state(0)
  /** Bumped on every `credential` event (a credential received, issued or revoked). */
  credentialTick = $state(0)
  /** Bumped on every `recovery` event (a share given, received, revoked; a set replaced). */
  recoveryTick = $state(0)
  progress = $state<ImportProgress | null>(null)

  private controller: AbortController | null = null
  private listeners = new Set<Listener>()
  private backoff = 1000

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    if (this.controller) return
    const controller = new AbortController()
    this.controller = controller
    void this.loop(controller.signal)
  }

  stop(): void {
    this.controller?.abort()
    this.controller = null
    this.connected = false
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.connect(signal)
      } catch {
        // network error or a refused stream: retry below
      }
      this.connected = false
      if (signal.aborted) return
      await new Promise((r) => setTimeout(r, this.backoff + Math.random() * 300))
      this.backoff = Math.min(this.backoff * 2, 30_000)
    }
  }

  private async connect(signal: AbortSignal): Promise<void> {
    const res = await api.raw('GET', '/api/events', { signal })
    if (!res.body) return
    this.connected = true
    this.backoff = 1000
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    const parser = new SseParser()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        for (const ev of parser.push(value)) this.dispatch(ev)
      }
    } finally {
      reader.releaseLock()
    }
  }

  private dispatch(ev: SseEvent): void {
    let data: unknown = undefined
    try {
      data = ev.data ? JSON.parse(ev.data) : undefined
    } catch {
      return
    }
    switch (ev.event) {
      case 'record':
        this.recordTick++
        break
      case 'peer':
        this.peerTick++
        break
      case 'contact':
        this.contactTick++
        break
      case 'attestation':
        this.attestationTick++
        break
      case 'credential':
        this.credentialTick++
        break
      case 'recovery':
        this.recoveryTick++
        break
      case 'lock':
        session.lockedElsewhere()
        break
      case 'import.progress': {
        const d = data as Partial<ImportProgress> | undefined
        if (d && typeof d.done === 'number' && typeof d.total === 'number') {
          this.progress = { done: d.done, total: d.total }
        }
        break
      }
    }
    for (const l of this.listeners) l(ev.event, data)
  }
}

export const events = new EventStream()

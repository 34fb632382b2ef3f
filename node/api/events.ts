/** Server-sent events: the node's events, streamed to every connected UI. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MusetteNode, NodeEvents } from '../service.ts'
import { SECURITY_HEADERS } from './http.ts'

export const KEEPALIVE_MS = 15_000
/** A slow client gets cut off rather than buffered without bound. */
export const MAX_BUFFERED_BYTES = 1024 * 1024
export const MAX_CLIENTS = 32

const EVENTS: (keyof NodeEvents)[] = [
  'record',
  'lock',
  'unlock',
  'peer',
  'import.progress',
  'contact',
  'attestation',
  'credential',
  'questionnaire',
  'company',
  'recovery'
]

export class EventHub {
  readonly #clients = new Set<ServerResponse>()
  #timer: ReturnType<typeof setInterval> | undefined
  #detach: (() => void) | undefined

  attach(node: MusetteNode): void {
    const listeners = EVENTS.map((name) => {
      const fn = (data: unknown) => this.broadcast(name, data)
      node.on(name, fn as never)
      return () => node.off(name, fn as never)
    })
    this.#detach = () => listeners.forEach((off) => off())
    this.#timer = setInterval(() => this.#write(': ping\n\n'), KEEPALIVE_MS)
    this.#timer.unref()
  }

  subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.#clients.size >= MAX_CLIENTS) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'Retry-After': '5' })
      res.end()
      return
    }
    req.socket.setTimeout(0)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive'
    })
    res.write('retry: 2000\n\nevent: hello\ndata: {}\n\n')
    this.#clients.add(res)
    const drop = () => this.#clients.delete(res)
    req.on('close', drop)
    res.on('error', drop)
  }

  broadcast(name: string, data: unknown): void {
    this.#write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  #write(chunk: string): void {
    for (const res of this.#clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy()
        this.#clients.delete(res)
        continue
      }
      res.write(chunk)
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#detach?.()
    for (const res of this.#clients) res.end()
    this.#clients.clear()
  }
}

/**
 * A refused or dropped outgoing TCP connection to a peer that just went away can surface as an uncaught
 * socket error from deep inside the network stack (seen intermittently with libp2p's TCP and WebSocket
 * dials while a peer stops). For a node, a contact going offline is normal: such an error must not crash the
 * daemon. Only these errors are tolerated; anything else still ends the process as Node would.
 */
const TOLERATED = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

export function isPeerSocketError(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown } | null
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    TOLERATED.has(e.code) &&
    (e.syscall === 'connect' || e.syscall === 'read' || e.syscall === 'write')
  )
}

/** Keep the process alive on a peer's socket error (logged); rethrow-equivalent for anything else. */
export function tolerateSocketErrors(
  log: (message: string) => void = (m) => process.stderr.write(m + '\n')
): void {
  process.on('uncaughtException', (err) => {
    if (isPeerSocketError(err)) {
      log(`network: ${(err as Error).message} (a peer went away; carrying on)`)
      return
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}

import { TRANSIENT_NACK_CODES } from './schema.ts'

/** The receiver answered with a nack: `reason` is its code (`WRONG_SENDER`, `RATE_LIMITED`, `NOT_A_CONTACT`…). */
export class MessageRejectedError extends Error {
  readonly name = 'MessageRejectedError'
  readonly code = 'MESSAGE_REJECTED'
  /** True when sending again later may succeed (rate limit, receiver-side failure). */
  readonly transient: boolean
  constructor(
    readonly reason: string,
    options?: ErrorOptions
  ) {
    super(`the receiver rejected the message: ${reason}`, options)
    this.transient = TRANSIENT_NACK_CODES.has(reason)
  }
}

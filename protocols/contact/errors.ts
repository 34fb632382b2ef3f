import type { InvitationFailure } from './invitation.ts'
import type { RejectReason } from './schema.ts'

/** The invitation text did not pass `parseInvitation` (or is the node's own): nothing was dialed. */
export class InvalidInvitationError extends Error {
  readonly name = 'InvalidInvitationError'
  readonly code = 'INVALID_INVITATION'
  constructor(
    message: string,
    readonly reason: InvitationFailure | 'OWN_INVITATION',
    options?: ErrorOptions
  ) {
    super(message, options)
  }
}

/** The inviter answered `{ type: 'reject', reason }`. */
export class InvitationRejectedError extends Error {
  readonly name = 'InvitationRejectedError'
  readonly code = 'INVITATION_REJECTED'
  constructor(
    readonly reason: RejectReason,
    options?: ErrorOptions
  ) {
    super(`the inviter rejected the invitation: ${reason}`, options)
  }
}

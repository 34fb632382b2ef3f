/** The typed error of the questionnaire core: one class, a stable `name` and a machine-readable `code`. */

export const QUESTIONNAIRE_ERROR_CODES = [
  /** Not the expected shape (schema, dag-cbor, lengths, an invalid group element). */
  'MALFORMED',
  /** Over a size cap, refused before decoding. */
  'TOO_LARGE',
  /** A signature (the asker's on a questionnaire, a pseudonym's on an answer) does not verify. */
  'BAD_SIGNATURE',
  /** The answer, token state or sealed box is for another questionnaire. */
  'WRONG_QUESTIONNAIRE',
  /** An answer's token is not the asker's PRF of its pseudonym: not from an invitee. */
  'FORGED_TOKEN',
  /** The asker's token evaluation does not prove the committed `tokenKey` was used. */
  'BAD_PROOF',
  /** A sealed answer does not decrypt (wrong key, wrong questionnaire, tampered). */
  'UNREADABLE',
  /** The questionnaire closed. */
  'CLOSED',
  /** The node's verdicts (not thrown by this folder's functions). */
  'NOT_INVITED',
  'DUPLICATE',
  'REPLAY'
] as const
export type QuestionnaireErrorCode = (typeof QUESTIONNAIRE_ERROR_CODES)[number]

export class QuestionnaireError extends Error {
  readonly name = 'QuestionnaireError'
  constructor(
    readonly code: QuestionnaireErrorCode,
    message: string = code,
    options?: ErrorOptions
  ) {
    super(message, options)
  }
}

export function isQuestionnaireError(err: unknown, code?: QuestionnaireErrorCode): err is QuestionnaireError {
  return err instanceof QuestionnaireError && (code === undefined || err.code === code)
}

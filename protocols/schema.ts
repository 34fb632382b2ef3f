/** zod primitives shared by the protocols' schemas. */
import { z } from 'zod'
import { isDidKey } from '../credentials/did-key.ts'

/** An Ed25519 did:key (56 characters; anything longer is refused before decoding). */
export const didKey = z
  .string()
  .max(128)
  .refine((v) => isDidKey(v), { message: 'not an Ed25519 did:key' })

/** A short, human-readable text with a length cap (card names, titles). */
export const text = (max: number) => z.string().min(1).max(max)

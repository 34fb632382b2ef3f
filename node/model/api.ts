/** Request schemas of the local API (validation and the OpenAPI document both come from these). Pure. */
import { z } from 'zod'
import { PartialDate, RecordId, RecordType, SPHERES, EXPERIENCE_KINDS, MEDIA_TYPES } from './records.ts'

export const MIN_PASSPHRASE = 10
export const MAX_PASSPHRASE = 1024

export const CreateIdentityBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    passphrase: z.string().min(MIN_PASSPHRASE, `at least ${MIN_PASSPHRASE} characters`).max(MAX_PASSPHRASE)
  })
  .strict()

export const UnlockBody = z.object({ passphrase: z.string().min(1).max(MAX_PASSPHRASE) }).strict()

export const UpdateRecordBody = z
  .object({
    data: z.record(z.string(), z.unknown()),
    /** The version the client edited; a stale one gets 409. */
    version: z.number().int().min(1).optional()
  })
  .strict()

export const RecordsQuery = z
  .object({
    type: RecordType.optional(),
    q: z.string().max(200).optional()
  })
  .strict()

export const TimelineQuery = z
  .object({
    sphere: z.enum(SPHERES).optional(),
    kind: z.enum(EXPERIENCE_KINDS).optional(),
    type: z.enum(['experience', 'note', 'media', 'place', 'credential']).optional(),
    q: z.string().max(200).optional()
  })
  .strict()

export const MediaQuery = z
  .object({
    name: z.string().trim().min(1).max(200),
    caption: z.string().max(2000).optional(),
    date: PartialDate.optional()
  })
  .strict()

export const MediaContentType = z.enum(MEDIA_TYPES)

export const IdParam = RecordId

export const DialBody = z
  .object({ addr: z.string().min(8).max(1000).startsWith('/', 'a multiaddr starts with /') })
  .strict()

export const ImportBody = z
  .object({
    resume: z.unknown(),
    keys: z.array(z.string().min(1).max(100)).min(1).max(5000)
  })
  .strict()

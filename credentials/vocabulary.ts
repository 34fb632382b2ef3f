/**
 * Musette's own vocabulary values, shared by the credentials and the vault's schemas (which the UI loads
 * too, so this module imports nothing).
 */

/** How an attester knows the holder (`relationship` in https://musette.dev/ns/v1). */
export const RELATIONSHIPS = [
  'colleague',
  'manager',
  'client',
  'teacher',
  'fellow-volunteer',
  'other'
] as const
export type Relationship = (typeof RELATIONSHIPS)[number]

/** What an attestation is about: a skill (OB `Competency`) or an experience (OB `Award`). */
export const ATTESTATION_KINDS = ['skill', 'experience'] as const

/** Counted messages of the questionnaire pages: `<base>.one` / `<base>.other` by the language's rule. */
import { i18n, t, type MessageKey } from '$lib/i18n.svelte'
import { isOne } from './draft'

type Base<K> = K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never
/** Every message key that has both a `.one` and an `.other` form. */
export type PluralBase = Base<MessageKey>

/** "1 réponse", "3 réponses"; `n` is passed to the message with the other parameters. */
export function plural(base: PluralBase, n: number, params: Record<string, string | number> = {}): string {
  return t(`${base}.${isOne(n, i18n.lang) ? 'one' : 'other'}` as MessageKey, { n, ...params })
}

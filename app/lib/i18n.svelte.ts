import { en } from './i18n/en'
import { fr, type MessageKey, type Messages } from './i18n/fr'

export type Lang = 'fr' | 'en'
export const LANGS: readonly Lang[] = ['fr', 'en']
const CATALOGUES: Record<Lang, Messages> = { fr, en }
const STORAGE_KEY = 'musette.lang'

/** The language the browser prefers among ours; French when it says nothing we speak. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]
    if (base === 'fr' || base === 'en') return base
  }
  return 'fr'
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'fr' || saved === 'en') return saved
  } catch {
    // storage unavailable: fall back on the browser's preference
  }
  if (typeof navigator === 'undefined') return 'fr'
  return preferredLang(navigator.languages?.length ? navigator.languages : [navigator.language])
}

export type Params = Record<string, string | number>

/** The UI language, with `t()` to translate; `lang` is reactive, so is everything `t()` renders. */
class I18n {
  lang = $state<Lang>(initialLang())

  /** BCP 47 locale for `Intl` formatting. */
  locale = $derived(this.lang === 'fr' ? 'fr-FR' : 'en-GB')

  set(lang: Lang): void {
    this.lang = lang
    try {
      localStorage.setItem(STORAGE_KEY, lang)
    } catch {
      // not persisted: still switched for this page
    }
  }

  t = (key: MessageKey, params?: Params): string => {
    const msg = CATALOGUES[this.lang][key] ?? fr[key] ?? key
    if (!params) return msg
    return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
  }

  /** Whether a computed key exists in the catalogues. */
  has = (key: string): key is MessageKey => key in fr

  /** A translation whose key is computed (enum labels); falls back on the raw value. */
  label = (prefix: string, value: string): string => {
    const key = `${prefix}.${value}`
    return key in fr ? this.t(key as MessageKey) : value
  }
}

export const i18n = new I18n()
export const t = i18n.t
export type { MessageKey }

// All six tables are bundled: together they are about 3 KB gzipped, less than a second request
// for a lazily loaded one would cost on a slow connection.
import type { Language, Strings } from './strings.ts'
import { isLanguage, localeFor, pickLanguage } from '../../shared/i18n.ts'
import { en } from './en.ts'
import { cs } from './cs.ts'
import { de } from './de.ts'
import { es } from './es.ts'
import { hu } from './hu.ts'
import { pl } from './pl.ts'

export type { Language, Strings }
export { localeFor }

export const STRINGS: Record<Language, Strings> = { en, cs, de, es, hu, pl }
export const LANGUAGES = Object.keys(STRINGS) as Language[]

/** The supported language for a BCP 47 tag such as `cs-CZ`, or null. */
export function supported(tag: string | null | undefined): Language | null {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? ''
  return isLanguage(base) ? base : null
}

/** The first of the browser's preferred languages that the widget speaks; English otherwise. */
export function browserLanguage(prefs: readonly string[]): Language {
  return pickLanguage(prefs)
}

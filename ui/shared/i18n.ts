// Plain string tables, one per language, with `{name}` placeholders. English defines the keys;
// every other table must have all of them (checked by the type of `Catalog`).

export const LANGUAGES = ['en', 'cs', 'de', 'es', 'hu', 'pl'] as const
export type Language = (typeof LANGUAGES)[number]

/** Each language's name in that language (shown in language pickers). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  cs: 'Čeština',
  de: 'Deutsch',
  es: 'Español',
  hu: 'Magyar',
  pl: 'Polski',
}

export type Catalog<K extends string> = Record<K, string>
export type Translate<K extends string> = (key: K, params?: Record<string, string | number>) => string

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x)
}

/** The best supported language for a browser's preferences (`navigator.languages`). */
export function pickLanguage(preferred: readonly string[], fallback: Language = 'en'): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLanguage(base)) return base
  }
  return fallback
}

export function translator<K extends string>(catalogs: Record<Language, Catalog<K>>, lang: Language): Translate<K> {
  const table = catalogs[lang] ?? catalogs.en
  return (key, params) => {
    const s = table[key] ?? catalogs.en[key] ?? key
    if (!params) return s
    return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
  }
}

// Plain string tables, one per language, with `{name}` placeholders. English defines the keys;
// every other table must have all of them (checked by the type of `Catalog`).
//
// A count is written once per language in the catalog value itself, and Intl.PluralRules picks
// the form, so no table carries a hand-written rule:
//   '{n, plural, one {# page} few {# pages} many {# pages} other {# pages}}'
// `#` is the number; a form may hold other `{name}` placeholders.

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
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x)
}

/** The best supported language for a browser's preferences (`navigator.languages`). */
export function pickLanguage(preferred: readonly string[], fallback: Language = 'en'): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0]
    if (isLanguage(base)) return base
  }
  return fallback
}

/**
 * The locale for dates, times and numbers: the UI language picks the words, but an agent in
 * Vienna or Mexico City expects de-AT or es-MX formats, so the browser's own tag for that
 * language wins over the bare language code.
 */
export function localeFor(lang: Language, preferred: readonly string[] = browserLanguages()): string {
  for (const tag of preferred) {
    if (tag.toLowerCase().split(/[-_]/)[0] !== lang) continue
    try {
      return Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0] ?? lang
    } catch {
      // A malformed tag from a hand-edited preference: the next one, or the bare language.
    }
  }
  return lang
}

function browserLanguages(): readonly string[] {
  // Bun (the tests) has a navigator without languages; old browsers have only navigator.language.
  if (typeof navigator === 'undefined') return []
  return (navigator.languages?.length ? navigator.languages : [navigator.language]).filter((t): t is string => typeof t === 'string')
}

/** The form of `forms` that the language's plural rules choose for `n`. */
export function plural(lang: Language, n: number, forms: PluralForms): string {
  return forms[new Intl.PluralRules(lang).select(n)] ?? forms.other
}

export interface PluralMessage {
  /** The placeholder that holds the count. */
  name: string
  forms: PluralForms
  start: number
  end: number
}

/** The `{n, plural, …}` parts of a catalog value, or [] when it has none. */
export function pluralsOf(s: string): PluralMessage[] {
  const out: PluralMessage[] = []
  const head = /\{(\w+),\s*plural,/g
  for (let m = head.exec(s); m; m = head.exec(s)) {
    const forms: Record<string, string> = {}
    let i = m.index + m[0].length
    for (;;) {
      while (/\s/.test(s[i] ?? '')) i++
      if (s[i] === '}' || i >= s.length) break
      const sel = /^(zero|one|two|few|many|other)\s*\{/.exec(s.slice(i))
      if (!sel) throw new Error(`bad plural form in "${s}"`)
      i += sel[0].length
      let depth = 1
      const from = i
      for (; i < s.length && depth > 0; i++) {
        if (s[i] === '{') depth++
        else if (s[i] === '}') depth--
      }
      forms[sel[1]!] = s.slice(from, i - 1)
    }
    if (!('other' in forms)) throw new Error(`plural without "other" in "${s}"`)
    out.push({ name: m[1]!, forms: forms as PluralForms, start: m.index, end: i + 1 })
    head.lastIndex = i + 1
  }
  return out
}

/** Every placeholder a value uses (the count of a plural included), sorted, for the catalog tests. */
export function placeholdersOf(s: string): string[] {
  const names = new Set<string>()
  let rest = s
  for (const p of pluralsOf(s).reverse()) {
    names.add(p.name)
    for (const form of Object.values(p.forms)) for (const m of form!.matchAll(/\{(\w+)\}/g)) names.add(m[1]!)
    rest = rest.slice(0, p.start) + rest.slice(p.end)
  }
  for (const m of rest.matchAll(/\{(\w+)\}/g)) names.add(m[1]!)
  return [...names].sort()
}

export function translator<K extends string>(catalogs: Record<Language, Catalog<K>>, lang: Language, locale: string = localeFor(lang)): Translate<K> {
  const table = catalogs[lang] ?? catalogs.en
  const number = new Intl.NumberFormat(locale)
  const fill = (s: string, params: Record<string, string | number>) =>
    s.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
  return (key, params) => {
    let s = table[key] ?? catalogs.en[key] ?? key
    if (!params) return s
    for (const p of pluralsOf(s).reverse()) {
      const n = Number(params[p.name])
      const form = plural(lang, n, p.forms).replace(/#/g, number.format(n))
      s = s.slice(0, p.start) + form + s.slice(p.end)
    }
    return fill(s, params)
  }
}

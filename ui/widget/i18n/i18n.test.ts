import { describe, expect, it } from 'bun:test'
import { LANGUAGES, STRINGS, browserLanguage, supported } from './index.ts'
import type { Strings } from './strings.ts'

/** Every entry as text: functions are called with sample arguments. */
function texts(s: Strings): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(s)) {
    out[key] = typeof value === 'function' ? (value as (...a: unknown[]) => string)(3, 'X') : value
  }
  return out
}

describe('widget strings', () => {
  it('has the six languages of the product', () => {
    expect(LANGUAGES.sort()).toEqual(['cs', 'de', 'en', 'es', 'hu', 'pl'])
  })

  it('fills every key in every language, with no English left in the other five', () => {
    const en = texts(STRINGS.en)
    for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
      const t = texts(STRINGS[lang])
      expect(Object.keys(t).sort()).toEqual(Object.keys(en).sort())
      for (const [key, value] of Object.entries(t)) {
        expect({ lang, key, value: value.trim() === '' ? '(empty)' : value }).not.toEqual({ lang, key, value: en[key] })
        // Words that would only be there if English leaked in ("online" and "chat" are loanwords here).
        expect({ lang, key, english: /\b(the|please|message|send|sending|typing|thank|reply|unread|connection)\b/i.test(value) }).toEqual({ lang, key, english: false })
      }
    }
  })

  it('declines counts in Czech and Polish', () => {
    expect([1, 2, 5].map((n) => STRINGS.cs.unread(n))).toEqual(['1 nepřečtená zpráva', '2 nepřečtené zprávy', '5 nepřečtených zpráv'])
    expect([1, 3, 12, 22].map((n) => STRINGS.pl.unread(n))).toEqual([
      '1 nieprzeczytana wiadomość',
      '3 nieprzeczytane wiadomości',
      '12 nieprzeczytanych wiadomości',
      '22 nieprzeczytane wiadomości',
    ])
  })

  it('picks the first browser language it speaks, else English', () => {
    expect(browserLanguage(['cs-CZ', 'en-US'])).toBe('cs')
    expect(browserLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de')
    expect(browserLanguage(['fr', 'it'])).toBe('en')
    expect(supported('PL')).toBe('pl')
    expect(supported('xx')).toBeNull()
  })
})

import { describe, expect, it } from 'bun:test'
import { LANGUAGES, STRINGS, browserLanguage, supported } from './index.ts'
import type { Language, Strings } from './strings.ts'

/** Every entry as text: functions are called with sample arguments. */
function texts(s: Strings): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(s)) {
    out[key] = typeof value === 'function' ? (value as (...a: unknown[]) => string)(3, 'X') : value
  }
  return out
}

/** The same word in that language, checked by hand: "E-mail" is Czech and Polish too. */
const SAME_AS_ENGLISH: Partial<Record<Language, string[]>> = { cs: ['email'], pl: ['email'] }

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
        if (value.trim() === '' || !SAME_AS_ENGLISH[lang]?.includes(key))
          expect({ lang, key, value: value.trim() === '' ? '(empty)' : value }).not.toEqual({ lang, key, value: en[key] })
        // Words that would only be there if English leaked in ("online" and "chat" are loanwords here).
        expect({ lang, key, english: /\b(the|please|message|send|sending|typing|thank|reply|unread|connection)\b/i.test(value) }).toEqual({ lang, key, english: false })
      }
    }
  })

  // Intl.PluralRules picks the form; 12 and 112 are where hand-written rules for Polish go wrong.
  const unread: Record<Language, string[]> = {
    en: ['1 unread message', '2 unread messages', '5 unread messages', '12 unread messages', '22 unread messages', '112 unread messages'],
    cs: ['1 nepřečtená zpráva', '2 nepřečtené zprávy', '5 nepřečtených zpráv', '12 nepřečtených zpráv', '22 nepřečtených zpráv', '112 nepřečtených zpráv'],
    de: ['1 ungelesene Nachricht', '2 ungelesene Nachrichten', '5 ungelesene Nachrichten', '12 ungelesene Nachrichten', '22 ungelesene Nachrichten', '112 ungelesene Nachrichten'],
    es: ['1 mensaje sin leer', '2 mensajes sin leer', '5 mensajes sin leer', '12 mensajes sin leer', '22 mensajes sin leer', '112 mensajes sin leer'],
    hu: ['1 olvasatlan üzenet', '2 olvasatlan üzenet', '5 olvasatlan üzenet', '12 olvasatlan üzenet', '22 olvasatlan üzenet', '112 olvasatlan üzenet'],
    pl: [
      '1 nieprzeczytana wiadomość',
      '2 nieprzeczytane wiadomości',
      '5 nieprzeczytanych wiadomości',
      '12 nieprzeczytanych wiadomości',
      '22 nieprzeczytane wiadomości',
      '112 nieprzeczytanych wiadomości',
    ],
  }
  for (const lang of ['en', 'cs', 'de', 'es', 'hu', 'pl'] as const) {
    it(`counts unread messages in ${lang} for 1, 2, 5, 12, 22 and 112`, () => {
      expect([1, 2, 5, 12, 22, 112].map((n) => STRINGS[lang].unread(n))).toEqual(unread[lang])
    })
  }

  it('picks the first browser language it speaks, else English', () => {
    expect(browserLanguage(['cs-CZ', 'en-US'])).toBe('cs')
    expect(browserLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de')
    expect(browserLanguage(['fr', 'it'])).toBe('en')
    expect(supported('PL')).toBe('pl')
    expect(supported('xx')).toBeNull()
  })
})

// The Messenger settings page's strings: every language has every key, the same placeholders as
// English, and nothing left in English but names (Facebook Messenger, Graph API) and words that
// are the same in that language.
import { describe, expect, it } from 'bun:test'
import { LANGUAGES } from '../../shared/i18n.ts'
import { MESSENGER_CATALOGS, type Key } from './messenger-settings.i18n.ts'

const NAMES: Key[] = ['title', 'graph']
const SAME_AS_ENGLISH: Record<string, Key[]> = { cs: [], de: ['graphVersion'], es: [], hu: [], pl: [] }
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the Messenger settings strings', () => {
  const en = MESSENGER_CATALOGS.en
  const keys = Object.keys(en) as Key[]
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`has every key in ${lang}, with the same placeholders, and nothing left in English`, () => {
      const table = MESSENGER_CATALOGS[lang]
      expect(Object.keys(table).sort()).toEqual([...keys].sort())
      expect(keys.filter((k) => table[k] === en[k] && !NAMES.includes(k) && !SAME_AS_ENGLISH[lang]!.includes(k))).toEqual([])
      for (const k of keys) expect({ key: k, placeholders: placeholders(table[k]) }).toEqual({ key: k, placeholders: placeholders(en[k]) })
    })
  }
})

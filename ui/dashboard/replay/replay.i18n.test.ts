// The replay page's strings: every language has every key, the same placeholders as English, and
// nothing left in English but words that are the same in that language.
import { describe, expect, it } from 'bun:test'
import { LANGUAGES, placeholdersOf } from '../../shared/i18n.ts'
import { REPLAY_CATALOGS } from './replay.i18n.ts'

type Key = keyof (typeof REPLAY_CATALOGS)['en']
const SAME_AS_ENGLISH: Record<string, Key[]> = { cs: [], de: ['replay.agent'], es: [], hu: [], pl: ['replay.agent'] }

describe('the replay page strings', () => {
  const en = REPLAY_CATALOGS.en
  const keys = Object.keys(en) as Key[]
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`has every key in ${lang}, with the same placeholders, and nothing left in English`, () => {
      const table = REPLAY_CATALOGS[lang]
      expect(Object.keys(table).sort()).toEqual([...keys].sort())
      expect(keys.filter((k) => table[k] === en[k] && !SAME_AS_ENGLISH[lang]!.includes(k))).toEqual([])
      for (const k of keys) expect({ key: k, placeholders: placeholdersOf(table[k]) }).toEqual({ key: k, placeholders: placeholdersOf(en[k]) })
    })
  }
})

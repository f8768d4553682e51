// The string tables: every language has every key (also enforced by the types), the same
// placeholders as English, and no English left over.
import { describe, expect, it } from 'bun:test'
import { CATALOGS } from './index.ts'
import { en, type Key } from './en.ts'
import { LANGUAGES, pickLanguage, translator } from '../../shared/i18n.ts'

/** Strings that are the same word in that language (brand names, loanwords), checked by hand. */
const SAME_AS_ENGLISH: Record<string, Key[]> = {
  cs: ['nav.email', 'channel.messenger', 'channel.email', 'field.email', 'status.online', 'status.offline', 'agents.role'],
  de: ['channel.messenger', 'field.name', 'agents.agent', 'replay.agent', 'agents.status', 'status.online', 'status.offline', 'widget.position', 'visitor.browser', 'visitor.bot', 'account.device'],
  es: ['channel.messenger', 'widget.color', 'visitor.bot'],
  hu: ['nav.email', 'channel.messenger'],
  pl: ['nav.email', 'channel.messenger', 'agents.agent', 'visitor.os', 'visitor.bot'],
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('dashboard string tables', () => {
  const keys = Object.keys(en) as Key[]
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`has every key in ${lang}, with the same placeholders, and nothing left in English`, () => {
      const table = CATALOGS[lang]
      expect(Object.keys(table).sort()).toEqual([...keys].sort())
      const leftover = keys.filter((k) => table[k] === en[k] && !SAME_AS_ENGLISH[lang]!.includes(k))
      expect(leftover).toEqual([])
      for (const k of keys) {
        expect({ key: k, placeholders: placeholders(table[k]) }).toEqual({ key: k, placeholders: placeholders(en[k]) })
        expect(table[k].trim()).not.toBe('')
      }
    })
  }

  it('fills placeholders and picks the browser language it supports', () => {
    expect(translator(CATALOGS, 'cs')('list.visitor', { number: 12 })).toBe('Návštěvník č. 12')
    expect(translator(CATALOGS, 'pl')('action.resolve')).toBe('Zamknij')
    expect(pickLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de')
    expect(pickLanguage(['fr'])).toBe('en')
  })
})

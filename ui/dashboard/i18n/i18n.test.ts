// The string tables: every language has every key (also enforced by the types), the same
// placeholders as English, and no English left over.
import { describe, expect, it } from 'bun:test'
import { CATALOGS } from './index.ts'
import { en, type Key } from './en.ts'
import { EMAIL_CATALOGS } from '../email-settings/email-settings.i18n.ts'
import { LANGUAGES, localeFor, pickLanguage, placeholdersOf, pluralsOf, translator, type Language } from '../../shared/i18n.ts'
import { dateTime, duration } from '../format.ts'

/** Strings that are the same word in that language (brand names, loanwords), checked by hand. */
const SAME_AS_ENGLISH: Record<string, Key[]> = {
  cs: ['nav.email', 'channel.messenger', 'channel.email', 'field.email', 'status.online', 'status.offline', 'agents.role'],
  de: ['channel.messenger', 'field.name', 'agents.agent', 'search.agent', 'agents.status', 'status.online', 'status.offline', 'widget.position', 'visitor.browser', 'visitor.bot', 'account.device', 'webhooks.title', 'webhooks.status', 'nav.tags', 'tags.title', 'tagPicker.button', 'tags.color.orange'],
  es: ['channel.messenger', 'widget.color', 'visitor.bot', 'webhooks.title'],
  hu: ['nav.email', 'channel.messenger'],
  pl: ['nav.email', 'channel.messenger', 'agents.agent', 'search.agent', 'visitor.os', 'visitor.bot', 'status.online', 'status.offline'],
}

/** Strings with no word in them (punctuation around a placeholder), the same in every language. */
const NO_WORDS: Key[] = ['list.agentPrefix']

const placeholders = placeholdersOf

describe('dashboard string tables', () => {
  const keys = Object.keys(en) as Key[]
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`has every key in ${lang}, with the same placeholders, and nothing left in English`, () => {
      const table = CATALOGS[lang]
      expect(Object.keys(table).sort()).toEqual([...keys].sort())
      const leftover = keys.filter((k) => table[k] === en[k] && !SAME_AS_ENGLISH[lang]!.includes(k) && !NO_WORDS.includes(k))
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
    expect(translator(CATALOGS, 'cs')('agents.passwordReset', { name: 'Podpora' })).toBe('Podpora: nové heslo je nastaveno a všechny relace byly ukončeny.')
    expect(pickLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de')
    expect(pickLanguage(['fr'])).toBe('en')
  })
})

/** The counts the issue names: one, a few, many, the teens, and the numbers whose last digits fool hand-written rules. */
const COUNTS = [1, 2, 5, 12, 22, 112]

describe('counts', () => {
  it('give every plural message the forms its language needs for whole numbers', () => {
    for (const lang of LANGUAGES) {
      const needed = new Set(Array.from({ length: 1001 }, (_, n) => new Intl.PluralRules(lang).select(n)))
      for (const [name, table] of [['dashboard', CATALOGS[lang]], ['e-mail', EMAIL_CATALOGS[lang]]] as const) {
        for (const [key, value] of Object.entries(table)) {
          for (const p of pluralsOf(value)) {
            const missing = [...needed].filter((c) => !(c in p.forms))
            expect({ lang, where: `${name} ${key}`, missing }).toEqual({ lang, where: `${name} ${key}`, missing: [] })
          }
        }
      }
    }
  })

  const sessions: Record<Language, string[]> = {
    en: ['1 other session', '2 other sessions', '5 other sessions', '12 other sessions', '22 other sessions', '112 other sessions'],
    cs: ['1 další relace', '2 další relace', '5 dalších relací', '12 dalších relací', '22 dalších relací', '112 dalších relací'],
    de: ['1 weitere Sitzung', '2 weitere Sitzungen', '5 weitere Sitzungen', '12 weitere Sitzungen', '22 weitere Sitzungen', '112 weitere Sitzungen'],
    es: ['1 sesión más', '2 sesiones más', '5 sesiones más', '12 sesiones más', '22 sesiones más', '112 sesiones más'],
    hu: ['1 további munkamenet', '2 további munkamenet', '5 további munkamenet', '12 további munkamenet', '22 további munkamenet', '112 további munkamenet'],
    pl: ['1 inna sesja', '2 inne sesje', '5 innych sesji', '12 innych sesji', '22 inne sesje', '112 innych sesji'],
  }
  const minutes: Record<Language, string[]> = {
    en: ['1 minute', '2 minutes', '5 minutes', '12 minutes', '22 minutes', '112 minutes'],
    cs: ['1 minutu', '2 minuty', '5 minut', '12 minut', '22 minut', '112 minut'],
    de: ['einer Minute', '2 Minuten', '5 Minuten', '12 Minuten', '22 Minuten', '112 Minuten'],
    es: ['1 minuto', '2 minutos', '5 minutos', '12 minutos', '22 minutos', '112 minutos'],
    hu: ['1 perc', '2 perc', '5 perc', '12 perc', '22 perc', '112 perc'],
    pl: ['1 minutę', '2 minuty', '5 minut', '12 minut', '22 minuty', '112 minut'],
  }
  for (const lang of LANGUAGES) {
    it(`declines counts in ${lang} for 1, 2, 5, 12, 22 and 112`, () => {
      const t = translator(CATALOGS, lang, lang)
      expect(COUNTS.map((n) => t('account.otherSessions', { n }))).toEqual(sessions[lang])
      COUNTS.forEach((n, i) => expect(t('login.throttledMinutes', { n })).toContain(minutes[lang][i]!))
    })
  }

  it('words the IMAP test with its count in the agent’s language', () => {
    const params = { server: 'mail.example:993', user: 'u', mailbox: 'INBOX', count: 22 }
    expect(translator(EMAIL_CATALOGS, 'pl', 'pl')('imapOk', params)).toEndWith('Folder INBOX zawiera 22 wiadomości.')
    expect(translator(EMAIL_CATALOGS, 'cs', 'cs')('imapOk', { ...params, count: 3 })).toEndWith('Ve složce INBOX jsou 3 zprávy.')
  })
})

describe('formats', () => {
  it("take the browser's full locale for the UI language, and the bare language otherwise", () => {
    expect(localeFor('de', ['de-AT', 'en'])).toBe('de-AT')
    expect(localeFor('es', ['en-US', 'es-MX'])).toBe('es-MX')
    expect(localeFor('de', ['en-US'])).toBe('de')
    expect(localeFor('pl', ['pl_PL'])).toBe('pl-PL')
    const at = '2026-03-05T14:07:00Z'
    // Mexico writes the time of day with a.m./p.m.; Spain does not — same words, different format.
    expect(dateTime(at, 'es', 'es-MX')).not.toBe(dateTime(at, 'es', 'es-ES'))
  })

  it('spells Hungarian durations out instead of "5 p" and "2 ó"', () => {
    expect(duration(5 * 60_000, 'hu', 'hu')).toBe('5 perc')
    expect(duration(2 * 3_600_000, 'hu', 'hu')).toBe('2 óra')
    expect(duration(5 * 60_000, 'cs', 'cs')).toBe('5 min')
  })
})

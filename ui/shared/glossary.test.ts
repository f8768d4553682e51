// The glossary holds: in every language, every catalog (dashboard, its pages' own tables, widget) uses
// the chosen word for each concept and none of the words kept out.
import { describe, expect, it } from 'bun:test'
import { GLOSSARY } from './glossary.ts'
import { LANGUAGES, type Language } from './i18n.ts'
import { CATALOGS } from '../dashboard/i18n/index.ts'
import { EMAIL_CATALOGS } from '../dashboard/email-settings/email-settings.i18n.ts'
import { MESSENGER_CATALOGS } from '../dashboard/messenger-settings/messenger-settings.i18n.ts'
import { REPLAY_CATALOGS } from '../dashboard/replay/replay.i18n.ts'
import { STRINGS } from '../widget/i18n/index.ts'

/** Every text of a language, named by where it lives, with placeholders as `{}`. */
function textsOf(lang: Language): [string, string][] {
  const widget = Object.entries(STRINGS[lang]).map(([k, v]): [string, string] => [
    `widget ${k}`,
    // Functions get placeholder-looking arguments, so "{} píše" can be checked like a catalog value.
    typeof v === 'function' ? (v as (...a: unknown[]) => string)('{x}', '{y}') : v,
  ])
  const widgetCounts = [1, 2, 5].map((n): [string, string] => [`widget unread(${n})`, STRINGS[lang].unread(n)])
  return [
    ...Object.entries(CATALOGS[lang]).map(([k, v]): [string, string] => [`dashboard ${k}`, v]),
    ...Object.entries(EMAIL_CATALOGS[lang]).map(([k, v]): [string, string] => [`e-mail ${k}`, v]),
    ...Object.entries(MESSENGER_CATALOGS[lang]).map(([k, v]): [string, string] => [`messenger ${k}`, v]),
    ...Object.entries(REPLAY_CATALOGS[lang]).map(([k, v]): [string, string] => [`replay ${k}`, v]),
    ...widget.filter(([k]) => k !== 'widget unread'),
    ...widgetCounts,
  ].map(([where, text]) => [where, text.replace(/\{\w+, plural,/g, '{').replace(/\{\w+\}/g, '{}')])
}

describe('the glossary', () => {
  for (const lang of LANGUAGES) {
    it(`is followed by every ${lang} catalog: each chosen word is used and no word kept out appears`, () => {
      const texts = textsOf(lang)
      expect(texts.length).toBeGreaterThan(300)
      for (const term of GLOSSARY[lang]) {
        expect({ concept: term.concept, term: term.term, used: texts.some(([, t]) => term.use.test(t)) }).toEqual({ concept: term.concept, term: term.term, used: true })
        const offenders = texts.filter(([, t]) => term.avoid.some((re) => re.test(t))).map(([where, t]) => `${where}: ${t}`)
        expect({ concept: term.concept, term: term.term, offenders }).toEqual({ concept: term.concept, term: term.term, offenders: [] })
      }
    })
  }

  it('catches the words it keeps out (the rules are not vacuous)', () => {
    const hits = (lang: Language, text: string) => GLOSSARY[lang].filter((term) => term.avoid.some((re) => re.test(text))).map((t) => t.concept)
    expect(hits('de', 'Frühere Unterhaltungen')).toEqual(['conversation'])
    expect(hits('de', 'Speichere…')).toEqual(['progress'])
    expect(hits('cs', 'Zkopíroval(a) jsem ho')).toContain('no gendered agent')
    expect(hits('cs', 'Nová zpráva od {}')).toEqual(['name after a preposition'])
    expect(hits('pl', 'Skopiowałem go')).toEqual(['no gendered agent'])
    expect(hits('pl', 'Tak. Ten adres wpisał konsultant.')).toEqual(['agent'])
    expect(hits('es', 'Conecte su sitio web con Parley')).toEqual(['register'])
    expect(hits('hu', 'Üdv újra')).toEqual(['register'])
    expect(hits('hu', 'E-mail cím')).toEqual(['e-mail address'])
  })
})

// One word per concept, per language: the terms Smartsupp's own help uses (its article
// "Conversations — general settings" in Czech, German, Spanish, Hungarian and Polish), which agents moving from Smartsupp already know, and the words we keep out because a second
// name for the same thing makes an agent wonder whether it is a different thing. Every catalog —
// dashboard, e-mail settings, widget — follows this table; ui/shared/glossary.test.ts checks it.
//
// `use` must appear in the catalogs (so a rename cannot leave the glossary describing nothing);
// `avoid` must not appear anywhere. Patterns are matched against each catalog text with placeholders
// replaced by `{}`, so a rule can see a name standing after a preposition that cannot decline it
// ("od {}" would print "od Podpora"). Register and neutrality rules are entries too: words to avoid.
import type { Language } from './i18n.ts'

export interface Term {
  /** The concept, in English. */
  concept: string
  /** The chosen word, as it is written. */
  term: string
  /** Matches the chosen word in any of its forms. */
  use: RegExp
  /** Other words for the same concept, or forms the register rules out. */
  avoid: RegExp[]
}

/** Gendered forms that would address every agent as one gender ("Zkopíroval(a)", "Skopiowałem"). */
const SLASHED_GENDER = /\w\((a|á|ka|o|la|ła)\)|\w\/(a|ka|á)\b/

export const GLOSSARY: Record<Language, Term[]> = {
  en: [
    { concept: 'agent', term: 'agent', use: /\bagents?\b/i, avoid: [/\boperators?\b/i] },
    { concept: 'conversation', term: 'conversation', use: /\bconversations?\b/i, avoid: [/\bchats? session/i, /\btickets?\b/i] },
    { concept: 'visitor', term: 'visitor', use: /\bvisitors?\b/i, avoid: [/\bguests?\b/i] },
    { concept: 'resolve', term: 'resolve', use: /\bresolve/i, avoid: [/\bclose (the|a) conversation/i] },
    { concept: 'e-mail', term: 'e-mail', use: /\be-mail/i, avoid: [/\bemail\b/i] },
    { concept: 'owner', term: 'owner', use: /\bowner\b/i, avoid: [/\baccount holder\b/i] },
    { concept: 'unassigned, in one phrase with "assigned to"', term: 'Nobody yet', use: /Nobody yet/, avoid: [/Assigned to: Unassigned/] },
  ],
  cs: [
    // Meta's permission is called Human Agent (HUMAN_AGENT) in every language: a name, not our word.
    { concept: 'agent', term: 'operátor', use: /operátor/i, avoid: [/(?<!human[ _])\bagent/i, /\bagentk/i] },
    { concept: 'conversation', term: 'konverzace', use: /konverzac/i, avoid: [/rozhovor/i] },
    { concept: 'visitor', term: 'návštěvník', use: /návštěvník/i, avoid: [/(?<!\p{L})host(é|ů|a|y)?(?!\p{L})/iu] },
    { concept: 'resolve', term: 'vyřešit', use: /vyřeš/i, avoid: [/uzavř/i] },
    { concept: 'chat widget', term: 'chatovací okno', use: /chatovací(m|ho)? okn/i, avoid: [/widget/i] },
    { concept: 'owner', term: 'vlastník', use: /vlastník/i, avoid: [/majitel/i] },
    { concept: 'website', term: 'web', use: /\bweb(u|em)?\b/i, avoid: [/webov(á|é|ou) stránk/i] },
    { concept: 'e-mail', term: 'e-mail', use: /e-mail/i, avoid: [/\bemail/i, /(?<![-\p{L}])mailov/iu] },
    { concept: 'no gendered agent', term: '(neutral constructions)', use: /Mám zkopírováno/, avoid: [SLASHED_GENDER, /Nepřítomen|Deaktivován\b|Zkopíroval/] },
    { concept: 'progress', term: 'nouns, not first person ("Ukládání…")', use: /Ukládání…/, avoid: [/(?<!\p{L})(Ukládám|Načítám|Zkouším|Připojuji)(?!\p{L})/u] },
    { concept: 'name after a preposition', term: '"{name}: …" / "{name} píše"', use: /\{\} píše: /, avoid: [/(?<!\p{L})(od|pro|u) \{\}/u] },
  ],
  de: [
    { concept: 'agent', term: 'Agent', use: /\bAgent/, avoid: [/Mitarbeiter|Bearbeiter|Operator/] },
    { concept: 'conversation', term: 'Konversation', use: /Konversation/, avoid: [/Unterhaltung|Gespräch/] },
    { concept: 'visitor', term: 'Besucher', use: /Besucher/, avoid: [/\bGast\b|\bGäste/] },
    { concept: 'resolve', term: 'abschließen', use: /[Aa]bschließen|[Aa]bgeschlossen/, avoid: [/\bgelöst\b|\berledigt\b/i] },
    { concept: 'identity secret', term: 'Identitätsschlüssel', use: /Identitätsschlüssel/, avoid: [/Geheimnis/] },
    { concept: 'owner', term: 'Kontoinhaber', use: /Kontoinhaber/, avoid: [/(?<!Konto)[Ii]nhaber/] },
    { concept: 'chat widget', term: 'Chat-Fenster', use: /Chat-Fenster/, avoid: [/Widget/] },
    { concept: 'website', term: 'Website', use: /Website/, avoid: [/Webseite/] },
    { concept: 'e-mail', term: 'E-Mail', use: /E-Mail/, avoid: [/\bEmail\b|(?<![-\w])Mails?\b/] },
    { concept: 'register', term: 'Sie', use: /\bSie\b/, avoid: [/\b(du|dein|deine|dich|dir)\b/] },
    { concept: 'progress', term: 'passive ("Wird gespeichert…")', use: /Wird gespeichert…/, avoid: [/^(Speichere|Teste|Verbinde|Lade|Sende|Lädt)\b/] },
  ],
  es: [
    { concept: 'agent', term: 'agente', use: /\bagente/i, avoid: [/\boperador/i] },
    { concept: 'conversation', term: 'conversación', use: /conversaci(ón|ones)/i, avoid: [/\bcharla/i] },
    { concept: 'visitor', term: 'visitante', use: /visitante/i, avoid: [/\binvitado/i] },
    { concept: 'resolve', term: 'resolver', use: /resuel|resolver/i, avoid: [/cerrar (la )?conversación/i] },
    { concept: 'chat widget', term: 'ventana de chat', use: /ventana de chat/i, avoid: [/widget/i] },
    { concept: 'website', term: 'sitio web', use: /sitio web/i, avoid: [/página web/i] },
    { concept: 'owner', term: 'propietario', use: /propietario/i, avoid: [/dueño/i] },
    { concept: 'e-mail', term: 'correo (electrónico)', use: /correo/i, avoid: [/\be-?mail\b/i] },
    {
      concept: 'register',
      term: 'tú, as Smartsupp writes',
      use: /\btu\b|\btus\b/,
      avoid: [/\busted\b|\bsu sitio\b|\bsu servidor\b|\bsu dirección de soporte\b|\b(Conecte|Guarde|Cópiela|Actualícelo|déjela|Actívelo|Añada|añada|reconozca|Introduzca|Pegue|Elija|Compruebe|Inicie)\b/],
    },
    { concept: 'no gendered agent', term: '(neutral constructions)', use: /Cuenta desactivada/, avoid: [/\blo reactives\b|\bDesconectad[oa]\b|^Desconocid[oa]$/] },
  ],
  hu: [
    { concept: 'agent', term: 'ügynök', use: /ügynök/i, avoid: [/munkatárs|operátor/i] },
    { concept: 'conversation', term: 'beszélgetés', use: /beszélgetés/i, avoid: [/társalgás/i] },
    { concept: 'visitor', term: 'látogató', use: /látogató/i, avoid: [/vendég/i] },
    { concept: 'website', term: 'webhely', use: /webhely/i, avoid: [/weboldal/i] },
    { concept: 'e-mail address', term: 'e-mail-cím', use: /e-mail-cím/i, avoid: [/e-mail cím/i, /\bemail/i] },
    { concept: 'unassigned', term: 'kiosztatlan', use: /Kiosztatlan/, avoid: [/hozzárendeletlen/i] },
    { concept: 'chat widget', term: 'chatablak', use: /chatablak/i, avoid: [/csevegőablakot|widget/i] },
    { concept: 'owner', term: 'fióktulajdonos', use: /fióktulajdonos/i, avoid: [/(?<!fiók)tulajdonos/i] },
    { concept: 'support address', term: 'ügyfélszolgálati cím', use: /ügyfélszolgálati/i, avoid: [/support cím/i] },
    { concept: 'register', term: 'Ön', use: /(?<!\p{L})Ön(?!\p{L})/u, avoid: [/(?<!\p{L})(Üdv|Szia|Hello)(?!\p{L})/u] },
  ],
  pl: [
    { concept: 'agent', term: 'agent', use: /\bagent/i, avoid: [/konsultant/i] },
    { concept: 'conversation', term: 'rozmowa', use: /rozmow/i, avoid: [/konwersacj/i] },
    { concept: 'visitor', term: 'odwiedzający', use: /odwiedzając/i, avoid: [/(?<!\p{L})go(ść|ści|ścia|ściom)(?!\p{L})/iu] },
    { concept: 'resolve', term: 'zamknąć', use: /Zamknij|Zamknięt/i, avoid: [/rozwiąż/i] },
    { concept: 'chat widget', term: 'okno czatu', use: /okn(o|a) czatu/i, avoid: [/widżet|widget/i] },
    { concept: 'website', term: 'strona (internetowa)', use: /stron/i, avoid: [/witryn/i] },
    { concept: 'support', term: 'obsługa klienta', use: /obsługi klienta|Obsługa klienta/, avoid: [/wsparci/i] },
    { concept: 'no gendered agent', term: '(neutral constructions)', use: /Klucz skopiowany/, avoid: [SLASHED_GENDER, /\w+łem\b|\w+łam\b|^Nieznana$|jesteś zalogowany/i] },
    { concept: 'progress', term: 'nouns ("Zapisywanie…")', use: /Zapisywanie…/, avoid: [/(?<!\p{L})(Zapisuję|Wczytuję|Sprawdzam|Łączę)(?!\p{L})/u] },
    { concept: 'name after a preposition', term: '"{name}: …" / "{name} pisze"', use: /\{\} pisze: /, avoid: [/(?<!\p{L})(od|dla|u) \{\}/u] },
  ],
}

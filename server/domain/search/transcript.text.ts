// The words of a printable transcript, in the requesting agent's dashboard language. Composed on
// the server (like the notification mails), where the UI's catalogs do not reach.
import type { ConversationEventKind } from '../conversation-events/conversation-events.types.ts'

export interface TranscriptWords {
  title: (n: number) => string
  visitor: string
  channel: string
  channels: Record<'web' | 'email' | 'messenger', string>
  started: string
  resolved: string
  open: string
  agent: string
  nobody: string
  group: string
  tags: string
  rating: string
  ratings: { good: string; bad: string; stars: (n: number) => string }
  none: string
  you: string
  visitorAuthor: string
  system: string
  truncated: string
  /** {actor}, {agent}, {group}, {rating} are filled in. */
  events: Record<ConversationEventKind, string>
  someone: string
}

const WORDS: Record<string, TranscriptWords> = {
  en: {
    title: (n) => `Conversation #${n}`,
    visitor: 'Visitor', channel: 'Channel', channels: { web: 'Website chat', email: 'E-mail', messenger: 'Messenger' },
    started: 'Started', resolved: 'Resolved', open: 'Still open', agent: 'Agent', nobody: 'Nobody', group: 'Group', tags: 'Tags',
    rating: 'Rating', ratings: { good: 'Good', bad: 'Bad', stars: (n) => `${n} of 5 stars` }, none: 'None',
    you: 'You', visitorAuthor: 'Visitor', system: 'System', truncated: 'Only the first messages are shown.',
    someone: 'Someone',
    events: {
      assigned: '{actor} assigned the conversation to {agent}', taken: '{actor} took the conversation',
      transferred: '{actor} transferred the conversation to {agent}', unassigned: '{actor} returned the conversation to the queue',
      resolved: '{actor} resolved the conversation', reopened: 'The conversation was reopened',
      email_sent: 'An e-mail was sent to the visitor', email_failed: 'An e-mail to the visitor could not be sent',
      transferred_to_group: '{actor} moved the conversation to the group {group}', rated: 'The visitor rated the conversation: {rating}',
    },
  },
  cs: {
    title: (n) => `Konverzace č. ${n}`,
    visitor: 'Návštěvník', channel: 'Kanál', channels: { web: 'Chat na webu', email: 'E-mail', messenger: 'Messenger' },
    started: 'Zahájena', resolved: 'Vyřešena', open: 'Stále otevřená', agent: 'Operátor', nobody: 'Nikdo', group: 'Skupina', tags: 'Štítky',
    rating: 'Hodnocení', ratings: { good: 'Dobré', bad: 'Špatné', stars: (n) => `${n} z 5 hvězdiček` }, none: 'Žádné',
    you: 'Vy', visitorAuthor: 'Návštěvník', system: 'Systém', truncated: 'Zobrazeny jsou jen první zprávy.',
    someone: 'Někdo',
    events: {
      assigned: '{actor} přidělil(a) konverzaci operátorovi {agent}', taken: '{actor} převzal(a) konverzaci',
      transferred: '{actor} předal(a) konverzaci operátorovi {agent}', unassigned: '{actor} vrátil(a) konverzaci do fronty',
      resolved: '{actor} vyřešil(a) konverzaci', reopened: 'Konverzace byla znovu otevřena',
      email_sent: 'Návštěvníkovi byl odeslán e-mail', email_failed: 'E-mail návštěvníkovi se nepodařilo odeslat',
      transferred_to_group: '{actor} přesunul(a) konverzaci do skupiny {group}', rated: 'Návštěvník konverzaci ohodnotil: {rating}',
    },
  },
  de: {
    title: (n) => `Konversation Nr. ${n}`,
    visitor: 'Besucher', channel: 'Kanal', channels: { web: 'Website-Chat', email: 'E-Mail', messenger: 'Messenger' },
    started: 'Begonnen', resolved: 'Erledigt', open: 'Noch offen', agent: 'Agent', nobody: 'Niemand', group: 'Gruppe', tags: 'Tags',
    rating: 'Bewertung', ratings: { good: 'Gut', bad: 'Schlecht', stars: (n) => `${n} von 5 Sternen` }, none: 'Keine',
    you: 'Sie', visitorAuthor: 'Besucher', system: 'System', truncated: 'Nur die ersten Nachrichten werden gezeigt.',
    someone: 'Jemand',
    events: {
      assigned: '{actor} hat die Konversation {agent} zugewiesen', taken: '{actor} hat die Konversation übernommen',
      transferred: '{actor} hat die Konversation an {agent} übergeben', unassigned: '{actor} hat die Konversation in die Warteschlange zurückgegeben',
      resolved: '{actor} hat die Konversation erledigt', reopened: 'Die Konversation wurde wieder geöffnet',
      email_sent: 'Eine E-Mail wurde an den Besucher gesendet', email_failed: 'Eine E-Mail an den Besucher konnte nicht gesendet werden',
      transferred_to_group: '{actor} hat die Konversation in die Gruppe {group} verschoben', rated: 'Der Besucher hat die Konversation bewertet: {rating}',
    },
  },
  es: {
    title: (n) => `Conversación n.º ${n}`,
    visitor: 'Visitante', channel: 'Canal', channels: { web: 'Chat del sitio web', email: 'Correo electrónico', messenger: 'Messenger' },
    started: 'Iniciada', resolved: 'Resuelta', open: 'Aún abierta', agent: 'Agente', nobody: 'Nadie', group: 'Grupo', tags: 'Etiquetas',
    rating: 'Valoración', ratings: { good: 'Buena', bad: 'Mala', stars: (n) => `${n} de 5 estrellas` }, none: 'Ninguna',
    you: 'Tú', visitorAuthor: 'Visitante', system: 'Sistema', truncated: 'Solo se muestran los primeros mensajes.',
    someone: 'Alguien',
    events: {
      assigned: '{actor} asignó la conversación a {agent}', taken: '{actor} tomó la conversación',
      transferred: '{actor} transfirió la conversación a {agent}', unassigned: '{actor} devolvió la conversación a la cola',
      resolved: '{actor} resolvió la conversación', reopened: 'La conversación se reabrió',
      email_sent: 'Se envió un correo electrónico al visitante', email_failed: 'No se pudo enviar un correo electrónico al visitante',
      transferred_to_group: '{actor} movió la conversación al grupo {group}', rated: 'El visitante valoró la conversación: {rating}',
    },
  },
  hu: {
    title: (n) => `${n}. számú beszélgetés`,
    visitor: 'Látogató', channel: 'Csatorna', channels: { web: 'Weboldal-csevegés', email: 'E-mail', messenger: 'Messenger' },
    started: 'Kezdete', resolved: 'Lezárva', open: 'Még nyitott', agent: 'Ügyintéző', nobody: 'Senki', group: 'Csoport', tags: 'Címkék',
    rating: 'Értékelés', ratings: { good: 'Jó', bad: 'Rossz', stars: (n) => `${n} / 5 csillag` }, none: 'Nincs',
    you: 'Ön', visitorAuthor: 'Látogató', system: 'Rendszer', truncated: 'Csak az első üzenetek láthatók.',
    someone: 'Valaki',
    events: {
      assigned: '{actor} kiosztotta a beszélgetést neki: {agent}', taken: '{actor} átvette a beszélgetést',
      transferred: '{actor} átadta a beszélgetést neki: {agent}', unassigned: '{actor} visszatette a beszélgetést a várakozók közé',
      resolved: '{actor} lezárta a beszélgetést', reopened: 'A beszélgetés újra megnyílt',
      email_sent: 'E-mail ment a látogatónak', email_failed: 'A látogatónak szóló e-mailt nem sikerült elküldeni',
      transferred_to_group: '{actor} áthelyezte a beszélgetést ebbe a csoportba: {group}', rated: 'A látogató értékelte a beszélgetést: {rating}',
    },
  },
  pl: {
    title: (n) => `Rozmowa nr ${n}`,
    visitor: 'Odwiedzający', channel: 'Kanał', channels: { web: 'Czat na stronie', email: 'E-mail', messenger: 'Messenger' },
    started: 'Rozpoczęta', resolved: 'Rozwiązana', open: 'Nadal otwarta', agent: 'Agent', nobody: 'Nikt', group: 'Grupa', tags: 'Tagi',
    rating: 'Ocena', ratings: { good: 'Dobra', bad: 'Zła', stars: (n) => `${n} z 5 gwiazdek` }, none: 'Brak',
    you: 'Ty', visitorAuthor: 'Odwiedzający', system: 'System', truncated: 'Pokazano tylko pierwsze wiadomości.',
    someone: 'Ktoś',
    events: {
      assigned: '{actor} przydzielił(a) rozmowę: {agent}', taken: '{actor} przejął(-ęła) rozmowę',
      transferred: '{actor} przekazał(a) rozmowę: {agent}', unassigned: '{actor} zwrócił(a) rozmowę do kolejki',
      resolved: '{actor} rozwiązał(a) rozmowę', reopened: 'Rozmowa została ponownie otwarta',
      email_sent: 'Wysłano e-mail do odwiedzającego', email_failed: 'Nie udało się wysłać e-maila do odwiedzającego',
      transferred_to_group: '{actor} przeniósł(-osła) rozmowę do grupy {group}', rated: 'Odwiedzający ocenił rozmowę: {rating}',
    },
  },
}

export const transcriptWords = (language: string): TranscriptWords => WORDS[language] ?? WORDS.en!

// The replay page's own strings, in the six UI languages: the page is its own bundle, and
// carrying the dashboard's whole catalog would double its size.
import type { Catalog, Language } from '../../shared/i18n.ts'

const en = {
  'replay.loading': 'Loading the recording…',
  'replay.failed': 'The recording could not be loaded. Close it and try again.',
  'replay.empty': 'Nothing has been recorded yet.',
  'replay.live': 'Live',
  'replay.behind': 'A few seconds behind the visitor',
  'replay.play': 'Play',
  'replay.pause': 'Pause',
  'replay.timeline': 'Timeline',
  'replay.page': 'Page',
  'replay.jump': 'Jump to this moment',
  'replay.speed': 'Speed',
  'replay.skipInactive': 'Skip inactivity',
  'replay.messages': 'Chat during the visit',
  'replay.noMessages': 'No chat messages during this visit.',
  'replay.visitor': 'Visitor',
  'replay.agent': 'Agent',
}

type Key = keyof typeof en

const cs: Catalog<Key> = {
  'replay.loading': 'Načítání záznamu…',
  'replay.failed': 'Záznam se nepodařilo načíst. Zavřete ho a zkuste to znovu.',
  'replay.empty': 'Zatím nebylo nic zaznamenáno.',
  'replay.live': 'Živě',
  'replay.behind': 'Několik sekund za návštěvníkem',
  'replay.play': 'Přehrát',
  'replay.pause': 'Pozastavit',
  'replay.timeline': 'Časová osa',
  'replay.page': 'Stránka',
  'replay.jump': 'Přejít na tento okamžik',
  'replay.speed': 'Rychlost',
  'replay.skipInactive': 'Přeskočit nečinnost',
  'replay.messages': 'Chat během návštěvy',
  'replay.noMessages': 'Během této návštěvy nepadla v chatu žádná zpráva.',
  'replay.visitor': 'Návštěvník',
  'replay.agent': 'Operátor',
}

const de: Catalog<Key> = {
  'replay.loading': 'Aufzeichnung wird geladen…',
  'replay.failed': 'Die Aufzeichnung konnte nicht geladen werden. Schließen Sie sie und versuchen Sie es erneut.',
  'replay.empty': 'Bisher wurde nichts aufgezeichnet.',
  'replay.live': 'Live-Ansicht',
  'replay.behind': 'Einige Sekunden hinter dem Besucher',
  'replay.play': 'Abspielen',
  'replay.pause': 'Pausieren',
  'replay.timeline': 'Zeitleiste',
  'replay.page': 'Seite',
  'replay.jump': 'Zu diesem Moment springen',
  'replay.speed': 'Geschwindigkeit',
  'replay.skipInactive': 'Inaktivität überspringen',
  'replay.messages': 'Chat während des Besuchs',
  'replay.noMessages': 'Während dieses Besuchs gab es keine Chatnachrichten.',
  'replay.visitor': 'Besucher',
  'replay.agent': 'Agent',
}

const es: Catalog<Key> = {
  'replay.loading': 'Cargando la grabación…',
  'replay.failed': 'No se pudo cargar la grabación. Ciérrala y vuelve a intentarlo.',
  'replay.empty': 'Todavía no se ha grabado nada.',
  'replay.live': 'En directo',
  'replay.behind': 'Unos segundos por detrás del visitante',
  'replay.play': 'Reproducir',
  'replay.pause': 'Pausar',
  'replay.timeline': 'Línea de tiempo',
  'replay.page': 'Página',
  'replay.jump': 'Ir a este momento',
  'replay.speed': 'Velocidad',
  'replay.skipInactive': 'Saltar la inactividad',
  'replay.messages': 'Chat durante la visita',
  'replay.noMessages': 'No hubo mensajes de chat durante esta visita.',
  'replay.visitor': 'Visitante',
  'replay.agent': 'Agente',
}

const hu: Catalog<Key> = {
  'replay.loading': 'A felvétel betöltése…',
  'replay.failed': 'A felvételt nem sikerült betölteni. Zárja be, és próbálja újra.',
  'replay.empty': 'Még nincs rögzítve semmi.',
  'replay.live': 'Élő',
  'replay.behind': 'Néhány másodperccel a látogató mögött',
  'replay.play': 'Lejátszás',
  'replay.pause': 'Szünet',
  'replay.timeline': 'Idővonal',
  'replay.page': 'Oldal',
  'replay.jump': 'Ugrás erre a pillanatra',
  'replay.speed': 'Sebesség',
  'replay.skipInactive': 'Tétlenség átugrása',
  'replay.messages': 'Csevegés a látogatás alatt',
  'replay.noMessages': 'A látogatás alatt nem volt csevegőüzenet.',
  'replay.visitor': 'Látogató',
  'replay.agent': 'Ügynök',
}

const pl: Catalog<Key> = {
  'replay.loading': 'Wczytywanie nagrania…',
  'replay.failed': 'Nie udało się wczytać nagrania. Zamknij je i spróbuj ponownie.',
  'replay.empty': 'Na razie nic nie nagrano.',
  'replay.live': 'Na żywo',
  'replay.behind': 'Kilka sekund za odwiedzającym',
  'replay.play': 'Odtwórz',
  'replay.pause': 'Wstrzymaj',
  'replay.timeline': 'Oś czasu',
  'replay.page': 'Strona',
  'replay.jump': 'Przejdź do tej chwili',
  'replay.speed': 'Prędkość',
  'replay.skipInactive': 'Pomijaj bezczynność',
  'replay.messages': 'Czat podczas wizyty',
  'replay.noMessages': 'Podczas tej wizyty nie było wiadomości na czacie.',
  'replay.visitor': 'Odwiedzający',
  'replay.agent': 'Agent',
}

export const REPLAY_CATALOGS: Record<Language, Catalog<Key>> = { en, cs, de, es, hu, pl }

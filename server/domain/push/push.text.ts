// The words of a push notification, in the agent's dashboard language. Composed on the server,
// where the UI's catalogs do not reach; only the visitor's number is named, never their name or
// address.
import type { AlertEvent } from './push.types.ts'

interface Words {
  visitor: (n: number) => string
  title: Record<AlertEvent, (visitor: string) => string>
  testTitle: string
  testBody: string
}

const WORDS: Record<string, Words> = {
  en: {
    visitor: (n) => `Visitor #${n}`,
    title: {
      new_conversation: (v) => `New conversation: ${v}`,
      my_message: (v) => `${v} wrote to you`,
      unassigned_message: (v) => `${v} is waiting for an answer`,
      mention: (v) => `You were mentioned: ${v}`,
    },
    testTitle: 'Parley: test notification',
    testBody: 'Push notifications reach this device.',
  },
  cs: {
    visitor: (n) => `Návštěvník č. ${n}`,
    title: {
      new_conversation: (v) => `Nová konverzace: ${v}`,
      my_message: (v) => `${v} vám napsal(a)`,
      unassigned_message: (v) => `${v} čeká na odpověď`,
      mention: (v) => `Někdo vás zmínil: ${v}`,
    },
    testTitle: 'Parley: zkušební oznámení',
    testBody: 'Oznámení push na toto zařízení docházejí.',
  },
  de: {
    visitor: (n) => `Besucher #${n}`,
    title: {
      new_conversation: (v) => `Neue Konversation: ${v}`,
      my_message: (v) => `${v} hat Ihnen geschrieben`,
      unassigned_message: (v) => `${v} wartet auf eine Antwort`,
      mention: (v) => `Sie wurden erwähnt: ${v}`,
    },
    testTitle: 'Parley: Testbenachrichtigung',
    testBody: 'Push-Benachrichtigungen erreichen dieses Gerät.',
  },
  es: {
    visitor: (n) => `Visitante n.º ${n}`,
    title: {
      new_conversation: (v) => `Nueva conversación: ${v}`,
      my_message: (v) => `${v} te ha escrito`,
      unassigned_message: (v) => `${v} espera una respuesta`,
      mention: (v) => `Te han mencionado: ${v}`,
    },
    testTitle: 'Parley: notificación de prueba',
    testBody: 'Las notificaciones push llegan a este dispositivo.',
  },
  hu: {
    visitor: (n) => `${n}. látogató`,
    title: {
      new_conversation: (v) => `Új beszélgetés: ${v}`,
      my_message: (v) => `${v} írt önnek`,
      unassigned_message: (v) => `${v} válaszra vár`,
      mention: (v) => `Megemlítették: ${v}`,
    },
    testTitle: 'Parley: próbaértesítés',
    testBody: 'A push-értesítések megérkeznek erre az eszközre.',
  },
  pl: {
    visitor: (n) => `Odwiedzający nr ${n}`,
    title: {
      new_conversation: (v) => `Nowa rozmowa: ${v}`,
      my_message: (v) => `${v} napisał(a) do Ciebie`,
      unassigned_message: (v) => `${v} czeka na odpowiedź`,
      mention: (v) => `Wspomniano o Tobie: ${v}`,
    },
    testTitle: 'Parley: powiadomienie testowe',
    testBody: 'Powiadomienia push docierają na to urządzenie.',
  },
}

const words = (language: string): Words => WORDS[language] ?? WORDS.en!

export function pushTitle(language: string, event: AlertEvent, visitorNumber: number): string {
  const w = words(language)
  return w.title[event](w.visitor(visitorNumber))
}

export function testPush(language: string): { title: string; body: string } {
  const w = words(language)
  return { title: w.testTitle, body: w.testBody }
}

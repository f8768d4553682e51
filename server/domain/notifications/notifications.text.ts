// The words of a notification mail, in the agent's dashboard language. Kept beside the rules
// because mail is composed on the server, where the UI's catalogs do not reach.
import type { NotificationKind } from './notifications.types.ts'

interface Words {
  subject: Record<NotificationKind, (visitor: string) => string>
  intro: Record<NotificationKind, (visitor: string) => string>
  open: string
  noLink: string
  why: string
}

const WORDS: Record<string, Words> = {
  en: {
    subject: { offline_message: (v) => `New message from ${v}`, missed_conversation: (v) => `Missed conversation with ${v}` },
    intro: {
      offline_message: (v) => `${v} wrote while you were offline:`,
      missed_conversation: (v) => `${v} wrote and left the site before anyone replied:`,
    },
    open: 'Open the conversation:',
    noLink: 'Open it in the Parley dashboard.',
    why: 'You get this because of your notification settings in Parley (My account).',
  },
  cs: {
    subject: { offline_message: (v) => `Nová zpráva od ${v}`, missed_conversation: (v) => `Zmeškaná konverzace s ${v}` },
    intro: {
      offline_message: (v) => `${v} napsal(a), když jste nebyli online:`,
      missed_conversation: (v) => `${v} napsal(a) a opustil(a) web dřív, než někdo odpověděl:`,
    },
    open: 'Otevřít konverzaci:',
    noLink: 'Otevřete ji v nástěnce Parley.',
    why: 'Tento e-mail dostáváte podle svého nastavení oznámení v Parley (Můj účet).',
  },
  de: {
    subject: { offline_message: (v) => `Neue Nachricht von ${v}`, missed_conversation: (v) => `Verpasste Unterhaltung mit ${v}` },
    intro: {
      offline_message: (v) => `${v} hat geschrieben, während Sie offline waren:`,
      missed_conversation: (v) => `${v} hat geschrieben und die Website verlassen, bevor jemand geantwortet hat:`,
    },
    open: 'Unterhaltung öffnen:',
    noLink: 'Öffnen Sie sie im Parley-Dashboard.',
    why: 'Sie erhalten diese E-Mail wegen Ihrer Benachrichtigungseinstellungen in Parley (Mein Konto).',
  },
  es: {
    subject: { offline_message: (v) => `Nuevo mensaje de ${v}`, missed_conversation: (v) => `Conversación perdida con ${v}` },
    intro: {
      offline_message: (v) => `${v} escribió mientras no estabas en línea:`,
      missed_conversation: (v) => `${v} escribió y salió del sitio antes de que nadie respondiera:`,
    },
    open: 'Abrir la conversación:',
    noLink: 'Ábrela en el panel de Parley.',
    why: 'Recibes este correo por tu configuración de notificaciones en Parley (Mi cuenta).',
  },
  hu: {
    subject: { offline_message: (v) => `Új üzenet tőle: ${v}`, missed_conversation: (v) => `Elmulasztott beszélgetés: ${v}` },
    intro: {
      offline_message: (v) => `${v} írt, amíg Ön offline volt:`,
      missed_conversation: (v) => `${v} írt, és elhagyta az oldalt, mielőtt bárki válaszolt volna:`,
    },
    open: 'A beszélgetés megnyitása:',
    noLink: 'Nyissa meg a Parley irányítópultján.',
    why: 'Ezt az e-mailt a Parley értesítési beállításai (Saját fiók) miatt kapja.',
  },
  pl: {
    subject: { offline_message: (v) => `Nowa wiadomość od: ${v}`, missed_conversation: (v) => `Nieodebrana rozmowa: ${v}` },
    intro: {
      offline_message: (v) => `${v} – wiadomość wysłana, gdy nie było Cię online:`,
      missed_conversation: (v) => `${v} – wiadomość wysłana przed opuszczeniem strony, zanim ktoś odpowiedział:`,
    },
    open: 'Otwórz rozmowę:',
    noLink: 'Otwórz ją w panelu Parley.',
    why: 'Otrzymujesz tę wiadomość ze względu na ustawienia powiadomień w Parley (Moje konto).',
  },
}

const TRANSCRIPT: Record<string, { subject: string; intro: string; you: string; agent: string }> = {
  en: { subject: 'Your conversation with us', intro: 'Here is our conversation, as you asked:', you: 'You', agent: 'Support' },
  cs: { subject: 'Vaše konverzace s námi', intro: 'Tady je naše konverzace, jak jste si přáli:', you: 'Vy', agent: 'Podpora' },
  de: { subject: 'Ihre Unterhaltung mit uns', intro: 'Hier ist unsere Unterhaltung, wie gewünscht:', you: 'Sie', agent: 'Support' },
  es: { subject: 'Tu conversación con nosotros', intro: 'Aquí tienes nuestra conversación, como pediste:', you: 'Tú', agent: 'Soporte' },
  hu: { subject: 'Az Ön beszélgetése velünk', intro: 'Íme a beszélgetésünk, ahogy kérte:', you: 'Ön', agent: 'Ügyfélszolgálat' },
  pl: { subject: 'Twoja rozmowa z nami', intro: 'Oto nasza rozmowa, o którą prosisz:', you: 'Ty', agent: 'Obsługa' },
}

/** A conversation written out for the visitor who asked for it (bodies are the stored, masked text). */
export function transcriptMail(
  language: string,
  lines: { authorType: string; authorName: string | null; body: string; createdAt: Date }[],
): { subject: string; text: string } {
  const w = TRANSCRIPT[language] ?? TRANSCRIPT.en!
  const at = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ')
  const who = (l: (typeof lines)[number]) => (l.authorType === 'visitor' ? w.you : (l.authorName ?? w.agent))
  const body = lines.map((l) => `[${at(l.createdAt)} UTC] ${who(l)}:\n${l.body}`).join('\n\n')
  return { subject: w.subject, text: `${w.intro}\n\n${body}\n` }
}

export function noticeMail(
  language: string,
  kind: NotificationKind,
  n: { visitor: string; lines: string[]; link: string | null },
): { subject: string; text: string } {
  const w = WORDS[language] ?? WORDS.en!
  const quoted = n.lines.map((l) => l.split(/\r?\n/).map((x) => `> ${x}`).join('\n')).join('\n\n')
  const text = [w.intro[kind](n.visitor), '', quoted, '', n.link ? `${w.open} ${n.link}` : w.noLink, '', '--', w.why].join('\n')
  return { subject: w.subject[kind](n.visitor), text }
}

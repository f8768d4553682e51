// The words of the mail that tells an offline agent they were mentioned in a note, in the agent's
// dashboard language (composed on the server, where the UI's catalogs do not reach).

interface Words {
  subject: (author: string, visitor: string) => string
  intro: (author: string, visitor: string) => string
  open: string
  noLink: string
  why: string
}

const WORDS: Record<string, Words> = {
  en: {
    subject: (a, v) => `${a} mentioned you in a note (${v})`,
    intro: (a, v) => `${a} mentioned you in a private note on the conversation with ${v}:`,
    open: 'Open the conversation:',
    noLink: 'Open it in the Parley dashboard.',
    why: 'You get this because you were offline when you were mentioned.',
  },
  cs: {
    subject: (a, v) => `${a} vás zmínil(a) v poznámce (${v})`,
    intro: (a, v) => `${a} vás zmínil(a) v soukromé poznámce ke konverzaci s ${v}:`,
    open: 'Otevřít konverzaci:',
    noLink: 'Otevřete ji v nástěnce Parley.',
    why: 'Tento e-mail dostáváte, protože jste při zmínce nebyli online.',
  },
  de: {
    subject: (a, v) => `${a} hat Sie in einer Notiz erwähnt (${v})`,
    intro: (a, v) => `${a} hat Sie in einer privaten Notiz zur Unterhaltung mit ${v} erwähnt:`,
    open: 'Unterhaltung öffnen:',
    noLink: 'Öffnen Sie sie im Parley-Dashboard.',
    why: 'Sie erhalten diese E-Mail, weil Sie bei der Erwähnung offline waren.',
  },
  es: {
    subject: (a, v) => `${a} te mencionó en una nota (${v})`,
    intro: (a, v) => `${a} te mencionó en una nota privada de la conversación con ${v}:`,
    open: 'Abrir la conversación:',
    noLink: 'Ábrela en el panel de Parley.',
    why: 'Recibes este correo porque no estabas en línea cuando te mencionaron.',
  },
  hu: {
    subject: (a, v) => `${a} megemlítette Önt egy jegyzetben (${v})`,
    intro: (a, v) => `${a} megemlítette Önt egy privát jegyzetben a(z) ${v} beszélgetésben:`,
    open: 'A beszélgetés megnyitása:',
    noLink: 'Nyissa meg a Parley irányítópultján.',
    why: 'Ezt az e-mailt azért kapja, mert offline volt, amikor megemlítették.',
  },
  pl: {
    subject: (a, v) => `${a} wspomina o Tobie w notatce (${v})`,
    intro: (a, v) => `${a} wspomina o Tobie w prywatnej notatce do rozmowy (${v}):`,
    open: 'Otwórz rozmowę:',
    noLink: 'Otwórz ją w panelu Parley.',
    why: 'Otrzymujesz tę wiadomość, bo nie było Cię online, gdy o Tobie wspomniano.',
  },
}

export function mentionMail(
  language: string,
  n: { author: string; visitor: string; body: string; link: string | null },
): { subject: string; text: string } {
  const w = WORDS[language] ?? WORDS.en!
  const quoted = n.body.split(/\r?\n/).map((x) => `> ${x}`).join('\n')
  const text = [w.intro(n.author, n.visitor), '', quoted, '', n.link ? `${w.open} ${n.link}` : w.noLink, '', '--', w.why].join('\n')
  return { subject: w.subject(n.author, n.visitor), text }
}

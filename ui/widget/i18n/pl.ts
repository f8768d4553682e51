import type { Strings } from './strings.ts'

const plural = (n: number, one: string, few: string, many: string) => {
  if (n === 1) return one
  const t = n % 10
  const h = n % 100
  return t >= 2 && t <= 4 && (h < 12 || h > 14) ? few : many
}

export const pl: Strings = {
  openChat: 'Otwórz czat',
  closeChat: 'Zminimalizuj czat',
  unread: (n) => `${n} ${plural(n, 'nieprzeczytana wiadomość', 'nieprzeczytane wiadomości', 'nieprzeczytanych wiadomości')}`,
  title: 'Napisz do nas',
  team: 'Obsługa klienta',
  online: 'Jesteśmy dostępni',
  replyTime: 'Odpowiadamy w kilka minut',
  away: 'W tej chwili jesteśmy niedostępni',
  placeholder: 'Napisz wiadomość…',
  send: 'Wyślij',
  sending: 'Wysyłanie…',
  sent: 'Wysłano',
  delivered: 'Dostarczono',
  failed: 'Nie wysłano',
  retry: 'Spróbuj ponownie',
  typing: (name) => `${name} pisze…`,
  someoneTyping: 'Pisze…',
  messages: 'Wiadomości',
  newMessage: (name, body) => `Nowa wiadomość od ${name}: ${body}`,
  reconnecting: 'Utracono połączenie. Łączenie ponownie… Twoje wiadomości wyślemy, gdy tylko wróci.',
  slowDown: 'Wysyłasz wiadomości bardzo szybko — wyślemy tę za chwilę.',
  greeting: 'Dzień dobry! Jak możemy pomóc?',
  offlineTitle: 'Zostaw nam wiadomość',
  offlineText: 'W tej chwili nie jesteśmy online. Zostaw swój e-mail i wiadomość, a odezwiemy się do Ciebie.',
  email: 'E-mail',
  emailRequired: 'Podaj swój adres e-mail.',
  emailInvalid: 'Ten adres e-mail wygląda na nieprawidłowy.',
  name: 'Imię',
  optional: 'opcjonalnie',
  message: 'Wiadomość',
  messageRequired: 'Napisz wiadomość.',
  submit: 'Wyślij wiadomość',
  thanks: (email) => `Dziękujemy! Odpowiemy na adres ${email}.`,
  submitFailed: 'Nie udało się wysłać. Spróbuj ponownie.',
  // #15 notifications
  offlineInChat: 'Nie jesteśmy teraz online. Napisz wiadomość tutaj: odpowiedź pojawi się w tym czacie, gdy wrócisz.',
  transcriptAsk: 'Wyślij mi tę rozmowę e-mailem',
  transcriptSent: (email) => `Wysłaliśmy tę rozmowę na adres ${email}.`,
  transcriptFailed: 'Nie udało się wysłać rozmowy. Spróbuj ponownie.',
}

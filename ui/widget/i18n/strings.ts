// The widget's words. Plain tables (no runtime i18n library) keep the chat bundle small; every
// language must fill every key, which the compiler checks through this interface. Languages,
// plural forms and format locales come from the one shared module, ui/shared/i18n.ts.
export interface Strings {
  openChat: string
  closeChat: string
  unread: (n: number) => string
  title: string
  team: string
  online: string
  replyTime: string
  away: string
  placeholder: string
  send: string
  sending: string
  sent: string
  delivered: string
  failed: string
  retry: string
  typing: (name: string) => string
  someoneTyping: string
  messages: string
  newMessage: (name: string, body: string) => string
  reconnecting: string
  /** The server asked the widget to send more slowly; the message waits and goes out by itself. */
  slowDown: string
  /** The server could not store the message for a moment (its database restarting); it goes again by itself. */
  sendingSoon: string
  greeting: string
  offlineTitle: string
  offlineText: string
  email: string
  emailRequired: string
  emailInvalid: string
  name: string
  optional: string
  message: string
  messageRequired: string
  submit: string
  thanks: (email: string) => string
  submitFailed: string
  // #15 notifications
  /** Nobody online and no e-mail: the reply will be waiting here in the chat. */
  offlineInChat: string
  /** The button at the end of a chat: the conversation by e-mail, to the address Parley knows. */
  transcriptAsk: string
  transcriptSent: (email: string) => string
  transcriptFailed: string
  // #15 attention
  /** Under a resolved conversation: it is over, and writing again starts it anew. */
  resolvedNote: string
  // #16 ratings
  /** The question above the rating of a resolved conversation. */
  rateAsk: string
  rateGood: string
  rateBad: string
  /** A star's label: `n` of five. */
  rateStars: (n: number) => string
  rateComment: string
  rateSend: string
  rateThanks: string
  rateChange: string
  rateFailed: string
  // #13 agent attachments
  /** A file an agent sent: the link's accessible name. */
  fileDownload: (name: string) => string
  fileFailed: string
  // groups (#16): the pre-chat choice
  groupChoose: string
  groupPlaceholder: string
  groupRequired: string
}

export type { Language } from '../../shared/i18n.ts'

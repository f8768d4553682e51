// Why a mail server connection failed, as a code the settings page words in the agent's own
// language; the server's literal answer travels beside it as `detail` (protocol text, shown
// verbatim and never inside a translated sentence).

export const MAIL_ERROR_CODES = ['auth', 'refused', 'dns', 'timeout', 'tls', 'mailbox', 'other'] as const
export type MailErrorCode = (typeof MAIL_ERROR_CODES)[number]

export function mailErrorCode(e: unknown): MailErrorCode {
  const err = (e ?? {}) as { code?: unknown; responseCode?: unknown; authenticationFailed?: unknown; message?: unknown; responseText?: unknown }
  const code = typeof err.code === 'string' ? err.code : ''
  const text = `${code} ${String(err.message ?? '')} ${String(err.responseText ?? '')}`
  if (err.authenticationFailed === true || code === 'EAUTH' || err.responseCode === 535) return 'auth'
  if (/ECONNREFUSED/.test(text)) return 'refused'
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'dns'
  if (/ETIMEDOUT|ETIMEOUT|timed? ?out/i.test(text)) return 'timeout'
  if (/\bTLS\b|SSL|certificate|wrong version number|ETLS/i.test(text)) return 'tls'
  return 'other'
}

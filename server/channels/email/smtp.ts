// SMTP out with nodemailer: the transport for the saved settings, a send that says whether a
// failure is worth retrying, and the settings page's "test connection".
import type Nodemailer from 'nodemailer'
import type { SmtpSettings } from './settings.usecases.ts'
import type { OutboundMail } from './outgoing.usecases.ts'
import { mailErrorCode, type MailErrorCode } from './mail-errors.ts'
import type { DeliveryCode } from '../../domain/messages/messages.types.ts'

export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 }

// nodemailer (and what it loads, ~0.7 MB of source) is loaded on the first mail, not at start:
// most processes at rest never send one, and every loaded module stays in memory.
const nodemailer = (): typeof Nodemailer => require('nodemailer') as typeof Nodemailer

export function createTransport(s: SmtpSettings) {
  return nodemailer().createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
    ...SMTP_TIMEOUTS,
  })
}

export interface SendFailure {
  error: string
  /** A 5xx answer: the server refused for good (retrying would only repeat it). */
  permanent: boolean
  /** What the dashboard words for an agent whose reply this was. */
  code: DeliveryCode
}

export function describeSmtpError(e: unknown): SendFailure {
  const err = e as { response?: string; responseCode?: number; code?: string; message?: string }
  const code = typeof err?.responseCode === 'number' ? err.responseCode : null
  const text = (err?.response ?? err?.message ?? String(e)).replace(/\s+/g, ' ').trim().slice(0, 500)
  return { error: text || 'unknown SMTP error', permanent: code !== null && code >= 500 && code < 600 && err.code !== 'EAUTH', code: smtpDeliveryCode(e) }
}

/** The delivery code of a failed send: the connection's codes (mail-errors.ts), then what the server refused. */
export function smtpDeliveryCode(e: unknown): DeliveryCode {
  const err = (e ?? {}) as { responseCode?: unknown; command?: unknown; code?: unknown }
  const connection = mailErrorCode(e)
  if (connection === 'auth') return 'smtp.auth'
  if (connection === 'refused' || connection === 'dns' || connection === 'timeout' || connection === 'tls') return 'smtp.unreachable'
  // nodemailer names the SMTP command that was refused; RCPT TO is the visitor's address
  if (typeof err.command === 'string' && /^RCPT/i.test(err.command)) return 'smtp.rejected_recipient'
  if (typeof err.responseCode === 'number') return 'smtp.rejected'
  return 'other'
}

/** Sends one mail; resolves with the server's acceptance, or throws. */
export async function sendMail(s: SmtpSettings, mail: OutboundMail): Promise<string> {
  const transport = createTransport(s)
  try {
    const info = await transport.sendMail({
      from: { name: mail.from.name, address: mail.from.address },
      to: mail.to,
      replyTo: mail.replyTo ?? undefined,
      subject: mail.subject,
      messageId: `<${mail.messageId}>`,
      inReplyTo: mail.inReplyTo ? `<${mail.inReplyTo}>` : undefined,
      references: mail.references.length ? mail.references.map((r) => `<${r}>`).join(' ') : undefined,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })),
    })
    return info.response
  } finally {
    transport.close()
  }
}

/** A failed test: a code the UI words, and the server's own answer for the curious. */
export interface ConnectionFailure {
  ok: false
  code: MailErrorCode
  detail: string
}

export type SmtpTest = { ok: true; host: string; port: number; user: string | null } | ConnectionFailure

/** Connects, says EHLO, starts TLS and logs in as configured: what happened, as values. */
export async function testSmtp(s: SmtpSettings): Promise<SmtpTest> {
  const transport = createTransport(s)
  try {
    await transport.verify()
    return { ok: true, host: s.host, port: s.port, user: s.user || null }
  } catch (e) {
    return { ok: false, code: mailErrorCode(e), detail: describeSmtpError(e).error }
  } finally {
    transport.close()
  }
}

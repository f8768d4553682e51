// IMAP in with imapflow: a client for the saved settings and the settings page's "test connection".
import type { ImapFlow } from 'imapflow'
import type { ImapSettings } from './settings.usecases.ts'
import { mailErrorCode } from './mail-errors.ts'
import type { ConnectionFailure } from './smtp.ts'

// imapflow and its dependencies (~1.5 MB of source: a logger, encodings, MIME) are loaded when a
// mailbox is first read, not at start, so a process without an IMAP mailbox never holds them.
export function createImapClient(s: ImapSettings): ImapFlow {
  const { ImapFlow } = require('imapflow') as typeof import('imapflow')
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    doSTARTTLS: s.tls === 'starttls' ? true : s.tls === 'none' ? false : undefined,
    auth: { user: s.user, pass: s.password },
    logger: false,
    // IDLE is run by the reader itself (imap-reader.ts), so it can fall back to polling.
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
  })
}

export function describeImapError(e: unknown): string {
  const err = e as { responseText?: string; response?: string; message?: string; authenticationFailed?: boolean; code?: string }
  const text = err?.responseText ?? err?.response ?? err?.message ?? String(e)
  return (err?.authenticationFailed ? `authentication failed: ${text}` : text).replace(/\s+/g, ' ').trim().slice(0, 500)
}

export type ImapTest = { ok: true; host: string; port: number; user: string; mailbox: string; messages: number; idle: boolean } | ConnectionFailure

/** Logs in and opens the mailbox: what the server says about it, or why it could not, as values. */
export async function testImap(s: ImapSettings): Promise<ImapTest> {
  const client = createImapClient(s)
  client.on('error', () => {})
  let signedIn = false
  try {
    await client.connect()
    signedIn = true
    const mailbox = await client.mailboxOpen(s.mailbox, { readOnly: true })
    return { ok: true, host: s.host, port: s.port, user: s.user, mailbox: mailbox.path, messages: mailbox.exists, idle: client.capabilities.has('IDLE') }
  } catch (e) {
    const raw = e as { responseText?: string; response?: string; message?: string }
    const detail = (raw?.responseText ?? raw?.response ?? raw?.message ?? String(e)).replace(/\s+/g, ' ').trim().slice(0, 500)
    return { ok: false, code: signedIn ? 'mailbox' : mailErrorCode(e), detail }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

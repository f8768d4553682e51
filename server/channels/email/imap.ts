// IMAP in with imapflow: a client for the saved settings and the settings page's "test connection".
import { ImapFlow } from 'imapflow'
import type { ImapSettings } from './settings.usecases.ts'

export function createImapClient(s: ImapSettings): ImapFlow {
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

/** Logs in and opens the mailbox: what the server says about it, or why it could not. */
export async function testImap(s: ImapSettings): Promise<{ ok: boolean; message: string }> {
  const client = createImapClient(s)
  client.on('error', () => {})
  try {
    await client.connect()
    const mailbox = await client.mailboxOpen(s.mailbox, { readOnly: true })
    const idle = client.capabilities.has('IDLE')
    return {
      ok: true,
      message: `Signed in to ${s.host}:${s.port} as ${s.user}; ${mailbox.path} has ${mailbox.exists} messages; ${idle ? 'new mail arrives at once (IDLE)' : `no IDLE: the mailbox is checked regularly`}.`,
    }
  } catch (e) {
    return { ok: false, message: describeImapError(e) }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

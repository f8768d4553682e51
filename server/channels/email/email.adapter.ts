// The e-mail channel. Outbound: an agent's reply on an e-mail conversation goes into the outbox
// and deliver() reports what finally became of it (sent, or failed after the last try with the
// SMTP server's error). Inbound: the IMAP reader turns new mail into visitor messages.
// Also here: web-chat replies e-mailed to a visitor who has left (emailCopyListener), mail with
// no message behind it (notifications, transcripts), and the channel's HTTP routes.
import type { ChannelAdapter, ChannelHttp, ChannelStatus, DeliveryReport, OutboundMessage } from '../channel.ts'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import type { EmailEnv } from '../../config.ts'
import { loadEmailSettings, type EmailSettings } from './settings.usecases.ts'
import {
  emailSender,
  mailOf,
  outboxRowById,
  publishMessage,
  queueMessageMail,
  queueStandaloneMail,
} from './outgoing.usecases.ts'
import type { MailSender, OutboxRow, OutboxWorker, Settled } from '../../jobs/outbox.ts'
import { ImapReader } from './imap-reader.ts'
import { emailRoutes } from './email.routes.ts'
import { isAppError } from '../../shared/errors.ts'
import { findMessage } from '../../domain/messages/messages.usecases.ts'
import { announceConversationEvents } from '../../domain/conversation-events/conversation-events.usecases.ts'
import type { NotificationMailer } from '../../domain/notifications/notifications.types.ts'

export interface EmailChannelDeps {
  sql: Sql
  bus: EventBus
  log: Logger
  config: { email: EmailEnv }
  /** Seals and opens the saved mail passwords. */
  secrets: SecretBox
  /** The one outbox every outgoing mail goes through; this channel is its sender. */
  outbox: OutboxWorker
}

export class EmailChannelAdapter implements ChannelAdapter {
  readonly channel = 'email' as const
  readonly outbox: OutboxWorker
  readonly reader: ImapReader
  private waiters = new Map<string, ((s: Settled | null) => void)[]>()
  private stopped = false

  constructor(private deps: EmailChannelDeps) {
    const settings = () => this.settings()
    this.outbox = deps.outbox
    this.reader = new ImapReader({ ...deps, settings, pollMs: deps.config.email.imapPollMs })
    this.outbox.onSettled((s) => {
      const key = s.row.messageRowId ?? s.row.id
      for (const w of this.waiters.get(key) ?? []) w(s)
      this.waiters.delete(key)
      announceConversationEvents(this.deps, s.events ?? [])
      // A reply's own row changed with the mail (sent or failed): the dashboards are told.
      if (s.row.kind === 'reply' && s.row.messageRowId) {
        publishMessage(this.deps, s.row.messageRowId).catch((error) => this.deps.log.warn('email: announcing a sent reply failed', { error }))
      }
    })
  }

  settings(): Promise<EmailSettings> {
    return loadEmailSettings(this.deps)
  }

  /** What the outbox sends every mail through. */
  sender(): MailSender {
    return emailSender(() => this.settings())
  }

  async start(): Promise<void> {
    this.stopped = false
    this.reader.start()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.reader.stop()
    // Replies still waiting for a retry stay queued in the database and go out after the restart.
    for (const [, ws] of this.waiters) for (const w of ws) w(null)
    this.waiters.clear()
  }

  /** The settings changed: reconnect the mailbox, look at the outbox. */
  reload(): void {
    this.reader.wake()
    this.outbox.kick()
  }

  async status(): Promise<ChannelStatus> {
    const settings = await this.settings()
    if (!settings.smtp && !settings.imap) return { state: 'off', error: null }
    if (!settings.imap) return { state: 'configured', error: null }
    const reader = this.reader.status()
    const checkedAt = reader.lastCheckAt
    if (reader.state === 'error') return { state: 'failing', error: reader.error, checkedAt }
    if (reader.state === 'idle' || reader.state === 'polling') return { state: 'connected', error: null, checkedAt }
    return { state: 'configured', error: null, checkedAt }
  }

  routes(http: ChannelHttp) {
    return emailRoutes(this, this.deps, http)
  }

  async deliver(out: OutboundMessage): Promise<DeliveryReport> {
    const settings = await this.settings()
    const to = out.conversation.visitor.email
    if (!settings.smtp) return { status: 'failed', error: null, code: 'mail.not_set_up' }
    if (!to) return { status: 'failed', error: null, code: 'mail.no_address' }
    try {
      const settled = this.settled(out.message.id)
      await queueMessageMail(this.deps, settings, { messageId: out.message.id, conversationId: out.conversation.id, kind: 'reply', to })
      this.outbox.kick()
      return await this.outcome(settled, () => mailOf(this.deps, out.message.id))
    } catch (e) {
      return { status: 'failed', error: isAppError(e) ? e.message : e instanceof Error ? e.message : String(e) }
    } finally {
      this.waiters.delete(out.message.id)
    }
  }

  /**
   * Sends a mail with no message behind it (a notification to an agent, a transcript) through
   * the outbox, like any other; resolves once it is sent or has failed for good.
   */
  async sendMail(m: { kind: 'notification' | 'transcript'; to: string; subject: string; text: string; conversationId?: string | null }): Promise<DeliveryReport> {
    try {
      const settings = await this.settings()
      const row = await queueStandaloneMail(this.deps, settings, m)
      const settled = this.settled(row.id)
      this.outbox.kick()
      try {
        return await this.outcome(settled, () => outboxRowById(this.deps, row.id))
      } finally {
        this.waiters.delete(row.id)
      }
    } catch (e) {
      return { status: 'failed', error: isAppError(e) ? e.message : e instanceof Error ? e.message : String(e) }
    }
  }

  /** Notification mails to agents (domain/notifications), queued in the notice's own transaction. */
  notificationMailer(): NotificationMailer {
    return {
      canSend: async () => !!(await this.settings()).smtp,
      queue: async (db, m) => {
        await queueStandaloneMail({ sql: db }, await this.settings(), { ...m, kind: m.kind ?? 'notification' })
      },
      kick: () => this.outbox.kick(),
    }
  }

  /**
   * A reply's failure as its message already records it (the outbox's settle wrote code and detail in
   * the claiming transaction), so the delivery listener does not overwrite it with less.
   */
  private async failedRow(row: OutboxRow, settled?: Extract<Settled, { status: 'failed' }>): Promise<DeliveryReport> {
    const message = row.messageRowId ? await findMessage({ sql: this.deps.sql }, row.messageRowId) : null
    if (message?.deliveryStatus === 'failed') return { status: 'failed', error: message.deliveryError, code: message.deliveryCode ?? 'other' }
    return { status: 'failed', error: settled?.error ?? row.lastError ?? 'not sent', code: settled?.code }
  }

  /** Settled by this process's sender, or (checked every few seconds) by another process's. */
  private async outcome(settled: Promise<Settled | null>, read: () => Promise<OutboxRow | null>): Promise<DeliveryReport> {
    while (!this.stopped) {
      const now = await read()
      if (now?.status === 'sent') return { status: 'sent' }
      if (now?.status === 'failed') return this.failedRow(now)
      const s = await Promise.race([settled, Bun.sleep(2000).then(() => undefined)])
      if (s) return s.status === 'sent' ? { status: 'sent' } : this.failedRow(s.row, s)
      if (s === null) break
    }
    const now = await read()
    if (now?.status === 'sent') return { status: 'sent' }
    if (now?.status === 'failed') return this.failedRow(now)
    return { status: 'failed', error: `not sent yet${now?.lastError ? ` (${now.lastError})` : ''}; it stays queued and is sent when Parley runs again` }
  }

  private settled(key: string): Promise<Settled | null> {
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? []
      list.push(resolve)
      this.waiters.set(key, list)
    })
  }
}

/**
 * A reply on a website chat is also e-mailed when the visitor has left and an address is known
 * (unless the agent turned it off). Its outcome is kept on the outbox row, not on the message:
 * the chat message itself was delivered to the chat.
 */
export function emailCopyListener(bus: EventBus, email: EmailChannelAdapter, deps: { sql: Sql; bus: EventBus }): void {
  bus.on('message.created', (event) => {
    const { message, conversation, alsoEmail, visitorOnline } = event
    if (message.authorType !== 'agent' || conversation.channel !== 'web' || alsoEmail === false || visitorOnline !== false) return
    const to = conversation.visitor.email
    if (!to) return
    return (async () => {
      const settings = await email.settings()
      if (!settings.smtp) return
      await queueMessageMail(deps, settings, { messageId: message.id, conversationId: conversation.id, kind: 'copy', to })
      email.outbox.kick()
    })()
  })
}

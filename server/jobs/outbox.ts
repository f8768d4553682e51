// Sends the e-mail outbox. Every process runs one; a row is claimed with FOR UPDATE SKIP LOCKED
// and stays locked while the SMTP server is talked to, and "sent" is written in that same
// transaction before it commits: two senders never take the same row, and a sender that dies
// mid-send leaves the row queued (the SMTP server drops a transaction that did not finish), to be
// sent once by whoever comes next. The Message-ID was fixed when the row was queued, so even the
// one unlucky case (the process dies between the server's "250 OK" and the commit) reaches the
// recipient's client as the same message.
import type { Sql } from '../db/client.ts'
import type { EventBus } from '../events/bus.ts'
import type { Logger } from '../shared/logger.ts'
import * as outboxRepo from '../channels/email/outbox.repo.ts'
import { composeMail, publishMessage, recordFailure, recordSent, NOT_SET_UP } from '../channels/email/outbox.usecases.ts'
import type { EmailSettings } from '../channels/email/settings.usecases.ts'
import { describeSmtpError, sendMail } from '../channels/email/smtp.ts'
import type { OutboundMail } from '../channels/email/outbox.usecases.ts'
import type { SmtpSettings } from '../channels/email/settings.usecases.ts'
import { Wakeable } from './wakeable.ts'

export type Settled = { messageId: string; status: 'sent' } | { messageId: string; status: 'failed'; error: string }

export interface OutboxOptions {
  sql: Sql
  bus: EventBus
  log: Logger
  settings(): Promise<EmailSettings>
  retryDelaysMs: number[]
  /** How often to look for rows queued by other processes or due for a retry. */
  pollMs?: number
  /** Test seam: how a mail reaches the SMTP server. */
  send?: (s: SmtpSettings, mail: OutboundMail) => Promise<string>
}

export class OutboxWorker {
  private running = false
  private loop: Promise<void> | null = null
  private signal = new Wakeable()
  private listeners = new Set<(s: Settled) => void>()

  constructor(private o: OutboxOptions) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    this.kick()
    await this.loop
  }

  /** Something was queued or retried: look now rather than at the next poll. */
  kick(): void {
    this.signal.wake()
  }

  /** Called with every row this process settled (sent, or failed for good). */
  onSettled(fn: (s: Settled) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private async run(): Promise<void> {
    const pollMs = this.o.pollMs ?? 2000
    let backoff = 0
    while (this.running) {
      let worked = false
      try {
        worked = await this.sendOne()
        backoff = 0
      } catch (error) {
        this.o.log.error('outbox: sending failed unexpectedly', { error })
        backoff = Math.min(backoff * 2 || 500, 30_000)
      }
      if (worked && !backoff) continue
      let wait = backoff || pollMs
      if (!backoff) {
        const due = await outboxRepo.msUntilNextDue(this.o.sql).catch(() => null)
        if (due !== null) wait = Math.min(wait, Math.max(due, 10))
      }
      await this.signal.sleep(wait)
    }
  }

  /** Claims one due row and sends it. False when nothing was due. */
  async sendOne(): Promise<boolean> {
    const settings = await this.o.settings()
    const send = this.o.send ?? sendMail
    let settled: Settled | null = null
    let touched: outboxRepo.OutboxRow | null = null
    const claimed = await this.o.sql.begin(async (tx) => {
      const row = await outboxRepo.claimDue(tx)
      if (!row) return false
      touched = row
      if (!settings.smtp) {
        await recordFailure(tx, row, NOT_SET_UP, true, [])
        settled = { messageId: row.messageRowId, status: 'failed', error: NOT_SET_UP }
        return true
      }
      const mail = await composeMail(tx, row, settings.smtp, settings.plusAddressing)
      if (!mail) {
        await recordFailure(tx, row, 'the message no longer exists', true, [])
        return true
      }
      try {
        const response = await send(settings.smtp, mail)
        await recordSent(tx, row)
        settled = { messageId: row.messageRowId, status: 'sent' }
        this.o.log.info('outbox: mail sent', { messageId: row.messageRowId, mailMessageId: row.mailMessageId, response })
      } catch (e) {
        const failure = describeSmtpError(e)
        const outcome = await recordFailure(tx, row, failure.error, failure.permanent, this.o.retryDelaysMs)
        this.o.log.warn('outbox: send failed', { messageId: row.messageRowId, attempt: row.attempts + 1, outcome, error: failure.error })
        if (outcome === 'failed') settled = { messageId: row.messageRowId, status: 'failed', error: failure.error }
      }
      return true
    })
    const row = touched as outboxRepo.OutboxRow | null
    if (row && row.kind === 'reply' && settled) await publishMessage(this.o, row.messageRowId)
    if (settled) for (const fn of this.listeners) fn(settled)
    return claimed
  }
}

// The outbox: every outgoing mail (a reply, a copy of a chat reply, a notification, a transcript)
// is a row here, and every process runs one sender. A row is claimed with FOR UPDATE SKIP LOCKED
// and stays locked while the mail server is talked to, and "sent" is written in that same
// transaction before it commits: two senders never take the same row, and a sender that dies
// mid-send leaves the row queued (the mail server drops a transaction that did not finish), to be
// sent once by whoever comes next. The Message-ID was fixed when the row was queued, so even the
// one unlucky case (the process dies between the server's "250 OK" and the commit) reaches the
// recipient's client as the same message.
//
// How a row becomes a mail is the sending channel's business (MailSender), given at wiring.
import type { Db, Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import { newId } from '../shared/ids.ts'
import * as repo from './outbox.repo.ts'
import type { MailSender, OutboxKind, OutboxRow, Settled } from './outbox.types.ts'
import { JobLoop } from './job-loop.ts'

export type { MailSender, OutboxKind, OutboxRow, OutboxStatus, Settled } from './outbox.types.ts'

export interface QueuedMail {
  kind: OutboxKind
  to: string
  mailMessageId: string
  /** The message a reply or copy sends; null for a notification or transcript. */
  messageRowId?: string | null
  conversationId?: string | null
  /** A notification's or transcript's own subject and text (a message's are composed when sent). */
  subject?: string | null
  text?: string | null
}

/** Queues a mail (in the caller's transaction when given one). A message is queued once. */
export function queueMail(db: Db, m: QueuedMail): Promise<OutboxRow> {
  return repo.insert(db, {
    id: newId(),
    kind: m.kind,
    messageRowId: m.messageRowId ?? null,
    conversationId: m.conversationId ?? null,
    toAddress: m.to,
    mailMessageId: m.mailMessageId,
    subject: m.subject ?? null,
    textBody: m.text ?? null,
  })
}

export const mailOfMessage = (db: Db, messageRowId: string) => repo.findByMessage(db, messageRowId)
export const mailById = (db: Db, id: string) => repo.findById(db, id)
/** The mail that had one of these Message-IDs (a bounce's, or our own mail coming back). */
export const mailByMessageIds = (db: Db, ids: string[]) => repo.findByMailMessageIds(db, ids)
/** Failed for good, without another try (a bounce came back for it). */
export const failMail = (db: Db, id: string, error: string) => repo.markFailed(db, id, error, false)
/** Back in the queue after it failed (the retry button). False unless it had failed. */
export const requeueMail = (db: Db, id: string) => repo.requeue(db, id)
export const msUntilNextDue = (db: Db) => repo.msUntilNextDue(db)

export interface OutboxOptions {
  sql: Sql
  log: Logger
  /** Delay before each retry; after the last one a mail has failed. */
  retryDelaysMs: number[]
  /** How often to look for rows queued by other processes or due for a retry. */
  pollMs?: number
}

export class OutboxWorker {
  private loop: JobLoop
  private listeners = new Set<(s: Settled) => void>()
  private sender: MailSender | null = null

  constructor(private options: OutboxOptions) {
    this.loop = new JobLoop({
      log: options.log,
      name: 'outbox',
      failure: 'outbox: sending failed unexpectedly',
      pollMs: options.pollMs ?? 2000,
      step: () => this.sendOne(),
      msUntilNext: () => repo.msUntilNextDue(this.options.sql),
    })
  }

  /** The channel that turns rows into mail; until one is given nothing is sent (rows wait). */
  useSender(sender: MailSender): void {
    this.sender = sender
    this.kick()
  }

  start(): void {
    this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** Something was queued or retried: look now rather than at the next poll. */
  kick(): void {
    this.loop.wake()
  }

  /** Called after commit with every row this process settled (sent, or failed for good). */
  onSettled(fn: (s: Settled) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Claims one due row and sends it. False when nothing was due (or nobody sends yet). */
  async sendOne(): Promise<boolean> {
    const sender = this.sender
    if (!sender) return false
    let settled: Settled | null = null
    const claimed = await this.options.sql.begin(async (tx) => {
      const row = await repo.claimDue(tx)
      if (!row) return false
      let response: string
      try {
        response = await sender.send(tx, row)
      } catch (e) {
        const failure = sender.describeError(e)
        const delay = this.options.retryDelaysMs[row.attempts]
        if (!failure.permanent && delay !== undefined) {
          await repo.markRetry(tx, row.id, failure.error, delay)
          this.options.log.warn('outbox: send failed; trying again later', { id: row.id, attempt: row.attempts + 1, error: failure.error })
        } else {
          await repo.markFailed(tx, row.id, failure.error)
          settled = { row, status: 'failed', error: failure.error, code: failure.code }
          await sender.settle(tx, settled)
          this.options.log.warn('outbox: send failed for good', { id: row.id, attempt: row.attempts + 1, error: failure.error })
        }
        return true
      }
      await repo.markSent(tx, row.id)
      settled = { row, status: 'sent' }
      await sender.settle(tx, settled)
      this.options.log.info('outbox: mail sent', { id: row.id, kind: row.kind, messageId: row.messageRowId, mailMessageId: row.mailMessageId, response })
      return true
    })
    const done = settled as Settled | null
    if (done) for (const fn of this.listeners) fn(done)
    return claimed
  }
}

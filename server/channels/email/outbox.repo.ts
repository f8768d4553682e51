// The outbox: agent messages waiting to be e-mailed, claimed one at a time with
// FOR UPDATE SKIP LOCKED and kept locked while the SMTP server is talked to.
import type { Db, TxSql } from '../../db/client.ts'

export type OutboxStatus = 'queued' | 'sent' | 'failed'
export type OutboxKind = 'reply' | 'copy'

export interface OutboxRow {
  id: string
  messageRowId: string
  conversationId: string
  kind: OutboxKind
  toAddress: string
  mailMessageId: string
  status: OutboxStatus
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  sentAt: Date | null
}

/** Queues a message once: a second call for the same message returns the existing row. */
export async function enqueue(
  db: Db,
  r: { id: string; messageRowId: string; conversationId: string; kind: OutboxKind; toAddress: string; mailMessageId: string },
): Promise<OutboxRow> {
  await db`
    insert into email_outbox (id, message_row_id, conversation_id, kind, to_address, mail_message_id)
    values (${r.id}, ${r.messageRowId}, ${r.conversationId}, ${r.kind}, ${r.toAddress}, ${r.mailMessageId})
    on conflict (message_row_id) do nothing`
  return (await findByMessage(db, r.messageRowId))!
}

export async function findByMessage(db: Db, messageRowId: string): Promise<OutboxRow | null> {
  const [row] = await db<OutboxRow[]>`select * from email_outbox where message_row_id = ${messageRowId}`
  return row ?? null
}

export async function findByMailMessageIds(db: Db, ids: string[]): Promise<OutboxRow | null> {
  if (ids.length === 0) return null
  const [row] = await db<OutboxRow[]>`select * from email_outbox where mail_message_id in ${db(ids)} order by created_at desc limit 1`
  return row ?? null
}

/** The next due row nobody else holds; the lock lasts until the transaction ends. */
export async function claimDue(tx: TxSql): Promise<OutboxRow | null> {
  const [row] = await tx<OutboxRow[]>`
    select * from email_outbox where status = 'queued' and next_attempt_at <= now()
    order by next_attempt_at, id limit 1 for update skip locked`
  return row ?? null
}

/** Milliseconds until the next queued row is due (null: nothing queued). */
export async function msUntilNextDue(db: Db): Promise<number | null> {
  // Not greatest(0, …) in SQL: GREATEST skips NULLs, so an empty outbox read as "due now" and
  // the sender polled a hundred times a second while idle.
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms
    from email_outbox where status = 'queued'`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

export async function markSent(db: Db, id: string): Promise<void> {
  await db`update email_outbox set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null, updated_at = now() where id = ${id}`
}

export async function markRetry(db: Db, id: string, error: string, delayMs: number): Promise<void> {
  await db`
    update email_outbox set attempts = attempts + 1, last_error = ${error},
      next_attempt_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
    where id = ${id}`
}

export async function markFailed(db: Db, id: string, error: string, countAttempt = true): Promise<void> {
  await db`
    update email_outbox set status = 'failed', attempts = attempts + ${countAttempt ? 1 : 0}, last_error = ${error}, updated_at = now()
    where id = ${id}`
}

/** Back in the queue after a failure, for the retry button. Returns false unless it had failed. */
export async function requeue(db: Db, id: string): Promise<boolean> {
  const rows = await db`
    update email_outbox set status = 'queued', attempts = 0, next_attempt_at = now(), last_error = null, updated_at = now()
    where id = ${id} and status = 'failed' returning id`
  return rows.length > 0
}

export interface OutboundSource {
  body: string
  authorType: string
  authorName: string | null
  conversationId: string
  channel: string
  visitorId: string
  visitorName: string | null
}

export async function outboundSource(db: Db, messageRowId: string): Promise<OutboundSource | null> {
  const [row] = await db<OutboundSource[]>`
    select m.body, m.author_type, a.name as author_name, m.conversation_id, c.channel, c.visitor_id, v.name as visitor_name
    from messages m join conversations c on c.id = m.conversation_id join visitors v on v.id = c.visitor_id
    left join agents a on a.id = m.author_id
    where m.id = ${messageRowId}`
  return row ?? null
}

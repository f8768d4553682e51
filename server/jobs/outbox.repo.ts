// The outbox table: every outgoing mail, claimed one at a time with FOR UPDATE SKIP LOCKED and
// kept locked while the mail server is talked to.
import type { Db, TxSql } from '../db/client.ts'
import type { OutboxRow } from './outbox.types.ts'

/**
 * Queues a mail. A message is e-mailed once: queueing it again returns the row it already has.
 * A mail without a message (a notification, a transcript) is always a new row.
 */
export async function insert(
  db: Db,
  r: Pick<OutboxRow, 'id' | 'kind' | 'messageRowId' | 'conversationId' | 'toAddress' | 'mailMessageId' | 'subject' | 'textBody'>,
): Promise<OutboxRow> {
  const [row] = await db<OutboxRow[]>`
    insert into outbox (id, kind, message_row_id, conversation_id, to_address, mail_message_id, subject, text_body)
    values (${r.id}, ${r.kind}, ${r.messageRowId}, ${r.conversationId}, ${r.toAddress}, ${r.mailMessageId}, ${r.subject}, ${r.textBody})
    on conflict (message_row_id) do nothing
    returning *`
  if (row) return row
  return (await findByMessage(db, r.messageRowId!))!
}

export async function findById(db: Db, id: string): Promise<OutboxRow | null> {
  const [row] = await db<OutboxRow[]>`select * from outbox where id = ${id}`
  return row ?? null
}

export async function findByMessage(db: Db, messageRowId: string): Promise<OutboxRow | null> {
  const [row] = await db<OutboxRow[]>`select * from outbox where message_row_id = ${messageRowId}`
  return row ?? null
}

export async function findByMailMessageIds(db: Db, ids: string[]): Promise<OutboxRow | null> {
  if (ids.length === 0) return null
  const [row] = await db<OutboxRow[]>`select * from outbox where mail_message_id in ${db(ids)} order by created_at desc limit 1`
  return row ?? null
}

/** The next due row nobody else holds; the lock lasts until the transaction ends. */
export async function claimDue(tx: TxSql): Promise<OutboxRow | null> {
  const [row] = await tx<OutboxRow[]>`
    select * from outbox where status = 'queued' and next_attempt_at <= now()
    order by next_attempt_at, id limit 1 for update skip locked`
  return row ?? null
}

/** Milliseconds until the next queued row is due (null: nothing queued). */
export async function msUntilNextDue(db: Db): Promise<number | null> {
  // Not greatest(0, …) in SQL: GREATEST skips NULLs, so an empty outbox would read as "due now"
  // and the sender would poll a hundred times a second while idle.
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms
    from outbox where status = 'queued'`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

export async function markSent(db: Db, id: string): Promise<void> {
  await db`update outbox set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null, updated_at = now() where id = ${id}`
}

export async function markRetry(db: Db, id: string, error: string, delayMs: number): Promise<void> {
  await db`
    update outbox set attempts = attempts + 1, last_error = ${error},
      next_attempt_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
    where id = ${id}`
}

export async function markFailed(db: Db, id: string, error: string, countAttempt = true): Promise<void> {
  await db`
    update outbox set status = 'failed', attempts = attempts + ${countAttempt ? 1 : 0}, last_error = ${error}, updated_at = now()
    where id = ${id}`
}

/** Back in the queue after a failure, for the retry button. Returns false unless it had failed. */
export async function requeue(db: Db, id: string): Promise<boolean> {
  const rows = await db`
    update outbox set status = 'queued', attempts = 0, next_attempt_at = now(), last_error = null, updated_at = now()
    where id = ${id} and status = 'failed' returning id`
  return rows.length > 0
}

// The webhooks and their deliveries. A delivery is claimed with FOR UPDATE SKIP LOCKED and stays
// locked while its receiver is called; the outcome is written in that transaction.
import type { Db, TxSql } from '../../db/client.ts'
import type { DeliveryRow, WebhookEvent } from './webhooks.types.ts'

export interface WebhookRow {
  id: string
  /** Sealed (shared/secrets.ts), as the secret is. */
  url: string
  events: WebhookEvent[]
  /** Sealed. */
  secret: string
  active: boolean
  createdAt: Date
  updatedAt: Date
}

export async function insertWebhook(db: Db, w: { id: string; url: string; events: string[]; secret: string; createdBy: string }): Promise<WebhookRow> {
  const [row] = await db<WebhookRow[]>`
    insert into webhooks (id, url, events, secret, created_by) values (${w.id}, ${w.url}, ${w.events}, ${w.secret}, ${w.createdBy})
    returning id, url, events, secret, active, created_at, updated_at`
  return row!
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db<WebhookRow[]>`select id, url, events, secret, active, created_at, updated_at from webhooks order by created_at, id`
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | null> {
  const [row] = await db<WebhookRow[]>`select id, url, events, secret, active, created_at, updated_at from webhooks where id = ${id}`
  return row ?? null
}

export async function updateWebhook(db: Db, id: string, patch: Partial<{ url: string; events: string[]; active: boolean }>): Promise<WebhookRow | null> {
  const [row] = await db<WebhookRow[]>`
    update webhooks set
      url = coalesce(${patch.url ?? null}, url),
      events = coalesce(${patch.events ?? null}::text[], events),
      active = coalesce(${patch.active ?? null}, active),
      updated_at = now()
    where id = ${id}
    returning id, url, events, secret, active, created_at, updated_at`
  return row ?? null
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  return (await db`delete from webhooks where id = ${id} returning 1`).length > 0
}

export async function resealSecrets(db: Db, id: string, sealed: { secret: string; url: string }): Promise<void> {
  await db`update webhooks set secret = ${sealed.secret}, url = ${sealed.url} where id = ${id}`
}

/** The active webhooks and the events each wants. */
export async function activeWebhooks(db: Db): Promise<{ id: string; events: string[] }[]> {
  return db<{ id: string; events: string[] }[]>`select id, events from webhooks where active order by id`
}

export async function insertDelivery(db: Db, d: { id: string; webhookId: string; event: string; payload: string }): Promise<DeliveryRow> {
  const [row] = await db<DeliveryRow[]>`
    insert into webhook_deliveries (id, webhook_id, event, payload) values (${d.id}, ${d.webhookId}, ${d.event}, ${d.payload})
    returning *`
  return row!
}

export async function listDeliveries(db: Db, webhookId: string, limit: number): Promise<DeliveryRow[]> {
  return db<DeliveryRow[]>`
    select * from webhook_deliveries where webhook_id = ${webhookId} order by created_at desc, id desc limit ${limit}`
}

export async function claimDue(tx: TxSql): Promise<(DeliveryRow & { sealedUrl: string; sealedSecret: string }) | null> {
  const [row] = await tx<(DeliveryRow & { sealedUrl: string; sealedSecret: string })[]>`
    select d.*, w.url as sealed_url, w.secret as sealed_secret
    from webhook_deliveries d join webhooks w on w.id = d.webhook_id
    where d.status = 'queued' and d.next_attempt_at <= now()
    order by d.next_attempt_at, d.id limit 1
    for update of d skip locked`
  return row ?? null
}

/** Settled deliveries older than the log keeps; queued ones stay until they are settled. */
export async function pruneDeliveries(db: Db, days: number): Promise<number> {
  const rows = await db`
    delete from webhook_deliveries where status <> 'queued' and created_at < now() - ${days} * interval '1 day' returning 1`
  return rows.length
}

export async function msUntilNextDue(db: Db): Promise<number | null> {
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms from webhook_deliveries where status = 'queued'`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

export async function markSent(db: Db, id: string, status: number, body: string): Promise<void> {
  await db`
    update webhook_deliveries set status = 'sent', attempts = attempts + 1, response_status = ${status}, response_body = ${body},
      last_error = null, delivered_at = now(), updated_at = now()
    where id = ${id}`
}

export async function markAttemptFailed(
  db: Db,
  id: string,
  f: { status: number | null; body: string | null; error: string; retryInMs: number | null },
): Promise<void> {
  await db`
    update webhook_deliveries set attempts = attempts + 1, response_status = ${f.status}, response_body = ${f.body},
      last_error = ${f.error}, updated_at = now(),
      status = ${f.retryInMs === null ? 'failed' : 'queued'},
      next_attempt_at = case when ${f.retryInMs === null} then next_attempt_at else now() + ${f.retryInMs ?? 0} * interval '1 millisecond' end
    where id = ${id}`
}

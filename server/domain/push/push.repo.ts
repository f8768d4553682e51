// The push module's tables: agents' alert choices, the VAPID key pair, devices' subscriptions and
// the queue of pushes. A push is claimed with FOR UPDATE SKIP LOCKED and stays locked while the
// push service is called; the outcome is written in that transaction.
import type { Db, TxSql } from '../../db/client.ts'
import type { AlertEvent, AlertPrefs } from './push.types.ts'

export async function readPrefs(db: Db, agentId: string): Promise<AlertPrefs | null> {
  const [row] = await db<AlertPrefs[]>`select desktop, sound, volume from agent_alert_prefs where agent_id = ${agentId}`
  return row ?? null
}

export async function writePrefs(db: Db, agentId: string, p: AlertPrefs): Promise<void> {
  await db`
    insert into agent_alert_prefs (agent_id, desktop, sound, volume) values (${agentId}, ${p.desktop}, ${p.sound}, ${p.volume})
    on conflict (agent_id) do update set desktop = excluded.desktop, sound = excluded.sound, volume = excluded.volume, updated_at = now()`
}

/** Active agents with at least one device: their language and desktop choice (null: none stored). */
export async function pushRecipients(db: Db): Promise<{ agentId: string; language: string; desktop: AlertEvent[] | null }[]> {
  return db<{ agentId: string; language: string; desktop: AlertEvent[] | null }[]>`
    select a.id as agent_id, a.language, p.desktop
    from agents a left join agent_alert_prefs p on p.agent_id = a.id
    where a.active and exists (select 1 from push_subscriptions s where s.agent_id = a.id)`
}

export async function readVapid(db: Db): Promise<{ publicKey: string; privateKey: string } | null> {
  const [row] = await db<{ publicKey: string; privateKey: string }[]>`select public_key, private_key from push_vapid where id`
  return row ?? null
}

/** Stores a key pair unless one exists (another process may have made one first); returns the stored one. */
export async function insertVapid(db: Db, publicKey: string, sealedPrivateKey: string): Promise<{ publicKey: string; privateKey: string }> {
  await db`insert into push_vapid (id, public_key, private_key) values (true, ${publicKey}, ${sealedPrivateKey}) on conflict (id) do nothing`
  return (await readVapid(db))!
}

export async function resealVapid(db: Db, sealedPrivateKey: string): Promise<void> {
  await db`update push_vapid set private_key = ${sealedPrivateKey} where id`
}

export interface SubscriptionRow {
  id: string
  agentId: string
  /** sealed (shared/secrets.ts); found by endpointHash */
  endpoint: string
  endpointHash: string
  p256dh: string
  auth: string
  userAgent: string | null
  createdAt: Date
  lastSentAt: Date | null
}

/** A device subscribes again with the same endpoint: it becomes this agent's, with its new keys. */
export async function upsertSubscription(
  db: Db,
  s: { id: string; agentId: string; endpoint: string; endpointHash: string; p256dh: string; auth: string; userAgent: string | null },
): Promise<SubscriptionRow> {
  const [row] = await db<SubscriptionRow[]>`
    insert into push_subscriptions (id, agent_id, endpoint, endpoint_hash, p256dh, auth, user_agent)
    values (${s.id}, ${s.agentId}, ${s.endpoint}, ${s.endpointHash}, ${s.p256dh}, ${s.auth}, ${s.userAgent})
    on conflict (endpoint_hash) do update set agent_id = excluded.agent_id, endpoint = excluded.endpoint, p256dh = excluded.p256dh,
      auth = excluded.auth, user_agent = excluded.user_agent
    returning *`
  return row!
}

export async function listSubscriptions(db: Db, agentId: string): Promise<SubscriptionRow[]> {
  return db<SubscriptionRow[]>`select * from push_subscriptions where agent_id = ${agentId} order by created_at, id`
}

export async function allSubscriptions(db: Db): Promise<SubscriptionRow[]> {
  return db<SubscriptionRow[]>`select * from push_subscriptions`
}

export async function countSubscriptions(db: Db, agentId: string): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from push_subscriptions where agent_id = ${agentId}`
  return row?.n ?? 0
}

export async function deleteSubscriptionByEndpoint(db: Db, agentId: string, endpointHash: string): Promise<boolean> {
  return (await db`delete from push_subscriptions where agent_id = ${agentId} and endpoint_hash = ${endpointHash} returning 1`).length > 0
}

export async function deleteSubscriptionById(db: Db, agentId: string, id: string): Promise<boolean> {
  return (await db`delete from push_subscriptions where agent_id = ${agentId} and id = ${id} returning 1`).length > 0
}

/** The push service said the subscription is gone (404/410): forget it, and what was queued for it. */
export async function dropSubscription(db: Db, id: string): Promise<void> {
  await db`delete from push_subscriptions where id = ${id}`
}

export async function resealDevice(db: Db, id: string, sealed: { auth: string; endpoint: string }): Promise<void> {
  await db`update push_subscriptions set auth = ${sealed.auth}, endpoint = ${sealed.endpoint} where id = ${id}`
}

/** One push per device of the agent. Returns how many. */
export async function queueForAgent(db: Db, agentId: string, payload: string, ids: () => string): Promise<number> {
  const subs = await db<{ id: string }[]>`select id from push_subscriptions where agent_id = ${agentId}`
  for (const s of subs) await db`insert into push_deliveries (id, subscription_id, payload) values (${ids()}, ${s.id}, ${payload})`
  return subs.length
}

export async function claimDue(tx: TxSql): Promise<(Omit<SubscriptionRow, 'id' | 'createdAt' | 'lastSentAt' | 'userAgent'> & { id: string; subscriptionId: string; payload: string; attempts: number }) | null> {
  const [row] = await tx<(Omit<SubscriptionRow, 'id' | 'createdAt' | 'lastSentAt' | 'userAgent'> & { id: string; subscriptionId: string; payload: string; attempts: number })[]>`
    select d.id, d.subscription_id, d.payload, d.attempts, s.agent_id, s.endpoint, s.p256dh, s.auth
    from push_deliveries d join push_subscriptions s on s.id = d.subscription_id
    where d.status = 'queued' and d.next_attempt_at <= now()
    order by d.next_attempt_at, d.id limit 1
    for update of d skip locked`
  return row ?? null
}

export async function markSent(db: Db, id: string, subscriptionId: string, status: number): Promise<void> {
  await db`update push_deliveries set status = 'sent', attempts = attempts + 1, response_status = ${status}, last_error = null, updated_at = now() where id = ${id}`
  await db`update push_subscriptions set last_sent_at = now() where id = ${subscriptionId}`
}

export async function markAttemptFailed(db: Db, id: string, f: { status: number | null; error: string; retryInMs: number | null }): Promise<void> {
  await db`
    update push_deliveries set attempts = attempts + 1, response_status = ${f.status}, last_error = ${f.error}, updated_at = now(),
      status = ${f.retryInMs === null ? 'failed' : 'queued'},
      next_attempt_at = case when ${f.retryInMs === null} then next_attempt_at else now() + ${f.retryInMs ?? 0} * interval '1 millisecond' end
    where id = ${id}`
}

export async function msUntilNextDue(db: Db): Promise<number | null> {
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms from push_deliveries where status = 'queued'`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

/** Settled pushes older than `days` go; queued ones stay until settled. */
export async function pruneDeliveries(db: Db, days: number): Promise<number> {
  return (await db`delete from push_deliveries where status <> 'queued' and created_at < now() - ${days} * interval '1 day' returning 1`).length
}

export async function listDeliveries(db: Db, subscriptionId: string): Promise<{ id: string; status: string; attempts: number; responseStatus: number | null; lastError: string | null }[]> {
  return db`select id, status, attempts, response_status, last_error from push_deliveries where subscription_id = ${subscriptionId} order by created_at, id`
}

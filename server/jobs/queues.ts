// How much waits in the durable queues (for /metrics): the mail outbox, the Messenger send
// queue, webhook deliveries and notification timers. Queued rows and the oldest one's age come
// from the partial "due" indexes; failed rows are counted over what the tables keep.
import type { Db } from '../db/client.ts'

export interface QueueStats {
  queue: 'mail' | 'messenger' | 'webhooks' | 'notifications'
  queued: number
  failed: number
  /** Seconds the oldest queued item has waited (0 when none). */
  oldestSeconds: number
}

export async function queueStats(db: Db): Promise<QueueStats[]> {
  const rows = await db<{ queue: QueueStats['queue']; queued: number; failed: number; oldestSeconds: number }[]>`
    select 'mail' as queue,
      (select count(*) from outbox where status = 'queued')::int as queued,
      (select count(*) from outbox where status = 'failed')::int as failed,
      coalesce((select extract(epoch from now() - min(created_at)) from outbox where status = 'queued'), 0)::float8 as oldest_seconds
    union all
    select 'messenger',
      (select count(*) from messenger_sends where status = 'queued')::int,
      (select count(*) from messenger_sends where status = 'failed')::int,
      coalesce((select extract(epoch from now() - min(created_at)) from messenger_sends where status = 'queued'), 0)::float8
    union all
    select 'webhooks',
      (select count(*) from webhook_deliveries where status = 'queued')::int,
      (select count(*) from webhook_deliveries where status = 'failed')::int,
      coalesce((select extract(epoch from now() - min(created_at)) from webhook_deliveries where status = 'queued'), 0)::float8
    union all
    select 'notifications',
      (select count(*) from notification_timers)::int,
      0,
      coalesce((select greatest(0, extract(epoch from now() - min(due_at))) from notification_timers), 0)::float8`
  return rows
}

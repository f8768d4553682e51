// Housekeeping that keeps tables small: expired sessions, login failures older than the
// throttling window, webhook deliveries the log no longer shows (30 days), settled pushes (7 days),
// and files agents uploaded that no reply claimed within an hour. Runs once at start and then
// hourly; any process may run it (idempotent).
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import { DatabaseAwayLog } from '../shared/database-away.ts'
import { pruneSessionsAndFailures } from '../domain/agents/agents.usecases.ts'
import { pruneDeliveryLog } from '../domain/webhooks/webhooks.usecases.ts'
import { prunePushLog } from '../domain/push/push.usecases.ts'
import { pruneUploads } from '../domain/attachments/attachments.usecases.ts'

export async function runMaintenance(
  sql: Sql,
  windowSeconds: number,
): Promise<{ expiredSessions: number; webhookDeliveries: number; pushDeliveries: number; unclaimedUploads: number }> {
  const { expiredSessions } = await pruneSessionsAndFailures({ sql }, windowSeconds)
  return {
    expiredSessions,
    webhookDeliveries: await pruneDeliveryLog({ sql }),
    pushDeliveries: await prunePushLog({ sql }),
    unclaimedUploads: await pruneUploads({ sql }),
  }
}

export function startMaintenance(sql: Sql, log: Logger, windowSeconds: number, everyMs = 3_600_000): { stop(): void } {
  const away = new DatabaseAwayLog(log, 'maintenance', 'trying again at its next run')
  const run = async () => {
    try {
      log.debug('maintenance', await runMaintenance(sql, windowSeconds))
      away.ok()
    } catch (error) {
      if (!away.failed(error)) log.warn('maintenance failed', { error })
    }
  }
  const first = setTimeout(run, 5_000)
  const timer = setInterval(run, everyMs)
  return {
    stop() {
      clearTimeout(first)
      clearInterval(timer)
    },
  }
}

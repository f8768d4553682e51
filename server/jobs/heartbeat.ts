// Marks this process alive, so agents' connections on it count towards their presence, and
// connections of a crashed process stop counting once its heartbeat is stale.
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import { DatabaseAwayLog } from '../shared/database-away.ts'
import { heartbeatProcess, registerProcess, removeProcess } from '../domain/agents/agents.usecases.ts'

export async function startHeartbeat(sql: Sql, nodeId: string, log: Logger, everyMs = 10_000): Promise<{ stop(): Promise<void> }> {
  await registerProcess({ sql }, nodeId)
  const away = new DatabaseAwayLog(log, 'heartbeat', `trying again every ${everyMs / 1000} s`)
  const timer = setInterval(() => {
    heartbeatProcess({ sql }, nodeId).then(
      () => away.ok(),
      (error) => {
        if (!away.failed(error)) log.warn('heartbeat failed', { error })
      },
    )
  }, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await removeProcess({ sql }, nodeId).catch(() => {})
    },
  }
}

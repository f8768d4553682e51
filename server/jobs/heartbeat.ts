// Marks this process alive, so agents' connections on it count towards their presence, and
// connections of a crashed process stop counting once its heartbeat is stale.
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import { heartbeatNode, registerNode, removeNode } from '../domain/agents/agents.repo.ts'

export async function startHeartbeat(sql: Sql, nodeId: string, log: Logger, everyMs = 10_000): Promise<{ stop(): Promise<void> }> {
  await registerNode(sql, nodeId)
  const timer = setInterval(() => {
    heartbeatNode(sql, nodeId).catch((error) => log.warn('heartbeat failed', { error }))
  }, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await removeNode(sql, nodeId).catch(() => {})
    },
  }
}

// Marks this process alive, so agents' connections on it count towards their presence, and
// connections of a crashed process stop counting once its heartbeat is stale. At each beat it
// also looks for processes that died (SIGKILL, a lost machine: their sockets never closed) and
// announces the agents and visitors they held, so every dashboard sees them go and a visitor who
// left with them gets the missed-conversation timer; one live process does this for each.
import type { Sql } from '../db/client.ts'
import type { EventBus } from '../events/bus.ts'
import type { Logger } from '../shared/logger.ts'
import { DatabaseAwayLog } from '../shared/database-away.ts'
import { agentsOfLapsedProcesses, heartbeatProcess, registerProcess, removeProcess } from '../domain/agents/agents.usecases.ts'
import { visitorsOfLapsedProcesses } from '../domain/visitors/visitors.usecases.ts'

export async function startHeartbeat(
  deps: { sql: Sql; bus: EventBus; log: Logger },
  nodeId: string,
  opts: {
    everyMs?: number
    /**
     * This process's heartbeat had lapsed (it could not beat for longer than the others wait):
     * they may have taken it for dead and forgotten its connections, so its sockets should
     * reconnect and be counted again.
     */
    onLapsed?: () => void
  } = {},
): Promise<{ stop(): Promise<void> }> {
  const { sql, bus, log } = deps
  const everyMs = opts.everyMs ?? 10_000
  await registerProcess({ sql }, nodeId)
  const away = new DatabaseAwayLog(log, 'heartbeat', `trying again every ${everyMs / 1000} s`)
  let beating = false
  const beat = async () => {
    if (await heartbeatProcess({ sql }, nodeId)) opts.onLapsed?.()
    const agents = await agentsOfLapsedProcesses({ sql, bus })
    const visitors = await visitorsOfLapsedProcesses({ sql, bus })
    if (agents + visitors > 0) log.info('heartbeat: a process stopped without closing its sockets; its agents and visitors announced', { agents, visitors })
  }
  const timer = setInterval(() => {
    if (beating) return
    beating = true
    beat()
      .then(
        () => away.ok(),
        (error) => {
          if (!away.failed(error)) log.warn('heartbeat failed', { error })
        },
      )
      .finally(() => (beating = false))
  }, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await removeProcess({ sql }, nodeId).catch(() => {})
    },
  }
}

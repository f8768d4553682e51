// When a Parley process counts as alive: its heartbeat (server/jobs/heartbeat.ts, every 10 s) is
// younger than NODE_TTL. Only live processes' connections count towards presence; a process
// whose heartbeat is older is taken for dead, and the others forget its connections.
import type { Db } from './client.ts'

export const NODE_TTL = '30 seconds'

/** The SQL condition "the server_nodes row `n` is alive". */
export const liveNode = (db: Db) => db`n.heartbeat_at > now() - ${NODE_TTL}::interval`

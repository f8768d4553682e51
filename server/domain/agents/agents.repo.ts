import type { Db } from '../../db/client.ts'
import { NODE_TTL, liveNode } from '../../db/live-nodes.ts'
import type { Role, AgentStatus, AgentRow, AgentView, AgentPresence, SessionRow, SessionView, EndedSession, ThrottleRule, ThrottleTiming } from './agents.types.ts'

// A node counts as alive while it heartbeats; connections of a crashed process stop counting.

export async function countAgents(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from agents`
  return row?.n ?? 0
}

export async function insertAgent(
  db: Db,
  a: { id: string; email: string; name: string; role: Role; passwordHash: string; language: string },
): Promise<AgentRow> {
  const [row] = await db<AgentRow[]>`
    insert into agents (id, email, name, role, password_hash, language)
    values (${a.id}, ${a.email}, ${a.name}, ${a.role}, ${a.passwordHash}, ${a.language})
    returning *`
  return row!
}

export async function findAgentById(db: Db, id: string): Promise<AgentRow | null> {
  const [row] = await db<AgentRow[]>`select * from agents where id = ${id}`
  return row ?? null
}

export async function findAgentByEmail(db: Db, email: string): Promise<AgentRow | null> {
  const [row] = await db<AgentRow[]>`select * from agents where lower(email) = lower(${email})`
  return row ?? null
}

const connectedSql = (db: Db) => db`
  exists (select 1 from agent_connections ac join server_nodes n on n.id = ac.node_id
          where ac.agent_id = agents.id and ac.connections > 0 and ${liveNode(db)})`

const viewSelect = (db: Db) => db`
  select id, email, name, role, active, status, language, created_at,
    case when ${connectedSql(db)} then status else 'offline' end as presence
  from agents`

export async function listAgentViews(db: Db): Promise<AgentView[]> {
  return db<AgentView[]>`${viewSelect(db)} order by active desc, lower(name), id`
}

export async function findAgentView(db: Db, id: string): Promise<AgentView | null> {
  const [row] = await db<AgentView[]>`${viewSelect(db)} where id = ${id}`
  return row ?? null
}

export async function updateAgent(
  db: Db,
  id: string,
  patch: Partial<{ name: string; email: string; role: Role; active: boolean; status: AgentStatus; language: string; passwordHash: string }>,
): Promise<AgentRow | null> {
  const cols = Object.keys(patch) as (keyof typeof patch)[]
  if (cols.length === 0) return findAgentById(db, id)
  const [row] = await db<AgentRow[]>`
    update agents set ${db(patch, ...cols)}, updated_at = now() where id = ${id} returning *`
  return row ?? null
}

// Sessions ---------------------------------------------------------------------------------

export async function insertSession(
  db: Db,
  s: { id: string; tokenHash: string; agentId: string; ip: string; userAgent: string; days: number },
): Promise<void> {
  await db`
    insert into agent_sessions (id, token_hash, agent_id, ip, user_agent, expires_at)
    values (${s.id}, ${s.tokenHash}, ${s.agentId}, ${s.ip}, ${s.userAgent}, now() + make_interval(days => ${s.days}))`
}

export async function findLiveSession(db: Db, tokenHash: string): Promise<(SessionRow & { agent: AgentRow }) | null> {
  const [row] = await db<(AgentRow & { sessionId: string; tokenHash: string; expiresAt: Date; lastSeenAt: Date })[]>`
    select a.*, s.id as session_id, s.token_hash, s.expires_at, s.last_seen_at
    from agent_sessions s join agents a on a.id = s.agent_id
    where s.token_hash = ${tokenHash} and s.expires_at > now() and a.active`
  if (!row) return null
  const { sessionId, tokenHash: th, expiresAt, lastSeenAt, ...agent } = row
  return { id: sessionId, tokenHash: th, agentId: agent.id, expiresAt, lastSeenAt, agent }
}

export async function isSessionLive(db: Db, id: string): Promise<boolean> {
  const [row] = await db<{ live: boolean }[]>`
    select exists (
      select 1 from agent_sessions s join agents a on a.id = s.agent_id
      where s.id = ${id} and s.expires_at > now() and a.active
    ) as live`
  return row?.live ?? false
}

/** The agent of a live session, as they are now (name and role may have changed since sign-in). */
export async function findLiveSessionAgent(db: Db, id: string): Promise<Pick<AgentRow, 'id' | 'role' | 'name'> | null> {
  const [row] = await db<Pick<AgentRow, 'id' | 'role' | 'name'>[]>`
    select a.id, a.role, a.name from agent_sessions s join agents a on a.id = s.agent_id
    where s.id = ${id} and s.expires_at > now() and a.active`
  return row ?? null
}

export async function touchSession(db: Db, id: string): Promise<void> {
  await db`update agent_sessions set last_seen_at = now() where id = ${id}`
}

export async function listSessionsOf(db: Db, agentId: string): Promise<SessionView[]> {
  return db<SessionView[]>`
    select id, ip, user_agent, created_at, last_seen_at, expires_at from agent_sessions
    where agent_id = ${agentId} and expires_at > now()
    order by last_seen_at desc, id`
}

export async function deleteSession(db: Db, tokenHash: string): Promise<EndedSession[]> {
  return db<EndedSession[]>`delete from agent_sessions where token_hash = ${tokenHash} returning id, agent_id`
}

export async function deleteSessionById(db: Db, agentId: string, id: string): Promise<EndedSession[]> {
  return db<EndedSession[]>`delete from agent_sessions where agent_id = ${agentId} and id = ${id} returning id, agent_id`
}

/** Ends every session of an agent, or every one but `keepId` (the one asking). */
export async function deleteSessionsOf(db: Db, agentId: string, keepId?: string): Promise<EndedSession[]> {
  return keepId
    ? db<EndedSession[]>`delete from agent_sessions where agent_id = ${agentId} and id <> ${keepId} returning id, agent_id`
    : db<EndedSession[]>`delete from agent_sessions where agent_id = ${agentId} returning id, agent_id`
}

// Login throttling ---------------------------------------------------------------------------

/**
 * Reserves one attempt under every rule, or none. Run it in a transaction: each key's row is
 * created if missing and locked (in key order, so two reservations cannot deadlock) until commit.
 * When any key is locked out, nothing is counted and the wait is returned. Otherwise each key
 * counts the attempt as a failure now — before the slow password check — and a key that reaches
 * its free failures is locked for a wait that doubles with each further failure (at most the
 * window). Concurrent guesses queue on the row locks, so no more than `free` of them pass.
 */
export async function reserveLoginAttempt(db: Db, rules: ThrottleRule[], timing: ThrottleTiming): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const keys = sorted.map((r) => r.key)
  await db`
    insert into login_throttle (key, failures, last_failure_at)
    select k, 0, now() from unnest(${keys}::text[]) as k order by k
    on conflict (key) do nothing`
  const rows = await db<{ key: string; failures: number; lastFailureAt: Date; lockedUntil: Date | null; now: Date }[]>`
    select key, failures, last_failure_at, locked_until, now() as now
    from login_throttle where key = any(${keys}::text[]) order by key for update`
  const now = rows[0]?.now.getTime() ?? Date.now()
  const lockedUntil = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0))
  if (lockedUntil > now) return { ok: false, retryAfter: Math.max(1, Math.ceil((lockedUntil - now) / 1000)) }
  for (const rule of sorted) {
    const row = rows.find((r) => r.key === rule.key)
    const stale = !row || row.lastFailureAt.getTime() < now - timing.windowSeconds * 1000
    const failures = (stale ? 0 : row.failures) + 1
    const over = failures - rule.free
    const wait = over < 0 ? null : Math.min(timing.windowSeconds, timing.firstDelaySeconds * 2 ** Math.min(over, 30))
    await db`
      update login_throttle set failures = ${failures}, last_failure_at = now(),
        locked_until = ${wait === null ? null : new Date(now + wait * 1000)}
      where key = ${rule.key}`
  }
  return { ok: true }
}

/**
 * A correct password gives the reserved attempt back: the keys in `clear` (the address at this IP)
 * start over; the others (the IP alone) only lose the one failure reserved for this attempt, so an
 * attacker cannot reset an IP's count by signing in to an account of their own between guesses.
 */
export async function releaseLoginAttempt(db: Db, clear: string[], refund: ThrottleRule[]): Promise<void> {
  await db`delete from login_throttle where key = any(${clear}::text[])`
  for (const r of refund) {
    await db`
      update login_throttle set
        failures = greatest(failures - 1, 0),
        locked_until = case when failures - 1 < ${r.free} then null else locked_until end
      where key = ${r.key}`
  }
}

/** The record of a failed sign-in (the throttle's counters say nothing of when or which). */
export async function recordFailure(db: Db, email: string, ip: string): Promise<void> {
  await db`insert into login_failures (email, ip) values (${email}, ${ip})`
}

export async function pruneFailures(db: Db, windowSeconds: number): Promise<void> {
  await db`delete from login_failures where at < now() - make_interval(secs => ${windowSeconds})`
  await db`
    delete from login_throttle
    where last_failure_at < now() - make_interval(secs => ${windowSeconds})
      and (locked_until is null or locked_until < now())`
}

// Presence -----------------------------------------------------------------------------------

export async function registerNode(db: Db, nodeId: string): Promise<void> {
  await db`insert into server_nodes (id) values (${nodeId}) on conflict (id) do update set heartbeat_at = now()`
}

/**
 * Marks the node alive. True when it had lapsed before this beat (its heartbeat older than
 * NODE_TTL, or its row gone): the others took it for dead and may have forgotten its connections.
 */
export async function heartbeatNode(db: Db, nodeId: string): Promise<boolean> {
  const [row] = await db<{ lapsed: boolean }[]>`
    with before as (select heartbeat_at from server_nodes where id = ${nodeId})
    insert into server_nodes (id) values (${nodeId}) on conflict (id) do update set heartbeat_at = now()
    returning coalesce((select heartbeat_at < now() - ${NODE_TTL}::interval from before), true) as lapsed`
  // Forget nodes that stopped heartbeating long ago (crashed processes).
  await db`delete from server_nodes where heartbeat_at < now() - interval '1 hour'`
  return row?.lapsed ?? false
}

/**
 * The connection counts of nodes that stopped heartbeating (killed: their sockets never closed),
 * deleted: the agents they held, each once. Whoever deletes a row first gets it, so of several
 * live nodes that look at once, one announces each agent.
 */
export async function takeLapsedConnections(db: Db): Promise<string[]> {
  const rows = await db<{ agentId: string; connections: number }[]>`
    delete from agent_connections ac using server_nodes n
    where n.id = ac.node_id and not (${liveNode(db)})
    returning ac.agent_id, ac.connections`
  return [...new Set(rows.filter((r) => r.connections > 0).map((r) => r.agentId))]
}

export async function removeNode(db: Db, nodeId: string): Promise<void> {
  await db`delete from server_nodes where id = ${nodeId}`
}

export async function addConnection(db: Db, nodeId: string, agentId: string, delta: number): Promise<void> {
  await db`
    insert into agent_connections (node_id, agent_id, connections) values (${nodeId}, ${agentId}, greatest(${delta}, 0))
    on conflict (node_id, agent_id) do update set connections = greatest(agent_connections.connections + ${delta}, 0)`
}

export async function findPresence(db: Db, agentId: string): Promise<AgentPresence | null> {
  const [row] = await db<{ id: string; status: AgentStatus; connected: boolean }[]>`
    select id, status, ${connectedSql(db)} as connected from agents where id = ${agentId}`
  if (!row) return null
  return { agentId: row.id, status: row.status, connected: row.connected, presence: row.connected ? row.status : 'offline' }
}

/** Whether any active agent is online right now (the widget shows its contact form otherwise). */
export async function anyAgentOnline(db: Db): Promise<boolean> {
  const [row] = await db<{ online: boolean }[]>`
    select exists (
      select 1 from agents where active and status = 'online' and ${connectedSql(db)}
    ) as online`
  return row?.online ?? false
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const rows = await db`delete from agent_sessions where expires_at < now() returning 1`
  return rows.length
}

/** Other Parley processes on this database that heartbeat. */
export async function countOtherLiveNodes(db: Db, nodeId: string): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from server_nodes n where n.id <> ${nodeId} and ${liveNode(db)}`
  return row?.n ?? 0
}

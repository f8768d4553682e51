import type { Db } from '../../db/client.ts'

export type Role = 'owner' | 'full' | 'limited'
export type AgentStatus = 'online' | 'away' | 'offline'

export interface AgentRow {
  id: string
  email: string
  name: string
  role: Role
  passwordHash: string
  active: boolean
  status: AgentStatus
  language: string
  createdAt: Date
  updatedAt: Date
}

/** What the API shows of an agent: never the password hash. */
export interface AgentView {
  id: string
  email: string
  name: string
  role: Role
  active: boolean
  status: AgentStatus
  presence: AgentStatus
  language: string
  createdAt: Date
}

export interface AgentPresence {
  agentId: string
  /** The effective state: the chosen status while connected, offline with no live connection. */
  presence: AgentStatus
  status: AgentStatus
  connected: boolean
}

// A node counts as alive while it heartbeats; connections of a crashed process stop counting.
const NODE_TTL = '30 seconds'

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
          where ac.agent_id = agents.id and ac.connections > 0
            and n.heartbeat_at > now() - ${NODE_TTL}::interval)`

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

export interface SessionRow {
  tokenHash: string
  agentId: string
  csrfToken: string
  expiresAt: Date
}

export async function insertSession(
  db: Db,
  s: { tokenHash: string; agentId: string; csrfToken: string; ip: string; userAgent: string; days: number },
): Promise<void> {
  await db`
    insert into agent_sessions (token_hash, agent_id, csrf_token, ip, user_agent, expires_at)
    values (${s.tokenHash}, ${s.agentId}, ${s.csrfToken}, ${s.ip}, ${s.userAgent}, now() + make_interval(days => ${s.days}))`
}

export async function findLiveSession(db: Db, tokenHash: string): Promise<(SessionRow & { agent: AgentRow }) | null> {
  const [row] = await db<(AgentRow & { tokenHash: string; csrfToken: string; expiresAt: Date })[]>`
    select a.*, s.token_hash, s.csrf_token, s.expires_at
    from agent_sessions s join agents a on a.id = s.agent_id
    where s.token_hash = ${tokenHash} and s.expires_at > now() and a.active`
  if (!row) return null
  const { tokenHash: th, csrfToken, expiresAt, ...agent } = row
  return { tokenHash: th, agentId: agent.id, csrfToken, expiresAt, agent }
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db`delete from agent_sessions where token_hash = ${tokenHash}`
}

export async function deleteSessionsOf(db: Db, agentId: string): Promise<void> {
  await db`delete from agent_sessions where agent_id = ${agentId}`
}

// Login throttling ---------------------------------------------------------------------------

export async function recentFailures(db: Db, email: string, ip: string, windowSeconds: number): Promise<{ byEmail: number; byIp: number; oldestEmail: Date | null; oldestIp: Date | null }> {
  const [row] = await db<{ byEmail: number; byIp: number; oldestEmail: Date | null; oldestIp: Date | null }[]>`
    select
      (select count(*)::int from login_failures where email = ${email} and at > now() - make_interval(secs => ${windowSeconds})) as by_email,
      (select count(*)::int from login_failures where ip = ${ip} and at > now() - make_interval(secs => ${windowSeconds})) as by_ip,
      (select min(at) from login_failures where email = ${email} and at > now() - make_interval(secs => ${windowSeconds})) as oldest_email,
      (select min(at) from login_failures where ip = ${ip} and at > now() - make_interval(secs => ${windowSeconds})) as oldest_ip`
  return row!
}

export async function recordFailure(db: Db, email: string, ip: string): Promise<void> {
  await db`insert into login_failures (email, ip) values (${email}, ${ip})`
}

export async function clearFailures(db: Db, email: string): Promise<void> {
  await db`delete from login_failures where email = ${email}`
}

export async function pruneFailures(db: Db, windowSeconds: number): Promise<void> {
  await db`delete from login_failures where at < now() - make_interval(secs => ${windowSeconds})`
}

// Presence -----------------------------------------------------------------------------------

export async function registerNode(db: Db, nodeId: string): Promise<void> {
  await db`insert into server_nodes (id) values (${nodeId}) on conflict (id) do update set heartbeat_at = now()`
}

export async function heartbeatNode(db: Db, nodeId: string): Promise<void> {
  await db`
    insert into server_nodes (id) values (${nodeId}) on conflict (id) do update set heartbeat_at = now()`
  // Forget nodes that stopped heartbeating long ago (crashed processes).
  await db`delete from server_nodes where heartbeat_at < now() - interval '1 hour'`
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
    select count(*)::int as n from server_nodes where id <> ${nodeId} and heartbeat_at > now() - ${NODE_TTL}::interval`
  return row?.n ?? 0
}

import { untilStored } from '../../shared/database-away.ts'
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { isUuid, newId, newSecret, hashSecret } from '../../shared/ids.ts'
import * as v from '../shared/validate.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import * as repo from './agents.repo.ts'
import { passwordProblem } from './password-policy.ts'
import { hashPassword, needsRehash, PasswordGateFullError, verifyPassword } from './password-gate.ts'
import type { AgentPresence, AgentRow, AgentStatus, AgentView, EndedSession, Role, SessionView } from './agents.types.ts'

export interface AuthPolicy {
  sessionDays: number
  loginMaxFailuresPerEmail: number
  loginMaxFailuresPerIp: number
  loginWindowSeconds: number
}

export interface AgentDeps {
  sql: Sql
  bus: EventBus
  auth: AuthPolicy
}

/** The authenticated agent a use case acts for. */
export interface Actor {
  id: string
  role: Role
  name: string
}


const forbidden = (what: string) => new AppError('agent.forbidden', 403, what)
const notFound = () => new AppError('agent.not_found', 404, 'agent not found')

/** The password rule (password-policy.ts); the 400 says why, `details.reason` says it for code. */
function acceptablePassword(password: string, who: { email: string; name: string }): string {
  const verdict = passwordProblem(password, [who.email, who.name])
  if (verdict) throw new AppError('request.weak_password', 400, verdict.message, { field: 'password', reason: verdict.problem })
  return password
}

export async function toView(deps: AgentDeps, id: string): Promise<AgentView> {
  const view = await repo.findAgentView(deps.sql, id)
  if (!view) throw notFound()
  return view
}

export async function setupNeeded(deps: AgentDeps): Promise<boolean> {
  return (await repo.countAgents(deps.sql)) === 0
}

export interface NewAgentInput {
  email: string
  name: string
  password: string
  language?: string
}

/** First run: the owner account can be created once, while no agent exists. */
export async function createOwner(deps: AgentDeps, input: NewAgentInput): Promise<AgentView> {
  const done = () => new AppError('setup.done', 409, 'Parley is already set up; sign in instead')
  // Once set up, the answer is that, whatever the form held.
  if (!(await setupNeeded(deps))) throw done()
  const email = v.email(input.email)
  const name = maskCardNumbers(v.text(input.name, 'name', 100))
  const passwordHash = await hashPassword(acceptablePassword(input.password, { email, name }))
  const language = v.language(input.language ?? 'en')
  try {
    const row = await deps.sql.begin(async (tx) => {
      // Serialise concurrent first-run requests; the single-owner index backs this up.
      await tx`lock table agents in share row exclusive mode`
      if ((await repo.countAgents(tx)) > 0) throw done()
      return repo.insertAgent(tx, { id: newId(), email, name, role: 'owner', passwordHash, language })
    })
    deps.bus.emit('agent.changed', { agentId: row.id })
    return toView(deps, row.id)
  } catch (e) {
    if (isUniqueViolation(e)) throw done()
    throw e
  }
}

/**
 * The command line's reset (`parley reset-password EMAIL`): whoever runs it on the server may set
 * any agent's password, the owner's included (an owner locked out has no one else to ask). The
 * password policy holds; every session of the agent ends.
 */
export async function resetPassword(deps: AgentDeps, email: string, password: string): Promise<AgentView> {
  const target = await repo.findAgentByEmail(deps.sql, v.email(email))
  if (!target) throw new AppError('agent.not_found', 404, `no agent has the e-mail address ${email}`)
  const passwordHash = await hashPassword(acceptablePassword(password, { email: target.email, name: target.name }))
  const gone = await deps.sql.begin(async (tx) => {
    await repo.updateAgent(tx, target.id, { passwordHash })
    return repo.deleteSessionsOf(tx, target.id)
  })
  ended(deps, gone, 'password_reset')
  deps.bus.emit('agent.changed', { agentId: target.id })
  return toView(deps, target.id)
}

export async function createAgent(
  deps: AgentDeps,
  actor: Actor,
  input: NewAgentInput & { role: string },
): Promise<AgentView> {
  if (actor.role !== 'owner') throw forbidden('only the owner can add agents')
  if (input.role !== 'full' && input.role !== 'limited') {
    throw new AppError('request.invalid_role', 400, 'role must be "full" or "limited"', { field: 'role' })
  }
  const email = v.email(input.email)
  const name = maskCardNumbers(v.text(input.name, 'name', 100))
  const passwordHash = await hashPassword(acceptablePassword(input.password, { email, name }))
  const language = v.language(input.language ?? 'en')
  try {
    const row = await repo.insertAgent(deps.sql, { id: newId(), email, name, role: input.role, passwordHash, language })
    deps.bus.emit('agent.changed', { agentId: row.id })
    return toView(deps, row.id)
  } catch (e) {
    if (isUniqueViolation(e, 'agents_email_key')) {
      throw new AppError('agent.email_taken', 409, 'an agent with this e-mail already exists', { field: 'email' })
    }
    throw e
  }
}

export interface AgentPatch {
  name?: string
  email?: string
  role?: string
  active?: boolean
  password?: string
  /** Required with `password` when agents change their own. */
  currentPassword?: string
  language?: string
}

async function checkCurrentPassword(deps: AgentDeps, agent: AgentRow, current: string | undefined): Promise<void> {
  if (!current) {
    throw new AppError('request.current_password_required', 400, 'enter your current password to set a new one', { field: 'currentPassword' })
  }
  // Throttled like sign-in, so a borrowed session cannot be used to guess the password.
  const key = { key: `current-password:${agent.id}`, free: deps.auth.loginMaxFailuresPerEmail }
  const reserved = await deps.sql.begin((tx) =>
    repo.reserveLoginAttempt(tx, [key], {
      windowSeconds: deps.auth.loginWindowSeconds,
      firstDelaySeconds: Math.min(FIRST_DELAY_SECONDS, deps.auth.loginWindowSeconds),
    }),
  )
  if (!reserved.ok) {
    const { retryAfter } = reserved
    throw new AppError('auth.throttled', 429, `too many wrong passwords; try again in ${waitText(retryAfter)}`, { retryAfter })
  }
  let right: boolean
  try {
    right = await verifyPassword(current, agent.passwordHash)
  } catch (e) {
    // Refused before any check: the attempt was no guess, so it does not count against them.
    if (e instanceof PasswordGateFullError) await repo.releaseLoginAttempt(deps.sql, [], [key])
    throw e
  }
  if (!right) {
    throw new AppError('agent.wrong_password', 400, 'your current password is not right', { field: 'currentPassword' })
  }
  await repo.releaseLoginAttempt(deps.sql, [key.key], [])
}

export async function updateAgent(
  deps: AgentDeps,
  actor: Actor,
  id: string,
  input: AgentPatch,
  opts: { sessionId?: string } = {},
): Promise<AgentView> {
  const self = actor.id === id
  const isOwner = actor.role === 'owner'
  if (!self && !isOwner) throw forbidden('only the owner can change other agents')
  const target = await repo.findAgentById(deps.sql, id)
  if (!target) throw notFound()
  const patch: Parameters<typeof repo.updateAgent>[2] = {}
  if (input.name !== undefined) patch.name = maskCardNumbers(v.text(input.name, 'name', 100))
  if (input.language !== undefined) patch.language = v.language(input.language)
  if (input.password !== undefined) {
    // Changing one's own password asks for the current one: a session left open on a shared
    // computer must not be enough to take the account over.
    if (self) await checkCurrentPassword(deps, target, input.currentPassword)
    patch.passwordHash = await hashPassword(acceptablePassword(input.password, { email: patch.email ?? target.email, name: patch.name ?? target.name }))
  }
  if (input.email !== undefined) {
    if (!isOwner) throw forbidden('only the owner can change e-mail addresses')
    patch.email = v.email(input.email)
  }
  if (input.role !== undefined) {
    if (!isOwner) throw forbidden('only the owner can change roles')
    if (target.role === 'owner') throw forbidden("the owner's role cannot be changed")
    if (input.role !== 'full' && input.role !== 'limited') {
      throw new AppError('request.invalid_role', 400, 'role must be "full" or "limited"', { field: 'role' })
    }
    patch.role = input.role
  }
  if (input.active !== undefined) {
    if (!isOwner) throw forbidden('only the owner can deactivate agents')
    if (target.role === 'owner') throw forbidden('the owner cannot be deactivated')
    patch.active = input.active
  }
  let gone: EndedSession[] = []
  let reason: SessionEndReason = 'deactivated'
  try {
    gone = await deps.sql.begin(async (tx) => {
      await repo.updateAgent(tx, id, patch)
      // A deactivated agent is signed out everywhere; a password reset by the owner ends every
      // session of the agent, and changing one's own ends all but the one asking.
      if (patch.active === false) return repo.deleteSessionsOf(tx, id)
      if (patch.passwordHash) {
        reason = self ? 'password_changed' : 'password_reset'
        return repo.deleteSessionsOf(tx, id, self ? opts.sessionId : undefined)
      }
      return []
    })
  } catch (e) {
    if (isUniqueViolation(e, 'agents_email_key')) {
      throw new AppError('agent.email_taken', 409, 'an agent with this e-mail already exists', { field: 'email' })
    }
    throw e
  }
  ended(deps, gone, reason)
  if (patch.active === false) deps.bus.emit('agent.deactivated', { agentId: id })
  deps.bus.emit('agent.changed', { agentId: id })
  return toView(deps, id)
}

export async function listAgents(deps: Pick<AgentDeps, 'sql'>): Promise<AgentView[]> {
  return repo.listAgentViews(deps.sql)
}

// Authentication ----------------------------------------------------------------------------

export interface LoginInput {
  email: string
  password: string
  ip: string
  userAgent: string
}

export interface LoginResult {
  token: string
  csrfToken: string
  agent: AgentView
}

// Verifying against a real argon2id hash when the address is unknown keeps the answer's timing
// from telling which addresses have accounts.
let dummyHash: Promise<string> | null = null

/** The first wait once a key has used its free failures; it doubles with each further one. */
const FIRST_DELAY_SECONDS = 30

const throttleKeys = (auth: AuthPolicy, email: string, ip: string) => ({
  address: { key: `address-ip:${email}|${ip}`, free: auth.loginMaxFailuresPerEmail },
  ip: { key: `ip:${ip}`, free: auth.loginMaxFailuresPerIp },
})

export async function login(deps: AgentDeps, input: LoginInput): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase().slice(0, 254)
  const { auth } = deps
  // Throttled per address at one IP and per IP, never per address alone: an attacker guessing the
  // owner's password from elsewhere must not lock the owner out of their own account.
  const keys = throttleKeys(auth, email, input.ip)
  const reserved = await deps.sql.begin((tx) =>
    repo.reserveLoginAttempt(tx, [keys.address, keys.ip], {
      windowSeconds: auth.loginWindowSeconds,
      firstDelaySeconds: Math.min(FIRST_DELAY_SECONDS, auth.loginWindowSeconds),
    }),
  )
  if (!reserved.ok) {
    const { retryAfter } = reserved
    throw new AppError('auth.throttled', 429, `too many failed sign-in attempts; try again in ${waitText(retryAfter)}`, { retryAfter })
  }
  const agent = await repo.findAgentByEmail(deps.sql, email)
  let ok: boolean
  try {
    dummyHash ??= hashPassword('parley-dummy-password').catch((e: unknown) => {
      dummyHash = null
      throw e
    })
    ok = agent
      ? await verifyPassword(input.password, agent.passwordHash)
      : (await verifyPassword(input.password, await dummyHash), false)
  } catch (e) {
    // Refused before any check (too many at once): the attempt was no guess, so it is refunded.
    if (e instanceof PasswordGateFullError) await repo.releaseLoginAttempt(deps.sql, [], [keys.address, keys.ip])
    throw e
  }
  if (!agent || !ok) {
    await repo.recordFailure(deps.sql, email, input.ip)
    throw new AppError('auth.invalid', 401, 'wrong e-mail or password')
  }
  // The password was right, so the attempt was no guess.
  await repo.releaseLoginAttempt(deps.sql, [keys.address.key], [keys.ip])
  // Said only to someone who knows the password, so it tells an outsider nothing.
  if (!agent.active) throw new AppError('auth.deactivated', 403, 'this account is deactivated; ask the owner to reactivate it')
  // The hash follows the configured cost: made again now that the password is known.
  if (needsRehash(agent.passwordHash)) await repo.updateAgent(deps.sql, agent.id, { passwordHash: await hashPassword(input.password) })
  const token = newSecret()
  const csrfToken = csrfTokenOf(token)
  await repo.insertSession(deps.sql, {
    id: newId(),
    tokenHash: hashSecret(token),
    agentId: agent.id,
    ip: input.ip,
    userAgent: input.userAgent.slice(0, 500),
    days: auth.sessionDays,
  })
  return { token, csrfToken, agent: await toView(deps, agent.id) }
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} min`
}

/** Why a session ended: the dashboard says so, and other processes close its sockets. */
export type SessionEndReason = 'signed_out' | 'signed_out_elsewhere' | 'password_changed' | 'password_reset' | 'deactivated' | 'expired'

function ended(deps: AgentDeps, sessions: EndedSession[], reason: SessionEndReason): void {
  if (sessions.length === 0) return
  deps.bus.emit('session.ended', { sessionIds: sessions.map((s) => s.id), reason })
}

export async function logout(deps: AgentDeps, token: string): Promise<void> {
  ended(deps, await repo.deleteSession(deps.sql, hashSecret(token)), 'signed_out')
}

export interface Session {
  /** The session's public id (never the token or its hash). */
  id: string
  agent: AgentRow
  csrfToken: string
  expiresAt: Date
}

// "Last seen" in the list of sessions needs no more precision than this, and a write per
// request would cost every API call.
const TOUCH_EVERY_MS = 60_000

export async function authenticate(deps: AgentDeps, token: string | undefined): Promise<Session | null> {
  if (!token || token.length > 200) return null
  const s = await repo.findLiveSession(deps.sql, hashSecret(token))
  if (!s) return null
  if (Date.now() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) await repo.touchSession(deps.sql, s.id)
  return { id: s.id, agent: s.agent, csrfToken: csrfTokenOf(token), expiresAt: s.expiresAt }
}

/**
 * A session's CSRF token: an HMAC of its session token, derived again from the cookie on each
 * request, so the database keeps neither (the session token only as a hash) and a page that
 * reloads gets the same one. Knowing it does not tell the session token.
 */
function csrfTokenOf(sessionToken: string): string {
  return new Bun.CryptoHasher('sha256', sessionToken).update('parley csrf token').digest('base64url')
}

/** Whether a session still exists, unexpired, for an active agent (a socket opening re-checks). */
export async function sessionIsLive(deps: AgentDeps, sessionId: string): Promise<boolean> {
  return repo.isSessionLive(deps.sql, sessionId)
}

/**
 * The actor behind a live session, read now: a dashboard socket asks before storing a reply, so a
 * session that ended on another process (whose notice is still on its way) stores nothing, and a
 * renamed agent's replies carry the new name.
 */
export async function sessionActor(deps: AgentDeps, sessionId: string): Promise<Actor | null> {
  return repo.findLiveSessionAgent(deps.sql, sessionId)
}

export async function listSessions(deps: AgentDeps, actor: Actor): Promise<SessionView[]> {
  return repo.listSessionsOf(deps.sql, actor.id)
}

/** Signs one of my sessions out (another device, or this one). */
export async function endSession(deps: AgentDeps, actor: Actor, sessionId: string): Promise<void> {
  const gone = await repo.deleteSessionById(deps.sql, actor.id, sessionId)
  if (gone.length === 0) throw new AppError('session.not_found', 404, 'session not found')
  ended(deps, gone, 'signed_out')
}

/** "Sign out everywhere else": every session of mine but the one asking. */
export async function endOtherSessions(deps: AgentDeps, actor: Actor, currentSessionId: string): Promise<number> {
  const gone = await repo.deleteSessionsOf(deps.sql, actor.id, currentSessionId)
  ended(deps, gone, 'signed_out_elsewhere')
  return gone.length
}

// Presence ----------------------------------------------------------------------------------

const STATUSES: readonly AgentStatus[] = ['online', 'away', 'offline']

export async function setStatus(deps: AgentDeps, agentId: string, status: string): Promise<AgentPresence> {
  if (!STATUSES.includes(status as AgentStatus)) {
    throw new AppError('request.invalid_status', 400, 'status must be online, away or offline', { field: 'status' })
  }
  await repo.updateAgent(deps.sql, agentId, { status: status as AgentStatus })
  return publishPresence(deps, agentId)
}

/** An agent's socket opened or closed. A close is stored even when the database is away then (see visitorConnectionChanged). */
export async function connectionChanged(deps: AgentDeps, nodeId: string, agentId: string, delta: 1 | -1): Promise<AgentPresence> {
  const write = () => repo.addConnection(deps.sql, nodeId, agentId, delta)
  await (delta < 0 ? untilStored(write) : write())
  return publishPresence(deps, agentId)
}

async function publishPresence(deps: AgentDeps, agentId: string): Promise<AgentPresence> {
  const presence = await repo.findPresence(deps.sql, agentId)
  if (!presence) throw notFound()
  deps.bus.emit('agent.presence', { presence })
  return presence
}

/**
 * Agents whose dashboards were on a process that died (stopped heartbeating without closing its
 * sockets): their connections there are forgotten, once, by whichever live process gets to them
 * first, and each agent's presence is announced again (offline, unless connected elsewhere).
 */
export async function agentsOfLapsedProcesses(deps: Pick<AgentDeps, 'sql' | 'bus'>): Promise<number> {
  const agentIds = await repo.takeLapsedConnections(deps.sql)
  for (const agentId of agentIds) {
    const presence = await repo.findPresence(deps.sql, agentId)
    if (presence) deps.bus.emit('agent.presence', { presence })
  }
  return agentIds.length
}

// What other modules and the jobs need of agents, processes and sessions ---------------------

/** An agent by id (in the caller's transaction when given one), or null. */
export async function findAgent(db: Db, id: string): Promise<AgentRow | null> {
  return isUuid(id) ? repo.findAgentById(db, id) : null
}

/** An agent's presence as the dashboards show it, or null for an unknown agent. */
export async function agentPresence(deps: { sql: Sql }, agentId: string): Promise<AgentPresence | null> {
  return repo.findPresence(deps.sql, agentId)
}

/** Whether any agent is online on a live process: the widget's online/offline face. */
export async function anyAgentOnline(deps: { sql: Sql }): Promise<boolean> {
  return repo.anyAgentOnline(deps.sql)
}

// A Parley process counts as alive while it heartbeats; only live processes' connections count
// towards presence, so a crashed process's agents go offline once its heartbeat is stale.
export const registerProcess = (deps: { sql: Sql }, nodeId: string) => repo.registerNode(deps.sql, nodeId)
/** True when this process had lapsed before this beat: the others may have taken it for dead and forgotten its connections. */
export const heartbeatProcess = (deps: { sql: Sql }, nodeId: string) => repo.heartbeatNode(deps.sql, nodeId)
export const removeProcess = (deps: { sql: Sql }, nodeId: string) => repo.removeNode(deps.sql, nodeId)
export const otherLiveProcesses = (deps: { sql: Sql }, nodeId: string) => repo.countOtherLiveNodes(deps.sql, nodeId)

/** Housekeeping: expired sessions and sign-in failures older than the throttling window go. */
export async function pruneSessionsAndFailures(deps: { sql: Sql }, windowSeconds: number): Promise<{ expiredSessions: number }> {
  const expiredSessions = await repo.deleteExpiredSessions(deps.sql)
  await repo.pruneFailures(deps.sql, windowSeconds)
  return { expiredSessions }
}

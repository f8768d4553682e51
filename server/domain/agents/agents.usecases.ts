import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { newId, newSecret, hashSecret } from '../../shared/ids.ts'
import * as v from '../shared/validate.ts'
import * as repo from './agents.repo.ts'
import type { AgentRow, AgentStatus, AgentView, Role } from './agents.repo.ts'

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

export const hasFullAccess = (actor: { role: Role }): boolean => actor.role === 'owner' || actor.role === 'full'

const forbidden = (what: string) => new AppError('agent.forbidden', 403, what)
const notFound = () => new AppError('agent.not_found', 404, 'agent not found')

async function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id' })
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
  const email = v.email(input.email)
  const name = v.text(input.name, 'name', 100)
  const passwordHash = await hashPassword(v.password(input.password))
  const language = v.language(input.language ?? 'en')
  const done = () => new AppError('setup.done', 409, 'Parley is already set up; sign in instead')
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
  const name = v.text(input.name, 'name', 100)
  const passwordHash = await hashPassword(v.password(input.password))
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
  language?: string
}

export async function updateAgent(deps: AgentDeps, actor: Actor, id: string, input: AgentPatch): Promise<AgentView> {
  const self = actor.id === id
  const isOwner = actor.role === 'owner'
  if (!self && !isOwner) throw forbidden('only the owner can change other agents')
  const target = await repo.findAgentById(deps.sql, id)
  if (!target) throw notFound()
  const patch: Parameters<typeof repo.updateAgent>[2] = {}
  if (input.name !== undefined) patch.name = v.text(input.name, 'name', 100)
  if (input.language !== undefined) patch.language = v.language(input.language)
  if (input.password !== undefined) patch.passwordHash = await hashPassword(v.password(input.password))
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
  try {
    await deps.sql.begin(async (tx) => {
      await repo.updateAgent(tx, id, patch)
      // A deactivated agent is signed out everywhere; changing a password ends other sessions too.
      if (patch.active === false || (patch.passwordHash && !self)) await repo.deleteSessionsOf(tx, id)
    })
  } catch (e) {
    if (isUniqueViolation(e, 'agents_email_key')) {
      throw new AppError('agent.email_taken', 409, 'an agent with this e-mail already exists', { field: 'email' })
    }
    throw e
  }
  if (patch.active === false) deps.bus.emit('agent.deactivated', { agentId: id })
  deps.bus.emit('agent.changed', { agentId: id })
  return toView(deps, id)
}

export async function listAgents(deps: AgentDeps): Promise<AgentView[]> {
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

export async function login(deps: AgentDeps, input: LoginInput): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase().slice(0, 254)
  const { auth } = deps
  const f = await repo.recentFailures(deps.sql, email, input.ip, auth.loginWindowSeconds)
  if (f.byEmail >= auth.loginMaxFailuresPerEmail || f.byIp >= auth.loginMaxFailuresPerIp) {
    const oldest = f.byEmail >= auth.loginMaxFailuresPerEmail ? f.oldestEmail : f.oldestIp
    const retryAfter = oldest
      ? Math.max(1, Math.ceil((oldest.getTime() + auth.loginWindowSeconds * 1000 - Date.now()) / 1000))
      : auth.loginWindowSeconds
    throw new AppError('auth.throttled', 429, 'too many failed sign-in attempts; try again later', { retryAfter })
  }
  const agent = await repo.findAgentByEmail(deps.sql, email)
  dummyHash ??= Bun.password.hash('parley-dummy-password', { algorithm: 'argon2id' })
  const ok = agent
    ? await Bun.password.verify(input.password, agent.passwordHash)
    : (await Bun.password.verify(input.password, await dummyHash), false)
  if (!agent || !ok || !agent.active) {
    await repo.recordFailure(deps.sql, email, input.ip)
    throw new AppError('auth.invalid', 401, 'wrong e-mail or password')
  }
  await repo.clearFailures(deps.sql, email)
  const token = newSecret()
  const csrfToken = newSecret()
  await repo.insertSession(deps.sql, {
    tokenHash: hashSecret(token),
    agentId: agent.id,
    csrfToken,
    ip: input.ip,
    userAgent: input.userAgent.slice(0, 500),
    days: auth.sessionDays,
  })
  return { token, csrfToken, agent: await toView(deps, agent.id) }
}

export async function logout(deps: AgentDeps, token: string): Promise<void> {
  await repo.deleteSession(deps.sql, hashSecret(token))
}

export interface Session {
  agent: AgentRow
  csrfToken: string
}

export async function authenticate(deps: AgentDeps, token: string | undefined): Promise<Session | null> {
  if (!token || token.length > 200) return null
  const s = await repo.findLiveSession(deps.sql, hashSecret(token))
  return s ? { agent: s.agent, csrfToken: s.csrfToken } : null
}

// Presence ----------------------------------------------------------------------------------

const STATUSES: readonly AgentStatus[] = ['online', 'away', 'offline']

export async function setStatus(deps: AgentDeps, agentId: string, status: string): Promise<repo.AgentPresence> {
  if (!STATUSES.includes(status as AgentStatus)) {
    throw new AppError('request.invalid_status', 400, 'status must be online, away or offline', { field: 'status' })
  }
  await repo.updateAgent(deps.sql, agentId, { status: status as AgentStatus })
  return publishPresence(deps, agentId)
}

export async function connectionChanged(deps: AgentDeps, nodeId: string, agentId: string, delta: 1 | -1): Promise<repo.AgentPresence> {
  await repo.addConnection(deps.sql, nodeId, agentId, delta)
  return publishPresence(deps, agentId)
}

async function publishPresence(deps: AgentDeps, agentId: string): Promise<repo.AgentPresence> {
  const presence = await repo.findPresence(deps.sql, agentId)
  if (!presence) throw notFound()
  deps.bus.emit('agent.presence', { presence })
  return presence
}

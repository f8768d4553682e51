// The owner's audit log: every change the owner makes to agents, roles and settings (widget,
// identity secret, API keys, channel settings) is recorded with who, what, when and from where.
import { AppError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import * as repo from './audit.repo.ts'
import type { Actor, AgentDeps } from './agents.usecases.ts'

import type { AuditEntry } from './agents.types.ts'

export interface OwnerAction {
  action: string
  target: string | null
  fields: string[]
  ip: string
}

export async function recordOwnerAction(deps: Pick<AgentDeps, 'sql'>, actor: Actor, a: OwnerAction): Promise<void> {
  if (actor.role !== 'owner') return
  await repo.insertAudit(deps.sql, {
    id: newId(),
    actorId: actor.id,
    actorName: actor.name,
    action: a.action.slice(0, 200),
    target: a.target?.slice(0, 200) ?? null,
    fields: a.fields.slice(0, 50).map((f) => f.slice(0, 100)),
    ip: a.ip.slice(0, 100),
  })
}

export async function listAudit(deps: Pick<AgentDeps, 'sql'>, actor: Actor, opts: { limit?: number; before?: string } = {}): Promise<AuditEntry[]> {
  if (actor.role !== 'owner') throw new AppError('agent.forbidden', 403, 'only the owner can read the audit log')
  return repo.listAudit(deps.sql, Math.min(Math.max(opts.limit ?? 100, 1), 500), opts.before)
}

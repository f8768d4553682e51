import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { newId, newSecret, hashSecret } from '../../shared/ids.ts'
import * as v from '../shared/validate.ts'
import { maskCardNumbers } from '../messages/card-mask.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as repo from './visitors.repo.ts'
import type { VisitorRow, VisitorView } from './visitors.repo.ts'

export interface VisitorDeps {
  sql: Sql
  bus: EventBus
}

/** A new widget visitor: the opaque token goes to the browser, only its hash is stored. */
export async function createWebVisitor(deps: { sql: Sql }): Promise<{ token: string; visitor: VisitorRow }> {
  const token = newSecret()
  const visitor = await repo.insertVisitor(deps.sql, { id: newId(), tokenHash: hashSecret(token) })
  return { token, visitor }
}

export async function authenticateVisitor(deps: { sql: Sql }, token: string | undefined | null): Promise<VisitorRow | null> {
  if (!token || token.length > 200) return null
  return repo.findVisitorByTokenHash(deps.sql, hashSecret(token))
}

const notFound = () => new AppError('visitor.not_found', 404, 'visitor not found')

export async function getVisitor(deps: { sql: Sql }, id: string): Promise<VisitorView> {
  const view = await repo.findVisitorView(deps.sql, id)
  if (!view) throw notFound()
  return view
}

/** Phone numbers are kept in E.164 after dropping spaces, dashes, dots and brackets. */
export function normalisePhone(value: string): string {
  const compact = value.trim().replace(/[\s\-.()\u00a0]/g, '').replace(/^00/, '+')
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) {
    throw new AppError('request.invalid_phone', 400, 'phone must be an international number such as +420 601 234 567', { field: 'phone' })
  }
  return compact
}

export interface VisitorEdit {
  name?: string | null
  email?: string | null
  phone?: string | null
  note?: string
}

/** An agent edits the visitor card; every open dashboard gets the change. */
export async function editVisitor(deps: VisitorDeps, actor: Actor, id: string, input: VisitorEdit): Promise<VisitorView> {
  const patch: repo.VisitorPatch = {}
  const blank = (s: string | null | undefined) => s === null || (s !== undefined && s.trim() === '')
  if (input.name !== undefined) patch.name = blank(input.name) ? null : maskCardNumbers(v.text(input.name!, 'name', 100))
  if (input.email !== undefined) {
    patch.email = blank(input.email) ? null : v.email(input.email!)
    patch.emailSource = 'agent'
  }
  if (input.phone !== undefined) patch.phone = blank(input.phone) ? null : normalisePhone(input.phone!)
  if (input.note !== undefined) {
    patch.note = maskCardNumbers(v.text(input.note, 'note', 5000, { allowEmpty: true }))
    patch.noteUpdatedBy = actor.id
  }
  if (!(await repo.updateVisitor(deps.sql, id, patch))) throw notFound()
  const visitor = await getVisitor(deps, id)
  deps.bus.emit('visitor.changed', { visitor })
  return visitor
}

/** The widget's contact form: the visitor leaves their e-mail (and maybe a name). */
export async function leaveContact(deps: VisitorDeps, id: string, input: { email: string; name?: string | null }): Promise<void> {
  const patch: repo.VisitorPatch = { email: v.email(input.email), emailSource: 'contact_form' }
  if (input.name && input.name.trim() !== '') patch.name = maskCardNumbers(v.text(input.name, 'name', 100))
  if (!(await repo.updateVisitor(deps.sql, id, patch))) throw notFound()
  deps.bus.emit('visitor.changed', { visitor: await getVisitor(deps, id) })
}

/** The widget connected or disconnected; dashboards see the visitor come and go. */
export async function visitorConnectionChanged(deps: VisitorDeps, nodeId: string, visitorId: string, delta: 1 | -1): Promise<boolean> {
  const online = await repo.addVisitorConnection(deps.sql, nodeId, visitorId, delta)
  deps.bus.emit('visitor.presence', { visitorId, online })
  return online
}

export async function isVisitorOnline(deps: { sql: Sql }, visitorId: string): Promise<boolean> {
  return repo.isVisitorOnline(deps.sql, visitorId)
}

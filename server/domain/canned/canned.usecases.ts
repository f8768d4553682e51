// Canned responses (#16): team ones, which only the owner creates, edits and deletes, and each
// agent's personal ones, which only that agent sees and manages. The composer offers both after
// `/`; a personal shortcut may share a team one's name (the personal one is listed first).
import type { Sql } from '../../db/client.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import * as repo from './canned.repo.ts'
import type { CannedScope, CannedView } from './canned.types.ts'

export type { CannedScope, CannedView } from './canned.types.ts'

export const SHORTCUT = /^[a-z0-9][a-z0-9_-]{0,31}$/
export const MAX_CANNED_BODY = 5000

const notFound = () => new AppError('canned.not_found', 404, 'canned response not found')
const forbidden = () => new AppError('canned.forbidden', 403, "only the owner can change the team's canned responses")

function checked(input: { shortcut: string; body: string }) {
  const shortcut = input.shortcut.trim().replace(/^\//, '').toLowerCase()
  if (!SHORTCUT.test(shortcut)) {
    throw new AppError('canned.invalid_shortcut', 400, 'the shortcut must be 1–32 letters a–z, digits, - or _', { field: 'shortcut' })
  }
  const body = maskCardNumbers(input.body.trim())
  if (body.length === 0) throw new AppError('canned.empty', 400, 'the text is empty', { field: 'body' })
  if (body.length > MAX_CANNED_BODY) throw new AppError('canned.too_long', 400, `the text is longer than ${MAX_CANNED_BODY} characters`, { field: 'body' })
  return { shortcut, body }
}

const view = ({ ownerId: _, ...v }: CannedView & { ownerId: string | null }): CannedView => v

export async function listCanned(deps: { sql: Sql }, actor: Actor): Promise<CannedView[]> {
  return (await repo.listFor(deps.sql, actor.id)).map(view)
}

async function stored<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('canned.duplicate', 409, 'a canned response with this shortcut exists already', { field: 'shortcut' })
    throw e
  }
}

export async function createCanned(deps: { sql: Sql }, actor: Actor, input: { scope: CannedScope; shortcut: string; body: string }): Promise<CannedView> {
  if (input.scope === 'team' && actor.role !== 'owner') throw forbidden()
  const c = checked(input)
  const id = newId()
  await stored(() => repo.insert(deps.sql, { id, ownerId: input.scope === 'team' ? null : actor.id, ...c }))
  return view((await repo.find(deps.sql, id))!)
}

/** The row, when this agent may change it: the team's for the owner, a personal one for its agent. */
async function mine(deps: { sql: Sql }, actor: Actor, id: string) {
  const row = isUuid(id) ? await repo.find(deps.sql, id) : null
  // someone else's personal response is not shown to anyone else: it does not exist for them
  if (!row || (row.ownerId !== null && row.ownerId !== actor.id)) throw notFound()
  if (row.ownerId === null && actor.role !== 'owner') throw forbidden()
  return row
}

export async function updateCanned(deps: { sql: Sql }, actor: Actor, id: string, input: { shortcut: string; body: string }): Promise<CannedView> {
  await mine(deps, actor, id)
  const c = checked(input)
  await stored(() => repo.update(deps.sql, id, c))
  return view((await repo.find(deps.sql, id))!)
}

export async function deleteCanned(deps: { sql: Sql }, actor: Actor, id: string): Promise<void> {
  await mine(deps, actor, id)
  await repo.remove(deps.sql, id)
}

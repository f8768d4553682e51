// Groups (teams): the owner names them and picks their members; the site routes a visitor to one
// (parley('group', key), or the visitor's own pre-chat choice when the owner turned it on), and
// the visitor's new conversations start in it. With no groups everything works as before.
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { findConversation } from '../conversations/conversations.usecases.ts'
import * as repo from './groups.repo.ts'
import { groupKey, groupName } from './groups.rules.ts'
import type { GroupView, PublicGroups } from './groups.types.ts'

export type { GroupView, PublicGroups } from './groups.types.ts'

export interface GroupDeps {
  sql: Sql
  bus: EventBus
}

export const MAX_GROUPS = 100
const MAX_MEMBERS = 1000

const ownerOnly = (actor: Actor) => {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can manage groups')
}
const notFound = () => new AppError('group.not_found', 404, 'group not found')

export function listGroups(deps: { sql: Sql }): Promise<GroupView[]> {
  return repo.listGroups(deps.sql)
}

/** The group, or null when there is none (an id that is not a UUID names none). */
export async function findGroup(deps: { sql: Db }, id: string): Promise<GroupView | null> {
  return isUuid(id) ? repo.findGroup(deps.sql, id) : null
}

async function members(deps: GroupDeps, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)]
  if (unique.length > MAX_MEMBERS || unique.some((id) => !isUuid(id)) || (await repo.countAgents(deps.sql, unique)) !== unique.length) {
    throw new AppError('group.invalid_members', 400, 'members must be agents of this team', { field: 'memberIds' })
  }
  return unique
}

async function noClash(deps: GroupDeps, id: string | null, g: { key?: string; name?: string }): Promise<void> {
  const which = await repo.clash(deps.sql, id, g)
  if (which === 'key') throw new AppError('group.key_taken', 409, 'another group already has this key', { field: 'key' })
  if (which === 'name') throw new AppError('group.name_taken', 409, 'another group already has this name', { field: 'name' })
}

export async function createGroup(deps: GroupDeps, actor: Actor, input: { key: string; name: string; memberIds?: string[] }): Promise<GroupView> {
  ownerOnly(actor)
  const key = groupKey(input.key)
  const name = groupName(input.name)
  const memberIds = await members(deps, input.memberIds ?? [])
  if ((await repo.countGroups(deps.sql)) >= MAX_GROUPS) throw new AppError('group.too_many', 409, `at most ${MAX_GROUPS} groups`)
  await noClash(deps, null, { key, name })
  const id = newId()
  await deps.sql.begin(async (tx) => {
    await repo.insertGroup(tx, { id, key, name })
    await repo.setMembers(tx, id, memberIds)
  }).catch(uniqueAsClash)
  return (await repo.findGroup(deps.sql, id))!
}

export async function updateGroup(
  deps: GroupDeps,
  actor: Actor,
  id: string,
  input: { key?: string; name?: string; memberIds?: string[] },
): Promise<GroupView> {
  ownerOnly(actor)
  if (!isUuid(id)) throw notFound()
  const change = {
    ...(input.key !== undefined ? { key: groupKey(input.key) } : {}),
    ...(input.name !== undefined ? { name: groupName(input.name) } : {}),
  }
  const memberIds = input.memberIds === undefined ? null : await members(deps, input.memberIds)
  await noClash(deps, id, change)
  const found = await deps.sql.begin(async (tx) => {
    if (!(await repo.updateGroup(tx, id, change))) return false
    if (memberIds) await repo.setMembers(tx, id, memberIds)
    return true
  }).catch(uniqueAsClash)
  if (!found) throw notFound()
  return (await repo.findGroup(deps.sql, id))!
}

/** Its open conversations stay where they are, without a group; their dashboards are told. */
export async function deleteGroup(deps: GroupDeps, actor: Actor, id: string): Promise<void> {
  ownerOnly(actor)
  if (!isUuid(id)) throw notFound()
  const had = await repo.deleteGroup(deps.sql, id)
  if (!had) throw notFound()
  // bounded: a dashboard that misses some sees them without the group on its next load
  for (const conversationId of had.slice(0, 500)) {
    const conversation = await findConversation(deps, conversationId)
    if (conversation) deps.bus.emit('conversation.changed', { conversation, change: 'updated' })
  }
}

/** Two owners saving at once: the unique index decides, and the loser hears why. */
function uniqueAsClash(e: unknown): never {
  const err = e as { code?: string; constraint_name?: string }
  if (err.code === '23505') {
    const key = err.constraint_name === 'groups_key'
    throw new AppError(key ? 'group.key_taken' : 'group.name_taken', 409, `another group already has this ${key ? 'key' : 'name'}`, { field: key ? 'key' : 'name' })
  }
  throw e
}

/** The visitor's new conversations start in the group with this key (null: in none). */
export async function routeVisitor(deps: { sql: Sql }, visitorId: string, key: string | null): Promise<void> {
  if (key === null) return repo.setVisitorGroup(deps.sql, visitorId, null)
  const group = GROUP_KEY_OK(key) ? await repo.findGroupByKey(deps.sql, key) : null
  if (!group) throw new AppError('group.not_found', 404, `no group has the key "${key.slice(0, 40)}"`, { field: 'key' })
  await repo.setVisitorGroup(deps.sql, visitorId, group.id)
}

const GROUP_KEY_OK = (key: string) => {
  try {
    groupKey(key)
    return true
  } catch {
    return false
  }
}

/** What the widget is told: whether to ask, and the groups to choose from (keys and names only). */
export async function publicGroups(deps: { sql: Sql }): Promise<PublicGroups> {
  const [prechat, groups] = await Promise.all([repo.readPrechat(deps.sql), repo.listGroups(deps.sql)])
  return { prechat: prechat && groups.length > 0, groups: groups.map((g) => ({ key: g.key, name: g.name })) }
}

export async function groupSettings(deps: { sql: Sql }, actor: Actor): Promise<{ prechat: boolean }> {
  ownerOnly(actor)
  return { prechat: await repo.readPrechat(deps.sql) }
}

export async function setGroupSettings(deps: { sql: Sql }, actor: Actor, input: { prechat: boolean }): Promise<{ prechat: boolean }> {
  ownerOnly(actor)
  await repo.writePrechat(deps.sql, input.prechat)
  return { prechat: input.prechat }
}

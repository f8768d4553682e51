import type { Db } from '../../db/client.ts'
import type { GroupView } from './groups.types.ts'

const select = (db: Db) => db`
  select g.id, g.key, g.name,
    coalesce((select array_agg(m.agent_id order by m.agent_id) from group_members m where m.group_id = g.id), '{}') as member_ids
  from groups g`

export async function listGroups(db: Db): Promise<GroupView[]> {
  return db<GroupView[]>`${select(db)} order by lower(g.name), g.id`
}

export async function findGroup(db: Db, id: string): Promise<GroupView | null> {
  const [row] = await db<GroupView[]>`${select(db)} where g.id = ${id}`
  return row ?? null
}

export async function findGroupByKey(db: Db, key: string): Promise<{ id: string } | null> {
  const [row] = await db<{ id: string }[]>`select id from groups where key = ${key}`
  return row ?? null
}

export async function countGroups(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from groups`
  return row!.n
}

/** Which of a change's key and name another group already has. */
export async function clash(db: Db, id: string | null, g: { key?: string; name?: string }): Promise<'key' | 'name' | null> {
  const [row] = await db<{ key: string; name: string }[]>`
    select key, name from groups
    where (key = ${g.key ?? null} or lower(name) = lower(${g.name ?? null})) and id is distinct from ${id}
    limit 1`
  if (!row) return null
  return g.key !== undefined && row.key === g.key ? 'key' : 'name'
}

export async function insertGroup(db: Db, g: { id: string; key: string; name: string }): Promise<void> {
  await db`insert into groups (id, key, name) values (${g.id}, ${g.key}, ${g.name})`
}

export async function updateGroup(db: Db, id: string, g: { key?: string; name?: string }): Promise<boolean> {
  const rows = await db`
    update groups set key = coalesce(${g.key ?? null}, key), name = coalesce(${g.name ?? null}, name)
    where id = ${id} returning id`
  return rows.length > 0
}

export async function setMembers(db: Db, id: string, agentIds: string[]): Promise<void> {
  await db`delete from group_members where group_id = ${id} and not (agent_id = any(${agentIds}::uuid[]))`
  if (agentIds.length > 0) {
    await db`
      insert into group_members (group_id, agent_id) select ${id}, a from unnest(${agentIds}::uuid[]) a
      on conflict do nothing`
  }
}

/** How many of the ids are agents that exist. */
export async function countAgents(db: Db, ids: string[]): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from agents where id = any(${ids}::uuid[])`
  return row!.n
}

/** Deletes the group; its conversations keep waiting without one (on delete set null). */
export async function deleteGroup(db: Db, id: string): Promise<string[] | null> {
  const had = await db<{ id: string }[]>`select id from conversations where group_id = ${id} and status = 'open'`
  const rows = await db`delete from groups where id = ${id} returning id`
  return rows.length > 0 ? had.map((r) => r.id) : null
}

export async function setVisitorGroup(db: Db, visitorId: string, groupId: string | null): Promise<void> {
  if (groupId === null) {
    await db`delete from visitor_groups where visitor_id = ${visitorId}`
    return
  }
  await db`
    insert into visitor_groups (visitor_id, group_id) values (${visitorId}, ${groupId})
    on conflict (visitor_id) do update set group_id = excluded.group_id, updated_at = now()`
}

export async function readPrechat(db: Db): Promise<boolean> {
  const [row] = await db<{ prechat: boolean }[]>`select prechat from group_settings`
  return row?.prechat ?? false
}

export async function writePrechat(db: Db, prechat: boolean): Promise<void> {
  await db`update group_settings set prechat = ${prechat}, updated_at = now()`
}

export async function isMember(db: Db, agentId: string, groupId: string): Promise<boolean> {
  const [row] = await db`select 1 from group_members where agent_id = ${agentId} and group_id = ${groupId}`
  return !!row
}

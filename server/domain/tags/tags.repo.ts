import type { Db } from '../../db/client.ts'
import type { TagView } from './tags.types.ts'

export async function listTags(db: Db): Promise<TagView[]> {
  return db<TagView[]>`select id, name, color from tags order by lower(name), id`
}

export async function findTag(db: Db, id: string): Promise<TagView | null> {
  const [row] = await db<TagView[]>`select id, name, color from tags where id = ${id}`
  return row ?? null
}

export async function countTags(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from tags`
  return row!.n
}

/** null when another tag already has the name (in any case). */
export async function insertTag(db: Db, t: TagView): Promise<TagView | null> {
  const [row] = await db<TagView[]>`
    insert into tags (id, name, color) values (${t.id}, ${t.name}, ${t.color})
    on conflict do nothing returning id, name, color`
  return row ?? null
}

/** 'taken' when another tag has the name; null when there is no such tag. */
export async function updateTag(db: Db, id: string, t: { name?: string; color?: string }): Promise<TagView | 'taken' | null> {
  if (t.name !== undefined) {
    const [clash] = await db`select 1 from tags where lower(name) = lower(${t.name}) and id <> ${id}`
    if (clash) return 'taken'
  }
  const [row] = await db<TagView[]>`
    update tags set name = coalesce(${t.name ?? null}, name), color = coalesce(${t.color ?? null}, color)
    where id = ${id} returning id, name, color`
  return row ?? null
}

/** Deletes the tag (its conversations lose it by cascade); answers the conversations that had it. */
export async function deleteTag(db: Db, id: string): Promise<string[] | null> {
  const had = await db<{ conversationId: string }[]>`select conversation_id from conversation_tags where tag_id = ${id}`
  const [row] = await db`delete from tags where id = ${id} returning id`
  return row ? had.map((r) => r.conversationId) : null
}

/** false when the conversation already had it. */
export async function addConversationTag(db: Db, conversationId: string, tagId: string, by: string): Promise<boolean> {
  const rows = await db`
    insert into conversation_tags (conversation_id, tag_id, added_by) values (${conversationId}, ${tagId}, ${by})
    on conflict do nothing returning tag_id`
  return rows.length > 0
}

export async function removeConversationTag(db: Db, conversationId: string, tagId: string): Promise<boolean> {
  const rows = await db`delete from conversation_tags where conversation_id = ${conversationId} and tag_id = ${tagId} returning tag_id`
  return rows.length > 0
}

export async function conversationsWith(db: Db, tagId: string): Promise<string[]> {
  const rows = await db<{ conversationId: string }[]>`select conversation_id from conversation_tags where tag_id = ${tagId}`
  return rows.map((r) => r.conversationId)
}

// Tags: the owner keeps the list (name, colour from a fixed palette); any agent puts them on
// conversations and takes them off. A conversation's tags travel in its view, so every dashboard
// (on every process) learns of a change through the ordinary conversation.changed event.
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { findConversation, getConversation } from '../conversations/conversations.usecases.ts'
import type { ConversationView } from '../conversations/conversations.types.ts'
import * as repo from './tags.repo.ts'
import { tagColor, tagName } from './tags.rules.ts'
import type { TagView } from './tags.types.ts'

export type { TagView, TagColor } from './tags.types.ts'
export { TAG_COLORS } from './tags.types.ts'

export interface TagDeps {
  sql: Sql
  bus: EventBus
}

export const MAX_TAGS = 200

const ownerOnly = (actor: Actor) => {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can manage tags')
}
const notFound = () => new AppError('tag.not_found', 404, 'tag not found')
const taken = () => new AppError('tag.name_taken', 409, 'another tag already has this name', { field: 'name' })

export function listTags(deps: { sql: Sql }): Promise<TagView[]> {
  return repo.listTags(deps.sql)
}

export async function createTag(deps: TagDeps, actor: Actor, input: { name: string; color: string }): Promise<TagView> {
  ownerOnly(actor)
  const name = tagName(input.name)
  const color = tagColor(input.color)
  if ((await repo.countTags(deps.sql)) >= MAX_TAGS) throw new AppError('tag.too_many', 409, `at most ${MAX_TAGS} tags`)
  const tag = await repo.insertTag(deps.sql, { id: newId(), name, color })
  if (!tag) throw taken()
  return tag
}

export async function updateTag(deps: TagDeps, actor: Actor, id: string, input: { name?: string; color?: string }): Promise<TagView> {
  ownerOnly(actor)
  const change = {
    ...(input.name !== undefined ? { name: tagName(input.name) } : {}),
    ...(input.color !== undefined ? { color: tagColor(input.color) } : {}),
  }
  if (!isUuid(id)) throw notFound()
  const tag = await repo.updateTag(deps.sql, id, change)
  if (tag === 'taken') throw taken()
  if (!tag) throw notFound()
  await tellConversations(deps, await repo.conversationsWith(deps.sql, id))
  return tag
}

/** Deleting a tag takes it off every conversation; their dashboards are told. */
export async function deleteTag(deps: TagDeps, actor: Actor, id: string): Promise<void> {
  ownerOnly(actor)
  if (!isUuid(id)) throw notFound()
  const had = await repo.deleteTag(deps.sql, id)
  if (!had) throw notFound()
  await tellConversations(deps, had)
}

/** Tagging is idempotent: a tag the conversation already has changes nothing and tells nobody. */
export async function tagConversation(deps: TagDeps, actor: Actor, conversationId: string, tagId: string): Promise<ConversationView> {
  await getConversation(deps, conversationId)
  if (!isUuid(tagId) || !(await repo.findTag(deps.sql, tagId))) throw notFound()
  // A tag deleted between the check and the insert fails the foreign key: still "not found".
  const added = await repo.addConversationTag(deps.sql, conversationId, tagId, actor.id).catch((e) => {
    if ((e as { code?: string }).code === '23503') throw notFound()
    throw e
  })
  return changed(deps, conversationId, added)
}

export async function untagConversation(deps: TagDeps, actor: Actor, conversationId: string, tagId: string): Promise<ConversationView> {
  void actor
  await getConversation(deps, conversationId)
  if (!isUuid(tagId)) throw notFound()
  const removed = await repo.removeConversationTag(deps.sql, conversationId, tagId)
  return changed(deps, conversationId, removed)
}

async function changed(deps: TagDeps, conversationId: string, did: boolean): Promise<ConversationView> {
  const conversation = await getConversation(deps, conversationId)
  if (did) deps.bus.emit('conversation.changed', { conversation, change: 'updated' })
  return conversation
}

// Renaming or deleting a much-used tag re-sends each of its conversations once; bounded so one
// click cannot flood every socket (a dashboard that missed some sees the new name on its next load).
const TELL_AT_MOST = 500

async function tellConversations(deps: TagDeps, ids: string[]): Promise<void> {
  for (const id of ids.slice(0, TELL_AT_MOST)) {
    const conversation = await findConversation(deps, id)
    if (conversation) deps.bus.emit('conversation.changed', { conversation, change: 'updated' })
  }
}

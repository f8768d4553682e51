// Search (#16): conversations by filters and full text, exports of the results, a conversation's
// transcript, and each agent's saved searches. Every agent may search every conversation: the
// lists (GET /api/conversations) show all of them to every role, and search shows no more.
import type { Db, Sql } from '../../db/client.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { getConversation } from '../conversations/conversations.usecases.ts'
import type { EventBus } from '../../events/bus.ts'
import { listMessages } from '../messages/messages.usecases.ts'
import type { MessageView } from '../messages/messages.types.ts'
import { listConversationEvents, type ConversationEventView } from '../conversation-events/conversation-events.usecases.ts'
import type { ConversationView } from '../conversations/conversations.types.ts'
import * as repo from './search.repo.ts'
import { encodeCursor, parseSavedQuery, parseSearch } from './search.rules.ts'
import type { SavedSearch, SearchItem, SearchPage, SearchQuery } from './search.types.ts'
import { maskCardNumbers, maskCardNumbersInUrl } from '../privacy/privacy.rules.ts'

export type { SavedSearch, SearchItem, SearchPage, SearchQuery } from './search.types.ts'
export { csvRow, exportFilename, ratingText } from './search.rules.ts'
export { transcriptWords, type TranscriptWords } from './transcript.text.ts'

export interface SearchDeps {
  sql: Sql
}

/** The most rows an export carries; the answer says so in a header when it stopped there. */
export const EXPORT_CAP = 50_000
const EXPORT_PAGE = 500

/** Unknown agents, groups and tags are errors, not empty results: a typo should not look like "no matches". */
async function checkKnown(db: Db, s: SearchQuery): Promise<void> {
  if (s.agent === null && s.group === null && s.tags.length === 0) return
  const found = await repo.known(db, s)
  if (!found.agent) throw new AppError('search.unknown_agent', 400, 'no such agent', { field: 'agent' })
  if (!found.group) throw new AppError('search.unknown_group', 400, 'no such group', { field: 'group' })
  const missing = s.tags.find((t) => !found.tags.includes(t))
  if (missing) throw new AppError('search.unknown_tag', 400, `no such tag ${missing}`, { field: 'tags' })
}

/** Reads and checks a search from URL parameters. */
export async function parse(deps: SearchDeps, params: Record<string, string | undefined>): Promise<SearchQuery> {
  const s = parseSearch(params)
  await checkKnown(deps.sql, s)
  return s
}

async function page(deps: SearchDeps, s: SearchQuery, limit: number, cursor: SearchQuery['cursor'], hits: repo.Hits): Promise<SearchPage> {
  const rows = await repo.searchPage(deps.sql, s, limit, cursor, hits)
  const more = rows.length > limit
  const shown = more ? rows.slice(0, limit) : rows
  const found = s.q !== null ? await repo.matches(deps.sql, shown.map((r) => r.id), s.q) : new Map()
  const items: SearchItem[] = shown.map((r) => ({ ...repo.toView(r), match: found.get(r.id) ?? null }))
  const last = shown[shown.length - 1]
  return { items, nextCursor: more && last ? encodeCursor([last.sortKey, last.id]) : null }
}

export async function search(deps: SearchDeps, _actor: Actor, params: Record<string, string | undefined>): Promise<SearchPage> {
  const s = await parse(deps, params)
  return page(deps, s, s.limit, s.cursor, await repo.hits(deps.sql, s, s.limit))
}

/**
 * Every result of a search (from its cursor, if given), page by page along the keyset, up to
 * EXPORT_CAP rows. `capped` is known once the generator is done.
 */
export async function* exportResults(deps: SearchDeps, s: SearchQuery, state: { capped: boolean } = { capped: false }): AsyncGenerator<SearchItem> {
  let cursor = s.cursor
  let sent = 0
  const hits = await repo.hits(deps.sql, s, EXPORT_PAGE)
  for (let pages = 0; pages <= EXPORT_CAP / EXPORT_PAGE; pages++) {
    const p = await page(deps, s, Math.min(EXPORT_PAGE, EXPORT_CAP - sent), cursor, hits)
    for (const item of p.items) yield item
    sent += p.items.length
    if (!p.nextCursor) return
    if (sent >= EXPORT_CAP) {
      state.capped = true
      return
    }
    cursor = parseSearch({ cursor: p.nextCursor }).cursor
  }
}

// Transcript ----------------------------------------------------------------------------------

export const TRANSCRIPT_MAX_MESSAGES = 10_000

export interface Transcript {
  conversation: ConversationView
  /** Oldest first; private notes are another table and never here. */
  messages: MessageView[]
  events: ConversationEventView[]
  /** More messages than a transcript shows. */
  truncated: boolean
}

export async function transcript(deps: SearchDeps & { bus: EventBus }, id: string): Promise<Transcript> {
  const conversation = await getConversation(deps, id)
  const messages: MessageView[] = []
  let after = 0
  while (messages.length < TRANSCRIPT_MAX_MESSAGES) {
    const batch = await listMessages(deps, id, { afterSeq: after, limit: 500 })
    messages.push(...batch)
    if (batch.length < 500) break
    after = batch[batch.length - 1]!.seq
  }
  const events = await listConversationEvents(deps, id)
  return { conversation, messages: messages.slice(0, TRANSCRIPT_MAX_MESSAGES), events, truncated: messages.length >= TRANSCRIPT_MAX_MESSAGES }
}

// Saved searches ------------------------------------------------------------------------------

export const MAX_SAVED_PER_AGENT = 200

export function listSavedSearches(deps: SearchDeps, actor: Actor): Promise<SavedSearch[]> {
  return repo.listSaved(deps.sql, actor.id)
}

export async function saveSearch(deps: SearchDeps, actor: Actor, input: { name: string; query: string }): Promise<SavedSearch> {
  const name = maskCardNumbers(input.name.replace(/\s+/g, ' ').trim())
  if (name.length < 1 || name.length > 80) {
    throw new AppError('saved_search.invalid_name', 400, 'a name takes 1 to 80 characters', { field: 'name' })
  }
  const { query, search: s } = parseSavedQuery(maskCardNumbersInUrl(input.query))
  await checkKnown(deps.sql, s)
  if ((await repo.listSaved(deps.sql, actor.id)).length >= MAX_SAVED_PER_AGENT) {
    throw new AppError('saved_search.too_many', 409, `at most ${MAX_SAVED_PER_AGENT} saved searches`)
  }
  try {
    return await repo.insertSaved(deps.sql, { id: newId(), agentId: actor.id, name, query })
  } catch (e) {
    if (isUniqueViolation(e, 'saved_searches_name')) {
      throw new AppError('saved_search.exists', 409, 'you already have a saved search with this name', { field: 'name' })
    }
    throw e
  }
}

export async function deleteSavedSearch(deps: SearchDeps, actor: Actor, id: string): Promise<void> {
  // another agent's search is "not found": its existence is not told
  if (!isUuid(id) || !(await repo.deleteSaved(deps.sql, actor.id, id))) {
    throw new AppError('saved_search.not_found', 404, 'saved search not found')
  }
}

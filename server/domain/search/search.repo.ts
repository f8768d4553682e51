// The search's SQL. Every filter is a tagged-template fragment with its values as parameters;
// the fragments are joined with AND. Nothing here builds SQL text.
import type { Db, Sql } from '../../db/client.ts'
import { toView, viewSelect, type ViewRow } from '../conversations/conversations.sql.ts'
import type { SearchCursor, SearchFilters, SearchMatch, SearchQuery, SavedSearch } from './search.types.ts'
import { containsPattern, facetLists } from './search.rules.ts'

type Fragment = ReturnType<Db>

/**
 * The text query: the words read in every language's configuration, ORed, so a message matches
 * in its own language whatever the searcher's (each message's vector is in its own `lang`). A
 * scalar subquery, so it is computed once per statement and the GIN index takes it as a constant.
 */
const textQuery = (db: Db, q: string) => db`(select ${tsquery(db, q)})`
const tsquery = (db: Db, q: string) => db`
  websearch_to_tsquery('english'::regconfig, ${q}) || websearch_to_tsquery('german'::regconfig, ${q})
  || websearch_to_tsquery('spanish'::regconfig, ${q}) || websearch_to_tsquery('hungarian'::regconfig, ${q})
  || websearch_to_tsquery('simple'::regconfig, ${q})`

const and = (db: Db, parts: Fragment[]): Fragment =>
  parts.length === 0 ? db`true` : parts.reduce((all, p) => db`${all} and ${p}`)

/** The column a status sorts by, and the one its date range applies to. */
function columns(db: Db, s: SearchQuery) {
  return s.status === 'resolved'
    ? { sort: db`c.resolved_at`, day: db`c.resolved_at` }
    : { sort: db`c.last_message_at`, day: db`c.created_at` }
}

function filters(db: Db, s: SearchQuery, status: 'open' | 'resolved' | null, hits: Hits): Fragment[] {
  const where: Fragment[] = []
  const { day } = columns(db, s)
  const text = hits.text
  if (status !== null) where.push(db`c.status = ${status}`)
  // the few resolved conversations that have every asked facet (the other filters still apply)
  if (status === 'resolved' && hits.facets) where.push(db`c.id in (select unnest(${hits.facets}::uuid[]))`)
  if (s.q !== null) {
    const like = containsPattern(s.q.toLowerCase())
    const byText = text?.conversations
      ? db`c.id in (select unnest(${text.conversations}::uuid[]))`
      : // a common word: checked conversation by conversation along the sort order, which finds a
        // page's worth quickly. The conversation's messages are read by its index in a subquery
        // of their own (OFFSET 0: nothing is pushed into it), and only then matched: with the
        // match beside the conversation's id, PostgreSQL ANDed the two indexes and so read the
        // word's whole list in the text index for every conversation it checked (120 s for a
        // page of "Bestellungen" at 10,000,000 messages; 22 ms this way).
        db`exists (select 1 from (select m.tsv from messages m where m.conversation_id = c.id offset 0) cm where cm.tsv @@ ${textQuery(db, s.q)})`
    const byVisitor = text?.visitors
      ? // few visitors (or none): their ids, known already
        db`c.visitor_id = any(${text.visitors}::uuid[])`
      : // many (a common name, a mail domain): checked conversation by conversation along the sort
        // order, each visitor by its key in a subquery of its own (OFFSET 0, or PostgreSQL makes
        // it a hashed set of every matching visitor first: 50,000 rows and 66 ms for "jan" at
        // 1,000,000 visitors, where a page needed 300 conversations checked)
        db`exists (select 1 from (select vs.name, vs.email from visitors vs where vs.id = c.visitor_id offset 0) cvs
          where lower(cvs.name) like ${like} or lower(cvs.email) like ${like})`
    where.push(
      text?.conversations && text.visitors
        ? // few of both: one small set of conversations to start from
          db`c.id in (select unnest(${text.conversations}::uuid[])
            union all select cv.id from conversations cv where cv.visitor_id in (select unnest(${text.visitors}::uuid[])))`
        : db`(${byText} or ${byVisitor})`,
    )
  }
  where.push(...facetFilters(db, s))
  if (s.url !== null) where.push(db`c.start_url ilike ${containsPattern(s.url)}`)
  if (s.ip !== null) where.push(db`c.ip <<= ${s.ip}::inet`)
  if (s.from !== null) where.push(db`${day} >= ${s.from}`)
  if (s.to !== null) where.push(db`${day} < ${s.to}`)
  return where
}

/** The filters a conversation's facets answer (facetLists), as checks of the row's own columns. */
function facetFilters(db: Db, s: SearchFilters): Fragment[] {
  const where: Fragment[] = []
  if (s.rating) {
    where.push(db`((c.rating_scale = 'thumbs' and c.rating_score = any(${s.rating.thumbs}::smallint[]))
      or (c.rating_scale = 'stars' and c.rating_score = any(${s.rating.stars}::smallint[])))`)
  }
  if (s.agent === 'none') where.push(db`c.assignee_id is null`)
  else if (s.agent !== null) where.push(db`c.assignee_id = ${s.agent}::uuid`)
  if (s.group !== null) where.push(db`c.group_id = ${s.group}::uuid`)
  if (s.tags.length > 0) where.push(s.tagMode === 'any' ? db`c.tag_ids && ${s.tags}::uuid[]` : db`c.tag_ids @> ${s.tags}::uuid[]`)
  if (s.channel !== null) where.push(db`c.channel = ${s.channel}`)
  return where
}

export type SearchRow = ViewRow

/**
 * The rows past a keyset cursor. The key travels as text: a timestamptz parameter would pass
 * through a JavaScript Date and lose its microseconds (and then skip every row that shares the instant).
 */
const after = (db: Db, sort: ReturnType<typeof columns>['sort'], cursor: SearchCursor): Fragment => db`(${sort}, c.id) < (${cursor[0]}::text::timestamptz, ${cursor[1]}::uuid)`

/** One status's page, newest first (a fragment: `all` puts two together). */
function branch(db: Db, s: SearchQuery, status: 'open' | 'resolved' | null, limit: number, cursor: SearchCursor | null, hits: Hits): Fragment {
  const { sort } = columns(db, s)
  const where = filters(db, s, status, hits)
  if (cursor) where.push(after(db, sort, cursor))
  return db`
    ${viewSelect(db, 'conversations', sort)}
    where ${and(db, where)}
    order by ${sort} desc, c.id desc
    limit ${limit + 1}`
}

/**
 * One keyset page (limit + 1 rows, so the caller knows whether there is more). `all` is the open
 * page and the resolved page merged: each is read from its own partial indexes (the conversations
 * indexes that serve the search are partial on status, so open conversations, which every message
 * updates, do not pay for them).
 */
export async function searchPage(db: Db, s: SearchQuery, limit: number, cursor: SearchCursor | null, hits: Hits = NO_HITS): Promise<SearchRow[]> {
  if (s.status !== 'all') return db<SearchRow[]>`${branch(db, s, s.status, limit, cursor, hits)}`
  return db<SearchRow[]>`
    select * from ((${branch(db, s, 'open', limit, cursor, hits)}) union all (${branch(db, s, 'resolved', limit, cursor, hits)})) x
    order by x.last_message_at desc, x.id desc
    limit ${limit + 1}`
}

/**
 * What the indexes say of a search's words: the conversations with a matching message when few
 * messages match (fewer than TEXT_PROBE), else null (a common word); and the visitors whose name
 * or e-mail contains them when they are few, else null. A rare word is looked up by those ids; a
 * common one is checked conversation by conversation in the page's order.
 */
export interface TextHits {
  conversations: string[] | null
  visitors: string[] | null
}

export const TEXT_PROBE = 2_000
/**
 * The share of all messages above which PostgreSQL's estimate means "a common word". A word its
 * statistics do not list gets a fixed guess, 0.5 % per configuration, about 2.5 % for the five
 * ORed here (247,525 of 10,000,000 messages for "zeppelin", which 49 match); the statistics put
 * "order" at 53 % and "delivery" at 19 %.
 */
export const COMMON_SHARE = 0.1

/**
 * PostgreSQL's estimate of how many messages the words match, from the column's statistics (the
 * words' frequencies; no row is read), and of how many messages there are. Asking the index
 * instead reads the whole list of a common word's messages before the first row comes back:
 * 0.7 s at 10,000,000 messages, growing with them. The query is inline, not a subquery, so the
 * planner sees the words.
 */
export async function estimatedMatches(db: Db, q: string): Promise<{ matches: number; messages: number }> {
  const [[row], [all]] = await Promise.all([
    db<Record<string, [{ Plan: { 'Plan Rows': number } }]>[]>`
      explain (format json) select 1 from messages m where m.tsv @@ (${tsquery(db, q)})`,
    db<{ n: number }[]>`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'messages'::regclass`,
  ])
  return { matches: Object.values(row!)[0]![0].Plan['Plan Rows'], messages: all!.n }
}

export async function textHits(db: Db, q: string): Promise<TextHits> {
  const [conversations, visitors] = await Promise.all([fewConversations(db, q), fewVisitors(db, containsPattern(q.toLowerCase()))])
  return { conversations, visitors }
}

async function fewConversations(db: Db, q: string): Promise<string[] | null> {
  // a word the statistics call common is not looked up at all: the page's own order finds it
  const estimate = await estimatedMatches(db, q)
  if (estimate.matches >= TEXT_PROBE && estimate.matches >= estimate.messages * COMMON_SHARE) return null
  const rows = await db<{ conversationId: string }[]>`
    select m.conversation_id from messages m where m.tsv @@ ${textQuery(db, q)} limit ${TEXT_PROBE}`
  return rows.length >= TEXT_PROBE ? null : [...new Set(rows.map((r) => r.conversationId))]
}

/**
 * Up to this many visitors whose name or e-mail matches are looked up by their ids; past it each
 * conversation's visitor is checked along the page's order. Where the two cost the same: checking
 * a conversation costs about 3 µs, so a page of 30 at a share d of matching visitors costs
 * 30 / d × 3 µs, against about 1.3 µs per matching visitor to collect them (66 ms for 50,000 at
 * 1,000,000 visitors) — equal near d = 0.8 %.
 */
export const VISITOR_PROBE = 5_000

async function fewVisitors(db: Db, like: string): Promise<string[] | null> {
  const rows = await db<{ id: string }[]>`
    select vs.id from visitors vs where lower(vs.name) like ${like} or lower(vs.email) like ${like} limit ${VISITOR_PROBE}`
  return rows.length >= VISITOR_PROBE ? null : rows.map((r) => r.id)
}

// Facets ----------------------------------------------------------------------------------------

/** The row's facets, exactly as the index conversations_resolved_facets (migration 00020) is built. */
const facetsOf = (db: Db) => db`search_facets(c.assignee_id, c.group_id, c.channel, c.rating_scale, c.rating_score, c.tag_ids)`

/** A conversation has at least one facet of every list (facetLists). */
function facetMatch(db: Db, lists: string[][]): Fragment {
  const single = lists.filter((l) => l.length === 1).map((l) => l[0]!)
  const parts: Fragment[] = lists.filter((l) => l.length > 1).map((l) => db`${facetsOf(db)} && ${l}::text[]`)
  if (single.length > 0) parts.unshift(db`${facetsOf(db)} @> ${single}::text[]`)
  return and(db, parts)
}

/** Up to this many resolved conversations with every asked facet are looked up by their ids. */
export const FACET_PROBE = 1_000
/** How many of the newest resolved conversations are checked before the facets index is asked. */
export const FACET_WINDOW = 4_000

/**
 * The resolved conversations that have every facet a search asks for, when there are few (fewer
 * than FACET_PROBE), else null: the page's own order finds them. Null too for fewer than two
 * facet filters (each has its own index in the page's order).
 *
 * PostgreSQL estimates a combination by multiplying the filters' shares as if they were
 * independent. When they are not (an agent who never had a bad thumb: 10 % × 9 % estimated, none
 * there) it walks the agent's conversations newest first to the end, 98,000 of them and 0.3 s at
 * 1,000,000 conversations. Asking the facets index first costs about 1 µs per conversation that
 * matches (20 ms for 18,000), too much for a common combination, whose page the walk finds at
 * once. So the newest FACET_WINDOW resolved conversations (from the cursor on) are counted
 * first, a few milliseconds: a page's worth there means the walk is quick; fewer, and the
 * matches are sparse, which is when the index answers quickly.
 */
export async function facetHits(sql: Sql, s: SearchQuery, limit: number): Promise<string[] | null> {
  const lists = facetLists(s)
  if (lists.length < 2 || s.status === 'open') return null
  const { sort } = columns(sql, s)
  const from = s.cursor ? sql`and ${after(sql, sort, s.cursor)}` : sql``
  const [window] = await sql<{ seen: number; found: number }[]>`
    select count(*)::int as seen, count(*) filter (where ${and(sql, facetFilters(sql, s))})::int as found
    from (select c.* from conversations c where c.status = 'resolved' ${from} order by ${sort} desc, c.id desc limit ${FACET_WINDOW}) c`
  if (window!.found > limit || window!.seen < FACET_WINDOW) return null
  // the facets index, and only it: PostgreSQL's estimate is the product above, and with a LIMIT it
  // would rather walk an index or the table until it has found enough
  const rows = await sql.begin(async (tx) => {
    await tx`set local enable_seqscan = off`
    await tx`set local enable_indexscan = off`
    return tx<{ id: string }[]>`select c.id from conversations c where c.status = 'resolved' and ${facetMatch(tx, lists)} limit ${FACET_PROBE}`
  })
  return rows.length >= FACET_PROBE ? null : rows.map((r) => r.id)
}

/** What the indexes say before a page is read: the text's hits and the facets' (null: none). */
export interface Hits {
  text: TextHits | null
  facets: string[] | null
}
export const NO_HITS: Hits = { text: null, facets: null }

export async function hits(sql: Sql, s: SearchQuery, limit: number): Promise<Hits> {
  const [text, facets] = await Promise.all([s.q !== null ? textHits(sql, s.q) : null, facetHits(sql, s, limit)])
  return { text, facets }
}

/** The latest message of each conversation that matches the text, with plain text around the hit. */
export async function matches(db: Db, conversationIds: string[], q: string): Promise<Map<string, SearchMatch>> {
  if (conversationIds.length === 0) return new Map()
  // the snippet is made for the one message shown per conversation, not every match. Each
  // conversation's messages are read newest first by its own index, in a subquery of its own
  // (OFFSET 0), and the first that matches is taken: with the match beside the conversation's id,
  // PostgreSQL ANDed the two indexes and read a common word's whole list in the text index
  // (1,666,660 entries and 350 ms for "order" at 10,000,000 messages, for a page of 30).
  const rows = await db<{ conversationId: string; id: string; seq: number; snippet: string }[]>`
    with query as (select ${textQuery(db, q)} as tsq)
    select ids.conversation_id, l.id, l.seq,
      ts_headline(l.lang, l.body, query.tsq, 'StartSel="", StopSel="", MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "') as snippet
    from query, unnest(${conversationIds}::uuid[]) as ids(conversation_id)
    cross join lateral (
      select cm.id, cm.seq, cm.lang, cm.body
      from (select m.id, m.seq, m.lang, m.body, m.tsv from messages m where m.conversation_id = ids.conversation_id order by m.seq desc offset 0) cm
      where cm.tsv @@ query.tsq
      limit 1
    ) l`
  return new Map(rows.map((r) => [r.conversationId, { messageId: r.id, seq: r.seq, snippet: r.snippet }]))
}

/** Which of the named agent, group and tags exist. */
export async function known(db: Db, s: { agent: string | null; group: string | null; tags: string[] }): Promise<{ agent: boolean; group: boolean; tags: string[] }> {
  const agent = s.agent !== null && s.agent !== 'none' ? s.agent : null
  const [row] = await db<{ agent: boolean; group: boolean; tags: string[] }[]>`
    select
      (${agent}::uuid is null or exists (select 1 from agents where id = ${agent}::uuid)) as agent,
      (${s.group}::uuid is null or exists (select 1 from groups where id = ${s.group}::uuid)) as group,
      coalesce((select array_agg(id::text) from tags where id = any(${s.tags}::uuid[])), '{}') as tags`
  return row!
}

export { toView }

// Saved searches ------------------------------------------------------------------------------

export function listSaved(db: Db, agentId: string): Promise<SavedSearch[]> {
  return db<SavedSearch[]>`
    select id, name, query, created_at from saved_searches where agent_id = ${agentId} order by lower(name), id`
}

export async function insertSaved(db: Db, s: { id: string; agentId: string; name: string; query: string }): Promise<SavedSearch> {
  const [row] = await db<SavedSearch[]>`
    insert into saved_searches (id, agent_id, name, query) values (${s.id}, ${s.agentId}, ${s.name}, ${s.query})
    returning id, name, query, created_at`
  return row!
}

export async function deleteSaved(db: Db, agentId: string, id: string): Promise<boolean> {
  const rows = await db`delete from saved_searches where id = ${id} and agent_id = ${agentId} returning id`
  return rows.length > 0
}

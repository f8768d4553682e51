import type { Db } from '../../db/client.ts'
import { liveNode } from '../../db/live-nodes.ts'
import type { Channel } from '../conversations/conversations.types.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { CustomerVariable, EmailSource, MaskedVariable, PageView, PageVisit, VisitFacts, VisitorPatch, VisitorRow, VisitorView } from './visitors.types.ts'

export async function insertVisitor(
  db: Db,
  v: { id: string; tokenHash: string | null; name?: MaskedText | null; email?: string | null; emailSource?: EmailSource | null; externalId?: string | null },
): Promise<VisitorRow> {
  const [row] = await db<VisitorRow[]>`
    insert into visitors (id, name, email, email_source, external_id)
    values (${v.id}, ${v.name ?? null}, ${v.email ?? null}, ${v.email ? (v.emailSource ?? null) : null}, ${v.externalId ?? null})
    returning id, number, name, email, phone, created_at, last_seen_at`
  if (v.tokenHash) await db`insert into visitor_tokens (token_hash, visitor_id) values (${v.tokenHash}, ${v.id})`
  return { ...row!, number: Number(row!.number) }
}

/**
 * Token checks, one or many in one statement (every widget request and socket passes here,
 * batched by authenticateVisitor): the rows by token hash. A read, not a write (visits update
 * last_seen_at).
 */
export async function findVisitorsByTokenHashes(db: Db, tokenHashes: string[], withLatestConversation = false): Promise<Map<string, VisitorRow>> {
  const rows = await db<(VisitorRow & { tokenHash: string })[]>`
    select t.token_hash, v.id, v.number, v.name, v.email, v.phone, v.created_at, v.last_seen_at
      ${withLatestConversation ? db`, (select c.id from conversations c where c.visitor_id = v.id order by c.created_at desc, c.id desc limit 1) as latest_conversation_id` : db``}
    from visitor_tokens t join visitors v on v.id = t.visitor_id
    where t.token_hash = any(${tokenHashes}::text[])`
  const out = new Map<string, VisitorRow>()
  for (const { tokenHash, ...row } of rows) out.set(tokenHash, { ...row, number: Number(row.number) })
  return out
}

// A node counts while it heartbeats (see agents.repo.ts); connections of a crashed process lapse.
/** Whether the visitor has a socket on a live process (other than `elsewhereThan`, when given). */
const onlineSql = (db: Db, visitorId: ReturnType<Db>, elsewhereThan?: string) => db`
  exists (select 1 from visitor_connections vc join server_nodes n on n.id = vc.node_id
          where vc.visitor_id = ${visitorId} and vc.connections > 0 and ${liveNode(db)}
            ${elsewhereThan ? db`and vc.node_id <> ${elsewhereThan}` : db``})`

/**
 * Widget sockets of this process that closed together (a visitor with several tabs appears once
 * per socket): each visitor's count goes down by its sockets, in one statement, and the answer is
 * whether each is still online — another tab here, or a socket on another live process. The rows
 * are locked in id order, as connectVisits locks them, so the two never wait on each other in a
 * cycle. A visitor with no row here (its process was taken for dead and its rows went) is offline
 * unless another process has it.
 */
export async function disconnectVisitors(db: Db, nodeId: string, visitorIds: string[]): Promise<Map<string, boolean>> {
  const rows = await db<{ id: string; online: boolean }[]>`
    with input as (
      select id, count(*)::int as n from unnest(${visitorIds}::uuid[]) as t(id) group by id
    ), locked as materialized (
      -- locked first, in id order (a LockRows over the sort), then counted down
      select vc.visitor_id from visitor_connections vc
      where vc.node_id = ${nodeId} and vc.visitor_id in (select id from input)
      order by vc.visitor_id for update
    ), counted as (
      update visitor_connections vc set connections = greatest(vc.connections - i.n, 0)
      from input i, locked l
      where vc.node_id = ${nodeId} and vc.visitor_id = i.id and l.visitor_id = i.id
      returning vc.visitor_id, vc.connections
    ), here as (
      select exists (select 1 from server_nodes n where n.id = ${nodeId} and ${liveNode(db)}) as alive
    )
    -- (this process's rows as counted down here: the statement's own update is not visible to a read in it)
    select i.id, (coalesce(c.connections, 0) > 0 and (select alive from here)) or ${onlineSql(db, db`i.id`, nodeId)} as online
    from input i left join counted c on c.visitor_id = i.id`
  return new Map(rows.map((r) => [r.id, r.online]))
}

export async function isVisitorOnline(db: Db, visitorId: string): Promise<boolean> {
  const [row] = await db<{ online: boolean }[]>`select ${onlineSql(db, db`${visitorId}::uuid`)} as online`
  return row?.online ?? false
}

/** Which of these visitors are online (a socket on a live process); one statement for all. */
export async function onlineVisitors(db: Db, visitorIds: string[]): Promise<Set<string>> {
  const rows = await db<{ id: string }[]>`
    select t.id from unnest(${visitorIds}::uuid[]) as t(id) where ${onlineSql(db, db`t.id`)}`
  return new Set(rows.map((r) => r.id))
}

/**
 * The connection counts of processes that stopped heartbeating (killed: their sockets never
 * closed), deleted: the visitors they held, each once. Whoever deletes a row first gets it, so
 * of several live processes that look at once, one announces each visitor.
 */
export async function takeLapsedConnections(db: Db): Promise<string[]> {
  const rows = await db<{ visitorId: string; connections: number }[]>`
    delete from visitor_connections vc using server_nodes n
    where n.id = vc.node_id and not (${liveNode(db)})
    returning vc.visitor_id, vc.connections`
  return [...new Set(rows.filter((r) => r.connections > 0).map((r) => r.visitorId))]
}




interface VisitorViewRow {
  id: string
  number: string
  externalId: string | null
  name: string | null
  email: string | null
  emailSource: EmailSource | null
  phone: string | null
  note: string
  noteUpdatedAt: Date | null
  noteUpdatedById: string | null
  noteUpdatedByName: string | null
  variables: Record<string, CustomerVariable>
  ip: string | null
  countryCode: string | null
  region: string | null
  city: string | null
  osName: string | null
  osVersion: string | null
  browserName: string | null
  browserVersion: string | null
  referrer: string | null
  currentUrl: string | null
  currentTitle: string | null
  online: boolean
  createdAt: Date
  lastSeenAt: Date
}

export async function findVisitorView(db: Db, id: string): Promise<VisitorView | null> {
  const [r] = await db<VisitorViewRow[]>`
    select v.*, a.id as note_updated_by_id, a.name as note_updated_by_name, ${onlineSql(db, db`v.id`)} as online
    from visitors v left join agents a on a.id = v.note_updated_by
    where v.id = ${id}`
  return r ? toVisitorView(r) : null
}

/** Several cards in one statement (the visitors whose widgets connected together). */
export async function findVisitorViews(db: Db, ids: string[]): Promise<VisitorView[]> {
  const rows = await db<VisitorViewRow[]>`
    select v.*, a.id as note_updated_by_id, a.name as note_updated_by_name, ${onlineSql(db, db`v.id`)} as online
    from visitors v left join agents a on a.id = v.note_updated_by
    where v.id = any(${ids}::uuid[])`
  return rows.map(toVisitorView)
}

function toVisitorView(r: VisitorViewRow): VisitorView {
  return {
    id: r.id,
    number: Number(r.number),
    externalId: r.externalId,
    name: r.name,
    email: r.email,
    emailSource: r.emailSource,
    phone: r.phone,
    note: r.note,
    noteUpdatedAt: r.noteUpdatedAt,
    noteUpdatedBy: r.noteUpdatedById ? { id: r.noteUpdatedById, name: r.noteUpdatedByName ?? '' } : null,
    variables: r.variables ?? {},
    ip: r.ip,
    location: r.countryCode ? { countryCode: r.countryCode, region: r.region, city: r.city } : null,
    os: r.osName ? { name: r.osName, version: r.osVersion } : null,
    browser: r.browserName ? { name: r.browserName, version: r.browserVersion } : null,
    referrer: r.referrer,
    currentPage: r.currentUrl ? { url: r.currentUrl, title: r.currentTitle } : null,
    online: r.online,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
  }
}


/**
 * Widgets connected on this process (a batch: the sockets accepted together): counts each
 * connection and records where from and with what, in one statement for all of them. A visitor
 * with several sockets in the batch counts each; its facts are those of the last one. Returns the
 * cards whose address or browser changed (the dashboards are told); a visitor that no longer
 * exists is skipped.
 */
export async function connectVisits(db: Db, nodeId: string, visits: { id: string; facts: VisitFacts }[]): Promise<string[]> {
  const col = <K extends keyof VisitFacts>(k: K) => visits.map((v) => v.facts[k] as string | null)
  const rows = await db<{ id: string; changed: boolean }[]>`
    with input as (
      select * from unnest(
        ${visits.map((v) => v.id)}::uuid[], ${col('ip')}::text[], ${col('userAgent')}::text[], ${col('countryCode')}::text[],
        ${col('region')}::text[], ${col('city')}::text[], ${col('osName')}::text[], ${col('osVersion')}::text[],
        ${col('browserName')}::text[], ${col('browserVersion')}::text[]
      ) with ordinality as t(id, ip, user_agent, country_code, region, city, os_name, os_version, browser_name, browser_version, ord)
    ),
    connection as (
      insert into visitor_connections (node_id, visitor_id, connections)
      select ${nodeId}, i.id, count(*) from input i join visitors v on v.id = i.id group by i.id order by i.id
      on conflict (node_id, visitor_id) do update set connections = visitor_connections.connections + excluded.connections
    ),
    latest as (select distinct on (id) * from input order by id, ord desc)
    update visitors v set ip = l.ip, user_agent = l.user_agent, country_code = l.country_code, region = l.region,
      city = l.city, os_name = l.os_name, os_version = l.os_version, browser_name = l.browser_name,
      browser_version = l.browser_version, last_seen_at = now()
    from latest l
    where v.id = l.id
    returning v.id, (old.ip is distinct from new.ip or old.user_agent is distinct from new.user_agent) as changed`
  return rows.filter((r) => r.changed).map((r) => r.id)
}

export async function addPageView(
  db: Db,
  visitorId: string,
  p: PageVisit,
): Promise<PageView> {
  const [row] = await db<PageView[]>`
    with visitor as (
      update visitors set current_url = ${p.url}, current_title = ${p.title},
        referrer = coalesce(${p.visitReferrer}, referrer), last_seen_at = now()
      where id = ${visitorId}
      returning id
    )
    insert into page_views (visitor_id, url, title, referrer)
    select id, ${p.url}, ${p.title}, ${p.referrer} from visitor
    returning url, title, referrer, at`
  return row!
}

export async function listPageViews(db: Db, visitorId: string, limit: number): Promise<PageView[]> {
  return db<PageView[]>`
    select url, title, referrer, at from page_views where visitor_id = ${visitorId} order by at desc, id desc limit ${limit}`
}

export async function mergeVariables(db: Db, visitorId: string, vars: Record<string, MaskedVariable>): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    update visitors set variables = variables || ${db.json(vars as never)}
    where id = ${visitorId}
    returning (select count(*)::int from jsonb_object_keys(variables)) as n`
  return row?.n ?? -1
}

export async function findByExternalId(db: Db, externalId: string): Promise<{ id: string } | null> {
  const [row] = await db<{ id: string }[]>`select id from visitors where external_id = ${externalId}`
  return row ?? null
}

export async function findExternalId(db: Db, visitorId: string): Promise<string | null | undefined> {
  const [row] = await db<{ externalId: string | null }[]>`select external_id from visitors where id = ${visitorId}`
  return row ? row.externalId : undefined
}

export async function setExternalId(db: Db, visitorId: string, externalId: string): Promise<void> {
  await db`update visitors set external_id = ${externalId} where id = ${visitorId}`
}

export async function moveToken(db: Db, tokenHash: string, visitorId: string): Promise<void> {
  await db`update visitor_tokens set visitor_id = ${visitorId} where token_hash = ${tokenHash}`
}

/** Folds an anonymous visitor into the identified one: conversations, pages, recordings, tokens. */
export async function mergeInto(db: Db, fromId: string, intoId: string): Promise<string[]> {
  const moved = await db<{ id: string }[]>`update conversations set visitor_id = ${intoId} where visitor_id = ${fromId} returning id`
  await db`update page_views set visitor_id = ${intoId} where visitor_id = ${fromId}`
  // The recordings go with the person (the one being made goes on under the moved token), and so
  // do the moved conversations' ratings and the addresses they wrote from.
  await db`update recordings set visitor_id = ${intoId} where visitor_id = ${fromId}`
  await db`update conversation_ratings set visitor_id = ${intoId} where visitor_id = ${fromId}`
  await db`update visitor_identities set visitor_id = ${intoId} where visitor_id = ${fromId}`
  await db`update visitor_tokens set visitor_id = ${intoId} where visitor_id = ${fromId}`
  return moved.map((r) => r.id)
}

export async function search(db: Db, q: { externalId?: string; email?: string }, limit: number): Promise<{ id: string }[]> {
  return db<{ id: string }[]>`
    select id from visitors
    where ${q.externalId !== undefined ? db`external_id = ${q.externalId}` : db`true`}
      and ${q.email !== undefined ? db`lower(email) = lower(${q.email})` : db`true`}
    order by last_seen_at desc limit ${limit}`
}


export async function updateVisitor(db: Db, id: string, p: VisitorPatch): Promise<boolean> {
  const set: Record<string, unknown> = {}
  if (p.name !== undefined) set.name = p.name
  if (p.email !== undefined) {
    set.email = p.email
    set.emailSource = p.email === null ? null : p.emailSource ?? null
  }
  if (p.phone !== undefined) set.phone = p.phone
  if (p.note !== undefined) set.note = p.note
  const cols = Object.keys(set)
  if (cols.length === 0 && p.note === undefined) return true
  const rows = await db`
    update visitors set ${db(set, ...cols)}
      ${p.note !== undefined ? db`, note_updated_at = now(), note_updated_by = ${p.noteUpdatedBy ?? null}` : db``}
    where id = ${id} returning id`
  return rows.length > 0
}

/** Serialises find-or-create of a visitor by address (two mails from a new sender at once). */
export async function lockEmailAddress(db: Db, address: string): Promise<void> {
  await db`select pg_advisory_xact_lock(hashtext(${'parley.email:' + address.toLowerCase()}))`
}

export async function findIdByEmail(db: Db, address: string): Promise<string | null> {
  const [row] = await db<{ id: string }[]>`
    select id from visitors where lower(email) = ${address.toLowerCase()} order by last_seen_at desc, id desc limit 1`
  return row?.id ?? null
}

export async function setEmailIfMissing(db: Db, visitorId: string, address: string): Promise<boolean> {
  const rows = await db`update visitors set email = ${address} where id = ${visitorId} and email is null returning id`
  return rows.length > 0
}

/** A visitor's identity on a channel (an e-mail address, a Messenger page-scoped id). */
export async function findIdByIdentity(db: Db, channel: Channel, externalId: string): Promise<string | null> {
  const [row] = await db<{ visitorId: string }[]>`
    select visitor_id from visitor_identities where channel = ${channel} and external_id = ${externalId}`
  return row?.visitorId ?? null
}

/** Ties an identity to a visitor; `move`: also when it belonged to another visitor. */
export async function saveIdentity(db: Db, channel: Channel, externalId: string, visitorId: string, move: boolean): Promise<void> {
  if (move) {
    await db`
      insert into visitor_identities (channel, external_id, visitor_id) values (${channel}, ${externalId}, ${visitorId})
      on conflict (channel, external_id) do update set visitor_id = excluded.visitor_id`
  } else {
    await db`
      insert into visitor_identities (channel, external_id, visitor_id) values (${channel}, ${externalId}, ${visitorId})
      on conflict (channel, external_id) do nothing`
  }
}

/** Serialises find-or-create of a visitor by a channel identity. */
export async function lockIdentity(db: Db, channel: Channel, externalId: string): Promise<void> {
  await db`select pg_advisory_xact_lock(hashtext(${`parley.identity:${channel}:${externalId}`}))`
}

// The blocks. Whether a visitor or an address is blocked is one statement: the visitor by primary
// key, the address with `>>=` against the GiST index on blocked_ranges.
import type { Db } from '../../db/client.ts'
import type { BlockedRangeView, BlockedVisitorView } from './blocking.types.ts'

export async function isBlocked(db: Db, visitorId: string | null, ip: string | null): Promise<boolean> {
  const [row] = await db<{ blocked: boolean }[]>`
    select exists (select 1 from blocked_visitors where visitor_id = ${visitorId}::uuid)
        or exists (select 1 from blocked_ranges where range >>= ${ip}::inet) as blocked`
  return row?.blocked ?? false
}

/** Whether any block exists at all (most installations have none: then nothing is looked up). */
export async function anyBlocks(db: Db): Promise<boolean> {
  const [row] = await db<{ any: boolean }[]>`
    select exists (select 1 from blocked_visitors) or exists (select 1 from blocked_ranges) as any`
  return row?.any ?? false
}

export async function blockVisitor(db: Db, b: { visitorId: string; reason: string | null; blockedBy: string }): Promise<boolean> {
  // Blocking again keeps the first block (who and when) and only updates the reason.
  const [row] = await db<{ inserted: boolean }[]>`
    insert into blocked_visitors (visitor_id, reason, blocked_by) values (${b.visitorId}, ${b.reason}, ${b.blockedBy})
    on conflict (visitor_id) do update set reason = coalesce(excluded.reason, blocked_visitors.reason)
    returning (xmax = 0) as inserted`
  return row?.inserted ?? false
}

export async function unblockVisitor(db: Db, visitorId: string): Promise<boolean> {
  const rows = await db`delete from blocked_visitors where visitor_id = ${visitorId} returning visitor_id`
  return rows.length > 0
}

export async function findVisitorBlock(db: Db, visitorId: string): Promise<BlockedVisitorView | null> {
  const [row] = await db<BlockedVisitorView[]>`${visitorBlocks(db)} where b.visitor_id = ${visitorId}`
  return row ?? null
}

const visitorBlocks = (db: Db) => db`
  select b.visitor_id, coalesce(v.name, v.email) as visitor_name, v.number as visitor_number, b.reason, b.blocked_at,
         case when a.id is null then null else json_build_object('id', a.id, 'name', a.name) end as blocked_by
  from blocked_visitors b
  join visitors v on v.id = b.visitor_id
  left join agents a on a.id = b.blocked_by`

export async function listVisitorBlocks(db: Db): Promise<BlockedVisitorView[]> {
  return db<BlockedVisitorView[]>`${visitorBlocks(db)} order by b.blocked_at desc, b.visitor_id limit 1000`
}

export async function insertRange(db: Db, r: { id: string; range: string; reason: string | null; blockedBy: string }): Promise<BlockedRangeView | null> {
  const [row] = await db<{ id: string }[]>`
    insert into blocked_ranges (id, range, reason, blocked_by) values (${r.id}, ${r.range}::cidr, ${r.reason}, ${r.blockedBy})
    on conflict (range) do nothing
    returning id`
  return row ? findRange(db, row.id) : null
}

const ranges = (db: Db) => db`
  select r.id, r.range::text as range, r.reason, r.blocked_at,
         case when a.id is null then null else json_build_object('id', a.id, 'name', a.name) end as blocked_by
  from blocked_ranges r
  left join agents a on a.id = r.blocked_by`

export async function findRange(db: Db, id: string): Promise<BlockedRangeView | null> {
  const [row] = await db<BlockedRangeView[]>`${ranges(db)} where r.id = ${id}`
  return row ?? null
}

export async function findRangeByText(db: Db, range: string): Promise<BlockedRangeView | null> {
  const [row] = await db<BlockedRangeView[]>`${ranges(db)} where r.range = ${range}::cidr`
  return row ?? null
}

export async function listRanges(db: Db): Promise<BlockedRangeView[]> {
  return db<BlockedRangeView[]>`${ranges(db)} order by r.blocked_at desc, r.id limit 1000`
}

export async function deleteRange(db: Db, id: string): Promise<string | null> {
  const [row] = await db<{ range: string }[]>`delete from blocked_ranges where id = ${id} returning range::text as range`
  return row?.range ?? null
}

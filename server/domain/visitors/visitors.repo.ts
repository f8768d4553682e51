import type { Db } from '../../db/client.ts'

export interface VisitorRow {
  id: string
  number: number
  name: string | null
  email: string | null
  phone: string | null
  createdAt: Date
  lastSeenAt: Date
}


export async function insertVisitor(db: Db, v: { id: string; tokenHash: string | null; name?: string | null; email?: string | null }): Promise<VisitorRow> {
  const [row] = await db<VisitorRow[]>`
    insert into visitors (id, token_hash, name, email) values (${v.id}, ${v.tokenHash}, ${v.name ?? null}, ${v.email ?? null})
    returning id, number, name, email, phone, created_at, last_seen_at`
  return { ...row!, number: Number(row!.number) }
}

export async function findVisitorByTokenHash(db: Db, tokenHash: string): Promise<VisitorRow | null> {
  const [row] = await db<VisitorRow[]>`
    update visitors set last_seen_at = now() where token_hash = ${tokenHash}
    returning id, number, name, email, phone, created_at, last_seen_at`
  return row ? { ...row, number: Number(row.number) } : null
}

export async function findVisitorById(db: Db, id: string): Promise<VisitorRow | null> {
  const [row] = await db<VisitorRow[]>`select id, number, name, email, phone, created_at, last_seen_at from visitors where id = ${id}`
  return row ? { ...row, number: Number(row.number) } : null
}

// A node counts while it heartbeats (see agents.repo.ts); connections of a crashed process lapse.
const onlineSql = (db: Db, visitorId: ReturnType<Db>) => db`
  exists (select 1 from visitor_connections vc join server_nodes n on n.id = vc.node_id
          where vc.visitor_id = ${visitorId} and vc.connections > 0 and n.heartbeat_at > now() - interval '30 seconds')`

export async function addVisitorConnection(db: Db, nodeId: string, visitorId: string, delta: number): Promise<boolean> {
  await db`
    insert into visitor_connections (node_id, visitor_id, connections) values (${nodeId}, ${visitorId}, greatest(${delta}, 0))
    on conflict (node_id, visitor_id) do update set connections = greatest(visitor_connections.connections + ${delta}, 0)`
  return isVisitorOnline(db, visitorId)
}

export async function isVisitorOnline(db: Db, visitorId: string): Promise<boolean> {
  const [row] = await db<{ online: boolean }[]>`select ${onlineSql(db, db`${visitorId}::uuid`)} as online`
  return row?.online ?? false
}

export type EmailSource = 'contact_form' | 'site' | 'agent'

/** A visitor as the dashboard's visitor panel shows it. */
export interface VisitorView {
  id: string
  number: number
  name: string | null
  email: string | null
  emailSource: EmailSource | null
  phone: string | null
  note: string
  noteUpdatedAt: Date | null
  noteUpdatedBy: { id: string; name: string } | null
  /** A widget of this visitor is connected to a live Parley process. */
  online: boolean
  createdAt: Date
  lastSeenAt: Date
}

export async function findVisitorView(db: Db, id: string): Promise<VisitorView | null> {
  const [row] = await db<(Omit<VisitorView, 'noteUpdatedBy'> & { noteUpdatedById: string | null; noteUpdatedByName: string | null })[]>`
    select v.id, v.number, v.name, v.email, v.email_source, v.phone, v.note, v.note_updated_at, v.created_at, v.last_seen_at,
           a.id as note_updated_by_id, a.name as note_updated_by_name, ${onlineSql(db, db`v.id`)} as online
    from visitors v left join agents a on a.id = v.note_updated_by
    where v.id = ${id}`
  if (!row) return null
  const { noteUpdatedById, noteUpdatedByName, ...rest } = row
  return {
    ...rest,
    number: Number(rest.number),
    noteUpdatedBy: noteUpdatedById ? { id: noteUpdatedById, name: noteUpdatedByName ?? '' } : null,
  }
}

export interface VisitorPatch {
  name?: string | null
  email?: string | null
  emailSource?: EmailSource | null
  phone?: string | null
  note?: string
  noteUpdatedBy?: string
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

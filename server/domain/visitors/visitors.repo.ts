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

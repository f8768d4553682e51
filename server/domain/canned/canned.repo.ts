import type { Db } from '../../db/client.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { CannedView } from './canned.types.ts'

interface Row extends CannedView {
  ownerId: string | null
}

const select = (db: Db) => db`
  select id, owner_id, case when owner_id is null then 'team' else 'personal' end as scope, shortcut, body, updated_at
  from canned_responses`

/** The team's and this agent's own, by shortcut. */
export async function listFor(db: Db, agentId: string): Promise<Row[]> {
  return db<Row[]>`${select(db)} where owner_id is null or owner_id = ${agentId} order by shortcut, owner_id nulls first`
}

export async function find(db: Db, id: string): Promise<Row | null> {
  const [row] = await db<Row[]>`${select(db)} where id = ${id}`
  return row ?? null
}

export async function insert(db: Db, c: { id: string; ownerId: string | null; shortcut: string; body: MaskedText }): Promise<void> {
  await db`insert into canned_responses (id, owner_id, shortcut, body) values (${c.id}, ${c.ownerId}, ${c.shortcut}, ${c.body})`
}

export async function update(db: Db, id: string, c: { shortcut: string; body: MaskedText }): Promise<void> {
  await db`update canned_responses set shortcut = ${c.shortcut}, body = ${c.body}, updated_at = now() where id = ${id}`
}

export async function remove(db: Db, id: string): Promise<void> {
  await db`delete from canned_responses where id = ${id}`
}

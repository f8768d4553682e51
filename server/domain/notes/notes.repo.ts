import type { Db } from '../../db/client.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { NoteView } from './notes.types.ts'

const select = (db: Db) => db`
  select n.id, n.conversation_id, n.author_id, a.name as author_name, n.body, n.mentions::text[] as mentions, n.client_id, n.created_at
  from conversation_notes n left join agents a on a.id = n.author_id`

/** Stores a note; null when this author's client id was stored before (see findByClientId). */
export async function insertNote(
  db: Db,
  n: { id: string; conversationId: string; authorId: string; body: MaskedText; mentions: string[]; clientId: string | null },
): Promise<boolean> {
  const rows = await db`
    insert into conversation_notes (id, conversation_id, author_id, body, mentions, client_id)
    values (${n.id}, ${n.conversationId}, ${n.authorId}, ${n.body}, ${n.mentions}::uuid[], ${n.clientId})
    on conflict (author_id, client_id) where client_id is not null do nothing
    returning id`
  return rows.length === 1
}

export async function findNote(db: Db, id: string): Promise<NoteView | null> {
  const [row] = await db<NoteView[]>`${select(db)} where n.id = ${id}`
  return row ?? null
}

export async function findByClientId(db: Db, authorId: string, clientId: string): Promise<NoteView | null> {
  const [row] = await db<NoteView[]>`${select(db)} where n.author_id = ${authorId} and n.client_id = ${clientId}`
  return row ?? null
}

export async function listNotes(db: Db, conversationId: string, limit: number): Promise<NoteView[]> {
  return db<NoteView[]>`${select(db)} where n.conversation_id = ${conversationId} order by n.created_at, n.id limit ${limit}`
}

import type { Db } from '../../db/client.ts'
import { liveNode } from '../../db/live-nodes.ts'
import type { RecordingView } from './recordings.types.ts'

export interface RecordingRow {
  id: string
  visitorId: string
  startedAt: Date
  endedAt: Date
  pages: number
  chunks: number
  events: number
  bytes: string
  finalizedAt: Date | null
}

export const toView = (r: RecordingRow): RecordingView => ({
  id: r.id,
  visitorId: r.visitorId,
  startedAt: r.startedAt.toISOString(),
  endedAt: r.endedAt.toISOString(),
  durationMs: r.endedAt.getTime() - r.startedAt.getTime(),
  pages: r.pages,
  chunks: r.chunks,
  events: r.events,
  bytes: Number(r.bytes),
  status: r.finalizedAt ? 'saved' : 'live',
})

export type AppendOutcome = 'stored' | 'duplicate' | 'not_found' | 'finalized' | 'full'

/**
 * Appends one checked chunk in one statement (migrations/00019: make the recording if it is new,
 * lock it, refuse another visitor's or a finished one, keep the first copy of a seq, add the
 * chunk and its totals). `bytes` is the stored size of the chunk (this one, or the earlier copy).
 */
export async function appendChunk(
  db: Db,
  c: { recordingId: string; visitorId: string; seq: number; firstAt: Date; lastAt: Date; events: number; pages: number; data: Uint8Array; maxBytes: number },
): Promise<{ outcome: AppendOutcome; bytes: number }> {
  const [row] = await db<{ outcome: AppendOutcome; bytes: number }[]>`
    select outcome, bytes from append_recording_chunk(
      ${c.recordingId}, ${c.visitorId}, ${c.seq}, ${c.firstAt}, ${c.lastAt}, ${c.events}, ${c.pages}, ${c.data}, ${c.maxBytes})`
  return row!
}

export async function findRecording(db: Db, id: string): Promise<RecordingView | null> {
  const [row] = await db<RecordingRow[]>`select * from recordings where id = ${id}`
  return row ? toView(row) : null
}

export async function listForVisitor(db: Db, visitorId: string, limit: number): Promise<RecordingView[]> {
  const rows = await db<RecordingRow[]>`
    select * from recordings where visitor_id = ${visitorId} and chunks > 0 order by started_at desc limit ${limit}`
  return rows.map(toView)
}

export async function chunksAfter(db: Db, recordingId: string, afterSeq: number, limit: number): Promise<{ seq: number; data: Uint8Array; createdAt: Date }[]> {
  return db<{ seq: number; data: Uint8Array; createdAt: Date }[]>`
    select seq, data, created_at from recording_chunks where recording_id = ${recordingId} and seq > ${afterSeq} order by seq limit ${limit}`
}

/**
 * Finalises the recordings whose last chunk is older than the given period and whose visitor has
 * no live connection any more (an idle visitor still on the page sends no chunks, but stays).
 * Online is the visitors module's rule (a connection on a node that still heartbeats), read here
 * in the same statement so the job is one round trip.
 */
export async function finalizeIdle(db: Db, goneSeconds: number): Promise<number> {
  const rows = await db`
    update recordings r set finalized_at = now()
    where r.finalized_at is null
      and r.last_chunk_at < now() - make_interval(secs => ${goneSeconds})
      and not exists (
        select 1 from visitor_connections c join server_nodes n on n.id = c.node_id
        where c.visitor_id = r.visitor_id and c.connections > 0 and ${liveNode(db)})
    returning r.id`
  return rows.length
}

export async function deleteStartedBefore(db: Db, days: number): Promise<number> {
  const rows = await db`delete from recordings where started_at < now() - make_interval(days => ${days}) returning id`
  return rows.length
}

export async function usage(db: Db): Promise<{ recordings: number; bytes: number }> {
  const [row] = await db<{ n: number; bytes: string }[]>`select count(*)::int as n, coalesce(sum(bytes), 0)::bigint as bytes from recordings`
  return { recordings: row!.n, bytes: Number(row!.bytes) }
}

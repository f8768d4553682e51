// Recordings: chunks in (checked, masked, stored compressed), recordings out (the card's list,
// the replay's events), and the job's two duties (finalise, delete old ones).
import { gunzipSync } from 'node:zlib'
import type { Sql } from '../../db/client.ts'
import { AppError } from '../../shared/errors.ts'
import { getRecordingSettings } from '../settings/recording-settings.usecases.ts'
import * as repo from './recordings.repo.ts'
import { MAX_RECORDING_BYTES, MAX_SEQ, checkChunk } from './recordings.rules.ts'
import type { ChunkResult, RecordingUsage, RecordingView } from './recordings.types.ts'

export type { ChunkResult, RecordingSettings, RecordingUsage, RecordingView, WidgetRecordingSettings } from './recordings.types.ts'
export { MAX_CHUNK_BYTES, MAX_SEQ } from './recordings.rules.ts'

export interface RecordingDeps {
  sql: Sql
}

/** PostgreSQL's class 53 (insufficient resources: disk full, out of memory, too many connections). */
const isOutOfResources = (e: unknown) => typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('53')

/**
 * Stores one chunk of a visitor's recording. The chunk is checked and masked before anything is
 * written; a chunk whose sequence number was stored before changes nothing (the widget resends
 * after a lost answer). Another visitor's recording answers 404, a finalised one 409 (the widget
 * then starts a new recording).
 */
export async function ingestChunk(deps: RecordingDeps, visitorId: string, recordingId: string, seq: number, body: Uint8Array, now = Date.now()): Promise<ChunkResult> {
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new AppError('recording.malformed', 400, `seq must be a whole number from 0 to ${MAX_SEQ}`)
  const settings = await getRecordingSettings(deps)
  if (!settings.enabled) throw new AppError('recording.disabled', 403, 'recordings are switched off')
  const chunk = checkChunk(body, now)
  try {
    const r = await repo.appendChunk(deps.sql, {
      recordingId, visitorId, seq, firstAt: new Date(chunk.firstAt), lastAt: new Date(chunk.lastAt),
      events: chunk.events, pages: chunk.pages, data: chunk.data, maxBytes: MAX_RECORDING_BYTES,
    })
    switch (r.outcome) {
      case 'stored':
        return { duplicate: false, bytes: r.bytes }
      case 'duplicate':
        return { duplicate: true, bytes: r.bytes }
      case 'not_found':
        throw new AppError('recording.not_found', 404, 'no such recording')
      case 'finalized':
        throw new AppError('recording.finalized', 409, 'this recording is finished; start a new one')
      case 'full':
        throw new AppError('recording.full', 413, `a recording is limited to ${MAX_RECORDING_BYTES} bytes`)
    }
  } catch (e) {
    if (isOutOfResources(e)) throw new AppError('recording.retry_later', 503, 'not stored: the server is short of space; send it again later', { retryAfter: 30 })
    throw e
  }
}

export async function getRecording(deps: RecordingDeps, id: string): Promise<RecordingView> {
  const r = await repo.findRecording(deps.sql, id)
  if (!r) throw new AppError('recording.not_found', 404, 'no such recording')
  return r
}

export function listRecordings(deps: RecordingDeps, visitorId: string, limit = 50): Promise<RecordingView[]> {
  return repo.listForVisitor(deps.sql, visitorId, limit)
}

/** How long the live view waits for a missing chunk before going on without it (it was refused, or lost). */
const GAP_WAIT_MS = 15_000

/**
 * The recording's events after a sequence number, as JSON text: the stored chunks' arrays are
 * joined without being parsed again. `lastSeq` is where the next call (the live view) continues;
 * it stops before a recent gap in the numbers, so a chunk that arrives late is not skipped.
 */
export async function readEvents(deps: RecordingDeps, id: string, afterSeq: number, now = Date.now()): Promise<{ recording: RecordingView; lastSeq: number; json: string }> {
  const recording = await getRecording(deps, id)
  const chunks = await repo.chunksAfter(deps.sql, id, afterSeq, 2_000)
  const parts: string[] = []
  let lastSeq = afterSeq
  for (const c of chunks) {
    if (recording.status === 'live' && c.seq !== lastSeq + 1 && now - c.createdAt.getTime() < GAP_WAIT_MS) break
    const text = gunzipSync(c.data).toString('utf8')
    // Each chunk is a non-empty JSON array: its inside is a comma-separated list of events.
    parts.push(text.slice(1, -1))
    lastSeq = c.seq
  }
  return { recording, lastSeq, json: `{"recording":${JSON.stringify(recording)},"lastSeq":${lastSeq},"events":[${parts.join(',')}]}` }
}

/** The job's work: recordings of visitors gone long enough are saved, old ones deleted. */
export async function runRecordingJobs(deps: RecordingDeps): Promise<{ finalized: number; deleted: number }> {
  const s = await getRecordingSettings(deps)
  const finalized = await repo.finalizeIdle(deps.sql, s.finalizeAfterMinutes * 60)
  const deleted = await repo.deleteStartedBefore(deps.sql, s.retentionDays)
  return { finalized, deleted }
}

export function recordingUsage(deps: RecordingDeps): Promise<RecordingUsage> {
  return repo.usage(deps.sql)
}

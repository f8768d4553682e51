// Saves the recordings of visitors who have left and deletes those past the retention period.
// Any process may run it: both statements are idempotent.
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import { DatabaseAwayLog } from '../shared/database-away.ts'
import { runRecordingJobs } from '../domain/recordings/recordings.usecases.ts'

export function startRecordingJobs(sql: Sql, log: Logger, everyMs = 20_000): { stop(): void } {
  let running = false
  const away = new DatabaseAwayLog(log, 'recordings', `trying again every ${everyMs / 1000} s`)
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      const r = await runRecordingJobs({ sql })
      away.ok()
      if (r.finalized || r.deleted) log.debug('recordings', r)
    } catch (error) {
      if (!away.failed(error)) log.warn('recording job failed', { error })
    } finally {
      running = false
    }
  }, everyMs)
  return { stop: () => clearInterval(timer) }
}

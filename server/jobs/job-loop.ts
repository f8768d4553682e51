// The loop every queue worker runs (outbox, notification timers, webhooks, Web Push, Messenger):
// do one unit of work after another while there is work; when there is none, sleep until the next
// row is due, the poll interval (rows queued by other processes) or a wake(); after an unexpected
// error, back off 0.5 s, 1 s, 2 s … up to 30 s. The database away for a moment (PostgreSQL
// restarting) is not unexpected: it is said once, as a warning without a stack, the loop tries
// again every 2 s at most, so the queue moves again within seconds of the database, and says
// so. The workers differ only in their unit of work.
import { DatabaseAwayLog } from '../shared/database-away.ts'
import type { Logger } from '../shared/logger.ts'
import { Wakeable } from './wakeable.ts'

/** The longest pause between tries while the database is unavailable. */
export const DATABASE_AWAY_RETRY_MS = 2_000

export interface JobLoopOptions {
  log: Logger
  /** The worker's name in the log, e.g. "outbox". */
  name: string
  /** Logged with an unexpected error, e.g. "outbox: sending failed unexpectedly". */
  failure: string
  pollMs: number
  /** One unit of work: true when it found something to do. */
  step(): Promise<boolean>
  /** Milliseconds until the next stored row is due; null when none is stored. */
  msUntilNext(): Promise<number | null>
  /** The longest pause between tries while the database is unavailable (tests shorten it). */
  awayRetryMs?: number
}

export class JobLoop {
  private running = false
  private loop: Promise<void> | null = null
  private signal = new Wakeable()

  constructor(private o: JobLoopOptions) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    this.signal.wake()
    await this.loop
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    this.signal.wake()
  }

  private async run(): Promise<void> {
    let backoff = 0
    const awayMs = this.o.awayRetryMs ?? DATABASE_AWAY_RETRY_MS
    const away = new DatabaseAwayLog(this.o.log, this.o.name, `trying again every ${awayMs / 1000} s`)
    while (this.running) {
      let worked = false
      try {
        worked = await this.o.step()
        backoff = 0
        away.ok()
      } catch (error) {
        if (away.failed(error)) {
          backoff = Math.min(backoff * 2 || 500, awayMs)
        } else {
          this.o.log.error(this.o.failure, { error })
          backoff = Math.min(backoff * 2 || 500, 30_000)
        }
      }
      if (worked && !backoff) continue
      let wait = backoff || this.o.pollMs
      if (!backoff) {
        const due = await this.o.msUntilNext().catch(() => null)
        if (due !== null) wait = Math.min(wait, Math.max(due, 10))
      }
      await this.signal.sleep(wait)
    }
  }
}

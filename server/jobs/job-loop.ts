// The loop every background worker runs (the outbox, notification timers, webhook deliveries, a
// channel's queue): do due work while there is some; otherwise sleep until the next stored row is
// due, the poll interval passes (other processes' rows are found by polling), or wake() says
// something was just queued. An unexpected error backs off, doubling up to 30 s, instead of
// spinning against a database that is down.
import type { Logger } from '../shared/logger.ts'
import { Wakeable } from './wakeable.ts'

export interface JobLoopOptions {
  /** Names the worker in the log line of an unexpected failure. */
  name: string
  log: Logger
  pollMs: number
  /** Does one piece of due work; true when there was some (the loop looks again at once). */
  step: () => Promise<boolean>
  /** Milliseconds until the next stored piece of work is due, or null when none is stored. */
  msUntilNextDue: () => Promise<number | null>
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

  /** Something was queued or retried: look now rather than at the next poll. */
  wake(): void {
    this.signal.wake()
  }

  private async run(): Promise<void> {
    let backoff = 0
    while (this.running) {
      let worked = false
      try {
        worked = await this.o.step()
        backoff = 0
      } catch (error) {
        this.o.log.error(`${this.o.name}: background work failed unexpectedly`, { error })
        backoff = Math.min(backoff * 2 || 500, 30_000)
      }
      if (worked) continue
      let wait = backoff || this.o.pollMs
      if (!backoff) {
        const due = await this.o.msUntilNextDue().catch(() => null)
        if (due !== null) wait = Math.min(wait, Math.max(due, 10))
      }
      await this.signal.sleep(wait)
    }
  }
}

// The loop every queue worker runs (outbox, notification timers, webhooks, Web Push, Messenger):
// do one unit of work after another while there is work; when there is none, sleep until the next
// row is due, the poll interval (rows queued by other processes) or a wake(); after an unexpected
// error, back off 0.5 s, 1 s, 2 s … up to 30 s. The workers differ only in their unit of work.
import type { Logger } from '../shared/logger.ts'
import { Wakeable } from './wakeable.ts'

export interface JobLoopOptions {
  log: Logger
  /** Logged with an unexpected error, e.g. "outbox: sending failed unexpectedly". */
  failure: string
  pollMs: number
  /** One unit of work: true when it found something to do. */
  step(): Promise<boolean>
  /** Milliseconds until the next stored row is due; null when none is stored. */
  msUntilNext(): Promise<number | null>
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
    while (this.running) {
      let worked = false
      try {
        worked = await this.o.step()
        backoff = 0
      } catch (error) {
        this.o.log.error(this.o.failure, { error })
        backoff = Math.min(backoff * 2 || 500, 30_000)
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

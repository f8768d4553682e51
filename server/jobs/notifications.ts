// Notification timers: each process runs this loop; a due timer is claimed with SKIP LOCKED and
// settled in one transaction (domain/notifications), so a notice goes out once however many
// processes run, and a timer stored before a restart fires after it.
import type { Logger } from '../shared/logger.ts'
import { msUntilNextNotice, sendDueNotice, type NoticeOutcome, type SendDeps } from '../domain/notifications/notifications.usecases.ts'
import { Wakeable } from './wakeable.ts'

export class NotificationWorker {
  private running = false
  private loop: Promise<void> | null = null
  private signal = new Wakeable()
  private listeners = new Set<(o: NoticeOutcome) => void>()

  constructor(private deps: SendDeps & { log: Logger; pollMs?: number }) {}

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

  /** A timer was stored: look at when it is due rather than at the next poll. */
  wake(): void {
    this.signal.wake()
  }

  /** Every notice this process settled (sent, or dropped with the reason). */
  onSettled(fn: (o: NoticeOutcome) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private async run(): Promise<void> {
    // Other processes' timers are found by polling: they are rarely due to the second.
    const pollMs = this.deps.pollMs ?? 5_000
    let backoff = 0
    while (this.running) {
      let outcome: NoticeOutcome | null = null
      try {
        outcome = await sendDueNotice(this.deps)
        backoff = 0
      } catch (error) {
        this.deps.log.error('notifications: a due notice failed', { error })
        backoff = Math.min(backoff * 2 || 500, 30_000)
      }
      if (outcome) {
        for (const fn of this.listeners) fn(outcome)
        continue
      }
      let wait = backoff || pollMs
      if (!backoff) {
        const due = await msUntilNextNotice(this.deps).catch(() => null)
        if (due !== null) wait = Math.min(wait, Math.max(due, 10))
      }
      await this.signal.sleep(wait)
    }
  }
}

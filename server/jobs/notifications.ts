// Notification timers: each process runs this loop; a due timer is claimed with SKIP LOCKED and
// settled in one transaction (domain/notifications), so a notice goes out once however many
// processes run, and a timer stored before a restart fires after it.
import type { Logger } from '../shared/logger.ts'
import { msUntilNextNotice, sendDueNotice, type NoticeOutcome, type SendDeps } from '../domain/notifications/notifications.usecases.ts'
import { JobLoop } from './job-loop.ts'

export class NotificationWorker {
  private loop: JobLoop
  private listeners = new Set<(o: NoticeOutcome) => void>()

  constructor(private deps: SendDeps & { log: Logger; pollMs?: number }) {
    this.loop = new JobLoop({
      log: deps.log,
      name: 'notifications',
      failure: 'notifications: a due notice failed',
      // Other processes' timers are found by polling: they are rarely due to the second.
      pollMs: deps.pollMs ?? 5_000,
      step: async () => {
        const outcome = await sendDueNotice(this.deps)
        if (outcome) for (const fn of this.listeners) fn(outcome)
        return outcome !== null
      },
      msUntilNext: () => msUntilNextNotice(this.deps),
    })
  }

  start(): void {
    this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** A timer was stored: look at when it is due rather than at the next poll. */
  wake(): void {
    this.loop.wake()
  }

  /** Every notice this process settled (sent, or dropped with the reason). */
  onSettled(fn: (o: NoticeOutcome) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }
}

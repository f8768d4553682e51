// The channel's one background loop: stored webhook deliveries first (so a reply is never sent
// before the message it answers is shown), then queued replies. Rows are claimed with FOR UPDATE
// SKIP LOCKED, so any number of Parley processes share the work and none takes a row twice; a row
// whose processing fails is retried with back-off, and one a process died on is simply due again.
import type { Logger } from '../../shared/logger.ts'
import { JobLoop } from '../../jobs/job-loop.ts'
import { processDelivery, type InboundDeps } from './inbound.usecases.ts'
import { sendOne, type OutboundDeps, type Settled } from './outbound.usecases.ts'
import * as repo from './messenger.repo.ts'

export type WorkerDeps = InboundDeps & OutboundDeps & { log: Logger; pollMs?: number }

export class MessengerWorker {
  private loop: JobLoop

  constructor(
    private deps: WorkerDeps,
    private onSettled: (s: Settled) => void,
  ) {
    this.loop = new JobLoop({
      log: deps.log,
      name: 'messenger',
      failure: 'messenger: background work failed unexpectedly',
      pollMs: deps.pollMs ?? 2000,
      step: async () => (await this.processOne()) || (await this.sendNext()),
      msUntilNext: () => repo.msUntilNextDue(this.deps.sql),
    })
  }

  start(): void {
    this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  kick(): void {
    this.loop.wake()
  }

  /** Processes one stored delivery. False when none was due. */
  async processOne(): Promise<boolean> {
    return this.deps.sql.begin(async (tx) => {
      const row = await repo.claimInbox(tx)
      if (!row) return false
      try {
        await processDelivery(this.deps, row.body, row.pageId)
        await repo.deleteInbox(tx, row.id)
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e)
        const delay = this.deps.retryDelaysMs[row.attempts]
        await repo.retryInbox(tx, row.id, error.slice(0, 1000), delay ?? null)
        this.deps.log.warn('messenger: a webhook delivery could not be processed', { id: row.id, attempt: row.attempts + 1, error, again: delay !== undefined })
      }
      return true
    })
  }

  private async sendNext(): Promise<boolean> {
    const s = await sendOne(this.deps)
    if (s === false) return false
    if (s) this.onSettled(s)
    return true
  }
}

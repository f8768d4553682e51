// Watches the embedded PostgreSQL and starts it again when its postmaster dies (killed, OOM,
// crashed). The pools need nothing from here: the cluster comes back on the same port, and
// postgres.js connects again on the next query. While it is down, queries fail at once
// (connection refused), so requests are answered "not stored, retry" rather than kept waiting.
import type { Logger } from '../shared/logger.ts'

export interface Supervised {
  alive(): boolean
  restart(): Promise<void>
}

export interface SupervisorOptions {
  log: Logger
  /** How often the postmaster is looked at. */
  everyMs?: number
  /** Waits between failed restarts; the last one repeats. */
  backoffMs?: number[]
  /** Hears every change: false when the postmaster is found dead, true once it runs again. */
  onChange?: (up: boolean) => void
}

export class Supervisor {
  private timer: ReturnType<typeof setTimeout> | null = null
  private stopped = false
  private restarting: Promise<void> | null = null
  up = true

  constructor(
    private readonly cluster: Supervised,
    private readonly opts: SupervisorOptions,
  ) {}

  start(): void {
    this.stopped = false
    this.schedule()
  }

  /** Stops watching, and waits for a restart under way (so shutdown does not race it). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.restarting
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.check(), this.opts.everyMs ?? 200)
    // Watching alone never keeps the process running.
    this.timer.unref?.()
  }

  private check(): void {
    this.timer = null
    if (this.stopped) return
    if (this.cluster.alive()) {
      this.schedule()
      return
    }
    this.restarting = this.recover().finally(() => {
      this.restarting = null
      this.schedule()
    })
  }

  private async recover(): Promise<void> {
    const { log } = this.opts
    this.set(false)
    const t0 = performance.now()
    log.error('embedded PostgreSQL stopped unexpectedly; restarting it')
    const backoff = this.opts.backoffMs ?? [100, 250, 500, 1000, 2000, 5000]
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.cluster.restart()
        this.set(true)
        log.info('embedded PostgreSQL restarted', { attempt, ms: Math.round(performance.now() - t0) })
        return
      } catch (error) {
        const wait = backoff[Math.min(attempt - 1, backoff.length - 1)]!
        log.warn('embedded PostgreSQL did not restart; trying again', { attempt, inMs: wait, error })
        await Bun.sleep(wait)
      }
    }
  }

  private set(up: boolean): void {
    if (this.up === up) return
    this.up = up
    this.opts.onChange?.(up)
  }
}

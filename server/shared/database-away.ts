// How background work says that the database is away (PostgreSQL restarting, failing over, full):
// once when it goes, as a warning without a stack, and once when it is back, however many tries
// fail in between. Any other failure is left to the caller, to log as the fault it is.
import { isDatabaseUnavailable } from './errors.ts'
import type { Logger } from './logger.ts'

export class DatabaseAwayLog {
  /** When this work found the database away (0: it has not, or it is back). */
  private since = 0

  /** `name` begins each line ("outbox: …"); `retry` says how it tries again ("trying again every 2 s"). */
  constructor(
    private readonly log: Logger,
    private readonly name: string,
    private readonly retry = 'trying again',
  ) {}

  /** True when `error` is the database being away (said once per outage); false for anything else. */
  failed(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false
    if (!this.since) {
      this.since = Date.now()
      this.log.warn(`${this.name}: the database is unavailable; ${this.retry}`, { code: (error as { code?: unknown }).code })
    }
    return true
  }

  /** The work went through: says so when the database had been away. */
  ok(): void {
    if (!this.since) return
    this.log.info(`${this.name}: the database is back; working again`, { awaySeconds: Math.round((Date.now() - this.since) / 100) / 10 })
    this.since = 0
  }

  /** Whether the database is away for this work right now. */
  get away(): boolean {
    return this.since !== 0
  }
}

/**
 * Runs `write` until it is stored: while it fails because the database is away it is tried again
 * after 1 s, 2 s, 4 s … at most 30 s apart (`firstMs`, `maxMs` for tests), for as long as the
 * process lives; any other failure is thrown. For a change that must not be lost with the moment
 * it happened in and that no client will send again: a socket's close, whose connection count
 * would otherwise stay up and show the visitor or agent online for good.
 */
export async function untilStored<T>(write: () => Promise<T>, opts: { firstMs?: number; maxMs?: number } = {}): Promise<T> {
  let wait = opts.firstMs ?? 1_000
  for (;;) {
    try {
      return await write()
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error
      await new Promise((done) => setTimeout(done, wait))
      wait = Math.min(wait * 2, opts.maxMs ?? 30_000)
    }
  }
}


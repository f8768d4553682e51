// The widget's doors are open to anyone, so each is limited per visitor and per IP address
// (LIMIT_* in config.ts). The buckets live in this process's memory: the check costs no database
// round trip, which keeps it off the chat path's cost. With N processes behind a balancer a
// visitor may get up to N times a limit (each process counts alone); the defaults leave room for
// that, and docs/security.md says so.
import type { LimitsEnv } from '../config.ts'
import { AppError } from '../shared/errors.ts'
import { OpenCounter, RateLimiter } from '../shared/rate-limit.ts'

/**
 * `updates`: what a visitor's page tells about them or asks to change (name and site info, identify,
 * group, rating): each writes and tells every dashboard. `signals`: a widget socket's other frames
 * that reach the database or the dashboards (typing, delivered, resume).
 */
export type Door = 'messages' | 'visitors' | 'pageViews' | 'contacts' | 'recordingChunks' | 'updates' | 'signals'

const WHAT: Record<Door, string> = {
  messages: 'messages',
  visitors: 'new visitors',
  pageViews: 'page views',
  contacts: 'contact forms',
  recordingChunks: 'recording chunks',
  updates: 'visitor updates',
  signals: 'socket frames',
}

/** How long a client refused a socket is told to wait before it tries again. */
const SOCKET_RETRY_SECONDS = 30

export class RateLimitedError extends AppError {
  constructor(
    door: string,
    readonly retryAfter: number,
  ) {
    super('rate.limited', 429, `too many ${door}; try again in ${retryAfter} s`, { retryAfter })
  }
}

/** The refusal at `door`: "too many page views; try again in 4 s". */
export const refusedAt = (door: Door, retryAfter: number): RateLimitedError => new RateLimitedError(WHAT[door], retryAfter)

export class WidgetLimits {
  private readonly perVisitor: Partial<Record<Door, RateLimiter>>
  // Recording chunks are limited per visitor only: their IP's other visitors are each limited.
  private readonly perIp: Partial<Record<Door, RateLimiter>>
  readonly sockets: OpenCounter

  constructor(env: LimitsEnv) {
    const limiter = (r: { burst: number; seconds: number }) => new RateLimiter(r, env.maxKeys)
    this.perVisitor = {
      messages: limiter(env.messagesPerVisitor),
      pageViews: limiter(env.pageViewsPerVisitor),
      contacts: limiter(env.contactsPerVisitor),
      recordingChunks: limiter(env.recordingChunksPerVisitor),
      updates: limiter(env.updatesPerVisitor),
      signals: limiter(env.signalsPerVisitor),
    }
    this.perIp = {
      messages: limiter(env.messagesPerIp),
      visitors: limiter(env.visitorsPerIp),
      pageViews: limiter(env.pageViewsPerIp),
      contacts: limiter(env.contactsPerIp),
      updates: limiter(env.updatesPerIp),
      signals: limiter(env.signalsPerIp),
    }
    this.sockets = new OpenCounter(env.socketsPerIp)
  }

  /**
   * Takes one request at `door` for this visitor and IP: 0 when allowed, else the seconds to
   * wait. A request refused by the IP's bucket has already used the visitor's token; both refill.
   */
  wait(door: Door, ip: string, visitorId: string | null): number {
    const v = visitorId === null ? 0 : (this.perVisitor[door]?.take(visitorId) ?? 0)
    if (v > 0) return v
    return this.perIp[door]?.take(ip) ?? 0
  }

  /** As `wait`, but throws the 429 (`rate.limited`, with `retryAfter`) when over a limit. */
  check(door: Door, ip: string, visitorId: string | null): void {
    const retryAfter = this.wait(door, ip, visitorId)
    if (retryAfter > 0) throw refusedAt(door, retryAfter)
  }

  /** Counts a socket from `ip` or throws the 429 past the limit; `release` when it closes. */
  openSocket(ip: string): void {
    if (!this.sockets.acquire(ip)) throw new RateLimitedError('open connections from this address', SOCKET_RETRY_SECONDS)
  }

  /** Keys remembered, across all buckets (what a flood of fresh keys could grow). */
  get size(): number {
    let n = 0
    for (const l of [...Object.values(this.perVisitor), ...Object.values(this.perIp)]) n += l.size
    return n
  }
}

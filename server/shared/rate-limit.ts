// Token buckets in memory, one per key (a visitor, an IP address), for the public doors.
//
// A bucket holds up to `burst` tokens and gains `burst / seconds` tokens a second; each request
// takes one. Taking is O(1): one Map lookup and a little arithmetic, no I/O, so it can sit on the
// chat path. The map is bounded: a key that would be full again forgets nothing by being dropped,
// so idle keys are swept away, and past `maxKeys` the least recently used key goes first (a key
// that is being limited right now is the most recently used one, so rotating through fresh keys
// cannot reset it; it only evicts idle visitors, whose buckets start full again anyway).

export interface Rate {
  /** Requests allowed at once (the bucket's size). */
  burst: number
  /** Time in which a drained bucket fills up again. */
  seconds: number
}

interface Bucket {
  tokens: number
  at: number
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>()
  private readonly perMs: number
  private readonly fullAfterMs: number
  private nextSweep = 0

  constructor(
    readonly rate: Rate,
    private readonly maxKeys: number,
  ) {
    this.perMs = rate.burst / (rate.seconds * 1000)
    this.fullAfterMs = rate.seconds * 1000
  }

  get size(): number {
    return this.buckets.size
  }

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait before trying again. */
  take(key: string, now: number = Date.now()): number {
    let b = this.buckets.get(key)
    if (b) {
      b.tokens = Math.min(this.rate.burst, b.tokens + (now - b.at) * this.perMs)
      b.at = now
      // Re-insert: the Map's order is then the order of last use, oldest first.
      this.buckets.delete(key)
      this.buckets.set(key, b)
    } else {
      this.sweep(now)
      b = { tokens: this.rate.burst, at: now }
      this.buckets.set(key, b)
    }
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000))
  }

  /** Drops buckets that are full again (idle keys), and the least recently used past `maxKeys`. */
  private sweep(now: number): void {
    if (now >= this.nextSweep) {
      this.nextSweep = now + Math.min(this.fullAfterMs, 60_000)
      for (const [key, b] of this.buckets) {
        // Oldest first: once one is still filling, every later one was used more recently.
        if (now - b.at < this.fullAfterMs) break
        this.buckets.delete(key)
      }
    }
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value
      if (oldest === undefined) break
      this.buckets.delete(oldest)
    }
  }
}

/**
 * Counts what is open per key (sockets per IP), refusing past `max`. Bounded by itself: a key
 * exists only while something of it is open.
 */
export class OpenCounter {
  private open = new Map<string, number>()

  constructor(readonly max: number) {}

  /** Counts one more for `key` unless it already has `max`. */
  acquire(key: string): boolean {
    const n = this.open.get(key) ?? 0
    if (n >= this.max) return false
    this.open.set(key, n + 1)
    return true
  }

  release(key: string): void {
    const n = this.open.get(key) ?? 0
    if (n <= 1) this.open.delete(key)
    else this.open.set(key, n - 1)
  }

  count(key: string): number {
    return this.open.get(key) ?? 0
  }
}

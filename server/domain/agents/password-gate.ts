// At most two argon2id computations at once, process-wide. Each holds 64 MiB while it runs (four
// concurrent sign-ins took the process from 135 to 263 MiB, issue #18), so a burst of sign-ins
// waits in a short first-come-first-served queue instead of ballooning memory. A full queue is
// answered at once with 503 and Retry-After: the client is told to come back, nothing is lost.
import { AppError } from '../../shared/errors.ts'

export const PASSWORD_CONCURRENCY = 2
/** Waiting verifications beyond the running ones; past it a request is refused, not queued. */
export const PASSWORD_QUEUE_LIMIT = 32
/** Seconds a refused client waits; one verification takes well under a second. */
export const PASSWORD_RETRY_AFTER = 1

export class PasswordGateFullError extends AppError {
  constructor() {
    super('auth.busy', 503, 'too many sign-ins at this moment; try again in a second', { retryAfter: PASSWORD_RETRY_AFTER })
  }
}

export class Semaphore {
  #running = 0
  #peak = 0
  readonly #waiting: (() => void)[] = []

  constructor(
    readonly limit: number,
    readonly queueLimit: number,
  ) {}

  /** Computations running now, waiting now, and the most that ever ran at once (for tests). */
  get running(): number {
    return this.#running
  }
  get waiting(): number {
    return this.#waiting.length
  }
  get peak(): number {
    return this.#peak
  }

  /** True when `run` would be refused now. */
  get full(): boolean {
    return this.#running >= this.limit && this.#waiting.length >= this.queueLimit
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) {
      if (this.#waiting.length >= this.queueLimit) throw new PasswordGateFullError()
      // The slot is handed over by the finishing task (below), so a newcomer cannot overtake.
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    } else {
      this.#running++
    }
    this.#peak = Math.max(this.#peak, this.#running)
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }

  resetPeak(): void {
    this.#peak = this.#running
  }
}

/** The one gate every Bun.password call of the process goes through. */
export const passwordGate = new Semaphore(PASSWORD_CONCURRENCY, PASSWORD_QUEUE_LIMIT)

/** argon2id's cost: memory in KiB and passes. Process-wide, like the gate. */
export interface PasswordHashing {
  memoryKiB: number
  timeCost: number
}
/** Bun's (and RFC 9106's second recommended) parameters: 64 MiB, 2 passes. */
export const DEFAULT_HASHING: PasswordHashing = { memoryKiB: 65_536, timeCost: 2 }
let hashing = DEFAULT_HASHING

/** Set once at start from the configuration (PASSWORD_HASH_MEMORY_MIB). */
export function useHashing(h: PasswordHashing): void {
  hashing = h
}

export function hashPassword(password: string): Promise<string> {
  return passwordGate.run(() => Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: hashing.memoryKiB, timeCost: hashing.timeCost }))
}

/**
 * True when a stored hash was made with other parameters than the configured ones (or another
 * algorithm): after a successful sign-in it is made again, so a changed setting reaches every
 * account as its owner next signs in.
 */
export function needsRehash(hash: string): boolean {
  const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash)
  return !m || Number(m[1]) !== hashing.memoryKiB || Number(m[2]) !== hashing.timeCost
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return passwordGate.run(() => Bun.password.verify(password, hash))
}

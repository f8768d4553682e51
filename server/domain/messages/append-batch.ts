// Group commit for visitors' messages. Under load, each message committing on its own costs
// PostgreSQL a statement, a transaction and a WAL flush per message, and that was the chat
// path's limit. Here the messages that arrive while one batch is in the database wait together
// and go in as ONE append statement (messages.repo.ts appendMessages, the statement every message
// takes). The batch is one transaction: each caller's promise resolves only after it committed,
// so an ack still means "stored".
//
// With nothing in flight a message goes at once (the next turn of the event loop), so a quiet
// server answers as fast as before; the busier it gets, the more each commit carries.
//
// Each message gets its exact answer from the statement itself: stored, a client id seen before
// (the original), or a conversation that is not this visitor's. A batch that fails as a whole (a
// concurrent retry of the same client id from another process, for one) is run again a message
// at a time, so only a message that fails alone fails its caller.
import type { Sql } from '../../db/client.ts'
import { isDatabaseUnavailable, isUniqueViolation } from '../../shared/errors.ts'
import { appendMessages } from './messages.repo.ts'
import type { AppendItem, AppendOutcome } from './messages.types.ts'

/**
 * Runs `work` (an append) once more when a concurrent retry of one of its client ids, from
 * another process or connection, committed first: the unique index refused the insert, and the
 * second run finds the original and answers it.
 */
export async function retryAfterRace<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    if (!isUniqueViolation(e, 'messages_client_id')) throw e
    return work()
  }
}

/** One message alone: a batch of one. */
export async function appendOne(sql: Sql, item: AppendItem): Promise<AppendOutcome> {
  return retryAfterRace(async () => (await appendMessages(sql, [item]))[0]!)
}

interface Waiting {
  item: AppendItem
  done: (r: AppendOutcome) => void
  fail: (error: unknown) => void
}

/**
 * Queues visitors' messages and stores them a batch at a time, on connections of its own: batches
 * never wait for a pool connection behind other queries, and those connections plan the
 * statement once (generic plan) instead of for every batch — planning was half of a small
 * batch's cost. Up to `lanes` batches are in the database at once, each taking the next messages
 * when its statement commits; lanes lock conversations in the same order, so they never deadlock.
 */
export class VisitorMessageBatcher {
  private queue: Waiting[] = []
  private running = 0
  /** Client ids of the messages in batches now in the database. */
  private inFlight = new Set<string>()
  private idleWaiters: (() => void)[] = []
  /** Statements run, messages they carried, statements that failed as a whole. */
  readonly stats = { batches: 0, messages: 0, failed: 0 }

  constructor(
    private sql: Sql,
    private onBatchError: (error: unknown, size: number) => void = () => {},
    private lanes = 1,
    /**
     * Under load (the last batch carried more than one message), a lane starts a batch at most
     * this often, so each carries more: a statement's fixed cost (start-up, commit) was most of
     * PostgreSQL's time when batches held about five messages. A lone message never waits.
     */
    private minIntervalMs = 2,
    private maxBatch = 256,
  ) {}

  /** Resolves once the message is committed (or found stored before, or its conversation missing). */
  append(item: AppendItem): Promise<AppendOutcome> {
    return new Promise((done, fail) => {
      this.queue.push({ item, done, fail })
      if (this.running < this.lanes) {
        this.running++
        // Messages read in this turn of the event loop join the same batch.
        setImmediate(() => void this.lane())
      }
    })
  }

  private async lane(): Promise<void> {
    try {
      for (;;) {
        const started = performance.now()
        const batch = this.take()
        if (batch.length === 0) break
        const keys = batch.map((w) => keyOf(w.item)).filter((k): k is string => k !== null)
        for (const k of keys) this.inFlight.add(k)
        this.stats.batches++
        this.stats.messages += batch.length
        try {
          const outcomes = await appendMessages(this.sql, batch.map((w) => w.item))
          batch.forEach((w, i) => w.done(outcomes[i]!))
        } catch (error) {
          this.stats.failed++
          if (isDatabaseUnavailable(error)) {
            // Not stored (or not known to be): every sender is told so at once and sends again
            // with the same client id, which is stored once. One by one, each would wait for the
            // pool's next connect attempt, and the lane with them.
            for (const w of batch) w.fail(error)
          } else {
            this.onBatchError(error, batch.length)
            for (const w of batch) await appendOne(this.sql, w.item).then(w.done, w.fail)
          }
        }
        for (const k of keys) this.inFlight.delete(k)
        const wait = started + this.minIntervalMs - performance.now()
        if (batch.length > 1 && wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
    } finally {
      this.running--
      // A message deferred behind one in flight, with no lane left to take it.
      if (this.queue.length > 0 && this.running === 0) {
        this.running++
        setImmediate(() => void this.lane())
      } else if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  /** Resolves when every queued message has been answered: for shutdown. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /**
   * The next batch, in arrival order. A message whose client id is already in this batch or in
   * one in the database (a retry that came while the first still waits) stays for a later batch,
   * where it is found as a duplicate.
   */
  private take(): Waiting[] {
    const batch: Waiting[] = []
    const rest: Waiting[] = []
    const keys = new Set<string>()
    for (const w of this.queue) {
      const key = keyOf(w.item)
      if (batch.length >= this.maxBatch || (key !== null && (keys.has(key) || this.inFlight.has(key)))) {
        rest.push(w)
        continue
      }
      if (key !== null) keys.add(key)
      batch.push(w)
    }
    this.queue = rest
    return batch
  }
}

const keyOf = (item: AppendItem): string | null => (item.clientId === null ? null : `${item.author.id} ${item.clientId}`)

// Webhook deliveries: every process runs this loop. A due delivery is claimed with SKIP LOCKED
// and stays locked while its receiver is called (bounded by the timeout), and the outcome is
// written in that transaction: two processes never send the same attempt, and a process that
// dies mid-call leaves the row queued for the next one (the receiver may then see it twice, with
// the same delivery id in X-Parley-Delivery to recognise it).
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import type { SecretBox } from '../shared/secrets.ts'
import {
  claimDueDelivery,
  deliveryFailed,
  deliverySent,
  msUntilNextDelivery,
  type DueDelivery,
} from '../domain/webhooks/webhooks.usecases.ts'
import { hostOf, privateAddressOf } from '../shared/ip.ts'
import { MAX_RESPONSE_BYTES, signature } from '../domain/webhooks/webhooks.rules.ts'
import { JobLoop } from './job-loop.ts'

export interface WebhookWorkerOptions {
  sql: Sql
  log: Logger
  secrets: SecretBox
  timeoutMs: number
  retryDelaysMs: number[]
  /** WEBHOOK_ALLOW_PRIVATE: else a receiver whose host resolves to a private address is not called. */
  allowPrivate: boolean
  pollMs?: number
}


export type Attempt = { delivery: DueDelivery; ok: true; status: number } | { delivery: DueDelivery; ok: false; status: number | null; error: string; final: boolean }

/** Reads at most `max` bytes of a body and drops the rest unread. */
async function startOf(res: Response, max: number): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < max) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8').replace(/\uFFFD+$/, '')
}

export class WebhookWorker {
  private loop: JobLoop
  private listeners = new Set<(a: Attempt) => void>()

  constructor(private o: WebhookWorkerOptions) {
    this.loop = new JobLoop({
      log: o.log,
      name: 'webhooks',
      failure: 'webhooks: a delivery failed unexpectedly',
      pollMs: o.pollMs ?? 2000,
      step: async () => {
        const attempt = await this.deliverOne()
        if (attempt) for (const fn of this.listeners) fn(attempt)
        return attempt !== null
      },
      msUntilNext: () => msUntilNextDelivery(this.o),
    })
  }

  start(): void {
    this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  wake(): void {
    this.loop.wake()
  }

  /** Every attempt this process made, after it was recorded. */
  onAttempt(fn: (a: Attempt) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Claims one due delivery and calls its receiver. Null when nothing was due. */
  async deliverOne(): Promise<Attempt | null> {
    return this.o.sql.begin(async (tx): Promise<Attempt | null> => {
      const d = await claimDueDelivery(this.o, tx)
      if (!d) return null
      let status: number | null = null
      let body: string | null = null
      let error: string
      try {
        const hit = this.o.allowPrivate ? null : await privateAddressOf(d.url)
        if (hit) throw new Error(`refused: ${hostOf(d.url)} is ${hit === hostOf(d.url) ? '' : `at ${hit}, `}on this machine or a private network (WEBHOOK_ALLOW_PRIVATE=true allows it)`)
        const res = await fetch(d.url, {
          method: 'POST',
          // A redirect is an answer, not a new place to send the body and its signature to.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.o.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Parley-Webhooks/1',
            'x-parley-event': d.event,
            'x-parley-delivery': d.id,
            'x-parley-signature': signature(d.secret, d.payload, Math.floor(Date.now() / 1000)),
          },
          body: d.payload,
        })
        status = res.status
        body = await startOf(res, MAX_RESPONSE_BYTES)
        if (res.status >= 200 && res.status < 300) {
          await deliverySent(tx, d.id, res.status, body)
          return { delivery: d, ok: true, status: res.status }
        }
        error = `the receiver answered ${res.status}`
      } catch (e) {
        const name = e instanceof Error ? e.name : ''
        error = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.o.timeoutMs / 1000} s` : e instanceof Error ? e.message : String(e)
      }
      const delay = this.o.retryDelaysMs[d.attempts]
      await deliveryFailed(tx, d.id, { status, body, error, retryInMs: delay ?? null })
      this.o.log.warn(delay === undefined ? 'webhooks: delivery failed for good' : 'webhooks: delivery failed; trying again later', {
        id: d.id,
        attempt: d.attempts + 1,
        error,
      })
      return { delivery: d, ok: false, status, error, final: delay === undefined }
    })
  }
}

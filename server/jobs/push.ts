// Web Push: every process runs this loop. A due push is claimed with SKIP LOCKED and stays locked
// while the push service is called (bounded by a timeout), and the outcome is written in that
// transaction, so two processes never send the same push and a queued one survives a restart.
// The payload is encrypted for the device (aes128gcm, RFC 8291) and the request signed with the
// installation's VAPID key (RFC 8292) by the `web-push` package; the request itself goes out with
// fetch, which (unlike web-push's own sender) also reaches a loopback http endpoint in tests.
import type * as WebPush from 'web-push'
import type { Sql } from '../db/client.ts'
import type { Logger } from '../shared/logger.ts'
import {
  claimDuePush,
  msUntilNextPush,
  pushFailed,
  pushSent,
  subscriptionGone,
  vapidKeys,
  type DuePush,
  type PushDeps,
} from '../domain/push/push.usecases.ts'
import { hostOf, privateAddressOf } from '../shared/ip.ts'
import { JobLoop } from './job-loop.ts'

export interface PushWorkerOptions extends PushDeps {
  log: Logger
  retryDelaysMs: number[]
  timeoutMs?: number
  pollMs?: number
}

export type PushAttempt =
  | { push: DuePush; outcome: 'sent'; status: number }
  | { push: DuePush; outcome: 'gone'; status: number }
  | { push: DuePush; outcome: 'failed'; status: number | null; error: string; final: boolean }

/** A notification that is not read within a day is not worth showing any more. */
const TTL_SECONDS = 24 * 3600

export class PushWorker {
  private loop: JobLoop
  private listeners = new Set<(a: PushAttempt) => void>()

  constructor(private o: PushWorkerOptions) {
    this.loop = new JobLoop({
      log: o.log,
      name: 'push',
      failure: 'push: a push failed unexpectedly',
      pollMs: o.pollMs ?? 2000,
      step: async () => {
        const attempt = await this.sendOne()
        if (attempt) for (const fn of this.listeners) fn(attempt)
        return attempt !== null
      },
      msUntilNext: () => msUntilNextPush(this.o),
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
  onAttempt(fn: (a: PushAttempt) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Claims one due push and sends it. Null when nothing was due. */
  async sendOne(): Promise<PushAttempt | null> {
    const vapid = await vapidKeys(this.o)
    const timeoutMs = this.o.timeoutMs ?? 10_000
    return this.o.sql.begin(async (tx): Promise<PushAttempt | null> => {
      const p = await claimDuePush(this.o, tx)
      if (!p) return null
      let status: number | null = null
      let error: string
      try {
        const hit = this.o.push.allowLoopbackHttp ? null : await privateAddressOf(p.endpoint)
        if (hit) throw new Error(`refused: the endpoint's host ${hostOf(p.endpoint)} is on this machine or a private network (${hit})`)
        // web-push (with its ASN.1 and big-number code) is loaded by the first push, not at start.
        const webPush = require('web-push') as typeof WebPush
        const req = webPush.generateRequestDetails({ endpoint: p.endpoint, keys: p.keys }, p.payload, {
          vapidDetails: vapid,
          TTL: TTL_SECONDS,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        })
        const res = await fetch(req.endpoint, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: new Uint8Array(req.body),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        })
        status = res.status
        const text = (await res.text().catch(() => '')).slice(0, 300)
        if (res.status >= 200 && res.status < 300) {
          await pushSent(tx, p, res.status)
          return { push: p, outcome: 'sent', status: res.status }
        }
        if (res.status === 404 || res.status === 410) {
          // The browser unsubscribed or the subscription expired: this device is gone for good.
          await subscriptionGone(tx, p.subscriptionId)
          this.o.log.info('push: the push service no longer knows a device; removed it', { subscription: p.subscriptionId, status: res.status })
          return { push: p, outcome: 'gone', status: res.status }
        }
        error = `the push service answered ${res.status}${text ? `: ${text}` : ''}`
      } catch (e) {
        const name = e instanceof Error ? e.name : ''
        error = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : e instanceof Error ? e.message : String(e)
      }
      const delay = this.o.retryDelaysMs[p.attempts]
      await pushFailed(tx, p.id, { status, error, retryInMs: delay ?? null })
      this.o.log.warn(delay === undefined ? 'push: failed for good' : 'push: failed; trying again later', { id: p.id, attempt: p.attempts + 1, error })
      return { push: p, outcome: 'failed', status, error, final: delay === undefined }
    })
  }
}

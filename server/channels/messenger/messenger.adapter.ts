// The Facebook Messenger channel. Inbound: Meta's webhook (messenger.routes.ts) stores verified
// deliveries in a durable inbox; the worker turns them into messages. Outbound: an agent's reply
// is queued and sent by the worker through the Send API; deliver() reports what became of it.
import type { ChannelAdapter, ChannelHttp, ChannelStatus, DeliveryReport, OutboundMessage } from '../channel.ts'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { isAppError } from '../../shared/errors.ts'
import { findMessage } from '../../domain/messages/messages.usecases.ts'
import { MessengerWorker } from './worker.ts'
import { alreadyOnMessenger, queueReply, sendOfMessage, type Settled } from './outbound.usecases.ts'
import { loadPages } from './settings.usecases.ts'
import { messengerRoutes } from './messenger.routes.ts'

export interface MessengerChannelDeps {
  sql: Sql
  bus: EventBus
  log: Logger
  secrets: SecretBox
  config: { publicUrl: string | null; messenger: { retryDelaysMs: number[] } }
}

export class MessengerChannelAdapter implements ChannelAdapter {
  readonly channel = 'messenger' as const
  readonly worker: MessengerWorker
  private waiters = new Map<string, ((s: Settled | null) => void)[]>()
  private stopped = false

  constructor(readonly deps: MessengerChannelDeps) {
    this.worker = new MessengerWorker({ ...deps, retryDelaysMs: deps.config.messenger.retryDelaysMs }, (s) => {
      for (const w of this.waiters.get(s.messageRowId) ?? []) w(s)
      this.waiters.delete(s.messageRowId)
    })
  }

  async start(): Promise<void> {
    this.stopped = false
    this.worker.start()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.worker.stop()
    // Replies still waiting for a retry stay queued in the database and go out after the restart.
    for (const [, ws] of this.waiters) for (const w of ws) w(null)
    this.waiters.clear()
  }

  reload(): void {
    this.worker.kick()
  }

  async status(): Promise<ChannelStatus> {
    const pages = await loadPages(this.deps)
    if (pages.length === 0) return { state: 'off', error: null }
    const named = (p: (typeof pages)[number]) => p.name ?? p.pageId
    const expired = pages.find((p) => p.state === 'expired')
    if (expired) return { state: 'failing', error: `${named(expired)}: the page access token has expired or was revoked (${expired.lastError ?? 'Meta error 190'})` }
    const failing = pages.find((p) => p.state === 'failing')
    if (failing) return { state: 'failing', error: `${named(failing)}: ${failing.lastError ?? 'Meta refused a request'}` }
    if (pages.some((p) => p.state === 'connected')) return { state: 'connected', error: null }
    return { state: 'configured', error: null }
  }

  routes(http: ChannelHttp) {
    return messengerRoutes(this, http)
  }

  async deliver(out: OutboundMessage): Promise<DeliveryReport> {
    // A reply typed in Meta's own inbox came back as an echo and is on Messenger already.
    if (await alreadyOnMessenger(this.deps, out.message.id)) return { status: 'sent' }
    try {
      const settled = this.settled(out.message.id)
      await queueReply(this.deps, out.message, out.conversation)
      this.worker.kick()
      return await this.outcome(out.message.id, settled)
    } catch (e) {
      // Nobody to send to until the person writes to the page: the same remedy as a closed window.
      if (isAppError(e) && e.code === 'messenger.no_contact') return { status: 'failed', error: null, code: 'messenger.window_closed' }
      return { status: 'failed', error: isAppError(e) ? e.message : e instanceof Error ? e.message : String(e) }
    } finally {
      this.waiters.delete(out.message.id)
    }
  }

  /** A failure as the message records it (the worker wrote code and detail when it settled), so nothing overwrites it with less. */
  private async failed(messageRowId: string, lastError: string | null): Promise<DeliveryReport> {
    const message = await findMessage({ sql: this.deps.sql }, messageRowId)
    if (message?.deliveryStatus === 'failed') return { status: 'failed', error: message.deliveryError, code: message.deliveryCode ?? 'other' }
    return { status: 'failed', error: lastError ?? 'not sent' }
  }

  /** Settled by this process's worker, or (checked every second) by another process's. */
  private async outcome(messageRowId: string, settled: Promise<Settled | null>): Promise<DeliveryReport> {
    while (!this.stopped) {
      const row = await sendOfMessage(this.deps, messageRowId)
      if (row?.status === 'sent') return { status: 'sent' }
      if (row?.status === 'failed') return this.failed(messageRowId, row.lastError)
      const s = await Promise.race([settled, Bun.sleep(1000).then(() => undefined)])
      if (s) return s.status === 'sent' ? { status: 'sent' } : { status: 'failed', error: s.detail, code: s.code }
      if (s === null) break
    }
    const row = await sendOfMessage(this.deps, messageRowId)
    if (row?.status === 'sent') return { status: 'sent' }
    if (row?.status === 'failed') return this.failed(messageRowId, row.lastError)
    return { status: 'failed', error: `not sent yet${row?.lastError ? ` (${row.lastError})` : ''}; it stays queued and is sent when Parley runs again` }
  }

  private settled(key: string): Promise<Settled | null> {
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? []
      list.push(resolve)
      this.waiters.set(key, list)
    })
  }
}

// Channels translate; the domain decides. An adapter turns its wire format into an
// InboundMessage and calls the domain's receiveInbound(); for an agent's reply it turns the
// OutboundMessage into the wire format and reports what became of it. Everything a channel needs
// lives in its folder (parsing, sending, threading, its own tables, its HTTP routes, its jobs);
// the rest of the server knows a channel only through this port.
import { Elysia, type AnyElysia } from 'elysia'
import type { Channel, ConversationView } from '../domain/conversations/conversations.types.ts'
import type { DeliveryCode, MessageResult, MessageView } from '../domain/messages/messages.types.ts'
import type { Actor } from '../domain/agents/agents.usecases.ts'
import type { Sql } from '../db/client.ts'
import type { EventBus } from '../events/bus.ts'
import { sharedChannelRoutes } from './shared/shared.routes.ts'

export interface OutboundMessage {
  message: MessageView
  conversation: ConversationView
}

/** A visitor's message as the widget sends it, over its socket or HTTP. */
export interface WidgetMessage {
  conversationId?: string | null
  body: string
  clientId: string
  /** The widget's UI language when it was written (en, cs, de, es, hu, pl): which stemming search uses. */
  language?: string | null
}

/** What the widget's endpoints (http/widget.ts, realtime/sockets.ts) hand visitors' messages to: the web channel. */
export interface WidgetInbox {
  receive(visitorId: string, m: WidgetMessage): Promise<MessageResult>
}

/** A failure's code is worded by the dashboard; error is the channel's own text, quoted after it. */
export type DeliveryReport = { status: 'sent' | 'delivered' } | { status: 'failed'; error: string | null; code?: DeliveryCode }

/** What the dashboard shows of a channel. */
export interface ChannelStatus {
  /**
   * off: not set up; configured: set up, no connection to speak of (or not made yet);
   * connected: talking to the outside world; failing: the last attempt failed (see error).
   */
  state: 'off' | 'configured' | 'connected' | 'failing'
  error: string | null
  /** When the channel last heard from the outside world (e-mail: the last IMAP check), if it polls. */
  checkedAt?: Date | null
}

/** What the HTTP layer lends a channel's routes, so a channel never imports http/. */
export interface ChannelHttp {
  /** The signed-in agent behind a request; throws the usual 401/403 otherwise. */
  requireAgent(request: Request): Promise<{ actor: Actor }>
  /** This server's URL for addresses shown to the owner (PUBLIC_URL, else what the request names). */
  baseUrl(request: Request): string
}

export interface ChannelAdapter {
  readonly channel: Channel
  /** Connect to the outside world (IMAP IDLE, webhooks…); resolves once ready. */
  start(): Promise<void>
  stop(): Promise<void>
  /** Sends an agent's reply over this channel. Must not throw: failures are reported. */
  deliver(out: OutboundMessage): Promise<DeliveryReport>
  /** The channel's own HTTP endpoints (settings, webhooks), or null when it has none. */
  routes(http: ChannelHttp): AnyElysia | null
  status(): Promise<ChannelStatus>
  /** The channel's settings changed: reconnect, look again at what waits to be sent. */
  reload(): void
}

export class ChannelRegistry {
  private adapters = new Map<Channel, ChannelAdapter>()

  constructor(private deps: { sql: Sql; bus: EventBus }) {}

  register(adapter: ChannelAdapter): void {
    if (this.adapters.has(adapter.channel)) throw new Error(`channel ${adapter.channel} registered twice`)
    this.adapters.set(adapter.channel, adapter)
  }

  get(channel: Channel): ChannelAdapter | undefined {
    return this.adapters.get(channel)
  }

  /** Every registered channel's routes, and those they share, as one plugin for the app to mount. */
  routes(http: ChannelHttp): AnyElysia {
    let plugin: AnyElysia = new Elysia().use(sharedChannelRoutes(this, this.deps, http))
    for (const a of this.adapters.values()) {
      const r = a.routes(http)
      if (r) plugin = plugin.use(r)
    }
    return plugin
  }

  async statuses(): Promise<Partial<Record<Channel, ChannelStatus>>> {
    const out: Partial<Record<Channel, ChannelStatus>> = {}
    for (const [channel, a] of this.adapters) out[channel] = await a.status()
    return out
  }

  async startAll(): Promise<void> {
    for (const a of this.adapters.values()) await a.start()
  }

  async stopAll(): Promise<void> {
    for (const a of this.adapters.values()) await a.stop().catch(() => {})
  }
}

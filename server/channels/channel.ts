// Channels translate; the domain decides. An adapter turns its wire format into an
// InboundMessage and calls the domain's receiveInbound(); for an agent's reply it turns the
// OutboundMessage into the wire format and reports what became of it. Adapters never write SQL.
import type { Channel, ConversationView } from '../domain/conversations/conversations.types.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'

export interface OutboundMessage {
  message: MessageView
  conversation: ConversationView
}

export type DeliveryReport = { status: 'sent' | 'delivered' } | { status: 'failed'; error: string }

export interface ChannelAdapter {
  readonly channel: Channel
  /** Connect to the outside world (IMAP IDLE, webhooks…); resolves once ready. */
  start(): Promise<void>
  stop(): Promise<void>
  /** Sends an agent's reply over this channel. Must not throw: failures are reported. */
  deliver(out: OutboundMessage): Promise<DeliveryReport>
}

export class ChannelRegistry {
  private adapters = new Map<Channel, ChannelAdapter>()

  register(adapter: ChannelAdapter): void {
    if (this.adapters.has(adapter.channel)) throw new Error(`channel ${adapter.channel} registered twice`)
    this.adapters.set(adapter.channel, adapter)
  }

  get(channel: Channel): ChannelAdapter | undefined {
    return this.adapters.get(channel)
  }

  async startAll(): Promise<void> {
    for (const a of this.adapters.values()) await a.start()
  }

  async stopAll(): Promise<void> {
    for (const a of this.adapters.values()) await a.stop().catch(() => {})
  }
}

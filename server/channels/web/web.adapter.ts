// The website chat. Inbound: a widget frame (socket or HTTP) becomes an InboundMessage.
// Outbound: the realtime fan-out has already pushed the reply to every live tab of the visitor,
// on every process (through LISTEN/NOTIFY), and a tab that was offline fetches it by sequence
// number when it resumes; so the wire step is done once the message is committed and published:
// the reply is "sent". The widget's `delivered` frame later marks it delivered.
import type { ChannelAdapter, ChannelStatus, DeliveryReport, OutboundMessage, WidgetInbox, WidgetMessage } from '../channel.ts'
import type { MessageDeps, MessageResult } from '../../domain/messages/messages.usecases.ts'
import { receiveInbound } from '../../domain/messages/messages.usecases.ts'

export class WebChannelAdapter implements ChannelAdapter, WidgetInbox {
  readonly channel = 'web' as const

  constructor(private deps: MessageDeps) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  // The widget's endpoints are the core of the product (http/widget.ts, realtime/), not settings
  // of a channel; the website chat is always on.
  routes(): null {
    return null
  }

  async status(): Promise<ChannelStatus> {
    return { state: 'connected', error: null }
  }

  reload(): void {}

  receive(visitorId: string, m: WidgetMessage): Promise<MessageResult> {
    return receiveInbound(this.deps, {
      channel: 'web',
      visitorId,
      conversationId: m.conversationId ?? null,
      body: m.body,
      clientId: m.clientId,
      language: m.language ?? null,
    })
  }

  async deliver(_out: OutboundMessage): Promise<DeliveryReport> {
    return { status: 'sent' }
  }
}

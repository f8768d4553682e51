// What the composition root hands to the HTTP, realtime and listener layers.
import type { Config } from './config.ts'
import type { SecretBox } from './shared/secrets.ts'
import type { Sql } from './db/client.ts'
import type { EventBus } from './events/bus.ts'
import type { Logger } from './shared/logger.ts'
import type { Hub } from './realtime/hub.ts'
import type { ChannelRegistry, WidgetInbox } from './channels/channel.ts'
import type { AuthPolicy } from './domain/agents/agents.usecases.ts'
import type { FactSources } from './domain/visitors/visitors.usecases.ts'
import type { VisitorMessageBatcher } from './domain/messages/append-batch.ts'
import type { WidgetLimits } from './http/limits.ts'
import type { NotificationWorker } from './jobs/notifications.ts'
import type { WebhookWorker } from './jobs/webhooks.ts'
import type { PushWorker } from './jobs/push.ts'
import type { NotificationMailer } from './domain/notifications/notifications.types.ts'
import type { ServerMetrics } from './shared/metrics.ts'

export interface AppDeps {
  config: Config
  /** Seals and opens stored secrets (mail passwords, the identity secret). */
  secrets: SecretBox
  sql: Sql
  bus: EventBus
  log: Logger
  hub: Hub
  channels: ChannelRegistry
  /** The web channel, as the widget's endpoints see it. */
  web: WidgetInbox
  nodeId: string
  auth: AuthPolicy
  /** Location by IP and OS/browser by User-Agent, for the visitor card. */
  facts: FactSources
  /** Visitors' messages, stored a batch at a time (group commit). */
  visitorMessages: VisitorMessageBatcher
  /** Per-visitor and per-IP limits on the widget's doors (this process's share). */
  limits: WidgetLimits
  /** Whether Parley can send e-mail (SMTP set up): notifications and the widget's promises depend on it. */
  mail: NotificationMailer
  /** The notification timers' worker (tests watch what it settles). */
  notices: NotificationWorker
  /** The webhook deliveries' worker (the "send test" button wakes it). */
  webhooks: WebhookWorker
  /** Counters and histograms for /metrics. */
  metrics: ServerMetrics
  /** The Web Push queue's worker (the "test push" button wakes it; tests watch its attempts). */
  pushes: PushWorker
  /** Set once migrations have run; /healthz answers 503 before. */
  /** `database` is 'restarting' while the supervisor brings the embedded PostgreSQL back. */
  state: { migrated: boolean; database?: 'up' | 'restarting' }
}

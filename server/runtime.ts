// Wires Parley together: config → db → migrate → bus → channels → listeners → app.listen.
// main.ts runs it for real; tests run it against their own database on port 0.
import { ConfigError, type Config } from './config.ts'
import { createSql, type Sql } from './db/client.ts'
import { VisitorMessageBatcher } from './domain/messages/append-batch.ts'
import { migrate } from './db/migrate.ts'
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.ts'
import { Supervisor } from './db/supervisor.ts'
import { EventBus } from './events/bus.ts'
import { loadSecretBox } from './shared/secrets.ts'
import { resealIdentitySecret } from './domain/settings/settings.usecases.ts'
import { resealEmailSecrets } from './channels/email/settings.usecases.ts'
import { Hub } from './realtime/hub.ts'
import { WidgetLimits } from './http/limits.ts'
import { ChannelRegistry } from './channels/channel.ts'
import { WebChannelAdapter } from './channels/web/web.adapter.ts'
import { EmailChannelAdapter, emailCopyListener } from './channels/email/email.adapter.ts'
import { MessengerChannelAdapter } from './channels/messenger/messenger.adapter.ts'
import { resealMessengerSecrets } from './channels/messenger/settings.usecases.ts'
import { realtimeListener } from './listeners/realtime.ts'
import { blockingListener } from './listeners/blocking.ts'
import { deliveryListener } from './listeners/delivery.ts'
import { startCluster } from './listeners/cluster.ts'
import { startHeartbeat } from './jobs/heartbeat.ts'
import { startMaintenance } from './jobs/maintenance.ts'
import { startRecordingJobs } from './jobs/recordings.ts'
import { OutboxWorker } from './jobs/outbox.ts'
import { NotificationWorker } from './jobs/notifications.ts'
import { notificationsListener } from './listeners/notifications.ts'
import { WebhookWorker } from './jobs/webhooks.ts'
import { webhooksListener } from './listeners/webhooks.ts'
import { resealWebhookSecrets } from './domain/webhooks/webhooks.usecases.ts'
import { createApp } from './app.ts'
import type { AppDeps } from './deps.ts'
import type { Logger } from './shared/logger.ts'
import { newId } from './shared/ids.ts'
import { createOwner, setupNeeded } from './domain/agents/agents.usecases.ts'
import { isAppError } from './shared/errors.ts'
import { GeoLocator } from './facts/geo.ts'
import { parseUserAgent } from './facts/useragent.ts'

export interface Running {
  deps: AppDeps
  url: string
  port: number
  embedded: EmbeddedPostgresHandle | null
  stop(): Promise<void>
}

export async function startParley(config: Config, log: Logger): Promise<Running> {
  let embedded: EmbeddedPostgresHandle | null = null
  let databaseUrl = config.databaseUrl
  if (!databaseUrl) {
    const t0 = performance.now()
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log })
    databaseUrl = embedded.url
    log.info(embedded.adopted ? 'embedded PostgreSQL adopted' : 'embedded PostgreSQL started', { port: embedded.port, dir: embedded.dir, ms: Math.round(performance.now() - t0) })
  }
  let supervisor: Supervisor | null = null
  let sql: Sql | null = null
  let batchSql: Sql | null = null
  const cleanup: (() => Promise<void>)[] = []
  try {
    sql = createSql(databaseUrl)
    const state: AppDeps['state'] = { migrated: false, database: 'up' }
    const result = await migrate(sql)
    state.migrated = true
    if (result.applied.length) log.info('migrations applied', { applied: result.applied, current: result.current })
    const secrets = loadSecretBox({ secretKey: config.secretKey, previousKeys: config.previousSecretKeys, dataDir: config.dataDir })
    // Nothing readable back stays in the clear, nor under a key being rotated out.
    const resealed =
      [await resealIdentitySecret({ sql, secrets }), await resealEmailSecrets({ sql, secrets }), await resealMessengerSecrets({ sql, secrets })].filter(Boolean).length +
      (await resealWebhookSecrets({ sql, secrets }))
    if (resealed) log.info('stored secrets sealed with the current key', { count: resealed })

    const bus = new EventBus(log)
    const hub = new Hub(sql, log)
    const nodeId = newId()
    const auth = {
      sessionDays: config.sessionDays,
      loginMaxFailuresPerEmail: config.loginMaxFailuresPerEmail,
      loginMaxFailuresPerIp: config.loginMaxFailuresPerIp,
      loginWindowSeconds: config.loginWindowSeconds,
    }
    // Two batches in the database at once: one fills while the other commits.
    const lanes = 2
    batchSql = createSql(databaseUrl, { max: lanes, applicationName: 'parley-messages', genericPlans: true })
    const visitorMessages = new VisitorMessageBatcher(
      batchSql,
      (error, size) => log.warn('a batch of visitor messages failed as a whole; storing them one by one', { size, error }),
      lanes,
    )
    const web = new WebChannelAdapter({ sql, bus, visitorMessages })
    const channels = new ChannelRegistry({ sql, bus })
    channels.register(web)
    const outbox = new OutboxWorker({ sql, log, retryDelaysMs: config.email.retryDelaysMs })
    const email = new EmailChannelAdapter({ sql, bus, log, config, outbox, secrets })
    channels.register(email)
    // E-mail is the one channel that sends mail: the outbox sends every mail through it.
    outbox.useSender(email.sender())
    channels.register(new MessengerChannelAdapter({ sql, bus, log, secrets, config }))
    const geo = new GeoLocator()
    const facts = { locate: (ip: string) => geo.locate(ip), parseUserAgent }
    const mailer = email.notificationMailer()
    const notices = new NotificationWorker({ sql, bus, log, mailer, publicUrl: config.publicUrl })
    const webhooks = new WebhookWorker({ sql, log, secrets, ...config.webhooks })
    const deps: AppDeps = {
      config, secrets, sql, bus, log, hub, channels, web, nodeId, auth, state, facts, visitorMessages,
      limits: new WidgetLimits(config.limits), mail: mailer, notices, webhooks,
    }

    if (embedded) {
      supervisor = new Supervisor(embedded, { log, onChange: (up) => (state.database = up ? 'up' : 'restarting') })
      supervisor.start()
    }

    realtimeListener(bus, hub, sql)
    blockingListener(bus, hub)
    deliveryListener(bus, channels, deps, log)
    emailCopyListener(bus, email, { sql, bus })
    notificationsListener(bus, { sql, ...config.notifications, wake: () => notices.wake() })
    webhooksListener(bus, { sql, wake: () => webhooks.wake() })
    // The heartbeat registers this process first: the cluster relay looks for the others.
    const heartbeat = await startHeartbeat(sql, nodeId, log)
    cleanup.push(() => heartbeat.stop())
    const cluster = await startCluster({ sql, bus, hub, nodeId, log })
    cleanup.push(() => cluster.stop())
    const maintenance = startMaintenance(sql, log, config.loginWindowSeconds)
    cleanup.push(async () => maintenance.stop())
    const recordingJobs = startRecordingJobs(sql, log)
    cleanup.push(async () => recordingJobs.stop())
    await channels.startAll()
    cleanup.push(() => channels.stopAll())
    outbox.start()
    cleanup.push(() => outbox.stop())
    notices.start()
    cleanup.push(() => notices.stop())
    webhooks.start()
    cleanup.push(() => webhooks.stop())

    if (config.ownerEmail && config.ownerPassword && (await setupNeeded(deps))) {
      try {
        await createOwner(deps, { email: config.ownerEmail, password: config.ownerPassword, name: config.ownerName })
        log.info('owner account created from PARLEY_OWNER_EMAIL', { email: config.ownerEmail })
      } catch (e) {
        if (isAppError(e) && e.code === 'request.weak_password') throw new ConfigError('PARLEY_OWNER_PASSWORD', e.message)
        if (!(isAppError(e) && e.code === 'setup.done')) throw e
      }
    }

    const app = createApp(deps).listen({ hostname: config.host, port: config.port })
    const server = app.server!
    hub.attach(server)
    const port = server.port!
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
    const db = sql
    const batchDb = batchSql
    let stopped: Promise<void> | null = null
    return {
      deps,
      url,
      port,
      embedded,
      stop() {
        stopped ??= (async () => {
          // Shutdown is bounded (SIGTERM ends the process within about 2 s): background work (a
          // mail being sent, a mailbox read, listeners still running) gets a second, then the
          // connections are closed under whatever still waits; unsent mail stays queued in the
          // database, and what the sockets had not acked was never promised.
          await supervisor?.stop()
          await app.stop(true)
          hub.stop()
          const settle = (async () => {
            for (const c of cleanup.reverse()) await c().catch((error) => log.warn('shutdown step failed', { error }))
            await visitorMessages.idle()
            await bus.drain()
          })().catch((error) => log.warn('shutdown step failed', { error }))
          let late: ReturnType<typeof setTimeout> | undefined
          const timedOut = await Promise.race([settle.then(() => false), new Promise<boolean>((r) => (late = setTimeout(() => r(true), 1_000)))])
          clearTimeout(late)
          if (timedOut) log.warn('shutdown: background work did not finish within 1 s; closing the database connections under it')
          await Promise.all([batchDb.end({ timeout: 1 }), db.end({ timeout: 1 })])
          if (embedded) await embedded.stop()
        })()
        return stopped
      },
    }
  } catch (e) {
    await supervisor?.stop()
    for (const c of cleanup.reverse()) await c().catch(() => {})
    if (batchSql) await batchSql.end({ timeout: 1 }).catch(() => {})
    if (sql) await sql.end({ timeout: 1 }).catch(() => {})
    if (embedded) await embedded.stop().catch(() => {})
    throw e
  }
}

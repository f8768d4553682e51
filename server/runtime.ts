// Wires Parley together: config → db → migrate → bus → channels → listeners → app.listen.
// main.ts runs it for real; tests run it against their own database on port 0.
import { ConfigError, DEFAULT_OWNER_NAME, type Config } from './config.ts'
import { createSql, type Sql, type SqlOptions } from './db/client.ts'
import { listenOn } from './db/listen.ts'
import { VisitorMessageBatcher } from './domain/messages/append-batch.ts'
import { migrate } from './db/migrate.ts'
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.ts'
import { Supervisor } from './db/supervisor.ts'
import { EventBus } from './events/bus.ts'
import { loadSecretBox } from './shared/secrets.ts'
import { resealIdentitySecret } from './domain/settings/settings.usecases.ts'
import { useHashing } from './domain/agents/password-gate.ts'
import { resealEmailSecrets } from './channels/email/settings.usecases.ts'
import { Hub } from './realtime/hub.ts'
import { WidgetLimits } from './http/limits.ts'
import { ChannelRegistry, type ChannelStatus } from './channels/channel.ts'
import { WebChannelAdapter } from './channels/web/web.adapter.ts'
import { EmailChannelAdapter, emailCopyListener } from './channels/email/email.adapter.ts'
import { MessengerChannelAdapter } from './channels/messenger/messenger.adapter.ts'
import { resealMessengerSecrets } from './channels/messenger/settings.usecases.ts'
import { realtimeListener } from './listeners/realtime.ts'
import { metricsListener } from './listeners/metrics.ts'
import { serverMetrics, type Metrics } from './shared/metrics.ts'
import { queueStats } from './jobs/queues.ts'
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
import { teamListener } from './listeners/team.ts' // #16 notes and mentions
import { resealWebhookSecrets } from './domain/webhooks/webhooks.usecases.ts'
import { PushWorker } from './jobs/push.ts'
import { pushListener } from './listeners/push.ts'
import { resealPushSecrets } from './domain/push/push.usecases.ts'
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
  /** Milliseconds each step of the start took, in order (logged with "Parley is listening"). */
  startup: Record<string, number>
  stop(): Promise<void>
}

/** Times consecutive steps: lap(name) records the time since the previous lap (or the start). */
function stepTimer() {
  const steps: Record<string, number> = {}
  let last = performance.now()
  return {
    steps,
    lap(name: string) {
      const now = performance.now()
      steps[name] = Math.round(now - last)
      last = now
    },
  }
}

/** How long after Parley starts answering its queue workers start (see startParley). */
const WORKERS_START_AFTER_MS = 500

export interface StartOptions {
  /** The embedded PostgreSQL's start, begun by the caller before loading this module (main.ts). */
  embedded?: Promise<EmbeddedPostgresHandle>
}

export async function startParley(config: Config, log: Logger, opts: StartOptions = {}): Promise<Running> {
  useHashing(config.passwordHashing)
  const timer = stepTimer()
  let embedded: EmbeddedPostgresHandle | null = null
  let databaseUrl = config.databaseUrl
  if (!databaseUrl) {
    embedded = await (opts.embedded ?? startEmbeddedPostgres({ dataDir: config.dataDir, log, avoidPorts: [config.port] }))
    databaseUrl = embedded.socketUrl
    log.info(embedded.adopted ? 'embedded PostgreSQL adopted' : 'embedded PostgreSQL started', { port: embedded.port, dir: embedded.dir })
    timer.lap('postgres') // with main.ts, only what was left to wait for once the code had loaded
  }
  let supervisor: Supervisor | null = null
  // Every connection pool opened here, closed together at the stop (or when the start fails).
  const pools: Sql[] = []
  const dbUrl = databaseUrl
  const openPool = (opts?: SqlOptions): Sql => {
    const pool = createSql(dbUrl, opts)
    pools.push(pool)
    return pool
  }
  const endPools = () => Promise.all(pools.map((pool) => pool.end({ timeout: 1 }).catch(() => {})))
  const cleanup: (() => Promise<void>)[] = []
  try {
    const sql = openPool()
    const state: AppDeps['state'] = { migrated: false, database: 'up' }
    const result = await migrate(sql)
    state.migrated = true
    timer.lap('migrate')
    if (result.applied.length) log.info('migrations applied', { applied: result.applied, current: result.current })
    // New tables and indexes leave megabytes of dirty pages that a stop soon after (an upgrade
    // tried and rolled back, a container stopped right after its first start) would have to write
    // in its shutdown checkpoint; written now, in the background, the stop stays within 2 s.
    if (result.applied.length && embedded) sql`checkpoint`.catch(() => {})
    const secrets = loadSecretBox({ secretKey: config.secretKey, previousKeys: config.previousSecretKeys, dataDir: config.dataDir })
    // Nothing readable back stays in the clear, nor under a key being rotated out.
    const resealed =
      [await resealIdentitySecret({ sql, secrets }), await resealEmailSecrets({ sql, secrets }), await resealMessengerSecrets({ sql, secrets })].filter(Boolean).length +
      (await resealWebhookSecrets({ sql, secrets })) +
      (await resealPushSecrets({ sql, secrets }))
    if (resealed) log.info('stored secrets sealed with the current key', { count: resealed })
    timer.lap('secrets')

    const bus = new EventBus(log)
    const hub = new Hub(sql, log)
    const nodeId = newId()
    const auth = {
      sessionDays: config.sessionDays,
      loginMaxFailuresPerEmail: config.loginMaxFailuresPerEmail,
      loginMaxFailuresPerIp: config.loginMaxFailuresPerIp,
      loginWindowSeconds: config.loginWindowSeconds,
    }
    // One batch in the database at a time; the next fills while it commits. Two lanes (session 2)
    // ran two statements at once on the one core PostgreSQL shares with us, each carrying half as
    // many messages, and when both held a message of the same conversation the second waited for
    // the first's row lock: at 1,000 msg/s one lane costs PostgreSQL 27 % less CPU per message
    // and Parley 10 % less, with half the p50 (docs/benchmarks.md, session 24).
    const lanes = 1
    const batchSql = openPool({ max: lanes, applicationName: 'parley-messages', genericPlans: true })
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
    const geo = new GeoLocator(config.dataDir)
    const facts = { locate: (ip: string) => geo.locate(ip), parseUserAgent }
    const mailer = email.notificationMailer()
    const notices = new NotificationWorker({ sql, bus, log, mailer, publicUrl: config.publicUrl })
    const webhooks = new WebhookWorker({ sql, log, secrets, ...config.webhooks })
    const pushes = new PushWorker({ sql, log, secrets, push: config.push, publicUrl: config.publicUrl, retryDelaysMs: config.push.retryDelaysMs })
    const metrics = serverMetrics((gauge, error) => log.warn('a metric could not be read', { gauge, error }))
    const deps: AppDeps = {
      config, secrets, sql, bus, log, hub, channels, web, nodeId, auth, state, facts, visitorMessages,
      limits: new WidgetLimits(config.limits), mail: mailer, notices, webhooks, pushes, metrics,
    }
    registerGauges(metrics.registry, { sql, hub, channels, state })
    timer.lap('wire')

    if (embedded) {
      supervisor = new Supervisor(embedded, { log, onChange: (up) => (state.database = up ? 'up' : 'restarting') })
      supervisor.start()
    }

    realtimeListener(bus, hub, sql)
    metricsListener(bus, metrics)
    blockingListener(bus, hub)
    deliveryListener(bus, channels, deps, log)
    emailCopyListener(bus, email, { sql, bus })
    notificationsListener(bus, { sql, ...config.notifications, wake: () => notices.wake() })
    webhooksListener(bus, { sql, wake: () => webhooks.wake() })
    pushListener(bus, { sql, wake: () => pushes.wake() })
    teamListener(bus, hub) // #16 notes and mentions
    // The heartbeat registers this process first: the cluster relay looks for the others.
    const heartbeat = await startHeartbeat({ sql, bus, log }, nodeId, {
      onLapsed: () => {
        const { closed, windowMs } = hub.reconnectAll(config.restartWindowMaxMs)
        log.warn('heartbeat: this process could not beat for a while and may have been taken for dead; its sockets reconnect to be counted again', { sockets: closed, windowMs })
      },
    })
    cleanup.push(() => heartbeat.stop())
    // The relay's reads (listeners/cluster.ts): connected only once another process announces something.
    const relaySql = openPool({ max: 2, applicationName: 'parley-relay', genericPlans: true })
    const cluster = await startCluster({ sql, readSql: relaySql, listen: (channels, onNotify) => listenOn(databaseUrl, channels, onNotify), bus, hub, nodeId, log, reconnectWindowMaxMs: config.restartWindowMaxMs, catchUps: metrics.catchUps })
    cleanup.push(() => cluster.stop())
    timer.lap('cluster')
    if (config.ownerEmail && config.ownerPassword && (await setupNeeded(deps))) {
      try {
        await createOwner(deps, { email: config.ownerEmail, password: config.ownerPassword, name: config.ownerName ?? DEFAULT_OWNER_NAME })
        log.info('owner account created from PARLEY_OWNER_EMAIL', { email: config.ownerEmail })
      } catch (e) {
        if (isAppError(e) && e.code === 'request.weak_password') throw new ConfigError('PARLEY_OWNER_PASSWORD', e.message)
        if (!(isAppError(e) && e.code === 'setup.done')) throw e
      }
    }
    timer.lap('owner')
    const maintenance = startMaintenance(sql, log, config.loginWindowSeconds)
    cleanup.push(async () => maintenance.stop())
    const recordingJobs = startRecordingJobs(sql, log)
    cleanup.push(async () => recordingJobs.stop())
    await channels.startAll()
    cleanup.push(() => channels.stopAll())
    timer.lap('channels')

    const app = createApp(deps).listen({ hostname: config.host, port: config.port })
    const server = app.server!
    hub.attach(server)
    const port = server.port!
    timer.lap('listen')
    // The queue workers start a moment after Parley answers: their first rounds, all at once,
    // would take the pool's one open connection and make it open three more (PostgreSQL forks a
    // process for each, one at a time, 15–60 ms apiece here), and the first requests would wait
    // behind them. Work queued meanwhile waits that moment; nothing is lost.
    const workers = [outbox, notices, webhooks, pushes]
    for (const w of workers) cleanup.push(() => w.stop())
    const workersLater = setTimeout(() => workers.forEach((w) => w.start()), WORKERS_START_AFTER_MS)
    cleanup.push(async () => clearTimeout(workersLater))
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
    let stopped: Promise<void> | null = null
    return {
      deps,
      url,
      port,
      embedded,
      startup: timer.steps,
      stop() {
        stopped ??= (async () => {
          // Shutdown is bounded (SIGTERM ends the process within about 2 s): background work (a
          // mail being sent, a mailbox read, listeners still running) gets a second, then the
          // connections are closed under whatever still waits; unsent mail stays queued in the
          // database, and what the sockets had not acked was never promised.
          await supervisor?.stop()
          // Sockets first, widgets' and dashboards', with the reconnect hint (1012 and a window):
          // the close frames go out before the listener stops and cuts what is left.
          const { closed, windowMs } = hub.restartAll(config.restartWindowMaxMs)
          if (closed > 0) log.info('sockets told to reconnect', { sockets: closed, windowMs })
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
          await endPools()
          if (embedded) await embedded.stop()
        })()
        return stopped
      },
    }
  } catch (e) {
    await supervisor?.stop()
    for (const c of cleanup.reverse()) await c().catch(() => {})
    await endPools()
    if (embedded) await embedded.stop().catch(() => {})
    throw e
  }
}

/** The gauges /metrics reads when scraped: sockets, the process, the database, queues, channels. */
function registerGauges(registry: Metrics, src: { sql: Sql; hub: Hub; channels: ChannelRegistry; state: AppDeps['state'] }): void {
  registry.gauge('parley_connections', 'Open WebSocket connections by kind (agent: dashboards, visitor: widgets).', () => {
    const { agents, all } = src.hub.socketCounts()
    return [
      { labels: { kind: 'agent' }, value: agents },
      { labels: { kind: 'visitor' }, value: Math.max(0, all - agents) },
    ]
  })
  registry.gauge('parley_process_memory_bytes', "This process's memory (rss, heap_used).", () => {
    const m = process.memoryUsage()
    return [
      { labels: { kind: 'rss' }, value: m.rss },
      { labels: { kind: 'heap_used' }, value: m.heapUsed },
    ]
  })
  registry.gauge('parley_database_up', '1 while PostgreSQL answers, 0 while the embedded one is being restarted.', () => [
    { value: src.state.database === 'restarting' ? 0 : 1 },
  ])
  // Both queue gauges read one query's answer within a scrape.
  let read: { at: number; stats: ReturnType<typeof queueStats> } | null = null
  const queues = () => {
    if (!read || Date.now() - read.at > 1000) read = { at: Date.now(), stats: queueStats(src.sql) }
    return read.stats
  }
  registry.gauge('parley_queue_items', 'Items in the durable queues by status (queued, failed).', async () =>
    (await queues()).flatMap((q) => [
      { labels: { queue: q.queue, status: 'queued' }, value: q.queued },
      { labels: { queue: q.queue, status: 'failed' }, value: q.failed },
    ]),
  )
  registry.gauge('parley_queue_oldest_seconds', 'How long the oldest queued item of each queue has waited.', async () =>
    (await queues()).map((q) => ({ labels: { queue: q.queue }, value: q.oldestSeconds })),
  )
  // Both channel gauges read one round of the channels' status within a scrape.
  let statuses: { at: number; read: Promise<{ channel: (typeof CHANNELS)[number]; status: ChannelStatus | undefined }[]> } | null = null
  const channelStatuses = () => {
    if (!statuses || Date.now() - statuses.at > 1000) {
      statuses = { at: Date.now(), read: Promise.all(CHANNELS.map(async (channel) => ({ channel, status: await src.channels.get(channel)?.status() }))) }
    }
    return statuses.read
  }
  registry.gauge('parley_channel_up', 'Per channel: 1 when set up and working (connected or configured), 0 when failing or off.', async () =>
    (await channelStatuses()).map(({ channel, status }) => ({
      labels: { channel, state: status?.state ?? 'off' },
      value: status && (status.state === 'connected' || status.state === 'configured') ? 1 : 0,
    })),
  )
  registry.gauge('parley_channel_check_age_seconds', 'Seconds since a channel last heard from the outside world (e-mail: the last IMAP check).', async () =>
    (await channelStatuses()).flatMap(({ channel, status }) =>
      status?.checkedAt ? [{ labels: { channel }, value: Math.max(0, (Date.now() - status.checkedAt.getTime()) / 1000) }] : [],
    ),
  )
}

const CHANNELS = ['web', 'email', 'messenger'] as const


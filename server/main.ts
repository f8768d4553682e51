// The composition root: `npm start` runs this.
import { loadConfig, ConfigError } from './config.ts'
import { createLogger } from './shared/logger.ts'
import { MigrationError } from './db/migrate.ts'
import { startEmbeddedPostgres } from './db/embedded.ts'
import { isDatabaseUnavailable } from './shared/errors.ts'

let config
try {
  config = loadConfig()
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`parley: configuration error: ${e.message}`)
    process.exit(2)
  }
  throw e
}

const log = createLogger(config.logLevel)
/** The start's leftovers are released this long after Parley listens: its tail (the queue workers start at 0.5 s) is over. */
const SHRINK_AFTER_MS = 1_000

// postgres.js 3.4.9 can schedule a write on a connection whose socket has just closed (PostgreSQL
// killed while a background loop queried): its timer then throws "null is not an object
// (evaluating 'socket.write')" outside any promise, which would end the process. The socket is
// gone already and the query fails with CONNECTION_CLOSED on its own, so that one error is logged
// and survived; anything else uncaught still ends the process, as before. (The one path known to
// lead there, a cut transaction's ROLLBACK, is fixed in postgres.js itself: scripts/patch-deps.mjs,
// fault 5; this stays for any other.)
let stopping = false
// A query on a connection that PostgreSQL (killed, restarted by the supervisor) or the stop closed
// is rejected by postgres.js with CONNECTION_CLOSED, _ENDED or _DESTROYED, sometimes with nobody
// left to hear it (its promise already abandoned: seen in CI both during a stop with the
// postmaster dead, and while the supervisor restarted a killed postmaster, where it ended the
// process the restart was meant to keep). When the postmaster dies under a connection the socket
// can also be reset instead of closed, and the same abandoned query is rejected with the socket's
// own ECONNRESET (or EPIPE for a write): seen in CI, SIGTERM with the postmaster dead. When
// PostgreSQL ends the connections itself (an administrator's pg_terminate_backend, a fast shutdown
// or failover of an external server), such a query is rejected with its FATAL "terminating
// connection" (57P01): seen under load, db/terminated.test.ts. The query's work failed either way
// and the pools reconnect on their own, so such a rejection — whatever shared/errors.ts
// isDatabaseUnavailable calls the database being away, the rule the requests' 503 follows — is
// logged and survived; any other unhandled rejection still ends the process.
/** True (and logged) for a query lost with its database connection; the caller then goes on. */
const lostConnection = (error: unknown): boolean => {
  if (!isDatabaseUnavailable(error)) return false
  log.warn(stopping ? 'a database query was cut off by the stop' : 'a database query lost its connection, with nobody waiting for it', { error })
  return true
}
process.on('unhandledRejection', (error) => {
  if (lostConnection(error)) return
  log.error('unhandled rejection', { error })
  process.exit(1)
})
process.on('uncaughtException', (error) => {
  if (lostConnection(error)) return
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  // (In the binary every module is one bundled file under /$bunfs/, built with names kept.)
  if (error instanceof TypeError && /socket\.write/.test(error.message) && /postgres[\\/]src[\\/]connection\.js|\/\$bunfs\//.test(stack)) {
    log.warn('a write to a closed database connection was dropped', { error: error.message })
    return
  }
  log.error('uncaught exception', { error })
  process.exit(1)
})
// performance.now() counts from the process's start: what came before this line is loading the code.
const t0 = performance.now()
// The embedded PostgreSQL starts first, and the rest of Parley's code loads while it does (each
// takes a few hundred milliseconds, and they use different cores).
const embedded = config.databaseUrl ? undefined : startEmbeddedPostgres({ dataDir: config.dataDir, log, avoidPorts: [config.port] })
embedded?.catch(() => {}) // awaited, and reported, by startParley
// One turn of the event loop first, so the postmaster is spawned before the code below holds the thread.
await new Promise((resolve) => setImmediate(resolve))
let running
let code = 0
try {
  const { startParley } = await import('./runtime.ts').catch(async (e) => {
    // startParley stops the embedded PostgreSQL when it fails; without it, this does.
    await embedded?.then((pg) => pg.stop(), () => {})
    throw e
  })
  code = performance.now() - t0
  running = await startParley(config, log, { embedded })
} catch (e) {
  if (e instanceof MigrationError) console.error(`parley: migration error: ${e.message}`)
  else console.error(`parley: could not start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
log.info('Parley is listening', { url: running.url, ms: Math.round(performance.now()), steps: { load: Math.round(t0), code: Math.round(code), ...running.startup } })
// What only the start needed goes back to the system once it is over: the code JavaScriptCore
// compiled for it (the migrations' check, the routes' registration and their schemas, run hot
// enough to be optimised) and the memory freed since. Once, after the queue workers' first
// rounds; what runs later is compiled again as it runs. About 4 MiB of the ~67 at rest
// (docs/benchmarks.md, session 21). Bun marks `shrink` deprecated, so it is called only if there.
const shrinkLater = setTimeout(() => (Bun as { shrink?: () => void }).shrink?.(), SHRINK_AFTER_MS)
shrinkLater.unref()
if (!config.publicUrl && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
  log.warn('PUBLIC_URL is not set: the Origin check falls back to the Host header, which a client chooses; set PUBLIC_URL to the address people reach Parley at', { host: config.host })
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    // A backstop only: every step of stop() is bounded, and a healthy stop takes about a second.
    const force = setTimeout(() => {
      log.error('shutdown did not finish in 5 s; exiting anyway')
      process.exit(1)
    }, 5_000)
    try {
      await running.stop()
    } finally {
      clearTimeout(force)
      process.exit(0)
    }
  })
}

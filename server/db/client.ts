// The one postgres() factory. Columns come back camelCased (postgres.camel) so rows map onto
// TypeScript shapes directly.
import postgres from 'postgres'

export type Sql = postgres.Sql<{}>
export type TxSql = postgres.TransactionSql<{}>
/** Either the pool or a transaction: what repositories take. */
export type Db = Sql | TxSql

export interface SqlOptions {
  max?: number
  applicationName?: string
  /**
   * Plan each prepared statement once, for any parameters (plan_cache_mode=force_generic_plan):
   * for a connection that runs one statement shape all day, so planning stops costing per call.
   */
  genericPlans?: boolean
}

/**
 * What postgres.js needs to connect to `url`. A URL may name a Unix socket's folder as libpq's do,
 * `postgres://user:password@localhost:5432/db?host=/var/run/postgresql`: postgres.js reads no `host`
 * parameter (it would send it to the server as a setting, which refuses it), so it is taken out
 * here and given as the host, and postgres.js opens `<folder>/.s.PGSQL.<port>`.
 */
export function connectionOf(url: string): { url: string; host?: string } {
  const q = url.indexOf('?')
  if (q < 0) return { url }
  const params = new URLSearchParams(url.slice(q + 1))
  const host = params.get('host')
  if (host === null) return { url }
  params.delete('host')
  const rest = params.toString()
  return { url: url.slice(0, q) + (rest ? `?${rest}` : ''), ...(host ? { host } : {}) }
}

/** The longest wait, in seconds, before a pool tries to connect again after failed connects. */
export const MAX_RECONNECT_DELAY_S = 1

/**
 * Seconds a pool waits before its next connect after `failures` failed ones in a row (postgres.js
 * counts them for the whole pool): postgres.js's own curve, 0.5–1 × 3ⁿ/100 s, capped at
 * MAX_RECONNECT_DELAY_S instead of 20. With its 20 s, a PostgreSQL that was away for a few seconds
 * (a restart, a fail-over, the embedded cluster's supervisor starting it again) was answering
 * again for 0.5–11.5 s before Parley noticed, and every chat message in that time was refused.
 * A refused connect costs PostgreSQL next to nothing, so trying once a second is cheap.
 */
export function reconnectDelay(failures: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, MAX_RECONNECT_DELAY_S)
}

export function createSql(databaseUrl: string, opts: SqlOptions = {}): Sql {
  // (host undefined: postgres.js takes the URL's)
  const { url, host } = connectionOf(databaseUrl)
  return postgres(url, {
    host,
    max: opts.max ?? 20,
    transform: postgres.camel,
    onnotice: () => {},
    connect_timeout: 10,
    backoff: reconnectDelay,
    connection: {
      application_name: opts.applicationName ?? 'parley',
      ...(opts.genericPlans ? { plan_cache_mode: 'force_generic_plan' } : {}),
    },
  })
}

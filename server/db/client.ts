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

export function createSql(url: string, opts: SqlOptions = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 20,
    transform: postgres.camel,
    onnotice: () => {},
    connect_timeout: 10,
    connection: {
      application_name: opts.applicationName ?? 'parley',
      ...(opts.genericPlans ? { plan_cache_mode: 'force_generic_plan' } : {}),
    },
  })
}

// `npm run migrate`: applies migrations to DATABASE_URL, or to the embedded PostgreSQL in DATA_DIR.
import { loadConfig, ConfigError } from '../server/config.ts'
import { createSql } from '../server/db/client.ts'
import { migrate, MigrationError } from '../server/db/migrate.ts'
import { startEmbeddedPostgres } from '../server/db/embedded.ts'
import { createLogger } from '../server/shared/logger.ts'

try {
  const config = loadConfig()
  const log = createLogger(config.logLevel)
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, log })
  const sql = createSql(config.databaseUrl ?? embedded!.url, { max: 1 })
  try {
    const { applied, current } = await migrate(sql)
    console.log(applied.length ? `applied migrations ${applied.join(', ')}; schema is at ${current}` : `schema is up to date at ${current}`)
  } finally {
    await sql.end()
    await embedded?.stop()
  }
} catch (e) {
  if (e instanceof ConfigError) console.error(`parley: configuration error: ${e.message}`)
  else if (e instanceof MigrationError) console.error(`parley: migration error: ${e.message}`)
  else console.error(`parley: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}

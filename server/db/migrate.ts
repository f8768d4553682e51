// Forward-only plain SQL migrations: migrations/NNNNN_name.sql, numbered without gaps, applied
// in one transaction under an advisory lock (so two processes starting at once apply them once)
// and recorded with a checksum (so an edited applied file stops start-up).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Sql, TxSql } from './client.ts'
import { assetPath } from '../shared/assets.ts'

export const MIGRATIONS_DIR = assetPath('migrations')

/**
 * The oldest PostgreSQL Parley runs on: its statements use PostgreSQL 18's `RETURNING old.*`
 * and 16's `pg_input_is_valid`. An older server is refused before any migration
 * (checkServerVersion), and Debian's older packages are passed over (pg-binaries.ts).
 */
export const MIN_PG_MAJOR = 18
const LOCK_KEY = 0x7061726c // 'parl'

export interface MigrationFile {
  version: number
  name: string
  file: string
  sql: string
  checksum: string
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  const out: MigrationFile[] = []
  for (const file of files) {
    const m = /^(\d{5})_([a-z0-9_]+)\.sql$/.exec(file)
    if (!m) throw new MigrationError(`migration file "${file}" is not named NNNNN_name.sql`)
    const sql = readFileSync(join(dir, file), 'utf8')
    out.push({
      version: Number(m[1]),
      name: m[2]!,
      file,
      sql,
      checksum: new Bun.CryptoHasher('sha256').update(sql).digest('hex'),
    })
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1) {
      throw new MigrationError(
        `migrations are not numbered without gaps: expected ${String(i + 1).padStart(5, '0')}_*.sql, found ${mig.file}`,
      )
    }
  })
  return out
}

/**
 * An older PostgreSQL is refused before any migration, with the reason, rather than failing
 * somewhere in them on a function or a clause it does not have.
 */
export function checkServerVersion(num: number, version: string): void {
  if (num >= MIN_PG_MAJOR * 10_000) return
  throw new MigrationError(
    `Parley needs PostgreSQL ${MIN_PG_MAJOR} or newer; this server is PostgreSQL ${version}. ` +
      `For the embedded one, use the release folder's postgres/ or set PG_BIN_DIR to PostgreSQL ${MIN_PG_MAJOR}'s programs; with DATABASE_URL, upgrade that server`,
  )
}

export interface MigrateResult {
  applied: number[]
  current: number
}

export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const files = readMigrations(dir)
  return sql.begin((tx) => applyMigrations(tx, files))
}

/**
 * Applies `files` (the first N of a migrations folder) inside a transaction the caller holds:
 * migrate() above, and restore (db/backup.ts), which brings an emptied database to a backup's level.
 */
export async function applyMigrations(tx: TxSql, files: MigrationFile[]): Promise<MigrateResult> {
  const [server] = await tx<{ num: number; version: string }[]>`
    select pg_advisory_xact_lock(${LOCK_KEY}), current_setting('server_version_num')::int as num, current_setting('server_version') as version`
  checkServerVersion(server!.num, server!.version)
  await tx`
    create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`
  const done = await tx<{ version: number; name: string; checksum: string }[]>`
    select version, name, checksum from schema_migrations order by version`
  for (const row of done) {
    const file = files[row.version - 1]
    if (!file) {
      throw new MigrationError(
        `the database has migration ${row.version} (${row.name}) but migrations/ has no such file; is this an older Parley?`,
      )
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migrations/${file.file} was edited after it was applied; add a new migration instead of changing an applied one`,
      )
    }
  }
  const applied: number[] = []
  for (const file of files.slice(done.length)) {
    await tx.unsafe(file.sql)
    await tx`insert into schema_migrations (version, name, checksum) values (${file.version}, ${file.name}, ${file.checksum})`
    applied.push(file.version)
  }
  return { applied, current: files.length }
}

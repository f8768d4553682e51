// The catalog reads and COPY statements of backup and restore (db/backup.ts). Everything is in
// the connection's current schema (Parley's: `public` unless DATABASE_URL's search_path says otherwise).
import type { Readable, Writable } from 'node:stream'
import type { Db, TxSql } from './client.ts'

export interface TableInfo {
  name: string
  /** Stored columns in order (generated ones are computed again on restore). */
  columns: string[]
}

export interface SequenceValue {
  name: string
  /** As text: a bigint may pass 2^53. */
  lastValue: string
  isCalled: boolean
}

/** Parley's tables (schema_migrations apart: it is the backup's level, not its data). */
export async function listTables(db: Db): Promise<TableInfo[]> {
  return db<TableInfo[]>`
    select c.relname::text as name,
           array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> 'schema_migrations'
    group by c.relname
    order by c.relname`
}

/** Each foreign key as referencing table → referenced table (a table's references to itself left out). */
export async function foreignKeys(db: Db): Promise<{ from: string; to: string }[]> {
  return db<{ from: string; to: string }[]>`
    select distinct f.relname::text as "from", t.relname::text as "to"
    from pg_constraint k
    join pg_class f on f.oid = k.conrelid
    join pg_class t on t.oid = k.confrelid
    join pg_namespace n on n.oid = f.relnamespace
    where k.contype = 'f' and n.nspname = current_schema() and k.conrelid <> k.confrelid`
}

export async function listSequences(db: Db): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'S' order by c.relname`
  return rows.map((r) => r.name)
}

export async function sequenceValue(db: Db, name: string): Promise<SequenceValue> {
  const [row] = await db<{ lastValue: string; isCalled: boolean }[]>`select last_value::text as last_value, is_called from ${db(name)}`
  if (!row) throw new Error(`sequence ${name} has no row`)
  return { name, ...row }
}

export async function setSequence(db: Db, s: SequenceValue): Promise<void> {
  await db`select setval(quote_ident(${s.name})::regclass, ${s.lastValue}::bigint, ${s.isCalled})`
}

/** The recorded migration level and what each applied migration was (0 and none: no Parley schema). */
export async function schemaLevel(db: Db): Promise<{ version: number; name: string; checksum: string }[]> {
  const [exists] = await db<{ t: string | null }[]>`select to_regclass('schema_migrations')::text as t`
  if (!exists?.t) return []
  return db<{ version: number; name: string; checksum: string }[]>`select version, name, checksum from schema_migrations order by version`
}

export async function serverVersion(db: Db): Promise<string> {
  const [row] = await db<{ v: string }[]>`select current_setting('server_version') as v`
  return row?.v ?? 'unknown'
}

/** What a database holds that a restore would replace: its agents, visitors and conversations. */
export async function parleyData(db: Db): Promise<{ agents: number; visitors: number; conversations: number }> {
  const out = { agents: 0, visitors: 0, conversations: 0 }
  for (const table of ['agents', 'visitors', 'conversations'] as const) {
    const [exists] = await db<{ t: string | null }[]>`select to_regclass(${table})::text as t`
    if (!exists?.t) continue
    const [row] = await db<{ n: number }[]>`select count(*)::int as n from ${db(table)}`
    out[table] = row?.n ?? 0
  }
  return out
}

/** Other sessions on this database (a running Parley among them). */
export async function otherSessions(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`
  return row?.n ?? 0
}

export async function copyOut(tx: TxSql, table: TableInfo): Promise<Readable> {
  return (await tx`copy ${tx(table.name)} (${tx(table.columns)}) to stdout`.readable()) as unknown as Readable
}

export async function copyIn(tx: TxSql, table: TableInfo): Promise<Writable> {
  return (await tx`copy ${tx(table.name)} (${tx(table.columns)}) from stdin`.writable()) as unknown as Writable
}

export async function truncateTables(tx: TxSql, names: string[]): Promise<void> {
  if (names.length) await tx`truncate table ${tx(names)} restart identity cascade`
}

/**
 * Drops every extension, table, view, sequence, type and routine of the current schema, so migrations can
 * build it again from the first: a restore replaces the schema with the backup's level.
 */
export async function dropSchemaObjects(tx: TxSql): Promise<void> {
  await tx`
    do $$
    declare r record;
    begin
      -- Extensions first (pg_trgm, from a migration): their functions and operators cannot be
      -- dropped one by one, and the migrations create them again.
      for r in select e.extname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
               where n.nspname = current_schema() loop
        execute format('drop extension if exists %I cascade', r.extname);
      end loop;
      for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition loop
        execute format('drop %s if exists %I cascade',
          case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end, r.relname);
      end loop;
      for r in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = current_schema() and c.relkind = 'S' loop
        execute format('drop sequence if exists %I cascade', r.relname);
      end loop;
      for r in select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
               where n.nspname = current_schema() and t.typtype in ('e', 'd', 'c', 'r') and t.typrelid = 0 loop
        execute format('drop type if exists %I cascade', r.typname);
      end loop;
      for r in select p.oid::regprocedure as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = current_schema() loop
        execute format('drop routine if exists %s cascade', r.sig);
      end loop;
    end $$`
}

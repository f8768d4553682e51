import type { Db } from '../../db/client.ts'

export async function readSetting<T>(db: Db, key: string): Promise<T | null> {
  const [row] = await db<{ value: T }[]>`select value from settings where key = ${key}`
  return row ? row.value : null
}

export async function writeSetting(db: Db, key: string, value: unknown, by: string): Promise<void> {
  await db`
    insert into settings (key, value, updated_by) values (${key}, ${db.json(value as never)}, ${by})
    on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`
}

export async function insertSettingOnce(db: Db, key: string, value: unknown): Promise<void> {
  await db`insert into settings (key, value) values (${key}, ${db.json(value as never)}) on conflict (key) do nothing`
}

/** Rewrites a value in place, keeping who changed it last and when (re-encryption is no change). */
export async function replaceSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db`update settings set value = ${db.json(value as never)} where key = ${key}`
}

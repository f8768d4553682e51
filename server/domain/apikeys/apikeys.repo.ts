import type { Db } from '../../db/client.ts'
import type { ApiKeyView } from './apikeys.types.ts'

export async function insertKey(db: Db, k: { id: string; name: string; keyHash: string; prefix: string; createdBy: string }): Promise<ApiKeyView> {
  const [row] = await db<ApiKeyView[]>`
    insert into api_keys (id, name, key_hash, prefix, created_by) values (${k.id}, ${k.name}, ${k.keyHash}, ${k.prefix}, ${k.createdBy})
    returning id, name, prefix, created_at, last_used_at, revoked_at`
  return row!
}

export async function listKeys(db: Db): Promise<ApiKeyView[]> {
  return db<ApiKeyView[]>`select id, name, prefix, created_at, last_used_at, revoked_at from api_keys order by created_at desc`
}

export async function revokeKey(db: Db, id: string): Promise<ApiKeyView | null> {
  const [row] = await db<ApiKeyView[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, prefix, created_at, last_used_at, revoked_at`
  return row ?? null
}

export async function useKey(db: Db, keyHash: string): Promise<{ id: string } | null> {
  const [row] = await db<{ id: string }[]>`
    update api_keys set last_used_at = now() where key_hash = ${keyHash} and revoked_at is null returning id`
  return row ?? null
}

// Keys for the server API. The key is shown once when created; only its SHA-256 is stored.
import type { Sql } from '../../db/client.ts'
import { AppError } from '../../shared/errors.ts'
import { hashSecret, newId, newSecret } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import * as v from '../shared/validate.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import * as repo from './apikeys.repo.ts'
import type { ApiKeyView } from './apikeys.types.ts'

const ownerOnly = (actor: Actor) => {
  if (actor.role !== 'owner') throw new AppError('apikey.forbidden', 403, 'only the owner manages API keys')
}

export async function createKey(deps: { sql: Sql }, actor: Actor, name: string): Promise<ApiKeyView & { key: string }> {
  ownerOnly(actor)
  const key = `pk_${newSecret()}`
  const view = await repo.insertKey(deps.sql, {
    id: newId(),
    name: maskCardNumbers(v.text(name, 'name', 100)),
    keyHash: hashSecret(key),
    prefix: key.slice(0, 7),
    createdBy: actor.id,
  })
  return { ...view, key }
}

export async function listKeys(deps: { sql: Sql }, actor: Actor): Promise<ApiKeyView[]> {
  ownerOnly(actor)
  return repo.listKeys(deps.sql)
}

export async function revokeKey(deps: { sql: Sql }, actor: Actor, id: string): Promise<ApiKeyView> {
  ownerOnly(actor)
  const view = await repo.revokeKey(deps.sql, id)
  if (!view) throw new AppError('apikey.not_found', 404, 'API key not found')
  return view
}

export async function authenticateKey(deps: { sql: Sql }, key: string | undefined): Promise<{ id: string }> {
  const found = key && key.startsWith('pk_') && key.length < 200 ? await repo.useKey(deps.sql, hashSecret(key)) : null
  if (!found) throw new AppError('apikey.invalid', 401, 'missing, unknown or revoked API key')
  return found
}

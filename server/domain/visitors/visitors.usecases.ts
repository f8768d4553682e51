import type { Sql } from '../../db/client.ts'
import { newId, newSecret, hashSecret } from '../../shared/ids.ts'
import * as repo from './visitors.repo.ts'
import type { VisitorRow } from './visitors.repo.ts'

export interface VisitorDeps {
  sql: Sql
}

/** A new widget visitor: the opaque token goes to the browser, only its hash is stored. */
export async function createWebVisitor(deps: VisitorDeps): Promise<{ token: string; visitor: VisitorRow }> {
  const token = newSecret()
  const visitor = await repo.insertVisitor(deps.sql, { id: newId(), tokenHash: hashSecret(token) })
  return { token, visitor }
}

export async function authenticateVisitor(deps: VisitorDeps, token: string | undefined | null): Promise<VisitorRow | null> {
  if (!token || token.length > 200) return null
  return repo.findVisitorByTokenHash(deps.sql, hashSecret(token))
}

import type { Db } from '../../db/client.ts'
import type { AuditEntry } from './agents.types.ts'

export async function insertAudit(db: Db, e: Omit<AuditEntry, 'at'>): Promise<void> {
  await db`
    insert into audit_log (id, actor_id, actor_name, action, target, fields, ip)
    values (${e.id}, ${e.actorId}, ${e.actorName}, ${e.action}, ${e.target}, ${e.fields}, ${e.ip})`
}

/** Newest first; `before` (an entry's id) pages back. */
export async function listAudit(db: Db, limit: number, before?: string): Promise<AuditEntry[]> {
  const page = before ? db`where (at, id) < (select at, id from audit_log where id = ${before})` : db``
  return db<AuditEntry[]>`
    select id, at, actor_id, actor_name, action, target, fields, ip from audit_log
    ${page} order by at desc, id desc limit ${limit}`
}

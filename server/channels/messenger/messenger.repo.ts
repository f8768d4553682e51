// The Messenger channel's own tables (migration 00006): settings, pages, contacts, the inbox of
// webhook deliveries and the send queue. Secrets are stored sealed; this file never sees them open.
import type { Db, TxSql } from '../../db/client.ts'

export interface SettingsRow {
  graphBaseUrl: string
  graphVersion: string
}

export async function readSettings(db: Db): Promise<SettingsRow | null> {
  const [row] = await db<SettingsRow[]>`select graph_base_url, graph_version from messenger_settings where id`
  return row ?? null
}

export async function writeSettings(db: Db, s: SettingsRow, by: string): Promise<void> {
  await db`
    insert into messenger_settings (id, graph_base_url, graph_version, updated_by) values (true, ${s.graphBaseUrl}, ${s.graphVersion}, ${by})
    on conflict (id) do update set graph_base_url = excluded.graph_base_url, graph_version = excluded.graph_version,
      updated_at = now(), updated_by = excluded.updated_by`
}

export type PageState = 'configured' | 'connected' | 'failing' | 'expired'

export interface PageRow {
  pageId: string
  name: string | null
  appId: string | null
  /** Sealed. */
  accessToken: string
  /** Sealed. */
  appSecret: string
  /** Sealed. */
  verifyToken: string
  humanAgent: boolean
  state: PageState
  lastError: string | null
  createdAt: Date
  updatedAt: Date
}

export async function listPages(db: Db): Promise<PageRow[]> {
  return db<PageRow[]>`select * from messenger_pages order by created_at, page_id`
}

export async function findPage(db: Db, pageId: string): Promise<PageRow | null> {
  const [row] = await db<PageRow[]>`select * from messenger_pages where page_id = ${pageId}`
  return row ?? null
}

export async function insertPage(db: Db, p: Pick<PageRow, 'pageId' | 'appId' | 'accessToken' | 'appSecret' | 'verifyToken' | 'humanAgent'>): Promise<boolean> {
  const rows = await db`
    insert into messenger_pages (page_id, app_id, access_token, app_secret, verify_token, human_agent)
    values (${p.pageId}, ${p.appId}, ${p.accessToken}, ${p.appSecret}, ${p.verifyToken}, ${p.humanAgent})
    on conflict (page_id) do nothing returning page_id`
  return rows.length > 0
}

export async function updatePage(db: Db, pageId: string, p: Pick<PageRow, 'appId' | 'accessToken' | 'appSecret' | 'humanAgent'>): Promise<boolean> {
  const rows = await db`
    update messenger_pages set app_id = ${p.appId}, access_token = ${p.accessToken}, app_secret = ${p.appSecret},
      human_agent = ${p.humanAgent}, state = 'configured', last_error = null, updated_at = now()
    where page_id = ${pageId} returning page_id`
  return rows.length > 0
}

export async function deletePage(db: Db, pageId: string): Promise<boolean> {
  return (await db`delete from messenger_pages where page_id = ${pageId} returning page_id`).length > 0
}

export async function setPageState(db: Db, pageId: string, state: PageState, lastError: string | null, name?: string | null): Promise<void> {
  await db`
    update messenger_pages set state = ${state}, last_error = ${lastError},
      name = ${name === undefined ? db`name` : name}, updated_at = now()
    where page_id = ${pageId} and (state <> ${state} or last_error is distinct from ${lastError} or ${name !== undefined})`
}

export async function rewriteSecrets(db: Db, pageId: string, s: Pick<PageRow, 'accessToken' | 'appSecret' | 'verifyToken'>): Promise<void> {
  await db`update messenger_pages set access_token = ${s.accessToken}, app_secret = ${s.appSecret}, verify_token = ${s.verifyToken} where page_id = ${pageId}`
}

// Contacts ---------------------------------------------------------------------------------------

export interface ContactRow {
  pageId: string
  psid: string
  visitorId: string
  lastInboundAt: Date | null
}

export async function findContact(db: Db, pageId: string, psid: string): Promise<ContactRow | null> {
  const [row] = await db<ContactRow[]>`select page_id, psid, visitor_id, last_inbound_at from messenger_contacts where page_id = ${pageId} and psid = ${psid}`
  return row ?? null
}

/** The visitor's Messenger contact that wrote last (a visitor is one person on one page in practice). */
export async function contactOfVisitor(db: Db, visitorId: string): Promise<ContactRow | null> {
  const [row] = await db<ContactRow[]>`
    select page_id, psid, visitor_id, last_inbound_at from messenger_contacts where visitor_id = ${visitorId}
    order by last_inbound_at desc nulls last limit 1`
  return row ?? null
}

export async function saveContact(db: Db, c: ContactRow): Promise<void> {
  await db`
    insert into messenger_contacts (page_id, psid, visitor_id, last_inbound_at)
    values (${c.pageId}, ${c.psid}, ${c.visitorId}, ${c.lastInboundAt})
    on conflict (page_id, psid) do update set
      last_inbound_at = greatest(messenger_contacts.last_inbound_at, excluded.last_inbound_at)`
}

// The inbox ---------------------------------------------------------------------------------------

export interface InboxRow {
  id: string
  pageId: string
  body: unknown
  attempts: number
}

export async function insertInbox(db: Db, r: { id: string; pageId: string; body: unknown }): Promise<void> {
  await db`insert into messenger_inbox (id, page_id, body) values (${r.id}, ${r.pageId}, ${JSON.stringify(r.body)}::text::jsonb)`
}

/**
 * The next due delivery, locked for the caller's transaction. A page's deliveries are handled in
 * the order they came (ids are time-ordered), one at a time across every process: only the oldest
 * queued delivery of its page may be claimed, so while one process works on it (locked, skipped
 * by the others) the page's later deliveries wait, and one person's messages keep their order.
 */
export async function claimInbox(tx: TxSql): Promise<InboxRow | null> {
  // As text, parsed here: the connection's camelCase transform would rename the keys of a jsonb
  // value too (is_echo → isEcho), and Meta's field names must stay as Meta wrote them.
  const [row] = await tx<(Omit<InboxRow, 'body'> & { body: string })[]>`
    select i.id, i.page_id, i.body::text as body, i.attempts from messenger_inbox i
    where i.status = 'queued' and i.next_attempt_at <= now()
      and i.id = (select j.id from messenger_inbox j where j.page_id = i.page_id and j.status = 'queued' order by j.id limit 1)
    order by i.next_attempt_at, i.id limit 1 for update skip locked`
  return row ? { ...row, body: JSON.parse(row.body) } : null
}

export async function deleteInbox(db: Db, id: string): Promise<void> {
  await db`delete from messenger_inbox where id = ${id}`
}

export async function retryInbox(db: Db, id: string, error: string, delayMs: number | null): Promise<void> {
  await db`
    update messenger_inbox set attempts = attempts + 1, last_error = ${error},
      status = ${delayMs === null ? 'failed' : 'queued'},
      next_attempt_at = now() + ${delayMs ?? 0} * interval '1 millisecond'
    where id = ${id}`
}

// The send queue ----------------------------------------------------------------------------------

export interface SendRow {
  id: string
  messageRowId: string
  pageId: string
  psid: string
  status: 'queued' | 'sent' | 'failed'
  partsSent: number
  sentAs: 'RESPONSE' | 'HUMAN_AGENT' | null
  attempts: number
  lastError: string | null
}

/** A message is sent once: queueing it again returns its row. */
export async function insertSend(db: Db, r: Pick<SendRow, 'id' | 'messageRowId' | 'pageId' | 'psid'>): Promise<SendRow> {
  const [row] = await db<SendRow[]>`
    insert into messenger_sends (id, message_row_id, page_id, psid) values (${r.id}, ${r.messageRowId}, ${r.pageId}, ${r.psid})
    on conflict (message_row_id) do nothing returning *`
  return row ?? (await findSendOfMessage(db, r.messageRowId))!
}

export async function findSendOfMessage(db: Db, messageRowId: string): Promise<SendRow | null> {
  const [row] = await db<SendRow[]>`select * from messenger_sends where message_row_id = ${messageRowId}`
  return row ?? null
}

export async function claimSend(tx: TxSql): Promise<SendRow | null> {
  const [row] = await tx<SendRow[]>`
    select * from messenger_sends where status = 'queued' and next_attempt_at <= now()
    order by next_attempt_at, id limit 1 for update skip locked`
  return row ?? null
}

export async function sendProgress(db: Db, id: string, partsSent: number, sentAs: string): Promise<void> {
  await db`update messenger_sends set parts_sent = ${partsSent}, sent_as = ${sentAs}, updated_at = now() where id = ${id}`
}

export async function markSendSent(db: Db, id: string): Promise<void> {
  await db`update messenger_sends set status = 'sent', attempts = attempts + 1, last_error = null, updated_at = now() where id = ${id}`
}

export async function markSendRetry(db: Db, id: string, error: string, delayMs: number): Promise<void> {
  await db`
    update messenger_sends set attempts = attempts + 1, last_error = ${error},
      next_attempt_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
    where id = ${id}`
}

export async function markSendFailed(db: Db, id: string, error: string): Promise<void> {
  await db`update messenger_sends set status = 'failed', attempts = attempts + 1, last_error = ${error}, updated_at = now() where id = ${id}`
}

/** The retry button: back in the queue. False unless it had failed. */
export async function requeueSend(db: Db, messageRowId: string): Promise<boolean> {
  const rows = await db`
    update messenger_sends set status = 'queued', attempts = 0, next_attempt_at = now(), last_error = null, updated_at = now()
    where message_row_id = ${messageRowId} and status = 'failed' returning id`
  return rows.length > 0
}

/** Milliseconds until the next inbox row or send is due (null: nothing waits). */
export async function msUntilNextDue(db: Db): Promise<number | null> {
  const [row] = await db<{ ms: number | null }[]>`
    select (extract(epoch from (least(
      (select min(next_attempt_at) from messenger_inbox where status = 'queued'),
      (select min(next_attempt_at) from messenger_sends where status = 'queued')) - now())) * 1000)::float8 as ms`
  return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms)
}

/**
 * Waits for replies to this person that a worker is sending right now (their rows are locked
 * until the send commits), so an echo is looked at only once the mids Meta returned are recorded.
 */
export async function awaitSendsInFlight(tx: TxSql, pageId: string, psid: string): Promise<void> {
  await tx`select id from messenger_sends where page_id = ${pageId} and psid = ${psid} and status = 'queued' for share`
}

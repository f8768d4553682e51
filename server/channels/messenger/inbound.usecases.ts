// Inbound Messenger, in two steps. accept(): a delivery whose signature is right is stored in the
// durable inbox (one insert) before Meta hears 200. process(): each stored delivery's events
// become messages, receipts and agent replies from Meta's own inbox, once each (a mid is stored
// once, however often Meta retries); the channel calls the domain's use cases and never writes
// visitors, conversations or messages itself.
import { timingSafeEqual } from 'node:crypto'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError, isAppError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import { MAX_MESSAGE_BYTES, findMessage, markDelivered, receiveExternalReply, receiveInbound } from '../../domain/messages/messages.usecases.ts'
import { listVisitorConversations } from '../../domain/conversations/conversations.usecases.ts'
import { findOrCreateVisitorByIdentity, findVisitorByIdentity } from '../../domain/visitors/visitors.usecases.ts'
import { MAX_ATTACHMENT_BYTES, findInbound, lastOutboundBefore, messagesOfIds, recordInbound, recordMessageId, saveAttachment } from '../shared/channel-tables.ts'
import { eventsOf, maskDelivery, type InboundAttachment, type MessengerEvent } from './webhook.ts'
import { verifySignature } from './signature.ts'
import { graphRequest } from './graph.ts'
import { graphTarget, loadPage, type Page } from './settings.usecases.ts'
import * as repo from './messenger.repo.ts'
import { decodePercent, storableDeep } from '../../shared/text.ts'

export interface InboundDeps {
  sql: Sql
  bus: EventBus
  log: Logger
  secrets: SecretBox
}

/** Largest webhook body taken: Meta's batches are far smaller; anything larger is not Meta. */
export const MAX_WEBHOOK_BYTES = 512 * 1024

const refused = (status: 401 | 403, message: string) => new AppError(status === 401 ? 'messenger.unsigned' : 'messenger.bad_signature', status, message)

/** The GET handshake: the page's verify token and mode "subscribe" get the challenge back, anything else 403. */
export async function verifyHandshake(deps: InboundDeps, pageId: string, q: Record<string, string | undefined>): Promise<string> {
  const page = await loadPage(deps, pageId)
  const token = q['hub.verify_token']
  const challenge = q['hub.challenge']
  if (!page || q['hub.mode'] !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge.length > 1000) {
    throw new AppError('messenger.verify_failed', 403, 'verification failed')
  }
  const a = Buffer.from(token)
  const b = Buffer.from(page.verifyToken)
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('messenger.verify_failed', 403, 'verification failed')
  return challenge
}

/** Checks a delivery's signature against its exact bytes and stores it; only then may Meta hear 200. */
export async function acceptDelivery(deps: InboundDeps, pageId: string, raw: Uint8Array, signature: string | null): Promise<void> {
  if (raw.byteLength > MAX_WEBHOOK_BYTES) throw new AppError('request.too_large', 413, `webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`)
  if (!signature) throw refused(401, 'the X-Hub-Signature-256 header is missing')
  const page = await loadPage(deps, pageId)
  // An unknown page is refused exactly like a wrong signature: the URL reveals nothing.
  if (!page || !verifySignature(raw, signature, page.appSecret)) throw refused(403, 'the signature does not match')
  let body: unknown
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    throw new AppError('request.invalid_json', 400, 'the body is not JSON')
  }
  // Stored under the page whose secret signed it: its entries may name other pages of the same app.
  // Meta does not send a refused delivery again for long: text that cannot be stored is mended.
  await repo.insertInbox(deps.sql, { id: newId(), pageId, body: maskDelivery(storableDeep(body)) })
}

/**
 * Handles one stored delivery, signed with the secret of `signedFor`; throws (and the inbox
 * retries it) only when something may work later.
 */
export async function processDelivery(deps: InboundDeps, body: unknown, signedFor: string): Promise<void> {
  const signer = await loadPage(deps, signedFor)
  if (!signer) return
  const pages = new Map<string, Page | null>()
  const pageOf = async (id: string) => {
    if (!pages.has(id)) pages.set(id, await loadPage(deps, id))
    return pages.get(id)!
  }
  for (const event of eventsOf(body)) {
    const page = await pageOf(event.pageId)
    // A page removed since, one not connected here, or one of another app (whose secret did not
    // sign this delivery: one page's secret must not vouch for another app's pages).
    if (!page || page.appSecret !== signer.appSecret) continue
    await handle(deps, page, event)
  }
}

async function handle(deps: InboundDeps, page: Page, e: MessengerEvent): Promise<void> {
  switch (e.kind) {
    case 'message':
      return importMessage(deps, page, e.psid, e.mid, e.at, e.text, e.attachments)
    case 'postback':
      // The button's title is what the person chose; its payload is for bots and never shown.
      return importMessage(deps, page, e.psid, e.id, e.at, e.title, [])
    case 'echo':
      return importEcho(deps, page, e)
    case 'read':
      return readUpTo(deps, page, e.psid, e.watermark)
    case 'delivery':
      return delivered(deps, page, e.psid, e.mids, e.watermark)
    case 'referral':
      // Someone opened the page's chat from a link or an ad: they are known from now on, but
      // nothing was said yet.
      await visitorOf(deps, page, e.psid)
      return
  }
}

const identity = (pageId: string, psid: string) => `${pageId}:${psid}`

/** The visitor for a page-scoped id; a new one is named from the profile when the page may read it. */
async function visitorOf(deps: InboundDeps, page: Page, psid: string): Promise<string> {
  const known = await findVisitorByIdentity(deps.sql, 'messenger', identity(page.pageId, psid))
  if (known) return known
  const name = await profileName(deps, page, psid)
  return deps.sql.begin(async (tx) => {
    const visitorId = await findOrCreateVisitorByIdentity(tx, 'messenger', identity(page.pageId, psid), name)
    await repo.saveContact(tx, { pageId: page.pageId, psid, visitorId, lastInboundAt: null })
    return visitorId
  })
}

async function profileName(deps: InboundDeps, page: Page, psid: string): Promise<string | null> {
  try {
    const p = await graphRequest<{ first_name?: unknown; last_name?: unknown; name?: unknown }>(await graphTarget(deps), psid, {
      token: page.accessToken,
      query: { fields: 'first_name,last_name' },
    })
    const full = typeof p.name === 'string' ? p.name : [p.first_name, p.last_name].filter((s) => typeof s === 'string' && s).join(' ')
    return full.trim().slice(0, 200) || null
  } catch (error) {
    // Reading profiles needs a permission the page may not have: the visitor is then unnamed.
    deps.log.info('messenger: profile not readable', { pageId: page.pageId, error: error instanceof Error ? error.message : String(error) })
    return null
  }
}

interface Downloaded {
  filename: string
  contentType: string
  content: Uint8Array
}

const TRUNCATED = '\n[… shortened]'

function bodyOf(text: string | null, files: Downloaded[], skipped: string[]): string {
  const notes = [...files.map((f) => `[attachment: ${f.filename}]`), ...skipped.map((s) => `[attachment not stored: ${s}]`)]
  let body = [text?.trim() ?? '', ...notes].filter(Boolean).join('\n') || '(empty message)'
  if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) {
    while (Buffer.byteLength(body) > MAX_MESSAGE_BYTES - TRUNCATED.length - 8) body = body.slice(0, -256)
    body += TRUNCATED
  }
  return body
}

/** The client id the domain de-duplicates by: the mid, hashed when it is too long for one. */
const clientIdFor = (mid: string) => (mid.length <= 100 ? mid : 'sha256:' + new Bun.CryptoHasher('sha256').update(mid).digest('hex'))

async function importMessage(deps: InboundDeps, page: Page, psid: string, mid: string, at: Date, text: string | null, attachments: InboundAttachment[]): Promise<void> {
  if (await findInbound(deps.sql, 'messenger', mid)) return
  const visitorId = await visitorOf(deps, page, psid)
  const files: Downloaded[] = []
  const skipped: string[] = []
  for (const [i, a] of attachments.slice(0, 10).entries()) {
    const got = await download(a, i)
    if ('error' in got) skipped.push(got.error)
    else files.push(got)
  }
  try {
    await receiveInbound(
      deps,
      { channel: 'messenger', visitorId, conversationId: null, body: bodyOf(text, files, skipped), clientId: clientIdFor(mid) },
      async (tx, stored) => {
        await recordMessageId(tx, 'messenger', { externalId: mid, conversationId: stored.conversationId, messageRowId: stored.messageId, direction: 'in' })
        for (const f of files) await saveAttachment(tx, 'messenger', { messageRowId: stored.messageId, ...f })
        await repo.saveContact(tx, { pageId: page.pageId, psid, visitorId, lastInboundAt: at })
        await recordInbound(tx, 'messenger', { externalId: mid, kind: 'message', messageRowId: stored.messageId, conversationId: stored.conversationId, sender: psid, subject: null, note: null })
      },
    )
  } catch (e) {
    if (!isAppError(e)) throw e
    deps.log.warn('messenger: inbound message refused', { mid, code: e.code })
    await recordInbound(deps.sql, 'messenger', { externalId: mid, kind: 'rejected', messageRowId: null, conversationId: null, sender: psid, subject: null, note: e.message })
  }
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'video/mp4': 'mp4', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'application/pdf': 'pdf' }

/** Fetches an attachment from Meta's CDN, bounded; a failure is a note on the message, not an error. */
async function download(a: InboundAttachment, index: number): Promise<Downloaded | { error: string }> {
  const label = a.stickerId ? 'sticker' : a.type
  if (!a.url) return { error: `${label} without a file` }
  try {
    const res = await fetch(a.url, { signal: AbortSignal.timeout(20_000) })
    if (!res.ok || !res.body) return { error: `${label}: the file could not be fetched (${res.status})` }
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += chunk.byteLength
      if (size > MAX_ATTACHMENT_BYTES) return { error: `${label}: larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` }
      chunks.push(chunk)
    }
    const content = new Uint8Array(size)
    let at = 0
    for (const c of chunks) {
      content.set(c, at)
      at += c.byteLength
    }
    const contentType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase()
    const last = new URL(a.url).pathname.split('/').pop() ?? ''
    // A "%" that starts no escape (a name like "100%.pdf" sent as it is) keeps the name as it is.
    const fromUrl = decodePercent(last) ?? last
    const filename = /\.[a-z0-9]{2,5}$/i.test(fromUrl) ? fromUrl : `${label}-${index + 1}${EXTENSIONS[contentType] ? '.' + EXTENSIONS[contentType] : ''}`
    return { filename, contentType, content }
  } catch (e) {
    return { error: `${label}: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/** The visitor's latest Messenger conversation, if they have one. */
async function conversationOf(deps: InboundDeps, visitorId: string): Promise<string | null> {
  const all = (await listVisitorConversations(deps, visitorId)).filter((c) => c.channel === 'messenger')
  all.sort((a, b) => +new Date(b.createdAt) - +new Date(a.createdAt))
  return all[0]?.id ?? null
}

/**
 * A message the page sent, coming back. Ours (its mid is recorded, or it carries this page's app
 * id) is already in the thread; one an agent typed in Meta's own inbox becomes an agent message.
 */
async function importEcho(deps: InboundDeps, page: Page, e: Extract<MessengerEvent, { kind: 'echo' }>): Promise<void> {
  if (await findInbound(deps.sql, 'messenger', e.mid)) return
  // Meta may echo a reply before the worker that sent it has committed its mid.
  await deps.sql.begin((tx) => repo.awaitSendsInFlight(tx, page.pageId, e.psid))
  const ours = (await messagesOfIds(deps.sql, 'messenger', [e.mid])).length > 0 || (page.appId !== null && e.appId === page.appId)
  const visitorId = await findVisitorByIdentity(deps.sql, 'messenger', identity(page.pageId, e.psid))
  const conversationId = visitorId ? await conversationOf(deps, visitorId) : null
  if (ours || !conversationId) {
    await recordInbound(deps.sql, 'messenger', { externalId: e.mid, kind: 'own', messageRowId: null, conversationId, sender: page.pageId, subject: null, note: ours ? null : 'sent by the page to someone with no conversation here' })
    return
  }
  const text = e.text?.trim() || (e.attachments.length ? e.attachments.map((a) => `[${a.stickerId ? 'sticker' : a.type}]`).join(' ') : '')
  if (!text) return
  await receiveExternalReply(deps, { conversationId, body: text, channel: 'messenger' }, async (tx, stored) => {
    await recordMessageId(tx, 'messenger', { externalId: e.mid, conversationId: stored.conversationId, messageRowId: stored.messageId, direction: 'out' })
    await recordInbound(tx, 'messenger', { externalId: e.mid, kind: 'message', messageRowId: stored.messageId, conversationId: stored.conversationId, sender: page.pageId, subject: null, note: "written in Meta's inbox" })
  })
}

/** The person read everything up to the watermark: our messages until then are delivered. */
async function readUpTo(deps: InboundDeps, page: Page, psid: string, watermark: Date): Promise<void> {
  const visitorId = await findVisitorByIdentity(deps.sql, 'messenger', identity(page.pageId, psid))
  const conversationId = visitorId ? await conversationOf(deps, visitorId) : null
  if (!conversationId) return
  const last = await lastOutboundBefore(deps.sql, 'messenger', conversationId, watermark)
  const message = last ? await findMessage(deps, last) : null
  if (message) await markDelivered(deps, conversationId, message.seq)
}

async function delivered(deps: InboundDeps, page: Page, psid: string, mids: string[], watermark: Date | null): Promise<void> {
  const rows = await messagesOfIds(deps.sql, 'messenger', mids)
  const upTo = new Map<string, number>()
  for (const r of rows) {
    const m = await findMessage(deps, r.messageRowId)
    if (m) upTo.set(r.conversationId, Math.max(upTo.get(r.conversationId) ?? 0, m.seq))
  }
  for (const [conversationId, seq] of upTo) await markDelivered(deps, conversationId, seq)
  if (rows.length === 0 && watermark) await readUpTo(deps, page, psid, watermark)
}

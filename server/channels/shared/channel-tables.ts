// What every channel keeps beside the domain's rows, in tables they share (migration 00004):
// the external ids of messages, for threading and so the same item is never imported twice; the
// log of inbound items handled; attachments, bounded and only ever served as downloads.
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Channel } from '../../domain/conversations/conversations.types.ts'
import { getConversation } from '../../domain/conversations/conversations.usecases.ts'
import { findMessage } from '../../domain/messages/messages.usecases.ts'
import { AppError } from '../../shared/errors.ts'
import { maskCardNumbers } from '../../domain/privacy/privacy.rules.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import { MAX_ATTACHMENT_BYTES, downloadHeaders } from '../../domain/attachments/attachments.usecases.ts'
import * as repo from './channel-tables.repo.ts'

export type { AttachmentMeta } from './channel-tables.repo.ts'

export const recordMessageId = repo.recordMessageId
export const messageIdsOfConversation = repo.messageIdsOfConversation
export const findInbound = repo.findInbound
export const recordInbound = repo.recordInbound
export const attachmentsOfConversation = repo.attachmentsOfConversation
export const hasOutboundId = repo.hasOutboundId
export const lastOutboundBefore = repo.lastOutboundBefore
export const messagesOfIds = repo.messagesOfIds

/** The conversation any of these external ids belongs to; the last id in the list that is known wins. */
export async function conversationForMessageIds(db: Db, channel: Channel, ids: string[]): Promise<string | null> {
  const byId = new Map((await repo.conversationsOfMessageIds(db, channel, ids)).map((r) => [r.externalId, r.conversationId]))
  for (let i = ids.length - 1; i >= 0; i--) {
    const hit = byId.get(ids[i]!)
    if (hit) return hit
  }
  return null
}

/** Largest attachment stored (the table refuses larger ones too); the one limit, in the attachments domain. */
export { MAX_ATTACHMENT_BYTES }
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** A plain type/subtype in lower case, without parameters; anything else is application/octet-stream. */
export function normaliseContentType(raw: string): string {
  const type = raw.split(';')[0]!.trim().toLowerCase()
  return CONTENT_TYPE.test(type) ? type : 'application/octet-stream'
}

/**
 * A file name safe to store and to offer as a download name: no control characters or paths,
 * bounded, and card numbers masked (the sender chose it: it is stored text like a message).
 */
export function normaliseFilename(raw: string): string {
  const name = maskCardNumbers(raw.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()).slice(0, 255)
  return name || 'attachment'
}

export async function saveAttachment(
  db: Db,
  channel: Channel,
  a: { messageRowId: string; filename: string; contentType: string; content: Uint8Array },
): Promise<void> {
  if (a.content.byteLength > MAX_ATTACHMENT_BYTES) {
    throw new AppError('attachment.too_large', 413, `attachments are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)
  }
  await repo.saveAttachment(db, channel, {
    id: newId(),
    messageRowId: a.messageRowId,
    filename: normaliseFilename(a.filename),
    contentType: normaliseContentType(a.contentType),
    size: a.content.byteLength,
    content: a.content,
  })
}

const notFound = (what: 'conversation' | 'message' | 'attachment') => new AppError(`${what}.not_found`, 404, `${what} not found`)

/** An attachment of a message of a conversation; "not found" unless all three belong together. */
export async function getAttachment(deps: { sql: Sql; bus: EventBus }, conversationId: string, messageId: string, attachmentId: string) {
  if (!isUuid(conversationId)) throw notFound('conversation')
  await getConversation(deps, conversationId)
  if (!isUuid(messageId)) throw notFound('message')
  const message = await findMessage(deps, messageId)
  if (!message || message.conversationId !== conversationId) throw notFound('message')
  if (!isUuid(attachmentId)) throw notFound('attachment')
  const a = await repo.findAttachment(deps.sql, attachmentId)
  if (!a || a.messageRowId !== messageId) throw notFound('attachment')
  return a
}

/** The attachments of a conversation's messages, for the thread (content not included). */
export async function listAttachments(deps: { sql: Sql; bus: EventBus }, conversationId: string) {
  if (!isUuid(conversationId)) throw notFound('conversation')
  await getConversation(deps, conversationId)
  return repo.attachmentsOfConversation(deps.sql, conversationId)
}

/**
 * An attachment as a response: always a download, never rendered in Parley's origin (an HTML or
 * SVG attachment could script it), and never sniffed into something else.
 */
export function attachmentResponse(a: repo.AttachmentMeta & { content: Uint8Array }): Response {
  return new Response(new Uint8Array(a.content), { headers: downloadHeaders(a) })
}

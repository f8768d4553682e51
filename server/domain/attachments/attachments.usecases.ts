// Files agents attach to replies. Upload first, claim with the reply: an agent uploads each file
// on its own (the composer shows its progress and refuses it before anything is sent), the
// upload waits tied to the agent and the conversation, and the reply that names it moves it into
// the message's attachments in the reply's transaction, so the reply and its files commit (and
// are acknowledged) together or not at all. Unclaimed uploads are deleted after an hour.
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { getConversation, getVisitorConversation } from '../conversations/conversations.usecases.ts'
import * as repo from './attachments.repo.ts'
import { MAX_FILES_PER_MESSAGE, MAX_PENDING_UPLOADS, UPLOAD_TTL_SECONDS, checkContentType, checkFilename, checkSize } from './attachments.rules.ts'
import type { AttachmentInfo, UploadInfo } from './attachments.types.ts'

export type { AttachmentInfo, UploadInfo } from './attachments.types.ts'
export { MAX_ATTACHMENT_BYTES, MAX_FILES_PER_MESSAGE, UPLOAD_TTL_SECONDS, downloadHeaders, messengerKind } from './attachments.rules.ts'

interface Deps {
  sql: Sql
  bus: EventBus
}

/** An agent uploads a file for a reply in this conversation (anyone who may reply there may upload). */
export async function uploadFile(
  deps: Deps,
  actor: Actor,
  conversationId: string,
  file: { filename: string | null; contentType: string | null; content: Uint8Array },
): Promise<UploadInfo> {
  const conversation = await getConversation(deps, conversationId)
  checkSize(file.content.byteLength)
  const filename = checkFilename(file.filename)
  const contentType = checkContentType(file.contentType, file.content)
  if ((await repo.countPending(deps.sql, actor.id)) >= MAX_PENDING_UPLOADS) {
    throw new AppError('attachment.too_many_pending', 429, `at most ${MAX_PENDING_UPLOADS} files may wait to be sent; send or remove some first`)
  }
  const upload: UploadInfo = { id: newId(), conversationId: conversation.id, filename, contentType, size: file.content.byteLength }
  await repo.insertUpload(deps.sql, { ...upload, agentId: actor.id, content: file.content })
  return upload
}

/** The agent removes a file from the composer before sending. */
export async function discardUpload(deps: Deps, actor: Actor, conversationId: string, uploadId: string): Promise<void> {
  if (!isUuid(conversationId) || !isUuid(uploadId) || !(await repo.deleteUpload(deps.sql, actor.id, conversationId, uploadId))) {
    throw new AppError('attachment.not_found', 404, 'no such upload')
  }
}

/** Checks a reply's list of upload ids before anything is stored. */
export function checkUploadIds(ids: readonly string[] | undefined): string[] {
  if (!ids || ids.length === 0) return []
  if (ids.length > MAX_FILES_PER_MESSAGE) throw new AppError('attachment.too_many', 400, `a message may carry at most ${MAX_FILES_PER_MESSAGE} files`)
  if (!ids.every(isUuid) || new Set(ids).size !== ids.length) throw new AppError('attachment.not_found', 400, 'a file of this message is not an upload of yours')
  return [...ids]
}

const notYours = () =>
  new AppError('attachment.not_found', 400, 'a file of this message is not an upload of yours for this conversation (or it expired: attach it again)')

/** Inside the reply's transaction, before the message: the files' names (its preview), locked; any id that is not the agent's upload for this conversation fails the reply. */
export async function uploadNames(tx: Db, o: { ids: string[]; agentId: string; conversationId: string }): Promise<string[]> {
  const names = await repo.lockUploads(tx, o)
  if (names.length !== o.ids.length) throw notYours()
  return names
}

/**
 * Inside the reply's transaction: moves the agent's uploads into the message's attachments. Any id
 * that is not this agent's upload for this conversation (or was claimed already, or expired)
 * fails the whole reply, so nothing is stored.
 */
export async function claimUploads(
  tx: Db,
  o: { ids: string[]; agentId: string; conversationId: string; messageRowId: string; channel: string },
): Promise<AttachmentInfo[]> {
  const moved = await repo.claimUploads(tx, o)
  if (moved.length !== o.ids.length) throw notYours()
  return moved
}

/** Deletes uploads no reply claimed in time (the maintenance job). */
export const pruneUploads = (deps: { sql: Sql }) => repo.pruneUploads(deps.sql, UPLOAD_TTL_SECONDS)

/** A message's files with their bytes, for a channel that sends them. */
export const filesOfMessage = (deps: { sql: Db }, messageRowId: string) => repo.filesOfMessage(deps.sql, messageRowId)

/** A file of the visitor's own conversation, for the widget; "not found" for anything else. */
export async function visitorFile(deps: Deps, visitorId: string, conversationId: string, attachmentId: string) {
  await getVisitorConversation(deps, visitorId, conversationId)
  const file = isUuid(attachmentId) ? await repo.fileOfConversation(deps.sql, conversationId, attachmentId) : null
  if (!file) throw new AppError('attachment.not_found', 404, 'no such file')
  return file
}

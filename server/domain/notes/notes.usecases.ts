// Private notes inside a thread (#16): agents only, never sent to any channel. They live in their
// own table (migrations/00015), so nothing that reads messages — the widget's history and
// resume, e-mail and Messenger delivery, transcripts, notification mails, webhooks, unread counts,
// the list's preview — can carry one. An @mention tells the mentioned agent live (listeners/team.ts)
// and, when they are offline at that moment, by mail through the outbox, queued in the note's own
// transaction so it is sent once even if the process dies right after.
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import { listAgents, type Actor } from '../agents/agents.usecases.ts'
import { getConversation } from '../conversations/conversations.usecases.ts'
import { checkBody } from '../messages/messages.usecases.ts'
import type { NotificationMailer } from '../notifications/notifications.types.ts'
import * as repo from './notes.repo.ts'
import { mentionsIn } from './notes.rules.ts'
import { mentionMail } from './notes.text.ts'
import type { NoteResult, NoteView } from './notes.types.ts'

export type { NoteResult, NoteView } from './notes.types.ts'

export interface NoteDeps {
  sql: Sql
  bus: EventBus
  mail: NotificationMailer
  /** PUBLIC_URL: the mention mail links to the conversation when it is known. */
  publicUrl: string | null
}

export async function addNote(
  deps: NoteDeps,
  actor: Actor,
  conversationId: string,
  input: { body: string; clientId?: string | null },
): Promise<NoteResult> {
  const body = checkBody(input.body)
  const clientId = input.clientId ?? null
  if (clientId !== null && (clientId.length === 0 || clientId.length > 100)) {
    throw new AppError('note.invalid_client_id', 400, 'clientId must be 1–100 characters')
  }
  const conversation = await getConversation(deps, conversationId)
  if (clientId) {
    const seen = await repo.findByClientId(deps.sql, actor.id, clientId)
    if (seen) return { note: seen, conversation, duplicate: true }
  }
  const agents = (await listAgents(deps)).filter((a) => a.active)
  const mentions = mentionsIn(body, agents).filter((id) => id !== actor.id)
  const canMail = mentions.length > 0 && (await deps.mail.canSend())
  const id = newId()
  const stored = await deps.sql.begin(async (tx) => {
    if (!(await repo.insertNote(tx, { id, conversationId, authorId: actor.id, body, mentions, clientId }))) return false
    for (const agent of agents) {
      if (!canMail || !mentions.includes(agent.id) || agent.presence !== 'offline') continue
      const visitor = conversation.visitor.name ?? conversation.visitor.email ?? `#${conversation.visitor.number}`
      const link = deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}/#/c/${conversation.id}` : null
      const mail = mentionMail(agent.language, { author: actor.name, visitor, body, link })
      await deps.mail.queue(tx, { ...mail, to: agent.email, conversationId: conversation.id })
    }
    return true
  })
  if (!stored) {
    // the same client id, stored by a request that raced this one
    const seen = await repo.findByClientId(deps.sql, actor.id, clientId!)
    return { note: seen!, conversation, duplicate: true }
  }
  if (canMail) deps.mail.kick()
  const note = (await repo.findNote(deps.sql, id))!
  deps.bus.emit('note.created', { note, conversation })
  return { note, conversation, duplicate: false }
}

/** One note by id (the cluster relay loads what another process stored). */
export async function findNote(deps: { sql: Sql }, id: string): Promise<NoteView | null> {
  return isUuid(id) ? repo.findNote(deps.sql, id) : null
}

export async function listNotes(deps: { sql: Sql; bus: EventBus }, conversationId: string): Promise<NoteView[]> {
  if (!isUuid(conversationId)) throw new AppError('conversation.not_found', 404, 'conversation not found')
  await getConversation(deps, conversationId)
  return repo.listNotes(deps.sql, conversationId, 1000)
}

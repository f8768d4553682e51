// E-mail notifications to agents: an offline message (the agent was offline and a visitor wrote)
// and a missed conversation (the agent was online, the visitor wrote and left before anyone
// replied). Events start stored timers; a timer that comes due is claimed by one process
// (SKIP LOCKED), looked at afresh — answered, opened by an agent, the visitor back — and only
// then turned into mail, in the transaction that deletes it.
import type { Db, Sql } from '../../db/client.ts'
import type { Logger } from '../../shared/logger.ts'
import { AppError } from '../../shared/errors.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { listAgents } from '../agents/agents.usecases.ts'
import type { EventBus } from '../../events/bus.ts'
import { batched } from '../../shared/batch.ts'
import { findConversation } from '../conversations/conversations.usecases.ts'
import type { ConversationView } from '../conversations/conversations.types.ts'
import { isVisitorOnline } from '../visitors/visitors.usecases.ts'
import { listMessages } from '../messages/messages.usecases.ts'
import type { MessageView } from '../messages/messages.types.ts'
import * as repo from './notifications.repo.ts'
import { answeredSince, effectiveChoice, recipientsOf, wants } from './notifications.rules.ts'
import { noticeMail, transcriptMail } from './notifications.text.ts'
import { getVisitorConversation } from '../conversations/conversations.usecases.ts'
import type {
  AgentNotificationPrefs,
  NotificationChoice,
  NotificationKind,
  NotificationMailer,
  NotificationSettingsView,
  NotificationTimer,
} from './notifications.types.ts'

export type { NotificationKind, NotificationMailer, NotificationSettingsView } from './notifications.types.ts'

const nothingToChange = () => new AppError('request.empty', 400, 'give offlineMessage or missedConversation')

// Settings -----------------------------------------------------------------------------------

export async function notificationSettings(deps: { sql: Sql }, actor: Actor): Promise<NotificationSettingsView> {
  const [own, defaults] = await Promise.all([repo.readPrefs(deps.sql, actor.id), repo.readDefaults(deps.sql)])
  const mine = own ?? { offlineMessage: null, missedConversation: null }
  return { effective: effectiveChoice(mine, defaults), own: mine, defaults }
}

/** An agent's own choice; a field left out keeps its value, null follows the team's default. */
export async function setNotificationPrefs(
  deps: { sql: Sql },
  actor: Actor,
  patch: Partial<AgentNotificationPrefs>,
): Promise<NotificationSettingsView> {
  if (patch.offlineMessage === undefined && patch.missedConversation === undefined) throw nothingToChange()
  const current = (await repo.readPrefs(deps.sql, actor.id)) ?? { offlineMessage: null, missedConversation: null }
  const next: AgentNotificationPrefs = {
    offlineMessage: patch.offlineMessage === undefined ? current.offlineMessage : patch.offlineMessage,
    missedConversation: patch.missedConversation === undefined ? current.missedConversation : patch.missedConversation,
  }
  await repo.writePrefs(deps.sql, actor.id, next)
  return notificationSettings(deps, actor)
}

export async function notificationDefaults(deps: { sql: Sql }): Promise<NotificationChoice> {
  return repo.readDefaults(deps.sql)
}

export async function setNotificationDefaults(deps: { sql: Sql }, actor: Actor, patch: Partial<NotificationChoice>): Promise<NotificationChoice> {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, "only the owner can change the team's notification defaults")
  if (patch.offlineMessage === undefined && patch.missedConversation === undefined) throw nothingToChange()
  const current = await repo.readDefaults(deps.sql)
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as NotificationChoice
  await repo.writeDefaults(deps.sql, next, actor.id)
  return next
}

// What starts and stops a notice -------------------------------------------------------------

export interface TimerDeps {
  sql: Sql
  batchMs: number
  leaveGraceMs: number
  /** The grace period when the page said it was closing or hidden as its last widget went away. */
  closedGraceMs: number
  /** A timer was stored: the worker looks at when it is due. */
  wake(): void
}

/**
 * A visitor wrote: agents who stay offline are told after the batching window. The messages
 * written within 50 ms of each other start their timers in one statement — one commit for many
 * messages rather than one each — so the returned function is made once per process. A timer
 * gathered after an agent's answer is not stored (startOfflineTimers), and planNotice still drops a
 * notice whose conversation was answered since (a reply on another process, say).
 */
export function visitorWrote(deps: TimerDeps): (conversationId: string, seq: number) => Promise<void> {
  const start = batched(
    async (timers: { conversationId: string; fromSeq: number }[]) => {
      // The first message of a conversation in the batch is the one its timer starts from.
      const first = new Map<string, number>()
      for (const t of timers) if (!first.has(t.conversationId)) first.set(t.conversationId, t.fromSeq)
      const started = await repo.startOfflineTimers(deps.sql, [...first].map(([conversationId, fromSeq]) => ({ conversationId, fromSeq })), deps.batchMs)
      if (started > 0) deps.wake()
      return timers.map(() => undefined)
    },
    // A timer is due minutes later: gathering the messages of 50 ms takes the statement (and its
    // commit) off a quiet chat's every message as well as a busy one's.
    { max: 1000, concurrency: 1, gatherMs: 50 },
  )
  return (conversationId, seq) => start({ conversationId, fromSeq: seq })
}

/** An agent answered (or resolved it): whatever was pending for the conversation is moot. */
export async function conversationHandled(deps: { sql: Sql }, conversationId: string): Promise<void> {
  await repo.cancelTimers(deps.sql, conversationId)
}

/**
 * An agent opened the conversation: someone has seen it, nobody needs mail about it (as
 * Smartsupp). Messages after this start a new notice.
 */
export async function conversationOpened(deps: { sql: Sql }, conversationId: string): Promise<void> {
  await repo.cancelTimers(deps.sql, conversationId)
}

/**
 * A visitor's last widget went away: they count as gone once the grace period passes — the
 * shorter one when its page said it was closing or hidden (a closed tab), the longer one when the
 * connection just dropped. A reload or a page change reconnects within either, and a notice that
 * comes due while the visitor is connected again is dropped (planNotice: "the visitor came back").
 * The departures of 50 ms start their timers in one statement (a dropped network takes every
 * widget at once), so the returned function is made once per process.
 */
export function visitorWentAway(deps: TimerDeps): (visitorId: string, pageClosed?: boolean) => Promise<void> {
  const start = batched(
    async (departures: { visitorId: string; graceMs: number }[]) => {
      // A visitor twice in the batch: the later departure sets the time, as one after the other would.
      const grace = new Map<string, number>()
      for (const d of departures) grace.set(d.visitorId, d.graceMs)
      const started = await repo.startMissedTimers(deps.sql, [...grace].map(([visitorId, graceMs]) => ({ visitorId, graceMs })))
      if (started > 0) deps.wake()
      return departures.map(() => undefined)
    },
    { max: 1000, concurrency: 1, gatherMs: 50 },
  )
  return (visitorId, pageClosed = false) => start({ visitorId, graceMs: pageClosed ? deps.closedGraceMs : deps.leaveGraceMs })
}

export const pendingNotices = (deps: { sql: Sql }, conversationId: string) => repo.listTimers(deps.sql, conversationId)
export const msUntilNextNotice = (deps: { sql: Sql }) => repo.msUntilNextDue(deps.sql)

// Sending ------------------------------------------------------------------------------------

export interface SendDeps {
  sql: Sql
  bus: EventBus
  log: Logger
  mailer: NotificationMailer
  /** PUBLIC_URL: the mail links to the conversation in the dashboard when it is known. */
  publicUrl: string | null
}

export type NoticeOutcome =
  | { sent: true; kind: NotificationKind; conversationId: string; to: string[] }
  | { sent: false; kind: NotificationKind; conversationId: string; reason: string }

const MAX_LINES = 20

/**
 * Claims one due timer and settles it: mail to every agent who should have it, or nothing with
 * the reason. Null when no timer was due. The timer's row goes in the same transaction as the
 * mails are queued, so a notice is sent once, whichever process claims it.
 */
export async function sendDueNotice(deps: SendDeps): Promise<NoticeOutcome | null> {
  const seen: { missed: ConversationView | null } = { missed: null }
  const outcome = await deps.sql.begin(async (tx): Promise<NoticeOutcome | null> => {
    const timer = await repo.claimDue(tx)
    if (!timer) return null
    await repo.deleteTimer(tx, timer.conversationId, timer.kind)
    const plan = await planNotice(deps, tx, timer, seen)
    if ('reason' in plan) return { sent: false, kind: timer.kind, conversationId: timer.conversationId, reason: plan.reason }
    for (const m of plan.mails) await deps.mailer.queue(tx, { ...m, conversationId: timer.conversationId })
    return { sent: true, kind: timer.kind, conversationId: timer.conversationId, to: plan.mails.map((m) => m.to) }
  })
  if (outcome?.sent) deps.mailer.kick()
  // Missed whether or not anyone wanted mail about it: webhooks hear of it either way.
  if (seen.missed) deps.bus.emit('conversation.missed', { conversation: seen.missed })
  if (outcome) deps.log.info('notification', outcome.sent ? { ...outcome, to: outcome.to.length } : outcome)
  return outcome
}

async function planNotice(
  deps: SendDeps,
  tx: Db,
  timer: NotificationTimer,
  seen: { missed: ConversationView | null },
): Promise<{ reason: string } | { mails: { to: string; subject: string; text: string }[] }> {
  const conversation = await findConversation({ sql: tx }, timer.conversationId)
  if (!conversation || conversation.status !== 'open') return { reason: 'the conversation is no longer open' }
  const messages = await listMessages({ sql: deps.sql, bus: deps.bus }, conversation.id, { afterSeq: timer.fromSeq - 1, limit: 500 })
  if (answeredSince(messages, timer.fromSeq)) return { reason: 'an agent answered' }
  const lines = messages.filter((m) => m.authorType === 'visitor')
  if (lines.length === 0) return { reason: 'no message to tell of' }
  if (timer.kind === 'missed_conversation' && (await isVisitorOnline({ sql: deps.sql }, conversation.visitor.id))) {
    return { reason: 'the visitor came back' }
  }
  if (timer.kind === 'missed_conversation') seen.missed = conversation
  if (!(await deps.mailer.canSend())) return { reason: 'e-mail is not set up' }
  const [agents, prefs, defaults] = await Promise.all([listAgents(deps), repo.readAllPrefs(tx), repo.readDefaults(tx)])
  const candidates = recipientsOf(
    agents.map((a) => ({ ...a, prefs: prefs.get(a.id) ?? null })),
    conversation,
  ).filter((a) => wants(a, timer.kind, defaults))
  if (candidates.length === 0) return { reason: 'nobody to tell' }
  return { mails: candidates.map((a) => ({ to: a.email, ...compose(deps, timer.kind, a.language, conversation, lines) })) }
}

function compose(deps: SendDeps, kind: NotificationKind, language: string, c: ConversationView, lines: MessageView[]) {
  const visitor = c.visitor.name ?? c.visitor.email ?? `Visitor #${c.visitor.number}`
  const shown = lines.slice(-MAX_LINES).map((m) => m.body)
  const link = deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}/#/c/${c.id}` : null
  return noticeMail(language, kind, { visitor, lines: shown, link })
}

// The transcript a visitor asks for ---------------------------------------------------------

/**
 * E-mails a visitor their conversation, at the address Parley knows for them (never one given in
 * this request, so the button cannot mail anyone else). 409 without an address or without SMTP.
 */
export async function sendTranscript(
  deps: { sql: Sql; bus: EventBus; mail: NotificationMailer },
  visitorId: string,
  conversationId: string,
  language: string,
): Promise<{ to: string }> {
  const conversation = await getVisitorConversation(deps, visitorId, conversationId)
  const to = conversation.visitor.email
  if (!to) throw new AppError('transcript.no_email', 409, 'we have no e-mail address for you: leave one first')
  if (!(await deps.mail.canSend())) throw new AppError('email.not_configured', 409, 'e-mail is not set up on this server')
  const messages = await listMessages(deps, conversation.id, { afterSeq: 0, limit: 500 })
  const lines = messages.filter((m) => m.authorType !== 'system')
  if (lines.length === 0) throw new AppError('transcript.empty', 409, 'the conversation has no messages yet')
  const mail = transcriptMail(language, lines)
  await deps.mail.queue(deps.sql, { ...mail, to, conversationId: conversation.id, kind: 'transcript' })
  deps.mail.kick()
  return { to }
}

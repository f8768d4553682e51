// Blocking (#16): an agent blocks a visitor (from the visitor card); the owner blocks ranges of
// IP addresses. A blocked visitor's widget shows no chat, their sockets are refused or closed,
// and their messages are refused on every channel (web, e-mail, Messenger: a channel's sender
// is a visitor, so a blocked visitor's mail and Messenger messages are refused too).
//
// The check is one indexed statement (blocking.repo.ts isBlocked). Most installations block
// nobody, so each process remembers whether any block exists and skips the statement while none
// does; a change here forgets that at once, and a change on another process does when its notice
// arrives (listeners/cluster.ts), which also closes the sockets it blocked on this process.
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { AppError } from '../../shared/errors.ts'
import { knownPerHandle } from '../../shared/known.ts'
import { isUuid, newId } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { findVisitor } from '../visitors/visitors.usecases.ts'
import * as v from '../shared/validate.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import * as repo from './blocking.repo.ts'
import { formatRange, normalizeIp } from '../../shared/ip.ts'
import { parseRange } from './blocking.rules.ts'
import type { BlockList, BlockedRangeView, BlockedVisitorView } from './blocking.types.ts'

export type { BlockList, BlockedRangeView, BlockedVisitorView, BlocksChanged } from './blocking.types.ts'

export interface BlockingDeps {
  sql: Sql
  bus: EventBus
}

export const MAX_REASON = 500

/** Per database handle (one per running Parley): whether any block exists, once known. */
const anyKnown = knownPerHandle<boolean>()

/** Forget what this process knows about blocks (a change here or on another process). */
export function blocksChanged(deps: { sql: Db }): void {
  anyKnown.forget(deps.sql)
}

const anyBlocks = (deps: { sql: Db }): Promise<boolean> => anyKnown.get(deps.sql, () => repo.anyBlocks(deps.sql))

/** Whether this visitor (by id) or this address (any text; 'unknown' counts as none) is blocked. */
export async function isBlocked(deps: { sql: Db }, who: { visitorId?: string | null; ip?: string | null }): Promise<boolean> {
  if (!(await anyBlocks(deps))) return false
  const visitorId = who.visitorId && isUuid(who.visitorId) ? who.visitorId : null
  const ip = normalizeIp(who.ip)
  if (!visitorId && !ip) return false
  return repo.isBlocked(deps.sql, visitorId, ip)
}

/**
 * Refuses a blocked visitor or address. Worded neutrally: the visitor sees no chat, never an
 * accusation; the code tells the widget to stay hidden.
 */
export const blockedError = () => new AppError('visitor.blocked', 403, 'chat is not available')

export async function assertNotBlocked(deps: { sql: Db }, who: { visitorId?: string | null; ip?: string | null }): Promise<void> {
  if (await isBlocked(deps, who)) throw blockedError()
}

const ownerOnly = (actor: Actor) => {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can block or unblock IP ranges')
}

function reasonOf(reason: string | null | undefined): MaskedText | null {
  if (reason === undefined || reason === null) return null
  const r = v.text(reason, 'reason', MAX_REASON, { allowEmpty: true })
  return r === '' ? null : maskCardNumbers(r)
}

function announce(deps: BlockingDeps, change: { added: boolean; visitorIds?: string[]; ranges?: string[] }): void {
  blocksChanged(deps)
  deps.bus.emit('blocking.changed', { added: change.added, visitorIds: change.visitorIds ?? [], ranges: change.ranges ?? [] })
}

async function existingVisitor(deps: BlockingDeps, visitorId: string): Promise<void> {
  if (!isUuid(visitorId) || !(await findVisitor(deps, visitorId))) throw new AppError('visitor.not_found', 404, 'visitor not found')
}

/** Any agent may block a visitor they see (from the visitor card), with an optional reason. */
export async function blockVisitor(deps: BlockingDeps, actor: Actor, visitorId: string, input: { reason?: string | null }): Promise<BlockedVisitorView> {
  await existingVisitor(deps, visitorId)
  await repo.blockVisitor(deps.sql, { visitorId, reason: reasonOf(input.reason), blockedBy: actor.id })
  announce(deps, { added: true, visitorIds: [visitorId] })
  return (await repo.findVisitorBlock(deps.sql, visitorId))!
}

/** Any agent may undo a visitor's block (so one blocked by mistake is unblocked at once). */
export async function unblockVisitor(deps: BlockingDeps, _actor: Actor, visitorId: string): Promise<void> {
  await existingVisitor(deps, visitorId)
  if (!(await repo.unblockVisitor(deps.sql, visitorId))) throw new AppError('blocking.not_found', 404, 'this visitor is not blocked')
  announce(deps, { added: false, visitorIds: [visitorId] })
}

export async function visitorBlock(deps: BlockingDeps, visitorId: string): Promise<BlockedVisitorView | null> {
  await existingVisitor(deps, visitorId)
  return repo.findVisitorBlock(deps.sql, visitorId)
}

export async function blockRange(deps: BlockingDeps, actor: Actor, input: { range: string; reason?: string | null }): Promise<BlockedRangeView> {
  ownerOnly(actor)
  const range = formatRange(parseRange(input.range))
  const reason = reasonOf(input.reason)
  const row = await repo.insertRange(deps.sql, { id: newId(), range, reason, blockedBy: actor.id })
  if (!row) {
    throw new AppError('blocking.duplicate', 409, `${range} is already blocked`, { field: 'range', range })
  }
  announce(deps, { added: true, ranges: [row.range] })
  return row
}

export async function unblockRange(deps: BlockingDeps, actor: Actor, id: string): Promise<void> {
  ownerOnly(actor)
  const range = isUuid(id) ? await repo.deleteRange(deps.sql, id) : null
  if (!range) throw new AppError('blocking.not_found', 404, 'no such blocked range')
  announce(deps, { added: false, ranges: [range] })
}

/** Everything blocked, newest first, for the owner's settings page. */
export async function listBlocks(deps: BlockingDeps, actor: Actor): Promise<BlockList> {
  ownerOnly(actor)
  return { visitors: await repo.listVisitorBlocks(deps.sql), ranges: await repo.listRanges(deps.sql) }
}

import { untilStored } from '../../shared/database-away.ts'
import type { Db, Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import { batched } from '../../shared/batch.ts'
import { AppError, isUniqueViolation } from '../../shared/errors.ts'
import { isUuid, newId, newSecret, hashSecret } from '../../shared/ids.ts'
import * as v from '../shared/validate.ts'
import { maskCardNumbers, maskCardNumbersInUrl, maskOptional } from '../privacy/privacy.rules.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import type { Channel } from '../conversations/conversations.types.ts'
import * as repo from './visitors.repo.ts'
import { findConversation } from '../conversations/conversations.usecases.ts'
import type { EmailSource, MaskedVariable, PageView, VisitorPatch, VisitorRow, VisitorView } from './visitors.types.ts'

export interface VisitorDeps {
  sql: Sql
  bus: EventBus
}

/** A new widget visitor: the opaque token goes to the browser, only its hash is stored. */
export async function createWebVisitor(deps: { sql: Sql }): Promise<{ token: string; visitor: VisitorRow }> {
  const token = newSecret()
  const visitor = await repo.insertVisitor(deps.sql, { id: newId(), tokenHash: hashSecret(token) })
  return { token, visitor }
}

/**
 * The visitor a widget's token belongs to, or null. The checks that arrive together (a page's
 * requests, the recordings' uploads, every widget reconnecting after a restart) share one
 * statement per pool (authenticateVisitors); alone, a check waits one turn of the event loop.
 */
export async function authenticateVisitor(deps: { sql: Sql }, token: string | undefined | null): Promise<VisitorRow | null> {
  return checkToken(tokenChecks, deps, token, false)
}
const tokenChecks = new WeakMap<Sql, (token: string) => Promise<VisitorRow | null>>()

/**
 * The same for a widget's socket, which also learns the visitor's newest conversation (its
 * `latestConversationId`, told in the hello): a widget that knows of none then asks for the list
 * only when there is one — after a restart, not every widget on every open page at once. The
 * sockets' checks batch apart from the HTTP requests', so those pay nothing for it.
 */
export async function authenticateVisitorSocket(deps: { sql: Sql }, token: string | undefined | null): Promise<VisitorRow | null> {
  return checkToken(socketTokenChecks, deps, token, true)
}
const socketTokenChecks = new WeakMap<Sql, (token: string) => Promise<VisitorRow | null>>()

function checkToken(
  checks: WeakMap<Sql, (token: string) => Promise<VisitorRow | null>>,
  deps: { sql: Sql },
  token: string | undefined | null,
  withLatestConversation: boolean,
): Promise<VisitorRow | null> {
  if (!token || token.length > 200) return Promise.resolve(null)
  let check = checks.get(deps.sql)
  if (!check) {
    const sql = deps.sql
    check = batched((tokens: string[]) => authenticateVisitors({ sql }, tokens, withLatestConversation), { max: 1000, concurrency: 2 })
    checks.set(sql, check)
  }
  return check(token)
}

/**
 * Many token checks at once (the widget sockets accepted together): one visitor or null per
 * token, in the same order.
 */
export async function authenticateVisitors(deps: { sql: Sql }, tokens: (string | undefined | null)[], withLatestConversation = false): Promise<(VisitorRow | null)[]> {
  const hashes = tokens.map((t) => (t && t.length <= 200 ? hashSecret(t) : null))
  const wanted = [...new Set(hashes.filter((h): h is string => h !== null))]
  const found = wanted.length ? await repo.findVisitorsByTokenHashes(deps.sql, wanted, withLatestConversation) : new Map<string, VisitorRow>()
  return hashes.map((h) => (h === null ? null : (found.get(h) ?? null)))
}

const notFound = () => new AppError('visitor.not_found', 404, 'visitor not found')

/** The visitor card, or null when there is no such visitor. */
export async function findVisitor(deps: { sql: Sql }, id: string): Promise<VisitorView | null> {
  return isUuid(id) ? repo.findVisitorView(deps.sql, id) : null
}

/** Several cards in one statement (a relayed burst of visitors whose cards changed); unknown ids are left out. */
export async function findVisitors(deps: { sql: Sql }, ids: string[]): Promise<VisitorView[]> {
  const valid = ids.filter(isUuid)
  return valid.length ? repo.findVisitorViews(deps.sql, valid) : []
}

export async function getVisitor(deps: { sql: Sql }, id: string): Promise<VisitorView> {
  const view = await findVisitor(deps, id)
  if (!view) throw notFound()
  return view
}

/** Phone numbers are kept in E.164 after dropping spaces, dashes, dots and brackets. */
export function normalisePhone(value: string): string {
  const compact = value.trim().replace(/[\s\-.()\u00a0]/g, '').replace(/^00/, '+')
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) {
    throw new AppError('request.invalid_phone', 400, 'phone must be an international number such as +420 601 234 567', { field: 'phone' })
  }
  return compact
}

const blank = (s: string | null | undefined) => s === null || (s !== undefined && s.trim() === '')

/** Name, e-mail and phone as given (blank clears), validated and masked; `source` says who gave the e-mail. */
function contactPatch(input: { name?: string | null; email?: string | null; phone?: string | null }, source: EmailSource): VisitorPatch {
  const patch: VisitorPatch = {}
  if (input.name !== undefined) patch.name = blank(input.name) ? null : maskCardNumbers(v.text(input.name!, 'name', 100))
  if (input.email !== undefined) {
    patch.email = blank(input.email) ? null : v.email(input.email!)
    patch.emailSource = source
  }
  if (input.phone !== undefined) patch.phone = blank(input.phone) ? null : normalisePhone(input.phone!)
  return patch
}

export interface VisitorEdit {
  name?: string | null
  email?: string | null
  phone?: string | null
  note?: string
}

/** An agent edits the visitor card; every open dashboard gets the change. */
export async function editVisitor(deps: VisitorDeps, actor: Actor, id: string, input: VisitorEdit): Promise<VisitorView> {
  const patch = contactPatch(input, 'agent')
  if (input.note !== undefined) {
    patch.note = maskCardNumbers(v.text(input.note, 'note', 5000, { allowEmpty: true }))
    patch.noteUpdatedBy = actor.id
  }
  if (!(await repo.updateVisitor(deps.sql, id, patch))) throw notFound()
  const visitor = await getVisitor(deps, id)
  deps.bus.emit('visitor.changed', { visitor })
  return visitor
}

/** The widget's contact form: the visitor leaves their e-mail (and maybe a name). */
export async function leaveContact(deps: VisitorDeps, id: string, input: { email: string; name?: string | null }): Promise<void> {
  const patch: VisitorPatch = { email: v.email(input.email), emailSource: 'contact_form' }
  if (input.name && input.name.trim() !== '') patch.name = maskCardNumbers(v.text(input.name, 'name', 100))
  if (!(await repo.updateVisitor(deps.sql, id, patch))) throw notFound()
  deps.bus.emit('visitor.changed', { visitor: await getVisitor(deps, id) })
}

/**
 * Widget sockets of this process closed (a batch: the ones that closed together; a visitor with
 * several tabs once per socket); dashboards see each visitor go or stay. Stored even when the
 * database is away at that moment (tried again until it is back: see untilStored); otherwise the
 * counts stay up and the visitors show online for good. The statement decrements or fails as a
 * whole, so trying it again never takes another tab's connection. `pageClosed`: that socket's page
 * was hidden when it closed (the tab closed, not reloaded), which the missed-conversation timer needs.
 */
export async function visitorsDisconnected(deps: VisitorDeps, nodeId: string, closes: { visitorId: string; pageClosed: boolean }[]): Promise<void> {
  if (closes.length === 0) return
  const online = await untilStored(() => repo.disconnectVisitors(deps.sql, nodeId, closes.map((c) => c.visitorId)))
  const pageClosed = new Map<string, boolean>()
  // As when they close one by one: the visitor's last socket to go says how they left.
  for (const c of closes) pageClosed.set(c.visitorId, c.pageClosed)
  for (const [visitorId, closed] of pageClosed) {
    const on = online.get(visitorId) ?? false
    deps.bus.emit('visitor.presence', { visitorId, online: on, ...(closed && !on ? { pageClosed: true } : {}) })
  }
}

/** Which of these visitors are online, in one statement (a relayed burst of presence changes). */
export async function onlineVisitors(deps: { sql: Sql }, visitorIds: string[]): Promise<Set<string>> {
  const valid = visitorIds.filter(isUuid)
  return valid.length ? repo.onlineVisitors(deps.sql, valid) : new Set()
}

/**
 * Widget sockets of a process that died (stopped heartbeating; its sockets never closed): their
 * counts are forgotten, once, by whichever live process gets to them first, and each visitor is
 * announced online (a tab elsewhere) or gone, as when the last socket closes. Gone starts the
 * missed-conversation timer, with the ordinary leave grace (how the page went is unknown).
 */
export async function visitorsOfLapsedProcesses(deps: VisitorDeps): Promise<number> {
  const visitorIds = await repo.takeLapsedConnections(deps.sql)
  if (visitorIds.length === 0) return 0
  const online = await repo.onlineVisitors(deps.sql, visitorIds)
  for (const visitorId of visitorIds) deps.bus.emit('visitor.presence', { visitorId, online: online.has(visitorId) })
  return visitorIds.length
}

export async function isVisitorOnline(deps: { sql: Sql }, visitorId: string): Promise<boolean> {
  return repo.isVisitorOnline(deps.sql, visitorId)
}

// Site integration -------------------------------------------------------------------------------

export const MAX_VARIABLES = 50
export const MAX_VARIABLE_VALUE_BYTES = 1024
const VARIABLE_KEY = /^[A-Za-z0-9_.-]{1,64}$/

/** Customer info sent by the site: `{ key: { label, value } }`, bounded and masked. */
export function checkVariables(input: Record<string, { label?: unknown; value?: unknown }>): Record<string, MaskedVariable> {
  const entries = Object.entries(input)
  if (entries.length > MAX_VARIABLES) {
    throw new AppError('visitor.too_many_variables', 400, `at most ${MAX_VARIABLES} variables`, { field: 'variables', max: MAX_VARIABLES })
  }
  const out: Record<string, MaskedVariable> = {}
  for (const [key, raw] of entries) {
    if (!VARIABLE_KEY.test(key)) {
      throw new AppError('visitor.invalid_variable', 400, `variable key "${key.slice(0, 64)}" must be 1–64 letters, digits, "_", "." or "-"`, { field: `variables.${key.slice(0, 64)}` })
    }
    const value = raw?.value
    const label = raw?.label ?? key
    if (typeof label !== 'string' || label.length > 100) {
      throw new AppError('visitor.invalid_variable', 400, `variables.${key}.label must be text of at most 100 characters`, { field: `variables.${key}.label` })
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new AppError('visitor.invalid_variable', 400, `variables.${key}.value must be text, a number or true/false`, { field: `variables.${key}.value` })
    }
    const text = String(value)
    if (Buffer.byteLength(text) > MAX_VARIABLE_VALUE_BYTES) {
      throw new AppError('visitor.invalid_variable', 400, `variables.${key}.value is longer than ${MAX_VARIABLE_VALUE_BYTES} bytes`, { field: `variables.${key}.value` })
    }
    out[key] = { label: maskCardNumbers(label.trim() || key), value: maskCardNumbers(text) }
  }
  return out
}

export interface SiteInfo {
  name?: string | null
  email?: string | null
  phone?: string | null
  variables?: Record<string, { label?: unknown; value?: unknown }>
}

/** Name, e-mail, phone and customer info from the site (widget JS API or server API). */
export async function setSiteInfo(deps: VisitorDeps, visitorId: string, input: SiteInfo): Promise<VisitorView> {
  const patch = contactPatch(input, 'site')
  const variables = input.variables === undefined ? null : checkVariables(input.variables)
  await deps.sql.begin(async (tx) => {
    if (!(await repo.updateVisitor(tx, visitorId, patch))) throw notFound()
    if (variables) {
      const count = await repo.mergeVariables(tx, visitorId, variables)
      if (count > MAX_VARIABLES) {
        throw new AppError('visitor.too_many_variables', 400, `at most ${MAX_VARIABLES} variables per visitor`, { field: 'variables', max: MAX_VARIABLES })
      }
    }
  })
  const visitor = await getVisitor(deps, visitorId)
  deps.bus.emit('visitor.changed', { visitor })
  return visitor
}

export interface FactSources {
  locate(ip: string): Promise<{ countryCode: string; region: string | null; city: string | null } | null>
  parseUserAgent(ua: string): { osName: string | null; osVersion: string | null; browserName: string | null; browserVersion: string | null }
}

/**
 * The widget connected: count the connection (the visitor is online) and note where from
 * (location by IP) and with what (OS and browser), in one statement. Dashboards hear that the
 * visitor came, and get the new card when the address or browser changed.
 */
/**
 * Widget sockets opened on this process (a batch of the ones accepted together): each is counted
 * online, and the visit (address, location, browser) is recorded, in one statement. Every visitor
 * is announced online; a card whose address or browser changed is sent to the dashboards.
 */
export async function visitorsConnected(
  deps: VisitorDeps,
  nodeId: string,
  visits: { visitorId: string; ip: string; userAgent: string }[],
  facts: FactSources,
): Promise<void> {
  if (visits.length === 0) return
  const rows = await Promise.all(
    visits.map(async ({ visitorId, ip, userAgent }) => {
      const location = await facts.locate(ip)
      const parsed = facts.parseUserAgent(userAgent)
      return {
        id: visitorId,
        facts: {
          ip,
          userAgent: maskCardNumbers(userAgent.slice(0, 1000)),
          countryCode: location?.countryCode ?? null,
          region: location?.region ?? null,
          city: location?.city ?? null,
          osName: maskOptional(parsed.osName),
          osVersion: maskOptional(parsed.osVersion),
          browserName: maskOptional(parsed.browserName),
          browserVersion: maskOptional(parsed.browserVersion),
        },
      }
    }),
  )
  const changed = await repo.connectVisits(deps.sql, nodeId, rows)
  for (const visitorId of new Set(visits.map((v) => v.visitorId))) deps.bus.emit('visitor.presence', { visitorId, online: true })
  if (changed.length > 0) for (const visitor of await repo.findVisitorViews(deps.sql, changed)) deps.bus.emit('visitor.changed', { visitor })
}

function checkUrl(value: string, field: string): MaskedText {
  let u: URL
  try {
    u = new URL(value)
  } catch {
    throw new AppError('visitor.invalid_url', 400, `${field} is not a URL`, { field })
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('visitor.invalid_url', 400, `${field} must be http or https`, { field })
  if (value.length > 2048) throw new AppError('visitor.invalid_url', 400, `${field} is longer than 2048 characters`, { field })
  return maskCardNumbersInUrl(value)
}

/** A page the visitor opened (also single-page-app navigations); the dashboard shows it live. */
export async function recordPageView(deps: VisitorDeps, visitorId: string, p: { url: string; title?: string; referrer?: string | null }): Promise<PageView> {
  const url = checkUrl(p.url, 'url')
  const referrer = p.referrer ? checkUrl(p.referrer, 'referrer') : null
  const title = maskCardNumbers((p.title ?? '').trim().slice(0, 300))
  // The visit's referrer is the outside page that brought them; a link within the site is not.
  const visitReferrer = referrer && new URL(referrer).origin !== new URL(url).origin ? referrer : null
  const view = await repo.addPageView(deps.sql, visitorId, { url, title, referrer, visitReferrer })
  deps.bus.emit('visitor.changed', { visitor: await getVisitor(deps, visitorId) })
  return view
}

export async function listPageViews(deps: { sql: Sql }, visitorId: string, limit = 50): Promise<PageView[]> {
  return repo.listPageViews(deps.sql, visitorId, Math.min(Math.max(limit, 1), 500))
}

/** HMAC-SHA256 of the user id with the identity secret, hex: what the site's back end computes. */
export function identityHash(secret: string, userId: string): string {
  return new Bun.CryptoHasher('sha256', secret).update(userId).digest('hex')
}

export interface IdentifyInput extends SiteInfo {
  id: string
  hash: string
}

/**
 * A logged-in user of the site. With a valid hash the visitor is linked to that user: the same
 * person's conversations come together across devices. A wrong or missing hash is refused and
 * nothing is merged or changed.
 */
export async function identify(
  deps: VisitorDeps,
  token: string,
  visitorId: string,
  input: IdentifyInput,
  secret: string,
): Promise<{ visitor: VisitorView; switched: boolean }> {
  const id = typeof input.id === 'string' ? input.id.trim() : ''
  if (id === '' || id.length > 200) throw new AppError('identity.invalid', 400, 'id must be 1–200 characters', { field: 'id' })
  const expected = identityHash(secret, id)
  const given = typeof input.hash === 'string' ? input.hash.trim().toLowerCase() : ''
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    throw new AppError('identity.unverified', 403, 'the identity hash does not match: compute HMAC-SHA256 of the user id with the identity secret')
  }
  const tokenHash = hashSecret(token)
  let moved: string[] = []
  const target = await deps.sql.begin(async (tx) => {
    const current = await repo.findExternalId(tx, visitorId)
    if (current === undefined) throw notFound()
    if (current === id) return visitorId
    const known = await repo.findByExternalId(tx, id)
    if (current === null) {
      if (!known) {
        await repo.setExternalId(tx, visitorId, id)
        return visitorId
      }
      // The anonymous visitor on this device is that user: bring their history together.
      moved = await repo.mergeInto(tx, visitorId, known.id)
      return known.id
    }
    // Another user signed in on this browser: never mix the two; this token now belongs to the new user.
    if (known) {
      await repo.moveToken(tx, tokenHash, known.id)
      return known.id
    }
    const fresh = newId()
    await repo.insertVisitor(tx, { id: fresh, tokenHash: null, externalId: id })
    await repo.moveToken(tx, tokenHash, fresh)
    return fresh
  })
  for (const id of moved) {
    const conversation = await findConversation(deps, id)
    if (conversation) deps.bus.emit('conversation.changed', { conversation, change: 'updated' })
  }
  // The browser's other tabs are still open as the visitor this token named: they reconnect, as
  // whoever it names now (the tab that asked starts again by itself on `switched`).
  if (target !== visitorId) deps.bus.emit('visitor.switched', { visitorId })
  const info: SiteInfo = { name: input.name, email: input.email, phone: input.phone, variables: input.variables }
  const hasInfo = Object.values(info).some((x) => x !== undefined)
  const visitor = hasInfo ? await setSiteInfo(deps, target, info) : await getVisitor(deps, target)
  if (!hasInfo) deps.bus.emit('visitor.changed', { visitor })
  return { visitor, switched: target !== visitorId }
}

/** The server API: customer info for a user of the site, by their id, created if new. */
export async function upsertExternalUser(deps: VisitorDeps, externalId: string, info: SiteInfo): Promise<VisitorView> {
  const id = externalId.trim()
  if (id === '' || id.length > 200) throw new AppError('identity.invalid', 400, 'the user id must be 1–200 characters', { field: 'externalId' })
  let known = await repo.findByExternalId(deps.sql, id)
  if (!known) {
    try {
      await repo.insertVisitor(deps.sql, { id: newId(), tokenHash: null, externalId: id })
    } catch (e) {
      if (!isUniqueViolation(e)) throw e
    }
    known = await repo.findByExternalId(deps.sql, id)
  }
  return setSiteInfo(deps, known!.id, info)
}

export async function searchVisitors(deps: { sql: Sql }, q: { externalId?: string; email?: string }): Promise<VisitorView[]> {
  const ids = await repo.search(deps.sql, q, 50)
  const out: VisitorView[] = []
  for (const { id } of ids) {
    const view = await repo.findVisitorView(deps.sql, id)
    if (view) out.push(view)
  }
  return out
}

/**
 * The visitor who writes from an e-mail address: the one last seen with it on their card, else the
 * one who wrote from it before (its e-mail identity), else a new visitor known by it. The identity
 * then points at that visitor. Runs in the caller's transaction; two mails from a new sender at
 * once make one visitor.
 */
export async function findOrCreateVisitorByEmail(db: Db, from: { address: string; name: string | null }): Promise<string> {
  const address = from.address.toLowerCase()
  await repo.lockEmailAddress(db, address)
  const id =
    (await repo.findIdByEmail(db, address)) ??
    (await repo.findIdByIdentity(db, 'email', address)) ??
    (await repo.insertVisitor(db, { id: newId(), tokenHash: null, name: maskOptional(from.name), email: from.address, emailSource: 'email' })).id
  await repo.saveIdentity(db, 'email', address, id, true)
  return id
}

/**
 * A visitor wrote by e-mail (in a conversation found by its thread): the address becomes one of
 * their identities unless it is another visitor's, and their card's address unless one is known.
 */
export async function rememberEmailAddress(db: Db, visitorId: string, address: string): Promise<void> {
  await repo.saveIdentity(db, 'email', address.toLowerCase(), visitorId, false)
  await repo.setEmailIfMissing(db, visitorId, address)
}

/** The visitor behind a channel identity (a Messenger page-scoped id), or null. */
export async function findVisitorByIdentity(db: Db, channel: Channel, externalId: string): Promise<string | null> {
  return repo.findIdByIdentity(db, channel, externalId)
}

/**
 * The visitor behind a channel identity, created (with the name the channel knows, masked) the
 * first time; in the caller's transaction. Two first messages at once make one visitor: the
 * identity is locked before it is looked up.
 */
export async function findOrCreateVisitorByIdentity(db: Db, channel: Channel, externalId: string, name: string | null): Promise<string> {
  await repo.lockIdentity(db, channel, externalId)
  const known = await repo.findIdByIdentity(db, channel, externalId)
  if (known) return known
  const id = (await repo.insertVisitor(db, { id: newId(), tokenHash: null, name: maskOptional(name) })).id
  await repo.saveIdentity(db, channel, externalId, id, false)
  return id
}

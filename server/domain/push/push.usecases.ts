// Desktop notifications, sound and Web Push for agents. Each agent's choice per event is stored
// here (the dashboard plays and shows what it says, in every browser alike). When a visitor writes
// and an agent who wants to hear of it has no dashboard connected, one push per device of theirs is
// queued as a row (jobs/push.ts sends them with VAPID and the Web Push encryption, retrying with
// back-off); a device the push service no longer knows (404/410) is forgotten.
import { createECDH } from 'node:crypto'
import type { Db, Sql, TxSql } from '../../db/client.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError } from '../../shared/errors.ts'
import { hashSecret, isUuid, newId } from '../../shared/ids.ts'
import { agentPresence, findAgent, listAgents, type Actor } from '../agents/agents.usecases.ts'
import type { ConversationView } from '../conversations/conversations.types.ts'
import type { MessageView } from '../messages/messages.types.ts'
import * as repo from './push.repo.ts'
import { alertEventFor, checkEndpoint, cleanEvents, DEFAULT_ALERT_PREFS, isKey, MAX_DEVICES_PER_AGENT, preview } from './push.rules.ts'
import { pushTitle, testPush } from './push.text.ts'
import { ALERT_EVENTS, type AlertEvent, type AlertPrefs, type DuePush, type PushDeviceView, type PushPayload, type PushSubscriptionInput, type VapidKeys } from './push.types.ts'

export type { AlertEvent, AlertPrefs, DuePush, PushDeviceView, PushPayload, VapidKeys } from './push.types.ts'
export { ALERT_EVENTS } from './push.types.ts'

export interface PushOptions {
  vapidPublicKey: string | null
  vapidPrivateKey: string | null
  vapidSubject: string | null
  allowLoopbackHttp: boolean
}

export interface PushDeps {
  sql: Sql
  secrets: SecretBox
  push: PushOptions
  publicUrl: string | null
}

// Choices ------------------------------------------------------------------------------------

export async function alertPrefs(deps: { sql: Sql }, actor: Actor): Promise<AlertPrefs & { events: readonly AlertEvent[] }> {
  return { ...((await repo.readPrefs(deps.sql, actor.id)) ?? DEFAULT_ALERT_PREFS), events: ALERT_EVENTS }
}

/** An agent's own choice; a field left out keeps its value. */
export async function setAlertPrefs(
  deps: { sql: Sql },
  actor: Actor,
  patch: { desktop?: string[]; sound?: string[]; volume?: number },
): Promise<AlertPrefs & { events: readonly AlertEvent[] }> {
  if (patch.desktop === undefined && patch.sound === undefined && patch.volume === undefined) {
    throw new AppError('request.empty', 400, 'give desktop, sound or volume')
  }
  const events = (field: 'desktop' | 'sound', list: string[]) => {
    const clean = cleanEvents(list)
    if (!clean) throw new AppError('request.invalid_events', 400, `${field} must list only ${ALERT_EVENTS.join(', ')}`, { field })
    return clean
  }
  if (patch.volume !== undefined && !(Number.isInteger(patch.volume) && patch.volume >= 0 && patch.volume <= 100)) {
    throw new AppError('request.invalid_volume', 400, 'volume must be a whole number from 0 to 100', { field: 'volume' })
  }
  const current = (await repo.readPrefs(deps.sql, actor.id)) ?? DEFAULT_ALERT_PREFS
  const next: AlertPrefs = {
    desktop: patch.desktop === undefined ? current.desktop : events('desktop', patch.desktop),
    sound: patch.sound === undefined ? current.sound : events('sound', patch.sound),
    volume: patch.volume ?? current.volume,
  }
  await repo.writePrefs(deps.sql, actor.id, next)
  recipientsChanged(deps.sql)
  return { ...next, events: ALERT_EVENTS }
}

// VAPID ------------------------------------------------------------------------------------

/**
 * The key pair every push is signed with: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set, else one
 * made at the first need and stored (private key sealed), the same for every process.
 */
export async function vapidKeys(deps: PushDeps): Promise<VapidKeys> {
  const subject = await vapidSubject(deps)
  if (deps.push.vapidPublicKey && deps.push.vapidPrivateKey) return { publicKey: deps.push.vapidPublicKey, privateKey: deps.push.vapidPrivateKey, subject }
  let stored = await repo.readVapid(deps.sql)
  if (!stored) {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    // A private key with leading zero bytes comes back shorter; VAPID wants exactly 32 bytes.
    const priv = ecdh.getPrivateKey()
    const padded = Buffer.concat([Buffer.alloc(32 - priv.length), priv])
    stored = await repo.insertVapid(deps.sql, ecdh.getPublicKey().toString('base64url'), deps.secrets.seal(padded.toString('base64url')))
  }
  return { publicKey: stored.publicKey, privateKey: deps.secrets.open(stored.privateKey), subject }
}

/** Who push services may contact about this installation: VAPID_SUBJECT, an https PUBLIC_URL, else the owner's address. */
async function vapidSubject(deps: PushDeps): Promise<string> {
  if (deps.push.vapidSubject) return deps.push.vapidSubject
  if (deps.publicUrl?.startsWith('https://')) return new URL(deps.publicUrl).origin
  const owner = (await listAgents(deps)).find((a) => a.role === 'owner')
  return `mailto:${owner?.email ?? 'postmaster@localhost'}`
}

export async function vapidPublicKey(deps: PushDeps): Promise<string> {
  return (await vapidKeys(deps)).publicKey
}

/** The stored private key and every device's auth secret and endpoint sealed again with the
 *  current key (at start); an endpoint an earlier version stored in the clear is sealed too. */
export async function resealPushSecrets(deps: { sql: Sql; secrets: SecretBox }): Promise<number> {
  let n = 0
  const vapid = await repo.readVapid(deps.sql)
  const privateKey = vapid && deps.secrets.resealed(vapid.privateKey)
  if (privateKey) {
    await repo.resealVapid(deps.sql, privateKey)
    n++
  }
  for (const s of await repo.allSubscriptions(deps.sql)) {
    const auth = deps.secrets.resealed(s.auth)
    const endpoint = deps.secrets.resealed(s.endpoint)
    if (auth === null && endpoint === null) continue
    await repo.resealDevice(deps.sql, s.id, { auth: auth ?? s.auth, endpoint: endpoint ?? s.endpoint })
    n++
  }
  return n
}

/** How a device is found again without its endpoint in the clear: its SHA-256, as a secret's is
 *  kept (the registration token in it makes it unguessable; migration 00024 computes the same). */
const endpointHash = hashSecret

// Devices ----------------------------------------------------------------------------------

const device = (deps: { secrets: SecretBox }, r: repo.SubscriptionRow): PushDeviceView => ({
  id: r.id,
  service: new URL(deps.secrets.open(r.endpoint)).host,
  userAgent: r.userAgent,
  createdAt: r.createdAt,
  lastSentAt: r.lastSentAt,
})

export async function listDevices(deps: { sql: Sql; secrets: SecretBox }, actor: Actor): Promise<PushDeviceView[]> {
  return (await repo.listSubscriptions(deps.sql, actor.id)).map((r) => device(deps, r))
}

/** This browser's push subscription, for the signed-in agent (the same endpoint again replaces it). */
export async function subscribe(deps: PushDeps, actor: Actor, input: PushSubscriptionInput): Promise<PushDeviceView> {
  const endpoint = checkEndpoint(input.endpoint, deps.push.allowLoopbackHttp)
  if (!endpoint) throw new AppError('push.invalid_endpoint', 400, 'endpoint must be an https:// URL of a push service', { field: 'endpoint' })
  // An uncompressed P-256 point (0x04 ‖ x ‖ y) and a 16-byte secret, as PushSubscription.getKey() gives them.
  if (!isKey(input.keys.p256dh, 65) || Buffer.from(input.keys.p256dh, 'base64url')[0] !== 4) {
    throw new AppError('push.invalid_key', 400, 'keys.p256dh must be an uncompressed P-256 public key (base64url)', { field: 'keys.p256dh' })
  }
  if (!isKey(input.keys.auth, 16)) throw new AppError('push.invalid_key', 400, 'keys.auth must be 16 bytes (base64url)', { field: 'keys.auth' })
  const hash = endpointHash(endpoint.href)
  const mine = await repo.listSubscriptions(deps.sql, actor.id)
  if (mine.length >= MAX_DEVICES_PER_AGENT && !mine.some((s) => s.endpointHash === hash)) {
    throw new AppError('push.too_many', 409, `at most ${MAX_DEVICES_PER_AGENT} devices per agent: remove one first`)
  }
  const row = await repo.upsertSubscription(deps.sql, {
    id: newId(),
    agentId: actor.id,
    endpoint: deps.secrets.seal(endpoint.href),
    endpointHash: hash,
    p256dh: input.keys.p256dh.replace(/=+$/, ''),
    auth: deps.secrets.seal(input.keys.auth.replace(/=+$/, '')),
    userAgent: input.userAgent ? input.userAgent.slice(0, 300) : null,
  })
  recipientsChanged(deps.sql)
  return device(deps, row)
}

export async function unsubscribe(deps: PushDeps, actor: Actor, endpoint: string): Promise<void> {
  const u = checkEndpoint(endpoint, deps.push.allowLoopbackHttp)
  if (!u || !(await repo.deleteSubscriptionByEndpoint(deps.sql, actor.id, endpointHash(u.href)))) throw new AppError('push.not_found', 404, 'no such device of yours')
  recipientsChanged(deps.sql)
}

export async function removeDevice(deps: { sql: Sql }, actor: Actor, id: string): Promise<void> {
  if (!isUuid(id) || !(await repo.deleteSubscriptionById(deps.sql, actor.id, id))) throw new AppError('push.not_found', 404, 'no such device of yours')
  recipientsChanged(deps.sql)
}

// What is pushed ---------------------------------------------------------------------------

const encode = (p: PushPayload) => JSON.stringify(p)

/**
 * Who has a device, read at most once a second per database pool: every visitor message asks, and
 * at thousands of messages a second that was one more query each while almost nobody subscribes.
 * A change on this process (a device, the choices) is seen at once; one on another within 1 s.
 */
const RECIPIENTS_MS = 1_000
const recipientsRead = new WeakMap<Sql, { at: number; rows: ReturnType<typeof repo.pushRecipients> }>()
function pushRecipients(sql: Sql): ReturnType<typeof repo.pushRecipients> {
  const now = Date.now()
  const cached = recipientsRead.get(sql)
  if (cached && now - cached.at < RECIPIENTS_MS) return cached.rows
  const rows = repo.pushRecipients(sql)
  recipientsRead.set(sql, { at: now, rows })
  rows.catch(() => recipientsRead.delete(sql))
  return rows
}
const recipientsChanged = (sql: Sql) => recipientsRead.delete(sql)

/**
 * A visitor wrote: each agent with a device, no dashboard connected, and this event switched on
 * for desktop notifications gets a push on each device. Returns how many were queued.
 */
export async function queueMessagePushes(deps: { sql: Sql }, message: MessageView, conversation: ConversationView): Promise<number> {
  if (message.authorType !== 'visitor' || conversation.status !== 'open') return 0
  let queued = 0
  for (const r of await pushRecipients(deps.sql)) {
    const event = alertEventFor(r.agentId, message, conversation)
    if (!event || !(r.desktop ?? DEFAULT_ALERT_PREFS.desktop).includes(event)) continue
    // A connected dashboard shows the notification itself (and the agent's tabs know the rest).
    if ((await agentPresence(deps, r.agentId))?.connected) continue
    const payload = encode({
      title: pushTitle(r.language, event, conversation.visitor.number),
      body: preview(message.body),
      conversationId: conversation.id,
      tag: conversation.id,
      event,
    })
    queued += await repo.queueForAgent(deps.sql, r.agentId, payload, newId)
  }
  return queued
}

/**
 * A colleague mentioned these agents in a private note: a push to each of their devices when they
 * want one for mentions and have no dashboard connected (a connected one shows it itself).
 */
export async function queueMentionPushes(deps: { sql: Sql }, note: { body: string; mentions: readonly string[]; authorId: string | null }, conversation: ConversationView): Promise<number> {
  if (note.mentions.length === 0) return 0
  let queued = 0
  for (const r of await pushRecipients(deps.sql)) {
    if (!note.mentions.includes(r.agentId) || r.agentId === note.authorId) continue
    if (!(r.desktop ?? DEFAULT_ALERT_PREFS.desktop).includes('mention')) continue
    if ((await agentPresence(deps, r.agentId))?.connected) continue
    const payload = encode({
      title: pushTitle(r.language, 'mention', conversation.visitor.number),
      body: preview(note.body),
      conversationId: conversation.id,
      tag: `note-${conversation.id}`,
      event: 'mention',
    })
    queued += await repo.queueForAgent(deps.sql, r.agentId, payload, newId)
  }
  return queued
}

/** The settings page's "send a test push": one to each of my devices, through the same queue. */
export async function queueTestPush(deps: { sql: Sql }, actor: Actor): Promise<number> {
  const language = (await findAgent(deps.sql, actor.id))?.language ?? 'en'
  const n = await repo.queueForAgent(deps.sql, actor.id, encode({ ...testPush(language), conversationId: null, tag: 'parley-test', event: 'test' }), newId)
  if (n === 0) throw new AppError('push.no_devices', 409, 'this account has no device with push notifications switched on')
  return n
}

// The queue, for the job ------------------------------------------------------------------------

export async function claimDuePush(deps: { secrets: SecretBox }, tx: TxSql): Promise<DuePush | null> {
  const row = await repo.claimDue(tx)
  if (!row) return null
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    agentId: row.agentId,
    endpoint: deps.secrets.open(row.endpoint),
    keys: { p256dh: row.p256dh, auth: deps.secrets.open(row.auth) },
    payload: row.payload,
    attempts: row.attempts,
  }
}

export const pushSent = (db: Db, p: DuePush, status: number) => repo.markSent(db, p.id, p.subscriptionId, status)
export const pushFailed = (db: Db, id: string, f: { status: number | null; error: string; retryInMs: number | null }) => repo.markAttemptFailed(db, id, f)
/** The push service no longer knows the device (404/410): forget it. */
export const subscriptionGone = (db: Db, subscriptionId: string) => repo.dropSubscription(db, subscriptionId)
export const msUntilNextPush = (deps: { sql: Sql }) => repo.msUntilNextDue(deps.sql)
export const PUSH_LOG_DAYS = 7
export const prunePushLog = (deps: { sql: Sql }) => repo.pruneDeliveries(deps.sql, PUSH_LOG_DAYS)
export const pushDeliveries = (deps: { sql: Sql }, subscriptionId: string) => repo.listDeliveries(deps.sql, subscriptionId)

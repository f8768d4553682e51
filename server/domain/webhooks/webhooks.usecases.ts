// Outgoing webhooks: the owner's receivers (URL and signing secret stored sealed, events), the
// deliveries events turn into (stored rows, so none is lost to a restart), and the delivery log.
// Calling a receiver is the job's business (jobs/webhooks.ts); this module decides what is sent.
import type { Db, Sql, TxSql } from '../../db/client.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError } from '../../shared/errors.ts'
import { knownPerHandle } from '../../shared/known.ts'
import { newId, newSecret, isUuid } from '../../shared/ids.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import type { ConversationView } from '../conversations/conversations.types.ts'
import type { MessageView } from '../messages/messages.types.ts'
import * as repo from './webhooks.repo.ts'
import type { EventBus } from '../../events/bus.ts'
import { plainlyPrivateHost } from '../../shared/ip.ts'
import { boundedBody, checkUrl } from './webhooks.rules.ts'
import { WEBHOOK_EVENTS, type DeliveryEvent, type DeliveryRow, type DueDelivery, type WebhookEvent, type WebhookView } from './webhooks.types.ts'

export type { DeliveryRow, DueDelivery, WebhookEvent, WebhookView } from './webhooks.types.ts'
export { WEBHOOK_EVENTS } from './webhooks.types.ts'

export interface WebhookDeps {
  sql: Sql
  bus: EventBus
  secrets: SecretBox
  /** WEBHOOK_ALLOW_PRIVATE: receivers on this machine or a private network are allowed. */
  config: { webhooks: { allowPrivate: boolean } }
}

const MAX_WEBHOOKS = 20

const ownerOnly = (actor: Actor) => {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can manage webhooks')
}
const notFound = () => new AppError('webhook.not_found', 404, 'webhook not found')
// The URL is stored sealed, as the secret is: a receiver's address often carries its own token
// (`https://hooks.example.com/services/T0/B0/xyz`). The owner sees it as entered.
const view = (deps: Pick<WebhookDeps, 'secrets'>, r: repo.WebhookRow): WebhookView => ({
  id: r.id,
  url: deps.secrets.open(r.url),
  events: r.events,
  active: r.active,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

function url(deps: WebhookDeps, raw: string): string {
  const u = checkUrl(raw)
  if (!u) throw new AppError('request.invalid_url', 400, 'url must be an http:// or https:// address (no user or password in it)', { field: 'url' })
  // A host name is checked again at each delivery, after DNS (jobs/webhooks.ts).
  const host = deps.config.webhooks.allowPrivate ? null : plainlyPrivateHost(u)
  if (host) {
    throw new AppError('webhook.private_address', 400, `${host} is this machine or a private network; set WEBHOOK_ALLOW_PRIVATE=true to allow such receivers`, { field: 'url' })
  }
  return u
}

function events(list: string[]): WebhookEvent[] {
  const unique = [...new Set(list)]
  const bad = unique.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e))
  if (bad.length > 0 || unique.length === 0) {
    throw new AppError('request.invalid_events', 400, `events must be one or more of ${WEBHOOK_EVENTS.join(', ')}`, { field: 'events' })
  }
  return unique as WebhookEvent[]
}

// Every event asks which receivers want it — every message of every chat — and most installations
// have none or a handful, changed by hand now and then. So each process keeps the active ones
// (per database handle) and forgets them on a change here, or when another process says it
// changed one (listeners/cluster.ts), as blocking does with "any blocks".
const activeKnown = knownPerHandle<{ id: string; events: string[] }[]>()

/** Forget the active receivers this process knows (a change here or on another process). */
export function webhooksChanged(deps: { sql: Db }): void {
  activeKnown.forget(deps.sql)
}

const activeWebhooks = (deps: { sql: Db }) => activeKnown.get(deps.sql, () => repo.activeWebhooks(deps.sql))

/** A receiver was added, changed or removed: this process forgets at once, the others when told. */
function changed(deps: WebhookDeps): void {
  webhooksChanged(deps)
  deps.bus.emit('webhooks.changed', {})
}

async function found(deps: WebhookDeps, id: string): Promise<repo.WebhookRow> {
  const row = isUuid(id) ? await repo.findWebhook(deps.sql, id) : null
  if (!row) throw notFound()
  return row
}

export async function listWebhooks(deps: WebhookDeps, actor: Actor): Promise<WebhookView[]> {
  ownerOnly(actor)
  return (await repo.listWebhooks(deps.sql)).map((r) => view(deps, r))
}

/** A new receiver; its signing secret is in this answer (and can be shown again by the owner). */
export async function createWebhook(deps: WebhookDeps, actor: Actor, input: { url: string; events: string[] }): Promise<WebhookView & { secret: string }> {
  ownerOnly(actor)
  const u = url(deps, input.url)
  const ev = events(input.events)
  if ((await repo.listWebhooks(deps.sql)).length >= MAX_WEBHOOKS) throw new AppError('webhook.too_many', 409, `at most ${MAX_WEBHOOKS} webhooks`)
  const secret = `whsec_${newSecret()}`
  const row = await repo.insertWebhook(deps.sql, { id: newId(), url: deps.secrets.seal(u), events: ev, secret: deps.secrets.seal(secret), createdBy: actor.id })
  changed(deps)
  return { ...view(deps, row), secret }
}

export async function updateWebhook(deps: WebhookDeps, actor: Actor, id: string, patch: { url?: string; events?: string[]; active?: boolean }): Promise<WebhookView> {
  ownerOnly(actor)
  await found(deps, id)
  const row = await repo.updateWebhook(deps.sql, id, {
    ...(patch.url !== undefined ? { url: deps.secrets.seal(url(deps, patch.url)) } : {}),
    ...(patch.events !== undefined ? { events: events(patch.events) } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
  })
  if (!row) throw notFound()
  changed(deps)
  return view(deps, row)
}

export async function deleteWebhook(deps: WebhookDeps, actor: Actor, id: string): Promise<void> {
  ownerOnly(actor)
  if (!isUuid(id) || !(await repo.deleteWebhook(deps.sql, id))) throw notFound()
  changed(deps)
}

export async function webhookSecret(deps: WebhookDeps, actor: Actor, id: string): Promise<string> {
  ownerOnly(actor)
  return deps.secrets.open((await found(deps, id)).secret)
}

export async function webhookDeliveries(deps: WebhookDeps, actor: Actor, id: string, limit = 50): Promise<DeliveryRow[]> {
  ownerOnly(actor)
  await found(deps, id)
  return repo.listDeliveries(deps.sql, id, Math.min(Math.max(limit, 1), 200))
}

/** Every stored secret sealed again with the current key (at start; see PARLEY_SECRET_KEY_PREVIOUS). */
export async function resealWebhookSecrets(deps: Pick<WebhookDeps, 'sql' | 'secrets'>): Promise<number> {
  let n = 0
  for (const w of await repo.listWebhooks(deps.sql)) {
    const secret = deps.secrets.resealed(w.secret)
    const url = deps.secrets.resealed(w.url)
    if (secret === null && url === null) continue
    await repo.resealSecrets(deps.sql, w.id, { secret: secret ?? w.secret, url: url ?? w.url })
    n++
  }
  return n
}

// What is sent -------------------------------------------------------------------------------

export interface EventData {
  conversation: ConversationView
  message?: MessageView
}

function payload(id: string, event: DeliveryEvent, data: EventData | { test: true }): string {
  const d =
    'test' in data
      ? { test: true as const }
      : {
          conversation: data.conversation,
          ...(data.message
            ? {
                message: {
                  id: data.message.id,
                  seq: data.message.seq,
                  authorType: data.message.authorType,
                  authorName: data.message.authorName,
                  // The stored text: card numbers were masked before it was stored.
                  body: data.message.body,
                  channel: data.message.channel,
                  createdAt: data.message.createdAt,
                },
              }
            : {}),
        }
  return boundedBody({ id, event, createdAt: new Date().toISOString(), data: d })
}

/** Queues one delivery per active webhook subscribed to the event. Returns how many. */
export async function enqueueEvent(deps: { sql: Sql }, event: WebhookEvent, data: EventData): Promise<number> {
  const hooks = (await activeWebhooks(deps)).filter((h) => h.events.includes(event))
  for (const h of hooks) {
    const id = newId()
    await repo.insertDelivery(deps.sql, { id, webhookId: h.id, event, payload: payload(id, event, data) })
  }
  return hooks.length
}

/** The "send test" button: a webhook.test delivery, through the same queue, signing and log. */
export async function sendTest(deps: WebhookDeps, actor: Actor, webhookId: string): Promise<DeliveryRow> {
  ownerOnly(actor)
  await found(deps, webhookId)
  const id = newId()
  return repo.insertDelivery(deps.sql, { id, webhookId, event: 'webhook.test', payload: payload(id, 'webhook.test', { test: true }) })
}

// The queue, for the job ----------------------------------------------------------------------

/** The next due delivery nobody else holds, with its receiver's URL and opened secret. */
export async function claimDueDelivery(deps: { secrets: SecretBox }, tx: TxSql): Promise<DueDelivery | null> {
  const row = await repo.claimDue(tx)
  if (!row) return null
  const { sealedSecret, sealedUrl, ...rest } = row
  return { ...rest, url: deps.secrets.open(sealedUrl), secret: deps.secrets.open(sealedSecret) }
}

export const deliverySent = (db: Db, id: string, status: number, body: string) => repo.markSent(db, id, status, body)
export const deliveryFailed = (db: Db, id: string, f: { status: number | null; body: string | null; error: string; retryInMs: number | null }) =>
  repo.markAttemptFailed(db, id, f)
/** How long the delivery log keeps a settled delivery. */
export const DELIVERY_LOG_DAYS = 30
export const pruneDeliveryLog = (deps: { sql: Sql }) => repo.pruneDeliveries(deps.sql, DELIVERY_LOG_DAYS)
export const msUntilNextDelivery = (deps: { sql: Sql }) => repo.msUntilNextDue(deps.sql)

// Desktop notifications, sound and Web Push: each agent's choices per event, the VAPID public key,
// this browser's push subscription, the list of devices, a test push; and the service worker the
// dashboard registers, served from the dashboard's own origin.
import { Elysia, t } from 'elysia'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { AppDeps } from '../deps.ts'
import {
  ALERT_EVENTS,
  alertPrefs,
  listDevices,
  queueTestPush,
  removeDevice,
  setAlertPrefs,
  subscribe,
  unsubscribe,
  vapidPublicKey,
  type PushDeps,
} from '../domain/push/push.usecases.ts'
import { requireAgent } from './guards.ts'
import { UI_DIR } from './static.ts'

const tags = ['settings']
const Events = t.Array(t.Union(ALERT_EVENTS.map((e) => t.Literal(e))), { maxItems: ALERT_EVENTS.length })
const Endpoint = t.String({ minLength: 1, maxLength: 2048 })
const Key = t.String({ minLength: 1, maxLength: 200 })

/** What a service worker script may do: nothing but be itself (it loads and fetches nothing). */
export const SERVICE_WORKER_HEADERS = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'none'",
  // Scope: the whole dashboard, which lives at /.
  'service-worker-allowed': '/',
}

export const pushRoutes = (deps: AppDeps) => {
  const push: PushDeps = { sql: deps.sql, secrets: deps.secrets, push: deps.config.push, publicUrl: deps.config.publicUrl }
  return new Elysia()
    .get(
      '/sw.js',
      ({ set }) => {
        const path = join(UI_DIR, 'sw.js')
        if (!existsSync(path)) {
          set.status = 404
          return { error: { code: 'asset.not_found', message: 'no service worker; run npm run build' } }
        }
        return new Response(Bun.file(path), { headers: SERVICE_WORKER_HEADERS })
      },
      { detail: { hide: true } },
    )
    .use(
      new Elysia({ prefix: '/api/settings/alerts' })
        .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
        .get('', ({ actor }) => alertPrefs(deps, actor), {
          detail: { summary: 'My desktop notifications and sounds, per event, and the volume', tags },
        })
        .put('', ({ actor, body }) => setAlertPrefs(deps, actor, body), {
          body: t.Object(
            { desktop: t.Optional(Events), sound: t.Optional(Events), volume: t.Optional(t.Integer({ minimum: 0, maximum: 100 })) },
            { additionalProperties: false },
          ),
          detail: { summary: 'Set my desktop notifications and sounds per event (an empty list: none), and the volume 0–100', tags },
        }),
    )
    .use(
      new Elysia({ prefix: '/api/push' })
        .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
        .get('/key', async () => ({ publicKey: await vapidPublicKey(push) }), {
          detail: { summary: "The VAPID public key: the applicationServerKey for PushManager.subscribe()", tags },
        })
        .get('/subscriptions', async ({ actor }) => ({ devices: await listDevices(deps, actor) }), {
          detail: { summary: 'My devices that receive push notifications', tags },
        })
        .post(
          '/subscriptions',
          async ({ actor, body, set, request }) => {
            const d = await subscribe(push, actor, { ...body, userAgent: request.headers.get('user-agent') })
            set.status = 201
            return d
          },
          {
            body: t.Object({ endpoint: Endpoint, keys: t.Object({ p256dh: Key, auth: Key }), expirationTime: t.Optional(t.Nullable(t.Number())) }),
            detail: { summary: "This browser's push subscription (PushSubscription.toJSON()), for me", tags },
          },
        )
        .delete(
          '/subscriptions',
          async ({ actor, body, set }) => {
            await unsubscribe(push, actor, body.endpoint)
            set.status = 204
          },
          { body: t.Object({ endpoint: Endpoint }), detail: { summary: "Stop pushing to this browser's subscription", tags } },
        )
        .delete(
          '/subscriptions/:id',
          async ({ actor, params, set }) => {
            await removeDevice(deps, actor, params.id)
            set.status = 204
          },
          { detail: { summary: 'Remove one of my devices', tags } },
        )
        .post(
          '/test',
          async ({ actor, set }) => {
            const queued = await queueTestPush(deps, actor)
            deps.pushes.wake()
            set.status = 202
            return { queued }
          },
          { detail: { summary: 'Send a test push to each of my devices', tags } },
        ),
    )
}

// Outgoing webhooks (owner only): receivers, their signing secret, the delivery log and the
// "send test" button.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import {
  WEBHOOK_EVENTS,
  createWebhook,
  deleteWebhook,
  listWebhooks,
  sendTest,
  updateWebhook,
  webhookDeliveries,
  webhookSecret,
} from '../domain/webhooks/webhooks.usecases.ts'
import { requireAgent } from './guards.ts'

const tags = ['settings']
const Url = t.String({ maxLength: 2048 })
const Events = t.Array(t.Union(WEBHOOK_EVENTS.map((e) => t.Literal(e))), { minItems: 1, maxItems: WEBHOOK_EVENTS.length })

export const webhookRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/settings/webhooks' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('', async ({ actor }) => ({ webhooks: await listWebhooks(deps, actor), events: WEBHOOK_EVENTS }), {
      detail: { summary: 'Outgoing webhooks and the events they can receive (owner only)', tags },
    })
    .post(
      '',
      async ({ actor, body, set }) => {
        const created = await createWebhook(deps, actor, body)
        set.status = 201
        return created
      },
      { body: t.Object({ url: Url, events: Events }), detail: { summary: 'Add a webhook; the answer carries its signing secret (owner only)', tags } },
    )
    .patch('/:id', ({ actor, params, body }) => updateWebhook(deps, actor, params.id, body), {
      body: t.Object({ url: t.Optional(Url), events: t.Optional(Events), active: t.Optional(t.Boolean()) }),
      detail: { summary: 'Change a webhook: URL, events, on/off (owner only)', tags },
    })
    .delete('/:id', async ({ actor, params }) => {
      await deleteWebhook(deps, actor, params.id)
      return { deleted: true }
    }, { detail: { summary: 'Remove a webhook and its delivery log (owner only)', tags } })
    .get('/:id/secret', async ({ actor, params }) => ({ secret: await webhookSecret(deps, actor, params.id) }), {
      detail: { summary: "The webhook's signing secret (owner only)", tags },
    })
    .get('/:id/deliveries', ({ actor, params }) => webhookDeliveries(deps, actor, params.id), {
      detail: { summary: 'The latest 50 deliveries, newest first: event, status, attempts, the receiver\'s answer (owner only)', tags },
    })
    .post(
      '/:id/test',
      async ({ actor, params, set }) => {
        const d = await sendTest(deps, actor, params.id)
        deps.webhooks.wake()
        set.status = 202
        return d
      },
      { detail: { summary: 'Send a webhook.test delivery now, through the same queue and signing (owner only)', tags } },
    )

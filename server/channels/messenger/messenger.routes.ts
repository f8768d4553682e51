// The Messenger channel over HTTP. Meta's webhook (no session: the verify token and the signature
// are the authentication) and, for agents, the owner's settings (tokens and app secrets go in,
// never come out), a conversation's messaging window and the retry button of a failed reply.
import { Elysia, t } from 'elysia'
import type { ChannelHttp } from '../channel.ts'
import type { MessengerChannelAdapter } from './messenger.adapter.ts'
import { acceptDelivery, verifyHandshake } from './inbound.usecases.ts'
import { addPage, changePage, checkPage, removePage, requireOwner, saveGraphSettings, settingsView } from './settings.usecases.ts'
import { retryReply, windowOf } from './outbound.usecases.ts'

const tags = ['settings']
const PageId = t.String({ maxLength: 32 })
const Secret = t.Optional(t.Nullable(t.String({ maxLength: 1000 })))

export const messengerRoutes = (adapter: MessengerChannelAdapter, http: ChannelHttp) => {
  const deps = adapter.deps
  const base = (request: Request) => http.baseUrl(request)
  const webhook = new Elysia({ prefix: '/webhooks/messenger' })
    .get('/:pageId', async ({ params, query }) => new Response(await verifyHandshake(deps, params.pageId, query as Record<string, string>), { headers: { 'content-type': 'text/plain' } }), {
      detail: { summary: "Meta's webhook verification: answers hub.challenge for the page's verify token", tags: ['messenger webhook'] },
    })
    .post(
      '/:pageId',
      async ({ params, request }) => {
        // The exact bytes received: the signature is over them, never over a parsed body.
        const raw = new Uint8Array(await request.arrayBuffer())
        await acceptDelivery(deps, params.pageId, raw, request.headers.get('x-hub-signature-256'))
        adapter.worker.kick()
        return new Response('EVENT_RECEIVED', { headers: { 'content-type': 'text/plain' } })
      },
      { parse: 'none', detail: { summary: "Meta's webhook deliveries, signed with the app secret (X-Hub-Signature-256)", tags: ['messenger webhook'] } },
    )

  const agent = new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await http.requireAgent(request)) }))
    .get(
      '/settings/messenger',
      ({ actor, request }) => {
        requireOwner(actor)
        return settingsView(deps, base(request))
      },
      { detail: { summary: 'Messenger settings (owner only): the Graph API, the pages with their webhook URL and verify token; never a token or app secret', tags } },
    )
    .put(
      '/settings/messenger',
      async ({ actor, body, request }) => {
        await saveGraphSettings(deps, actor, body)
        adapter.reload()
        return settingsView(deps, base(request))
      },
      {
        body: t.Object({ graphBaseUrl: t.String({ maxLength: 300 }), graphVersion: t.String({ maxLength: 20 }) }),
        detail: { summary: 'Where the Graph API is and which version is spoken (owner only)', tags },
      },
    )
    .post(
      '/settings/messenger/pages',
      async ({ actor, body, request, set }) => {
        const page = await addPage(deps, actor, body)
        await checkPage(deps, page.pageId)
        adapter.reload()
        set.status = 201
        return settingsView(deps, base(request))
      },
      {
        body: t.Object({ pageId: PageId, accessToken: Secret, appSecret: Secret, appId: t.Optional(t.Nullable(t.String({ maxLength: 32 }))), humanAgent: t.Optional(t.Boolean()) }),
        detail: { summary: 'Connect a page (owner only): Parley makes its verify token and checks the access token with the Graph API', tags },
      },
    )
    .put(
      '/settings/messenger/pages/:pageId',
      async ({ actor, body, params, request }) => {
        await changePage(deps, actor, params.pageId, body)
        await checkPage(deps, params.pageId)
        adapter.reload()
        return settingsView(deps, base(request))
      },
      {
        body: t.Object({ accessToken: Secret, appSecret: Secret, appId: t.Optional(t.Nullable(t.String({ maxLength: 32 }))), humanAgent: t.Optional(t.Boolean()) }),
        detail: { summary: 'Change a page (owner only); a token or secret left out keeps the saved one', tags },
      },
    )
    .delete(
      '/settings/messenger/pages/:pageId',
      async ({ actor, params, request }) => {
        await removePage(deps, actor, params.pageId)
        return settingsView(deps, base(request))
      },
      { detail: { summary: 'Disconnect a page (owner only)', tags } },
    )
    .get('/conversations/:id/messenger', ({ params }) => windowOf(deps, params.id), {
      detail: { summary: "A Messenger conversation's messaging window: until when a reply can go out, and how", tags: ['conversations'] },
    })
    .post(
      '/conversations/:id/messenger/messages/:messageId/retry',
      async ({ params }) => {
        await retryReply(deps, params.id, params.messageId)
        adapter.reload()
        return { status: 'queued' }
      },
      { detail: { summary: 'Send a failed Messenger reply again', tags: ['conversations'] } },
    )
  return new Elysia().use(webhook).use(agent)
}

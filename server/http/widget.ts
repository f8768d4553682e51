// The widget's HTTP side (the socket is /ws/visitor). Called cross-origin from the sites that
// embed the widget, so it answers CORS; it is authenticated by the visitor's bearer token, not
// by cookies, so it needs no CSRF protection.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import * as conversations from '../domain/conversations/conversations.usecases.ts'
import * as messages from '../domain/messages/messages.usecases.ts'
import { createWebVisitor, identify, leaveContact, recordPageView, setSiteInfo } from '../domain/visitors/visitors.usecases.ts'
import { getIdentitySecret } from '../domain/settings/settings.usecases.ts'
import { bearer, clientIp, idOr404 } from './request.ts'
import { getAppearance } from '../domain/settings/settings.usecases.ts'
import { anyAgentOnline } from '../domain/agents/agents.usecases.ts'
import { checkBody } from '../domain/messages/messages.usecases.ts'
import { ClientId, MessageBody, SiteInfo, SeqAfter, SeqBefore } from './schemas.ts'
import { requireVisitor } from './guards.ts'
import { sendTranscript } from '../domain/notifications/notifications.usecases.ts'
import { getWidgetRecordingSettings } from '../domain/settings/recording-settings.usecases.ts'
import { assertNotBlocked } from '../domain/blocking/blocking.usecases.ts'
import { publicGroups } from '../domain/groups/groups.usecases.ts'
import { LANGUAGES } from '../domain/shared/validate.ts'

const tags = ['widget']
const checkId = (id: string) => idOr404(id, 'conversation')

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '86400',
  // A limited request's wait is also in the JSON body; exposed so a page's own code can read it.
  'access-control-expose-headers': 'retry-after',
}

export const widgetRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/widget' })
    .get(
      '/config',
      async () => ({
        appearance: await getAppearance(deps),
        online: await anyAgentOnline(deps),
        canEmail: await deps.mail.canSend(),
        recording: await getWidgetRecordingSettings(deps),
        groups: await publicGroups(deps),
      }),
      {
        detail: {
          summary:
            'Widget appearance, whether an agent is online, whether Parley can e-mail (offline: the contact form promises an e-mail reply only then; else the visitor writes in the chat and finds the reply there), and the recording switches',
          tags,
        },
      },
    )
    .post(
      '/visitors',
      async ({ request, server, set }) => {
        const ip = clientIp(deps.config, request, server)
        deps.limits.check('visitors', ip, null)
        // A blocked address gets no new visitor (#16): the widget stays hidden.
        await assertNotBlocked(deps, { ip })
        const { token, visitor } = await createWebVisitor(deps)
        set.status = 201
        return { token, visitor: { id: visitor.id, number: visitor.number } }
      },
      { detail: { summary: 'A new visitor: returns the opaque token the widget keeps and sends as a bearer token', tags } },
    )
    .get(
      '/me',
      async ({ request, server }) => {
        const v = await requireVisitor(deps, request)
        // The widget asks when its socket is refused: 403 visitor.blocked tells it to stay hidden.
        await assertNotBlocked(deps, { visitorId: v.id, ip: clientIp(deps.config, request, server) })
        return { visitor: { id: v.id, number: v.number, name: v.name, email: v.email } }
      },
      { detail: { summary: 'The visitor this token belongs to', tags } },
    )
    .get(
      '/conversations',
      async ({ request }) => (await conversations.listVisitorConversations(deps, (await requireVisitor(deps, request)).id)).map(conversations.forVisitor),
      { detail: { summary: "This visitor's conversations, newest first", tags } },
    )
    .get(
      '/conversations/:id/messages',
      async ({ request, params, query }) => {
        const visitor = await requireVisitor(deps, request)
        const id = checkId(params.id)
        await conversations.getVisitorConversation(deps, visitor.id, id)
        return messages.listMessages(deps, id, query)
      },
      {
        query: t.Object({
          afterSeq: t.Optional(SeqAfter),
          beforeSeq: t.Optional(SeqBefore),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })),
        }),
        detail: { summary: "Messages of one of this visitor's conversations (another's gives 404)", tags },
      },
    )
    .post(
      '/messages',
      async ({ request, server, body, set }) => {
        const visitor = await requireVisitor(deps, request)
        const ip = clientIp(deps.config, request, server)
        deps.limits.check('messages', ip, visitor.id)
        await assertNotBlocked(deps, { visitorId: visitor.id, ip })
        const result = await deps.web.receive(visitor.id, body)
        set.status = result.duplicate ? 200 : 201
        return result
      },
      {
        body: t.Object({
          conversationId: t.Optional(t.Nullable(t.String({ format: 'uuid' }))),
          body: MessageBody,
          clientId: ClientId,
          language: t.Optional(t.Union(LANGUAGES.map((l) => t.Literal(l)), { description: "the widget's UI language when it was written: search stems the message by it" })),
        }),
        detail: { summary: 'Send a message as the visitor (idempotent by clientId); without conversationId, continues the latest', tags },
      },
    )
    .post(
      '/conversations/:id/transcript',
      async ({ request, server, params, body, set }) => {
        const visitor = await requireVisitor(deps, request)
        const id = checkId(params.id)
        // Counted as a contact: each one sends a mail.
        const ip = clientIp(deps.config, request, server)
        deps.limits.check('contacts', ip, visitor.id)
        await assertNotBlocked(deps, { visitorId: visitor.id, ip })
        const sent = await sendTranscript(deps, visitor.id, id, body?.language ?? 'en')
        set.status = 202
        return sent
      },
      {
        body: t.Optional(t.Object({ language: t.Optional(t.Union(['en', 'cs', 'de', 'es', 'hu', 'pl'].map((l) => t.Literal(l)))) })),
        detail: { summary: "E-mail this conversation to the visitor's known address (409 without one, or without SMTP)", tags },
      },
    )
    .post(
      '/contact',
      async ({ request, server, body, set }) => {
        const visitor = await requireVisitor(deps, request)
        checkBody(body.body)
        const ip = clientIp(deps.config, request, server)
        deps.limits.check('contacts', ip, visitor.id)
        // Before anything is stored: a blocked visitor's form changes nothing (#16).
        await assertNotBlocked(deps, { visitorId: visitor.id, ip })
        await leaveContact(deps, visitor.id, { email: body.email, name: body.name ?? null })
        const result = await deps.web.receive(visitor.id, { body: body.body, clientId: body.clientId })
        set.status = result.duplicate ? 200 : 201
        return result
      },
      {
        body: t.Object({
          email: t.String({ maxLength: 254 }),
          name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
          body: MessageBody,
          clientId: ClientId,
        }),
        detail: { summary: 'The contact form shown when nobody is online: leaves the e-mail and a message', tags },
      },
    )
    .post(
      '/me',
      async ({ request, server, body }) => {
        const visitor = await requireVisitor(deps, request)
        deps.limits.check('updates', clientIp(deps.config, request, server), visitor.id)
        const v = await setSiteInfo(deps, visitor.id, body)
        return { visitor: { id: v.id, number: v.number, name: v.name, email: v.email, phone: v.phone } }
      },
      {
        body: t.Object(SiteInfo),
        detail: { summary: "The site tells who the visitor is: parley('name'|'email'|'phone'|'variables', …)", tags },
      },
    )
    .post(
      '/identify',
      async ({ request, server, body }) => {
        const visitor = await requireVisitor(deps, request)
        deps.limits.check('updates', clientIp(deps.config, request, server), visitor.id)
        const result = await identify(deps, bearer(request)!, visitor.id, body, await getIdentitySecret(deps))
        const v = result.visitor
        return { visitor: { id: v.id, number: v.number, name: v.name, email: v.email, phone: v.phone }, switched: result.switched }
      },
      {
        body: t.Object({ id: t.String({ maxLength: 200 }), hash: t.String({ maxLength: 128 }), ...SiteInfo }),
        detail: {
          summary: 'A logged-in user of the site, verified by hash = HMAC-SHA256(identity secret, id) in hex; links their conversations across devices',
          tags,
        },
      },
    )
    .post(
      '/pages',
      async ({ request, server, body, set }) => {
        const visitor = await requireVisitor(deps, request)
        deps.limits.check('pageViews', clientIp(deps.config, request, server), visitor.id)
        await recordPageView(deps, visitor.id, body)
        set.status = 204
      },
      {
        body: t.Object({
          url: t.String({ maxLength: 2048 }),
          title: t.Optional(t.String({ maxLength: 1000 })),
          referrer: t.Optional(t.Nullable(t.String({ maxLength: 2048 }))),
        }),
        detail: { summary: 'A page view (the socket frame page.view does the same)', tags },
      },
    )

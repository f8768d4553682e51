import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import * as conversations from '../domain/conversations/conversations.usecases.ts'
import * as messages from '../domain/messages/messages.usecases.ts'
import { listConversationEvents } from '../domain/conversation-events/conversation-events.usecases.ts'
import { conversationOpened } from '../domain/notifications/notifications.usecases.ts'
import { ClientId, MessageBody, SeqAfter, SeqBefore } from './schemas.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const checkId = (id: string) => idOr404(id, 'conversation')
const tags = ['conversations']

export const conversationRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/conversations' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('', ({ actor, query }) => conversations.listConversations(deps, actor, query), {
      query: t.Object({
        view: t.Union([t.Literal('unassigned'), t.Literal('mine'), t.Literal('others'), t.Literal('all'), t.Literal('resolved')]),
        // Unassigned only: just the groups I am a member of
        myGroups: t.Optional(t.Boolean()),
        cursor: t.Optional(t.String({ maxLength: 200 })),
        limit: t.Optional(t.Integer({ minimum: 1, maximum: 200 })),
      }),
      detail: { summary: 'Open › Unassigned (oldest wait first; myGroups=true: of my groups), Mine, Others, All, or Resolved (newest first); keyset pages', tags },
    })
    .get('/counts', () => conversations.counts(deps), {
      detail: { summary: 'Open counts: unassigned, and open conversations per assignee', tags },
    })
    .get('/unread', ({ actor }) => conversations.unread(deps, actor), {
      detail: { summary: "My unread visitor messages per open conversation (unread: conversation id → count; upTo: conversation id → the conversation's last seq the count accounts for)", tags },
    })
    .post('/:id/read', ({ actor, params, body }) => conversations.markRead(deps, actor, checkId(params.id), body.seq), {
      body: t.Object({ seq: t.Integer({ minimum: 0, maximum: 2_147_483_647 }) }),
      detail: { summary: "I have read this conversation up to seq; answers the visitor messages still unread for me, counted up to the conversation's last seq (upTo)", tags },
    })
    .get(
      '/:id/events',
      async ({ params }) => {
        const id = checkId(params.id)
        await conversations.getConversation(deps, id)
        return listConversationEvents(deps, id)
      },
      { detail: { summary: "The conversation's history of system events (assigned, resolved, reopened, e-mail copy sent…), in thread order", tags } },
    )
    .get('/:id', ({ params }) => conversations.getConversation(deps, checkId(params.id)), { detail: { summary: 'One conversation', tags } })
    .get(
      '/:id/messages',
      async ({ params, query }) => {
        const id = checkId(params.id)
        await conversations.getConversation(deps, id)
        // The latest page is what the dashboard loads when an agent opens the conversation:
        // someone has seen it, so nobody needs to be e-mailed about it.
        if (query.afterSeq === undefined && query.beforeSeq === undefined) await conversationOpened(deps, id)
        return messages.listMessages(deps, id, query)
      },
      {
        query: t.Object({
          afterSeq: t.Optional(SeqAfter),
          beforeSeq: t.Optional(SeqBefore),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })),
        }),
        detail: { summary: 'Messages oldest first: the latest page, or after/before a sequence number', tags },
      },
    )
    .post(
      '/:id/messages',
      async ({ actor, params, body, set }) => {
        const result = await messages.sendReply(deps, actor, {
          conversationId: checkId(params.id),
          body: body.body,
          clientId: body.clientId,
          alsoEmail: body.alsoEmail,
          attachmentIds: body.attachmentIds,
        })
        set.status = result.duplicate ? 200 : 201
        return result
      },
      {
        // alsoEmail: false keeps a web-chat reply from being e-mailed to a visitor who has left
        // attachmentIds: files uploaded first (POST /api/conversations/:id/uploads); body may then be ''
        body: t.Object({
          body: MessageBody,
          clientId: t.Optional(ClientId),
          alsoEmail: t.Optional(t.Boolean()),
          attachmentIds: t.Optional(t.Array(t.String({ format: 'uuid' }), { maxItems: 10 })),
        }),
        detail: { summary: 'Reply as the signed-in agent (idempotent by clientId); answering an unassigned conversation takes it', tags },
      },
    )
    .post(
      '/:id/assign',
      ({ actor, params, body }) => conversations.assign(deps, actor, checkId(params.id), body.agentId),
      {
        body: t.Object({ agentId: t.Nullable(t.String({ format: 'uuid' })) }),
        detail: { summary: 'Assign to an agent, or unassign with null', tags },
      },
    )
    .post('/:id/take', ({ actor, params }) => conversations.take(deps, actor, checkId(params.id)), {
      detail: { summary: 'Assign to myself', tags },
    })
    .post('/:id/resolve', ({ actor, params }) => conversations.resolve(deps, actor, checkId(params.id)), {
      detail: { summary: 'Resolve (assignee, full-access agents and the owner only)', tags },
    })
    .post('/:id/reopen', ({ actor, params }) => conversations.reopen(deps, actor, checkId(params.id)), {
      detail: { summary: 'Reopen a resolved conversation', tags },
    })

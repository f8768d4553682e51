import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { editVisitor, getVisitor, listPageViews } from '../domain/visitors/visitors.usecases.ts'
import { listVisitorConversations } from '../domain/conversations/conversations.usecases.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const tags = ['visitors']
const checkId = (id: string) => idOr404(id, 'visitor')

export const visitorRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/visitors' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/:id', ({ params }) => getVisitor(deps, checkId(params.id)), { detail: { summary: 'The visitor card', tags } })
    .patch('/:id', ({ actor, params, body }) => editVisitor(deps, actor, checkId(params.id), body), {
      body: t.Object({
        name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
        email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))),
        phone: t.Optional(t.Nullable(t.String({ maxLength: 40 }))),
        note: t.Optional(t.String({ maxLength: 5000 })),
      }),
      detail: { summary: 'Edit name, e-mail, phone or the note (any agent); every dashboard gets the change', tags },
    })
    .get(
      '/:id/conversations',
      async ({ params }) => {
        const id = checkId(params.id)
        await getVisitor(deps, id)
        return listVisitorConversations(deps, id)
      },
      { detail: { summary: "The visitor's conversations, newest first (earlier conversations in the card)", tags } },
    )
    .get(
      '/:id/pages',
      async ({ params, query }) => {
        const id = checkId(params.id)
        await getVisitor(deps, id)
        return listPageViews(deps, id, query.limit ?? 50)
      },
      {
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })) }),
        detail: { summary: 'Browsing history, newest first, with referrers', tags },
      },
    )

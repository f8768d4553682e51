import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { editVisitor, getVisitor } from '../domain/visitors/visitors.usecases.ts'
import { AppError } from '../shared/errors.ts'
import { isUuid } from '../shared/ids.ts'
import { requireAgent } from './guards.ts'

const tags = ['visitors']
const checkId = (id: string) => {
  if (!isUuid(id)) throw new AppError('visitor.not_found', 404, 'visitor not found')
  return id
}

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

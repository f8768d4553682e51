// Private notes in a thread (#16): agents only.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { addNote, listNotes } from '../domain/notes/notes.usecases.ts'
import { ClientId, MessageBody } from './schemas.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const checkId = (id: string) => idOr404(id, 'conversation')
const tags = ['conversations']

export const noteRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/conversations' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/:id/notes', ({ params }) => listNotes(deps, checkId(params.id)), {
      detail: { summary: 'Private notes of a conversation, oldest first (agents only; never sent to the visitor)', tags },
    })
    .post(
      '/:id/notes',
      async ({ actor, params, body, set }) => {
        const result = await addNote({ ...deps, publicUrl: deps.config.publicUrl }, actor, checkId(params.id), body)
        set.status = result.duplicate ? 200 : 201
        return result
      },
      {
        body: t.Object({ body: MessageBody, clientId: t.Optional(ClientId) }),
        detail: {
          summary:
            'Add a private note (idempotent by clientId). "@Name" mentions an agent: they are told live, and by e-mail when offline',
          tags,
        },
      },
    )

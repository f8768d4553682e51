import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import * as agents from '../domain/agents/agents.usecases.ts'
import { Email, Language, Name, Password, Status } from './schemas.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const checkId = (id: string) => idOr404(id, 'agent')

export const agentRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/agents' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('', () => agents.listAgents(deps), { detail: { summary: 'All agents with their presence', tags: ['agents'] } })
    .post(
      '',
      async ({ actor, body, set }) => {
        const agent = await agents.createAgent(deps, actor, body)
        set.status = 201
        return agent
      },
      {
        body: t.Object({
          email: Email,
          name: Name,
          password: Password,
          role: t.Union([t.Literal('full'), t.Literal('limited')]),
          language: t.Optional(Language),
        }),
        detail: { summary: 'Add an agent (owner only)', tags: ['agents'] },
      },
    )
    .put(
      '/me/status',
      ({ actor, body }) => agents.setStatus(deps, actor.id, body.status),
      { body: t.Object({ status: Status }), detail: { summary: 'Set my status: online, away or offline', tags: ['agents'] } },
    )
    .patch(
      '/:id',
      ({ actor, session, body, params }) => agents.updateAgent(deps, actor, checkId(params.id), body, { sessionId: session.id }),
      {
        body: t.Object({
          name: t.Optional(Name),
          email: t.Optional(Email),
          role: t.Optional(t.Union([t.Literal('full'), t.Literal('limited')])),
          active: t.Optional(t.Boolean()),
          password: t.Optional(Password),
          currentPassword: t.Optional(Password),
          language: t.Optional(Language),
        }),
        detail: {
          summary: 'Edit an agent (owner: anyone; agents: their own name, language, password)',
          description:
            'A new password needs at least 10 characters and must not be easy to guess (the 400 says why). Agents changing their own send `currentPassword` too; that ends their other sessions. The owner setting another agent\'s password ends all of that agent\'s sessions.',
          tags: ['agents'],
        },
      },
    )

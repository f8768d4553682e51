// Canned responses (#16): the team's (owner-managed) and my own.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { createCanned, deleteCanned, listCanned, updateCanned } from '../domain/canned/canned.usecases.ts'
import { requireAgent } from './guards.ts'

const tags = ['settings']
const Shortcut = t.String({ minLength: 1, maxLength: 40 })
const Body = t.String({ minLength: 1, maxLength: 10_000 })

export const cannedRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/canned' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('', ({ actor }) => listCanned(deps, actor), { detail: { summary: "The team's canned responses and mine", tags } })
    .post(
      '',
      async ({ actor, body, set }) => {
        const c = await createCanned(deps, actor, body)
        set.status = 201
        return c
      },
      {
        body: t.Object({ scope: t.Union([t.Literal('team'), t.Literal('personal')]), shortcut: Shortcut, body: Body }),
        detail: { summary: 'Add a canned response: team (owner only) or personal', tags },
      },
    )
    .put('/:id', ({ actor, params, body }) => updateCanned(deps, actor, params.id, body), {
      body: t.Object({ shortcut: Shortcut, body: Body }),
      detail: { summary: 'Change a canned response (team: owner only; personal: its agent only)', tags },
    })
    .delete(
      '/:id',
      async ({ actor, params, set }) => {
        await deleteCanned(deps, actor, params.id)
        set.status = 204
      },
      { detail: { summary: 'Delete a canned response (team: owner only; personal: its agent only)', tags } },
    )

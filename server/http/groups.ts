// Groups (#16): the owner's teams (settings), transfer of a conversation to a group, and the
// widget's routing of a visitor to one.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import {
  createGroup,
  deleteGroup,
  groupSettings,
  listGroups,
  publicGroups,
  routeVisitor,
  setGroupSettings,
  updateGroup,
} from '../domain/groups/groups.usecases.ts'
import { transferToGroup } from '../domain/conversations/conversations.usecases.ts'
import { requireAgent, requireVisitor } from './guards.ts'
import { clientIp, idOr404 } from './request.ts'

const tags = ['groups']
const Key = t.String({ maxLength: 100 })
const Name = t.String({ maxLength: 200 })
const Members = t.Array(t.String({ maxLength: 64 }), { maxItems: 1000 })

export const groupRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/groups', async () => ({ groups: await listGroups(deps) }), {
      detail: { summary: 'Every group with its key and members (any agent: the transfer menu lists them)', tags },
    })
    .post(
      '/groups',
      async ({ actor, body, set }) => {
        const group = await createGroup(deps, actor, body)
        set.status = 201
        return group
      },
      { body: t.Object({ key: Key, name: Name, memberIds: t.Optional(Members) }), detail: { summary: 'Add a group (owner only)', tags } },
    )
    .patch('/groups/:id', ({ actor, params, body }) => updateGroup(deps, actor, params.id, body), {
      body: t.Object({ key: t.Optional(Key), name: t.Optional(Name), memberIds: t.Optional(Members) }),
      detail: { summary: 'Rename a group, change its key or its members (owner only)', tags },
    })
    .delete(
      '/groups/:id',
      async ({ actor, params }) => {
        await deleteGroup(deps, actor, params.id)
        return { deleted: true }
      },
      { detail: { summary: 'Delete a group; its conversations stay, without a group (owner only)', tags } },
    )
    .get('/settings/groups', ({ actor }) => groupSettings(deps, actor), {
      detail: { summary: 'Whether the widget asks visitors to choose a group (owner only)', tags },
    })
    .put('/settings/groups', ({ actor, body }) => setGroupSettings(deps, actor, body), {
      body: t.Object({ prechat: t.Boolean() }),
      detail: { summary: 'Turn the pre-chat group choice on or off (owner only)', tags },
    })
    .post(
      '/conversations/:id/transfer',
      ({ actor, params, body }) => transferToGroup(deps, actor, idOr404(params.id, 'conversation'), body.groupId),
      {
        body: t.Object({ groupId: t.String({ maxLength: 64 }) }),
        detail: { summary: "Transfer to a group: it waits, unassigned, in that group (to an agent: /assign)", tags },
      },
    )

export const groupWidgetRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/widget' })
    .get('/groups', () => publicGroups(deps), {
      detail: { summary: 'Whether to ask the visitor to choose a group before the first message, and the groups (key, name)', tags: ['widget'] },
    })
    .post(
      '/group',
      async ({ request, server, body }) => {
        const visitor = await requireVisitor(deps, request)
        deps.limits.check('updates', clientIp(deps.config, request, server), visitor.id)
        await routeVisitor(deps, visitor.id, body.key)
        return { key: body.key }
      },
      {
        body: t.Object({ key: t.Nullable(Key) }),
        detail: { summary: "Route this visitor's new conversations to the group with this key (null: none); parley('group', key)", tags: ['widget'] },
      },
    )

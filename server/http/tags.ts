// Tags (#16): the owner's list (settings), and any agent tagging a conversation.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { TAG_COLORS, createTag, deleteTag, listTags, tagConversation, untagConversation, updateTag } from '../domain/tags/tags.usecases.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const tags = ['tags']
// Bounded generously here; the domain trims and gives the precise rule (1–40 characters).
const Name = t.String({ maxLength: 200 })
const Color = t.String({ maxLength: 20 })

export const tagRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/tags', async () => ({ tags: await listTags(deps), colors: TAG_COLORS }), {
      detail: { summary: 'Every tag (name, colour) and the palette they are drawn from', tags },
    })
    .post(
      '/tags',
      async ({ actor, body, set }) => {
        const tag = await createTag(deps, actor, body)
        set.status = 201
        return tag
      },
      { body: t.Object({ name: Name, color: Color }), detail: { summary: 'Add a tag; names are unique whatever their case (owner only)', tags } },
    )
    .patch('/tags/:id', ({ actor, params, body }) => updateTag(deps, actor, params.id, body), {
      body: t.Object({ name: t.Optional(Name), color: t.Optional(Color) }),
      detail: { summary: 'Rename or recolour a tag (owner only)', tags },
    })
    .delete(
      '/tags/:id',
      async ({ actor, params }) => {
        await deleteTag(deps, actor, params.id)
        return { deleted: true }
      },
      { detail: { summary: 'Delete a tag; it comes off every conversation (owner only)', tags } },
    )
    .post(
      '/conversations/:id/tags',
      ({ actor, params, body }) => tagConversation(deps, actor, idOr404(params.id, 'conversation'), body.tagId),
      { body: t.Object({ tagId: t.String({ maxLength: 64 }) }), detail: { summary: 'Put a tag on a conversation (any agent); answers the conversation', tags } },
    )
    .delete(
      '/conversations/:id/tags/:tagId',
      ({ actor, params }) => untagConversation(deps, actor, idOr404(params.id, 'conversation'), params.tagId),
      { detail: { summary: 'Take a tag off a conversation (any agent); answers the conversation', tags } },
    )

// Ratings (#16): the visitor rates a resolved conversation from the widget; agents read the rating
// with its comment; the owner chooses the scale (or switches ratings off) in the widget settings.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { conversationRating, MAX_RATING_COMMENT, rateConversation } from '../domain/ratings/ratings.usecases.ts'
import { getRatingSettings, updateRatingSettings } from '../domain/settings/rating-settings.usecases.ts'
import { getConversation } from '../domain/conversations/conversations.usecases.ts'
import { requireAgent, requireVisitor } from './guards.ts'
import { clientIp, idOr404 } from './request.ts'

const checkId = (id: string) => idOr404(id, 'conversation')
const Mode = t.Union([t.Literal('thumbs'), t.Literal('stars'), t.Literal('off')])

export const ratingWidgetRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/widget' })
    .get('/rating-settings', () => getRatingSettings(deps), {
      detail: { summary: 'Whether the widget asks for a rating once a conversation is resolved, and on which scale', tags: ['widget'] },
    })
    .post(
      '/conversations/:id/rating',
      async ({ request, server, params, body, set }) => {
        const visitor = await requireVisitor(deps, request)
        deps.limits.check('updates', clientIp(deps.config, request, server), visitor.id)
        const rating = await rateConversation(deps, visitor.id, checkId(params.id), body)
        set.status = 201
        return rating
      },
      {
        body: t.Object({
          score: t.Integer({ minimum: 0, maximum: 5 }),
          comment: t.Optional(t.Nullable(t.String({ maxLength: MAX_RATING_COMMENT * 2 }))),
        }),
        detail: {
          summary:
            'Rate one of my resolved conversations: thumbs 0 (bad) or 1 (good), stars 1–5, as the owner chose, with an optional comment; a second rating replaces the first',
          tags: ['widget'],
        },
      },
    )

export const ratingRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get(
      '/conversations/:id/rating',
      async ({ params }) => {
        const id = checkId(params.id)
        await getConversation(deps, id)
        return { rating: await conversationRating(deps, id) }
      },
      { detail: { summary: "The visitor's rating with its comment (null until rated)", tags: ['conversations'] } },
    )
    .get('/settings/rating', () => getRatingSettings(deps), { detail: { summary: 'The rating setting', tags: ['settings'] } })
    .put('/settings/rating', ({ actor, body }) => updateRatingSettings(deps, actor, body), {
      body: t.Object({ mode: Mode }),
      detail: { summary: 'Ask for a rating on thumbs (default) or stars, or not at all (owner only)', tags: ['settings'] },
    })

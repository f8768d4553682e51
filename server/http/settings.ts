import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { getAppearance, updateAppearance } from '../domain/settings/settings.usecases.ts'
import { requireAgent } from './guards.ts'
import { snippet } from './static.ts'

const tags = ['settings']

export const settingsRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/settings' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/widget', () => getAppearance(deps), { detail: { summary: 'Widget appearance: colour, position, greeting, offline text', tags } })
    .put('/widget', ({ actor, body }) => updateAppearance(deps, actor, body), {
      body: t.Object({
        color: t.Optional(t.String({ maxLength: 7 })),
        position: t.Optional(t.Union([t.Literal('left'), t.Literal('right')])),
        greeting: t.Optional(t.String({ maxLength: 500 })),
        offlineMessage: t.Optional(t.String({ maxLength: 500 })),
      }),
      detail: { summary: 'Change the widget appearance (owner only)', tags },
    })
    .get(
      '/snippet',
      ({ request }) => {
        const u = new URL(request.url)
        const base = deps.config.publicUrl?.replace(/\/$/, '') ?? `${u.protocol}//${request.headers.get('host') ?? u.host}`
        return { snippet: snippet(base), serverUrl: base }
      },
      { detail: { summary: 'The HTML snippet a site pastes to embed the widget', tags } },
    )

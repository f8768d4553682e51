import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { getAppearance, updateAppearance, showIdentitySecret, rotateIdentitySecret, getAttention, updateAttention } from '../domain/settings/settings.usecases.ts'
import { createKey, listKeys, revokeKey } from '../domain/apikeys/apikeys.usecases.ts'
import { GEO_ATTRIBUTION } from '../facts/geo.ts'
import { requireAgent } from './guards.ts'
import { snippet } from './static.ts'
import { idOr404, serverBaseUrl } from './request.ts'

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
    .get('/attention', () => getAttention(deps), { detail: { summary: 'After how many minutes a waiting conversation turns amber (red at twice that)', tags } })
    .put('/attention', ({ actor, body }) => updateAttention(deps, actor, body), {
      body: t.Object({ waitWarnMinutes: t.Integer({ minimum: 1, maximum: 240 }) }),
      detail: { summary: 'Change when waiting conversations turn urgent (owner only)', tags },
    })
    .get(
      '/snippet',
      ({ request }) => {
        const base = serverBaseUrl(deps.config, request)
        return { snippet: snippet(base), serverUrl: base }
      },
      { detail: { summary: 'The HTML snippet a site pastes to embed the widget', tags } },
    )
    .get('/identity', async ({ actor }) => ({ secret: await showIdentitySecret(deps, actor) }), {
      detail: { summary: 'The identity secret the site signs user ids with (owner only)', tags },
    })
    .post('/identity/rotate', async ({ actor }) => ({ secret: await rotateIdentitySecret(deps, actor) }), {
      detail: { summary: 'Replace the identity secret; hashes made with the old one stop verifying (owner only)', tags },
    })
    .get('/api-keys', ({ actor }) => listKeys(deps, actor), { detail: { summary: 'Server API keys, without the keys themselves (owner only)', tags } })
    .post(
      '/api-keys',
      async ({ actor, body, set }) => {
        set.status = 201
        return createKey(deps, actor, body.name)
      },
      { body: t.Object({ name: t.String({ maxLength: 100 }) }), detail: { summary: 'Create a server API key; the key is shown only in this answer (owner only)', tags } },
    )
    .delete(
      '/api-keys/:id',
      ({ actor, params }) => {
        return revokeKey(deps, actor, idOr404(params.id, 'apikey'))
      },
      { detail: { summary: 'Revoke a server API key (owner only)', tags } },
    )
    .get('/meta', () => ({ geoAttribution: GEO_ATTRIBUTION }), { detail: { summary: 'Attributions the dashboard shows', tags } })

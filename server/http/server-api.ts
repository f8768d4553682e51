// The server API, for the site's own back end: read visitors and set customer info for a known
// user id. Authenticated by an API key (`Authorization: Bearer pk_…`) that the owner creates in
// settings; no cookies, so no CSRF.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { authenticateKey } from '../domain/apikeys/apikeys.usecases.ts'
import { getVisitor, searchVisitors, upsertExternalUser } from '../domain/visitors/visitors.usecases.ts'
import { AppError } from '../shared/errors.ts'
import { bearer, idOr404 } from './request.ts'
import { SiteInfo } from './schemas.ts'

const tags = ['server API']

export const serverApiRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/v1' })
    .derive(async ({ request }) => ({ apiKey: await authenticateKey(deps, bearer(request)) }))
    .get(
      '/visitors',
      ({ query }) => {
        if (query.externalId === undefined && query.email === undefined) {
          throw new AppError('request.invalid', 400, 'give externalId or email', { field: 'externalId' })
        }
        return searchVisitors(deps, query)
      },
      {
        query: t.Object({ externalId: t.Optional(t.String({ maxLength: 200 })), email: t.Optional(t.String({ maxLength: 254 })) }),
        detail: { summary: 'Find visitors by your user id or by e-mail', tags },
      },
    )
    .get(
      '/visitors/:id',
      ({ params }) => {
        return getVisitor(deps, idOr404(params.id, 'visitor'))
      },
      { detail: { summary: 'One visitor', tags } },
    )
    // Elysia has decoded the path parameter already: decoding it again read "a%252Fb" as "a/b"
    // (another user) and answered 500 for an id holding "%".
    .put('/users/:externalId', ({ params, body }) => upsertExternalUser(deps, params.externalId, body), {
      body: t.Object(SiteInfo),
      detail: { summary: 'Set name, e-mail, phone and customer info for one of your users (created if new)', tags },
    })

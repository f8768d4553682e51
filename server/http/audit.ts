// The owner's audit log: a hook that records the owner's successful changes to agents and
// settings, and the route that lists them.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { isUuid } from '../shared/ids.ts'
import { authenticate } from '../domain/agents/agents.usecases.ts'
import { listAudit, recordOwnerAction } from '../domain/agents/audit.usecases.ts'
import { requireAgent } from './guards.ts'
import { SESSION_COOKIE, clientIp, readCookie } from './request.ts'

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const AUDITED = /^\/api\/(agents|settings)(\/|$)/
// Presence and connection tests change no one's account or settings.
const NOT_AUDITED = /^\/api\/(agents\/me\/status|settings\/email\/test-(smtp|imap)|settings\/webhooks\/[^/]+\/test)$/

export const auditRoutes = (deps: AppDeps) =>
  new Elysia({ name: 'audit' })
    // After the handler, not after the response: the client's address can still be read then,
    // and a thrown error never gets here, so only changes that happened are recorded.
    .onAfterHandle({ as: 'global' }, async (ctx) => {
      const { request, set, body, params } = ctx
      if (!CHANGES.has(request.method)) return
      const path = new URL(request.url).pathname
      if (!AUDITED.test(path) || NOT_AUDITED.test(path)) return
      const status = typeof set.status === 'number' ? set.status : 200
      if (status >= 400) return
      try {
        const session = await authenticate(deps, readCookie(request, SESSION_COOKIE))
        if (!session) return
        const { agent } = session
        const route = (ctx as { route?: string }).route ?? path
        const id = (params as Record<string, string> | undefined)?.id
        await recordOwnerAction(deps, { id: agent.id, role: agent.role, name: agent.name }, {
          action: `${request.method} ${route}`,
          target: id ?? null,
          fields: body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : [],
          ip: clientIp(deps.config, request, ctx.server),
        })
      } catch (error) {
        deps.log.warn('audit record failed', { error, path })
      }
    })
    .get(
      '/api/audit',
      async ({ request, query }) => {
        const { actor } = await requireAgent(deps, request)
        if (query.before !== undefined && !isUuid(query.before)) throw new AppError('request.invalid', 400, 'before must be an entry id', { field: 'before' })
        return listAudit(deps, actor, { limit: query.limit, before: query.before })
      },
      {
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })), before: t.Optional(t.String({ maxLength: 40 })) }),
        detail: {
          summary: "The owner's audit log, newest first: who changed agents or settings, what (route and field names, never values), when, from where",
          tags: ['agents'],
        },
      },
    )

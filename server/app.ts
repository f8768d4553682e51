// createApp(deps) → the Elysia app. Tests call app.handle() or app.listen(0).
import { Elysia } from 'elysia'
import { openapi } from '@elysiajs/openapi'
import type { AppDeps } from './deps.ts'
import { handleError } from './http/errors.ts'
import { healthRoutes } from './http/health.ts'
import { authRoutes } from './http/auth.ts'
import { auditRoutes } from './http/audit.ts'
import { agentRoutes } from './http/agents.ts'
import { conversationRoutes } from './http/conversations.ts'
import { widgetRoutes, CORS_HEADERS } from './http/widget.ts'
import { socketRoutes } from './realtime/sockets.ts'
import { staticRoutes } from './http/static.ts'
import { settingsRoutes } from './http/settings.ts'
import { visitorRoutes } from './http/visitors.ts'
import { emailRoutes } from './http/email.ts'
import { serverApiRoutes } from './http/server-api.ts'

/** Largest request body accepted at all; message bodies are limited far lower (16 KB). */
export const MAX_BODY_BYTES = 1024 * 1024

export function createApp(deps: AppDeps) {
  return new Elysia({ websocket: { maxPayloadLength: 256 * 1024, idleTimeout: 120 }, serve: { maxRequestBodySize: MAX_BODY_BYTES, reusePort: false } } as never)
    .onError((ctx) => {
      const res = handleError(deps.log, ctx as never)
      if (new URL(ctx.request.url).pathname.startsWith('/api/widget/')) {
        for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v)
      }
      return res
    })
    .onRequest(({ request }) => {
      const path = new URL(request.url).pathname
      if (request.method === 'OPTIONS' && path.startsWith('/api/widget/')) return new Response(null, { status: 204, headers: CORS_HEADERS })
      const length = Number(request.headers.get('content-length') ?? 0)
      if (length > MAX_BODY_BYTES) {
        return new Response(JSON.stringify({ error: { code: 'request.too_large', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` } }), {
          status: 413,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        })
      }
    })
    .onAfterHandle(({ request, set }) => {
      if (new URL(request.url).pathname.startsWith('/api/widget/')) Object.assign(set.headers, CORS_HEADERS)
    })
    .use(
      openapi({
        path: '/api/docs',
        documentation: {
          info: {
            title: 'Parley API',
            version: '0.1.0',
            description:
              'Agents authenticate with the session cookie from POST /api/auth/login and send the returned CSRF token as X-CSRF-Token on every POST, PUT, PATCH and DELETE. The widget authenticates with the bearer token from POST /api/widget/visitors. Errors are { error: { code, message, details? } }.',
          },
          tags: [
            { name: 'auth', description: 'First-run setup and sessions' },
            { name: 'agents', description: 'Accounts, roles, presence' },
            { name: 'conversations', description: 'The agent side of conversations' },
            { name: 'widget', description: 'The visitor side, for the chat widget' },
            { name: 'visitors', description: 'The visitor card' },
            { name: 'settings', description: 'Widget appearance, the embed snippet, identity secret, API keys' },
            { name: 'server API', description: 'For the site\'s back end, with an API key: visitors and customer info' },
            { name: 'system', description: 'Health' },
          ],
        },
      }),
    )
    .use(auditRoutes(deps))
    .use(healthRoutes(deps))
    .use(authRoutes(deps))
    .use(agentRoutes(deps))
    .use(conversationRoutes(deps))
    .use(widgetRoutes(deps))
    .use(settingsRoutes(deps))
    .use(visitorRoutes(deps))
    .use(emailRoutes(deps))
    .use(serverApiRoutes(deps))
    .use(socketRoutes(deps))
    .use(staticRoutes(deps))
}

export type App = ReturnType<typeof createApp>

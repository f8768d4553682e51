// createApp(deps) → the Elysia app. Tests call app.handle() or app.listen(0).
import { Elysia } from 'elysia'
import type { AppDeps } from './deps.ts'
import { healthRoutes } from './http/health.ts'
import { authRoutes } from './http/auth.ts'
import { auditRoutes } from './http/audit.ts'
import { agentRoutes } from './http/agents.ts'
import { conversationRoutes } from './http/conversations.ts'
import { widgetRoutes, CORS_HEADERS } from './http/widget.ts'
import { SEND_BUFFER_LIMIT, socketRoutes } from './realtime/sockets.ts'
import { DASHBOARD_STYLE, staticRoutes } from './http/static.ts'
import { docsRoutes, specRoutes } from './http/docs.ts'
import { BASE_HEADERS, pageHeaders } from './http/security.ts'
import { demoRoutes } from './http/demo.ts'
import { settingsRoutes } from './http/settings.ts'
import { notificationRoutes } from './http/notifications.ts'
import { webhookRoutes } from './http/webhooks.ts'
import { pushRoutes } from './http/push.ts'
import { blockingRoutes } from './http/blocking.ts'
import { visitorRoutes } from './http/visitors.ts'
import { serverApiRoutes } from './http/server-api.ts'
import { recordingRoutes, recordingWidgetRoutes } from './http/recordings.ts'
import { errorResponse, handleError, requestId } from './http/errors.ts'
import { pathOf, readUrl, serverBaseUrl } from './http/request.ts'
import { checkFormBody, checkUrlText, parseJsonBody } from './shared/text.ts'
import { AppError, isAppError } from './shared/errors.ts'
import { requireAgent } from './http/guards.ts'
import { metricsRoutes } from './http/metrics.ts'
// #16 ratings, private notes, canned responses
import { ratingRoutes, ratingWidgetRoutes } from './http/ratings.ts'
import { noteRoutes } from './http/notes.ts'
import { cannedRoutes } from './http/canned.ts'
import { attachmentRoutes, MAX_UPLOAD_BODY, UPLOAD_PATH } from './http/attachments.ts'
import { tagRoutes } from './http/tags.ts'
import { groupRoutes, groupWidgetRoutes } from './http/groups.ts'
import { searchRoutes } from './http/search.ts'
import { transcriptRoutes } from './http/transcript.ts'

/** Largest request body accepted at all; message bodies are limited far lower (16 KB). */
export const MAX_BODY_BYTES = 1024 * 1024

/** The OpenAPI document's own parts; the paths come from the routes (http/docs.ts specRoutes). */
const API_DOCUMENTATION = {
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
    { name: 'tags', description: 'Tags: the owner\'s list, and tagging conversations' },
    { name: 'groups', description: 'Groups (teams): members, routing, transfer' },
    { name: 'search', description: 'Search conversations, export the results, saved searches' },
    { name: 'recordings', description: 'Session recordings: the visitor card\'s list and the replay' },
    { name: 'settings', description: 'Widget appearance, the embed snippet, identity secret, API keys' },
    { name: 'server API', description: 'For the site\'s back end, with an API key: visitors and customer info' },
    { name: 'system', description: 'Health' },
  ],
}

export function createApp(deps: AppDeps) {
  const strictPage = pageHeaders([DASHBOARD_STYLE])
  const sockets = socketRoutes(deps)
  return new Elysia({
    websocket: { maxPayloadLength: 256 * 1024, idleTimeout: 120, backpressureLimit: SEND_BUFFER_LIMIT, closeOnBackpressureLimit: true },
    // development: false — an error that escapes every handler is Bun's bare 500, never its
    // development page (which shows the server's folder and the failing source).
    serve: { maxRequestBodySize: MAX_UPLOAD_BODY + 64 * 1024, reusePort: false, routes: sockets.serveRoutes, development: false },
  } as never)
    .onError((ctx) => {
      const res = handleError(deps.log, ctx as never)
      if (pathOf(ctx.request).startsWith('/api/widget/')) {
        for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v)
      }
      return res
    })
    .onRequest(async ({ request, set }) => {
      const url = readUrl(request)
      const path = url.pathname
      Object.assign(set.headers, BASE_HEADERS)
      set.headers['x-request-id'] = requestId(request)
      if (path === '/' || path === '/api/docs') Object.assign(set.headers, strictPage)
      if (request.method === 'OPTIONS' && path.startsWith('/api/widget/')) return new Response(null, { status: 204, headers: CORS_HEADERS })
      const declared = request.headers.get('content-length')
      const length = Number(declared ?? 0)
      // Only an agent's file upload has a larger limit of its own (http/attachments.ts).
      const upload = request.method === 'POST' && UPLOAD_PATH.test(path)
      const tooLarge = () => errorResponse(413, 'request.too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`)
      if (length > MAX_BODY_BYTES && !upload) return tooLarge()
      // A body without a declared length (chunked) is measured on a copy: else only Bun's
      // server-wide cap (the upload route's, 10 MB) would stop it. The copy is read whole (up to
      // that cap): a copy read in parts stalls Bun's tee of the request body.
      let bytes: ArrayBuffer | null = null
      if (request.body && declared === null && !upload) {
        bytes = await request.clone().arrayBuffer()
        if (bytes.byteLength > MAX_BODY_BYTES) return tooLarge()
      }
      try {
        checkUrlText(url)
        // Every JSON body is checked as strict UTF-8 and for text PostgreSQL cannot store before
        // any route sees it, so no route can forget it (shared/text.ts). A copy is read: the
        // route's own parser (and so the API document's content types) stays Elysia's.
        const type = request.headers.get('content-type')?.toLowerCase() ?? ''
        // A webhook reads its own bytes (they are what is signed) and mends text it cannot refuse
        // (channels/messenger/inbound.usecases.ts): the sender would drop a refused delivery.
        const webhook = path.startsWith('/webhooks/')
        if (request.body && !webhook && type.includes('json')) {
          parseJsonBody(bytes ?? (await request.clone().arrayBuffer()))
        } else if (request.body && !upload && !webhook && /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)/.test(type)) {
          // Elysia takes form bodies too (the API document lists them): their fields get the same check.
          const form = await request.clone().formData().catch(() => {
            throw new AppError('request.malformed', 400, 'the request body is not a valid form')
          })
          checkFormBody(form)
        }
      } catch (e) {
        if (isAppError(e)) return errorResponse(e.status, e.code, e.message, e.details, path.startsWith('/api/widget/') ? CORS_HEADERS : {})
        throw e
      }
    })
    .onAfterResponse(({ set }) => {
      const status = typeof set.status === 'number' ? set.status : 200
      deps.metrics.http.inc({ code: `${Math.floor(status / 100)}xx` })
    })
    .onAfterHandle(({ request, set }) => {
      if (pathOf(request).startsWith('/api/widget/')) Object.assign(set.headers, CORS_HEADERS)
    })
    .use(specRoutes(API_DOCUMENTATION))
    .use(auditRoutes(deps))
    .use(healthRoutes(deps))
    .use(metricsRoutes(deps))
    .use(authRoutes(deps))
    .use(agentRoutes(deps))
    .use(conversationRoutes(deps))
    .use(attachmentRoutes(deps))
    .use(tagRoutes(deps))
    .use(groupRoutes(deps))
    .use(groupWidgetRoutes(deps))
    .use(widgetRoutes(deps))
    .use(recordingWidgetRoutes(deps))
    .use(recordingRoutes(deps))
    .use(settingsRoutes(deps))
    .use(notificationRoutes(deps))
    .use(webhookRoutes(deps))
    .use(pushRoutes(deps))
    .use(visitorRoutes(deps))
    // #16 ratings, private notes, canned responses
    .use(ratingWidgetRoutes(deps))
    .use(ratingRoutes(deps))
    .use(noteRoutes(deps))
    .use(cannedRoutes(deps))
    .use(blockingRoutes(deps))
    .use(searchRoutes(deps))
    .use(transcriptRoutes(deps))
    .use(deps.channels.routes({ requireAgent: (request) => requireAgent(deps, request), baseUrl: (request) => serverBaseUrl(deps.config, request) }))
    .use(serverApiRoutes(deps))
    .use(sockets.plugin)
    .use(demoRoutes(deps))
    .use(docsRoutes())
    .use(staticRoutes())
}

export type App = ReturnType<typeof createApp>

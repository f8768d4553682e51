// First-run setup, sign-in and sign-out.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { isUuid } from '../shared/ids.ts'
import * as agents from '../domain/agents/agents.usecases.ts'
import { Email, Language, Name, Password } from './schemas.ts'
import { clearedSessionCookie, clientIp, isCrossSite, isHttps, readCookie, SESSION_COOKIE, sessionCookie } from './request.ts'
import { requireAgent } from './guards.ts'

export const authRoutes = (deps: AppDeps) => {
  const signIn = async (request: Request, server: Parameters<typeof clientIp>[2], set: { headers: Record<string, unknown> }, email: string, password: string) => {
    const result = await agents.login(deps, {
      email,
      password,
      ip: clientIp(deps.config, request, server),
      userAgent: request.headers.get('user-agent') ?? '',
    })
    set.headers['set-cookie'] = sessionCookie(result.token, isHttps(deps.config, request, server), deps.auth.sessionDays * 86400)
    return { agent: result.agent, csrfToken: result.csrfToken }
  }
  // Sign-in and setup carry no session yet, so the CSRF token cannot protect them: refuse
  // cross-site requests by Origin instead (login CSRF).
  const sameSiteOnly = (request: Request) => {
    if (isCrossSite(deps.config, request)) throw new AppError('auth.csrf', 403, 'cross-site request refused')
  }

  return new Elysia({ prefix: '/api', tags: ['auth'] } as never)
    .get('/setup', async () => ({ needed: await agents.setupNeeded(deps) }), {
      detail: { summary: 'Whether the first-run owner setup is still open', tags: ['auth'] },
    })
    .post(
      '/setup',
      async ({ body, request, server, set }) => {
        sameSiteOnly(request)
        await agents.createOwner(deps, body)
        set.status = 201
        return signIn(request, server, set, body.email, body.password)
      },
      {
        body: t.Object({ email: Email, password: Password, name: Name, language: t.Optional(Language) }),
        detail: { summary: 'Create the owner account (once, while no agent exists) and sign in', tags: ['auth'] },
      },
    )
    .post(
      '/auth/login',
      async ({ body, request, server, set }) => {
        sameSiteOnly(request)
        return signIn(request, server, set, body.email, body.password)
      },
      {
        body: t.Object({ email: Email, password: Password }),
        detail: { summary: 'Sign in; sets the HttpOnly session cookie and returns the CSRF token', tags: ['auth'] },
      },
    )
    .post(
      '/auth/logout',
      async ({ request, server, set }) => {
        await requireAgent(deps, request)
        await agents.logout(deps, readCookie(request, SESSION_COOKIE)!)
        set.headers['set-cookie'] = clearedSessionCookie(isHttps(deps.config, request, server))
        set.status = 204
      },
      { detail: { summary: 'End this session', tags: ['auth'] } },
    )
    .get(
      '/auth/sessions',
      async ({ request }) => {
        const { session, actor } = await requireAgent(deps, request)
        const list = await agents.listSessions(deps, actor)
        return list.map((s) => ({ ...s, current: s.id === session.id }))
      },
      { detail: { summary: 'My signed-in sessions (browser, IP, last seen); `current` marks this one', tags: ['auth'] } },
    )
    .delete(
      '/auth/sessions/:id',
      async ({ request, params, set }) => {
        const { actor } = await requireAgent(deps, request)
        // A path id that is not a UUID names no session: answered like an unknown one.
        if (!isUuid(params.id)) throw new AppError('session.not_found', 404, 'session not found')
        await agents.endSession(deps, actor, params.id)
        set.status = 204
      },
      { detail: { summary: 'Sign one of my sessions out; its live connections close', tags: ['auth'] } },
    )
    .post(
      '/auth/sessions/end-others',
      async ({ request }) => {
        const { session, actor } = await requireAgent(deps, request)
        return { ended: await agents.endOtherSessions(deps, actor, session.id) }
      },
      { detail: { summary: 'Sign out everywhere else: every session of mine but this one', tags: ['auth'] } },
    )
    .get(
      '/auth/me',
      async ({ request }) => {
        const { session } = await requireAgent(deps, request)
        return { agent: await agents.toView(deps, session.agent.id), csrfToken: session.csrfToken }
      },
      { detail: { summary: 'The signed-in agent and the CSRF token to send as X-CSRF-Token', tags: ['auth'] } },
    )
    // The dashboard asks this when it loads: not being signed in is the usual answer on the
    // sign-in page, not an error, so it is a 200 (a 401 there was logged in every console).
    .get(
      '/auth/session',
      async ({ request }) => {
        const session = await agents.authenticate(deps, readCookie(request, SESSION_COOKIE))
        if (!session) return { agent: null, csrfToken: null }
        return { agent: await agents.toView(deps, session.agent.id), csrfToken: session.csrfToken }
      },
      { detail: { summary: 'The signed-in agent and CSRF token, or agent: null when not signed in (never 401)', tags: ['auth'] } },
    )
}

// Who is calling: an agent by session cookie (and CSRF token for anything that changes state),
// or a widget visitor by bearer token.
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { authenticate, type Actor, type Session } from '../domain/agents/agents.usecases.ts'
import { authenticateVisitor, authenticateVisitorSocket } from '../domain/visitors/visitors.usecases.ts'
import type { VisitorRow } from '../domain/visitors/visitors.types.ts'
import { CSRF_HEADER, SESSION_COOKIE, bearer, isCrossSite, readCookie, sameSecret } from './request.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface AgentContext {
  session: Session
  actor: Actor
}

export async function requireAgent(deps: AppDeps, request: Request): Promise<AgentContext> {
  const session = await authenticate(deps, readCookie(request, SESSION_COOKIE))
  if (!session) throw new AppError('auth.required', 401, 'sign in first')
  if (!SAFE.has(request.method)) {
    // Double-submit token plus an Origin check: a cross-site form or fetch can carry the cookie
    // (SameSite=Lax still sends it on top-level POST navigations in some browsers) but not the token.
    if (isCrossSite(deps.config, request) || !sameSecret(request.headers.get(CSRF_HEADER), session.csrfToken)) {
      throw new AppError('auth.csrf', 403, 'missing or wrong CSRF token; reload the page')
    }
  }
  const { agent } = session
  return { session, actor: { id: agent.id, role: agent.role, name: agent.name } }
}

export async function requireVisitor(
  deps: AppDeps,
  request: Request,
  token: string | null | undefined = bearer(request),
  /** A widget's socket: also its newest conversation (authenticateVisitorSocket). */
  socket = false,
): Promise<VisitorRow> {
  const visitor = await (socket ? authenticateVisitorSocket(deps, token) : authenticateVisitor(deps, token))
  if (!visitor) throw new AppError('visitor.unauthorized', 401, 'unknown or missing visitor token')
  return visitor
}


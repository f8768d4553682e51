// The one place errors become HTTP answers: AppError → its status and code; request validation
// → 400 naming the field; anything unknown → logged with context, answered with a plain 500.
import type { Logger } from '../shared/logger.ts'
import { DATABASE_UNAVAILABLE, isAppError, isDatabaseUnavailable } from '../shared/errors.ts'
import { pathOf } from './request.ts'

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

export function errorResponse(status: number, code: string, message: string, details?: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) } }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })
}

interface ElysiaErrorArgs {
  code: string | number
  error: unknown
  request: Request
  path?: string
}

/** Each request's id (X-Request-Id): the caller's own when it is a sane token, else a new one. */
const requestIds = new WeakMap<Request, string>()
const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/

export function requestId(request: Request): string {
  let id = requestIds.get(request)
  if (!id) {
    const given = request.headers.get('x-request-id')
    id = given && SANE_ID.test(given) ? given : Bun.randomUUIDv7()
    requestIds.set(request, id)
  }
  return id
}

/** The values a schema that is a union of literals allows, or null for any other schema. */
function choices(schema: unknown): string[] | null {
  const any = (schema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf
  if (!Array.isArray(any) || any.length === 0) return null
  return any.every((s) => typeof s?.const === 'string' || typeof s?.const === 'number') ? any.map((s) => String(s.const)) : null
}

export function handleError(log: Logger, { code, error, request }: ElysiaErrorArgs): Response {
  if (isAppError(error)) {
    const headers: Record<string, string> = {}
    if ((error.status === 429 || error.status === 503) && typeof error.details?.retryAfter === 'number') headers['retry-after'] = String(error.details.retryAfter)
    return errorResponse(error.status, error.code, error.message, error.details, headers)
  }
  switch (code) {
    case 'VALIDATION': {
      const e = error as { type?: string; all?: { path?: string; message?: string; summary?: string; schema?: unknown }[]; message?: string }
      const first = e.all?.[0]
      const field = first?.path ? first.path.replace(/^\//, '').replaceAll('/', '.') : undefined
      const what = e.type === 'body' ? 'request body' : e.type ?? 'request'
      // A choice of fixed values: name them (TypeBox's own summary says "one of: 'string', …").
      const values = choices(first?.schema)
      const says = values ? `must be one of ${values.join(', ')}` : (first?.summary ?? first?.message ?? 'invalid')
      const message = first ? `${what}: ${field ? `${field}: ` : ''}${says}` : `invalid ${what}`
      return errorResponse(400, 'request.invalid', message, field ? { field, in: e.type } : { in: e.type })
    }
    case 'PARSE':
      return errorResponse(400, 'request.malformed', 'the request body is not valid JSON')
    case 'NOT_FOUND':
      return errorResponse(404, 'route.not_found', `no route ${request.method} ${pathOf(request)}`)
    case 'INVALID_COOKIE_SIGNATURE':
      return errorResponse(400, 'request.invalid_cookie', 'invalid cookie')
  }
  if (isDatabaseUnavailable(error)) {
    const { code, message, retryAfter } = DATABASE_UNAVAILABLE
    return errorResponse(503, code, message, { retryAfter }, { 'retry-after': String(retryAfter) })
  }
  const status = (error as { status?: unknown })?.status
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return errorResponse(status, 'request.invalid', (error as Error).message || 'bad request')
  }
  // The path only (no query string: it may carry a token), and the request's id, which the answer
  // names too, so a person can quote it and the log line be found.
  const id = requestId(request)
  log.error('unhandled error', { requestId: id, method: request.method, url: pathOf(request), code, error })
  return errorResponse(500, 'internal', `internal server error (request ${id})`, { requestId: id })
}

// Domain and request errors carry a stable code and an HTTP status; one handler in http/ maps
// them. Anything else is an unknown error: logged with context, answered with a plain 500.

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError

/** Postgres unique_violation, optionally on a named constraint or index. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint_name?: string } | null
  if (!err || err.code !== '23505') return false
  return constraint === undefined || err.constraint_name === constraint
}

/** postgres.js's codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED'])

/**
 * The database is down, restarting, shutting down or out of room: the statement did not run, or
 * its outcome is unknown (a commit cut off mid-way). Either way the client is told "not stored,
 * retry", and a retry with the same client id is stored once. SQLSTATE class 08 is a connection
 * exception; 57P01–57P03 are admin shutdown, crash shutdown and "cannot connect now" (starting
 * up); class 53 is insufficient resources (too many connections, disk full, out of memory), which
 * passes as the others do.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P02' || code === '57P03'
}

export const DATABASE_UNAVAILABLE = {
  code: 'database.unavailable',
  message: 'not stored: the database is unavailable for a moment; retry',
  /** Seconds a client waits before retrying. */
  retryAfter: 1,
} as const

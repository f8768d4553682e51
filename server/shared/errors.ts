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

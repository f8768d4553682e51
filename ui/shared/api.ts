// The dashboard's HTTP client: same-origin fetch with the session cookie, the CSRF token on
// every state-changing request, JSON in and out, and errors that keep the server's code and field.

import { againAfterSeconds, READ_RETRIES } from './retry.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** Seconds to wait, from a 429's or a 503's Retry-After. */
    readonly retryAfter: number | null = null,
    /** Why a value was refused, when the server says (e.g. a password: too_short, common, guessable). */
    readonly reason: string | null = null,
  ) {
    super(message)
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export class ApiClient {
  csrfToken = ''
  /** Called on any 401, so the app can go back to the sign-in screen. */
  onUnauthorized: (() => void) | null = null
  /** Called on each 503 `database.unavailable`: the server is there, its database is not (yet). */
  onUnavailable: (() => void) | null = null

  constructor(readonly base = '') {}

  /**
   * A read the server could not answer because its database was away for a moment (`503
   * database.unavailable`, PostgreSQL restarting) is asked again after its Retry-After, doubling,
   * up to this many times (1 + 2 + 4 + 8 s), so a screen loads late instead of failing. Writes are
   * not: their outcome may be unknown, so their error reaches the screen that made them.
   */
  static READ_RETRIES = READ_RETRIES

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, body)
      } catch (e) {
        // A session's CSRF token comes from the server with the session; one held from before
        // the server changed how it makes them (an upgrade) is asked for again, and the change
        // sent once more, instead of failing until the page is reloaded.
        if (method !== 'GET' && e instanceof ApiError && e.code === 'auth.csrf' && attempt === 0 && (await this.renewCsrfToken())) continue
        if (!(method === 'GET' && e instanceof ApiError && e.code === 'database.unavailable' && attempt < ApiClient.READ_RETRIES)) throw e
        await new Promise((done) => setTimeout(done, againAfterSeconds(e.retryAfter, attempt) * 1000))
      }
    }
  }

  /** Asks the session for its CSRF token again: true when it gave one other than the one held. */
  private async renewCsrfToken(): Promise<boolean> {
    if (!this.csrfToken) return false
    try {
      const session = await this.once<{ csrfToken?: unknown }>('GET', '/api/auth/session')
      if (typeof session?.csrfToken !== 'string' || session.csrfToken === this.csrfToken) return false
      this.csrfToken = session.csrfToken
      return true
    } catch {
      return false
    }
  }

  private async once<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken
    let res: Response
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(0, 'network', 'network error')
    }
    const text = await res.text()
    let data: unknown = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = text
      }
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string; details?: { field?: unknown; reason?: unknown } } } | null)?.error
      if (res.status === 401 && !path.startsWith('/api/auth/login')) this.onUnauthorized?.()
      if (res.status === 503 && err?.code === 'database.unavailable') this.onUnavailable?.()
      const field = typeof err?.details?.field === 'string' ? err.details.field : null
      const retryAfter = Number(res.headers.get('retry-after'))
      const reason = typeof err?.details?.reason === 'string' ? err.details.reason : null
      throw new ApiError(res.status, err?.code ?? `http.${res.status}`, err?.message ?? res.statusText, field, retryAfter > 0 ? retryAfter : null, reason)
    }
    return data as T
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path)
  }
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body)
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body)
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body)
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

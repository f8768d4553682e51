// The Graph API as this channel speaks it: the Send API, a page's name, a person's profile. The
// base URL and the version are settings (tests point them at a local server). Tokens go in the
// Authorization header, never in a URL that a proxy or a log could keep.
export interface GraphTarget {
  baseUrl: string
  version: string
}

/** An error as Meta reports it ({ error: { message, code, error_subcode } }), or a network failure. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly subcode: number | null,
    readonly httpStatus: number | null,
    /** Worth trying again later: a network failure, a 5xx, rate limits, Meta's "temporary" errors. */
    readonly transient: boolean,
  ) {
    super(message)
  }

  /** Error 190: the token expired or was revoked; only a new token helps. */
  get tokenExpired(): boolean {
    return this.code === 190
  }

  /** What an agent or the owner reads: Meta's message and code. */
  describe(): string {
    return this.code === null ? this.message : `${this.message} (Meta error ${this.code}${this.subcode ? `/${this.subcode}` : ''})`
  }
}

// 1, 2: unknown / service errors; 4, 17, 32, 613: rate limits; 341: the application limit.
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613])

const TIMEOUT_MS = 15_000

export async function graphRequest<T>(
  target: GraphTarget,
  path: string,
  o: { token: string; method?: 'GET' | 'POST'; body?: unknown; form?: FormData; query?: Record<string, string> },
): Promise<T> {
  const url = new URL(`${target.baseUrl.replace(/\/+$/, '')}/${target.version}/${path}`)
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v)
  let res: Response
  try {
    res = await fetch(url, {
      method: o.method ?? 'GET',
      // a form (a file upload) sets its own multipart content type with the boundary
      headers: { authorization: `Bearer ${o.token}`, ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    })
  } catch (e) {
    throw new GraphError(`the Graph API could not be reached: ${e instanceof Error ? e.message : String(e)}`, null, null, null, true)
  }
  const text = await res.text()
  let json: any = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {}
  if (res.ok && json && !json.error) return json as T
  const err = json?.error
  const code = typeof err?.code === 'number' ? err.code : null
  const message = typeof err?.message === 'string' ? err.message.slice(0, 500) : `the Graph API answered ${res.status}`
  const transient = res.status >= 500 || res.status === 429 || err?.is_transient === true || (code !== null && TRANSIENT_CODES.has(code))
  throw new GraphError(message, code, typeof err?.error_subcode === 'number' ? err.error_subcode : null, res.status, transient)
}

export const DEFAULT_GRAPH: GraphTarget = { baseUrl: 'https://graph.facebook.com', version: 'v24.0' }

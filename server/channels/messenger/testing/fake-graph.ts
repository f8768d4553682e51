// A local stand-in for Meta's Graph API (the one thing here that lives on the internet), answering
// with the shapes Meta documents: the Send API's { recipient_id, message_id }, errors as
// { error: { message, type, code, error_subcode, fbtrace_id } }. It records every send, can be told
// to fail the next sends (transiently, permanently, or with error 190), serves attachment files,
// and can hold profile look-ups (to stop processing half-way in a crash test).
// Also here: webhook bodies as Meta sends them, signed as Meta signs them.
import { signatureOf } from '../signature.ts'

export interface RecordedSend {
  pageId: string
  token: string | null
  body: { recipient: { id: string }; messaging_type: string; tag?: string; message: { text?: string; attachment?: { type: string; payload: Record<string, unknown> } } }
  messageId: string
  /** A file sent as Meta's attachment upload (multipart `filedata`). */
  file?: { name: string; type: string; bytes: Uint8Array }
}

export type FakeError = { status: number; error: { message: string; type: string; code: number; error_subcode?: number; is_transient?: boolean } }

export const ERROR_190: FakeError = {
  status: 400,
  error: { message: 'Error validating access token: The session has been invalidated because the user changed their password.', type: 'OAuthException', code: 190, error_subcode: 460 },
}
export const ERROR_TRANSIENT: FakeError = { status: 500, error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true } }
export const ERROR_OUTSIDE_WINDOW: FakeError = {
  status: 400,
  error: { message: '(#10) This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2018278 },
}

export class FakeGraph {
  readonly sends: RecordedSend[] = []
  readonly requests: { method: string; path: string; token: string | null }[] = []
  readonly tokens = new Map<string, { pageId: string; name: string }>()
  readonly profiles = new Map<string, { first_name: string; last_name: string }>()
  readonly files = new Map<string, { type: string; bytes: Uint8Array }>()
  private failures: FakeError[] = []
  private expired = new Set<string>()
  private holdProfiles: Promise<void> | null = null
  private release: (() => void) | null = null
  private server: ReturnType<typeof Bun.serve>
  private seq = 0
  private waiters: (() => void)[] = []

  constructor() {
    this.server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (req) => this.handle(req) })
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`
  }

  /** A page whose token the fake accepts. */
  addPage(pageId: string, name: string, token = `EAAG${pageId}${'x'.repeat(40)}`): string {
    this.tokens.set(token, { pageId, name })
    return token
  }

  /** The next sends fail with these errors, one each, in order. */
  failNext(...errors: FakeError[]): void {
    this.failures.push(...errors)
  }

  /** From now on this token is refused with error 190. */
  expire(token: string): void {
    this.expired.add(token)
  }

  /** Profile look-ups wait until release() (or answer at once again after it). */
  holdProfileLookups(): void {
    this.holdProfiles = new Promise((r) => (this.release = r))
  }

  releaseProfileLookups(): void {
    this.release?.()
    this.holdProfiles = null
  }

  async waitForSend(match: (s: RecordedSend) => boolean, timeoutMs = 10_000, from = 0): Promise<RecordedSend> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.sends.slice(from).find(match)
      if (hit) return hit
      if (Date.now() > deadline) throw new Error(`no matching send within ${timeoutMs} ms (${this.sends.length} sends)`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 100)
      })
    }
  }

  stop(): void {
    this.release?.()
    this.server.stop(true)
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const token = req.headers.get('authorization')?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token')
    this.requests.push({ method: req.method, path: url.pathname, token })
    const file = /^\/files\/(.+)$/.exec(url.pathname)
    if (file) {
      // by the name as sent, or decoded (a CDN's URL may hold a "%" that is no escape)
      const f = this.files.get(file[1]!) ?? this.files.get(decodeURIComponent(file[1]!.replace(/%(?![0-9a-f]{2})/gi, '%25')))
      return f ? new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': f.type } }) : new Response('not found', { status: 404 })
    }
    const parts = url.pathname.split('/').filter(Boolean)
    if (!/^v\d+\.\d+$/.test(parts[0] ?? '')) return this.error({ status: 400, error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } })
    const page = token ? this.tokens.get(token) : undefined
    if (!token || !page) return this.error({ status: 400, error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } })
    if (this.expired.has(token)) return this.error(ERROR_190)
    if (req.method === 'POST' && parts.length === 3 && parts[2] === 'messages') {
      const multipart = req.headers.get('content-type')?.startsWith('multipart/form-data')
      const { body, file } = multipart ? await this.readForm(req) : { body: (await req.json()) as RecordedSend['body'], file: undefined }
      if (!body) return this.error({ status: 400, error: { message: '(#100) Invalid attachment upload', type: 'OAuthException', code: 100 } })
      if (parts[1] !== page.pageId) return this.error({ status: 400, error: { message: '(#100) Invalid page id', type: 'OAuthException', code: 100 } })
      const failure = this.failures.shift()
      if (failure) return this.error(failure)
      const messageId = `m_fake${++this.seq}_${crypto.randomUUID().replaceAll('-', '')}`
      this.sends.push({ pageId: parts[1]!, token, body, messageId, ...(file ? { file } : {}) })
      for (const w of this.waiters.splice(0)) w()
      return Response.json({ recipient_id: body.recipient.id, message_id: messageId })
    }
    if (req.method === 'GET' && parts.length === 2) {
      if (parts[1] === page.pageId) return Response.json({ id: page.pageId, name: page.name })
      if (this.holdProfiles) await this.holdProfiles
      const profile = this.profiles.get(parts[1]!)
      if (!profile) return this.error({ status: 400, error: { message: '(#230) Requires pages_messaging permission to manage the object', type: 'OAuthException', code: 230 } })
      return Response.json({ ...profile, id: parts[1] })
    }
    return this.error({ status: 400, error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } })
  }

  /**
   * The Send API's attachment upload: recipient, messaging_type, tag and message as form fields
   * (JSON text where Meta's are objects), the file as `filedata`; Meta refuses a form without
   * both an attachment type and the file.
   */
  private async readForm(req: Request): Promise<{ body: RecordedSend['body'] | null; file?: RecordedSend['file'] }> {
    const form = await req.formData()
    const filedata = form.get('filedata')
    try {
      const message = JSON.parse(String(form.get('message')))
      const recipient = JSON.parse(String(form.get('recipient')))
      const tag = form.get('tag')
      if (!(filedata instanceof Blob) || typeof message?.attachment?.type !== 'string' || typeof recipient?.id !== 'string') return { body: null }
      const body: RecordedSend['body'] = { recipient, messaging_type: String(form.get('messaging_type')), ...(tag ? { tag: String(tag) } : {}), message }
      return { body, file: { name: (filedata as File).name, type: filedata.type, bytes: new Uint8Array(await filedata.arrayBuffer()) } }
    } catch {
      return { body: null }
    }
  }

  private error(e: FakeError): Response {
    return Response.json({ error: { ...e.error, fbtrace_id: 'AbCdEfGh123' } }, { status: e.status })
  }
}

// Webhook bodies, as Meta's documentation shows them ------------------------------------------

/** A page-scoped id: 16–17 digits, beyond 2^53, so a number would lose its last digits. */
export function newPsid(): string {
  return '2' + String(Date.now()).slice(-8) + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
}

export const messagingEntry = (pageId: string, messaging: unknown[]) => ({ id: pageId, time: Date.now(), messaging })

export const webhookBody = (...entries: unknown[]) => ({ object: 'page', entry: entries })

export function textEvent(pageId: string, psid: string, mid: string, text: string, extra: Record<string, unknown> = {}) {
  return { sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid, text, ...extra } }
}

/** Meta's documented sample: the body as text, with a signature over exactly that text. */
export async function postWebhook(base: string, pageId: string, body: unknown | string, appSecret: string | null, signOverride?: string) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const bytes = new TextEncoder().encode(text)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (signOverride !== undefined) headers['x-hub-signature-256'] = signOverride
  else if (appSecret !== null) headers['x-hub-signature-256'] = signatureOf(bytes, appSecret)
  return fetch(`${base}/webhooks/messenger/${pageId}`, { method: 'POST', headers, body: bytes })
}

export const APP_SECRET = '0123456789abcdef0123456789abcdef'
export const APP_ID = '1234567890123'

/** Points Parley at the fake and connects a page; returns what the tests need of it. */
export async function connectPage(
  owner: { request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> },
  graph: FakeGraph,
  o: { pageId?: string; name?: string; humanAgent?: boolean } = {},
) {
  const pageId = o.pageId ?? String(100000000000000 + Math.floor(Math.random() * 1e14))
  const token = graph.addPage(pageId, o.name ?? 'Acme Support')
  const s = await owner.request('PUT', '/api/settings/messenger', { graphBaseUrl: graph.url, graphVersion: 'v24.0' })
  if (s.status !== 200) throw new Error(`graph settings answered ${s.status}: ${JSON.stringify(s.body)}`)
  const r = await owner.request('POST', '/api/settings/messenger/pages', { pageId, accessToken: token, appSecret: APP_SECRET, appId: APP_ID, humanAgent: o.humanAgent ?? false })
  if (r.status !== 201) throw new Error(`connecting the page answered ${r.status}: ${JSON.stringify(r.body)}`)
  const page = (r.body.pages as { pageId: string; verifyToken: string; webhookUrl: string }[]).find((p) => p.pageId === pageId)!
  return { pageId, token, verifyToken: page.verifyToken, webhookUrl: page.webhookUrl }
}

/** Polls until `read` returns something `done` accepts (bounded); the last value on time-out is in the error. */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await read()
    if (done(v)) return v
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(v)}`)
    await Bun.sleep(50)
  }
}

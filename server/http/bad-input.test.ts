// Every route, from the OpenAPI document, sent what a careless client or an attacker sends:
// wrong types, NUL characters, invalid UTF-8, lone surrogates, huge values, malformed ids and
// ids of things that do not exist. None of it may reach PostgreSQL as a failure: the answer is a
// 4xx naming the problem, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let visitor: VisitorClient
let apiKey = ''
let conversationId = ''

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  anyOf?: Schema[]
  items?: Schema
  format?: string
  pattern?: string
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}
type Doc = { paths: Record<string, Record<string, Operation>> }

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  visitor = await VisitorClient.create(srv.url)
  const first = await visitor.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
  conversationId = first.body.conversation.id
  const key = await owner.request('POST', '/api/settings/api-keys', { name: 'walk' })
  apiKey = key.body.key
})
afterAll(() => srv.stop())

const NUL = 'a\u0000b'
const LONE_SURROGATE = 'x\ud800y'
const HUGE = 'x'.repeat(300_000)
const FOREIGN_ID = '01900000-0000-7000-8000-000000000000'

/** Values of the wrong kind for a field of this schema, and poisoned values of the right kind. */
function badValues(s: Schema | undefined): unknown[] {
  const types = new Set([s?.type, ...(s?.anyOf ?? []).map((x) => x.type)].flat().filter(Boolean) as string[])
  const out: unknown[] = [null, {}, [], true, -1, 1e308]
  if (types.has('string') || types.size === 0) out.push(NUL, LONE_SURROGATE, HUGE, '', ' ', '%00', '../../etc/passwd', '\u202e')
  if (types.has('integer') || types.has('number')) out.push('12abc', 1.5, -2147483649, 9007199254740993, 'NaN')
  if (types.has('object')) out.push('not an object', [1, 2])
  return out
}

/** What the server's routes take as ids, and what must answer 4xx when it names nothing. */
const pathValues = ['not-a-uuid', encodeURIComponent(NUL), FOREIGN_ID, encodeURIComponent(HUGE.slice(0, 5000)), '%E0%A4%A', '..%2F..']

function authFor(path: string): Record<string, string> {
  if (path.startsWith('/api/widget/')) return { authorization: `Bearer ${visitor.token}` }
  if (path.startsWith('/api/v1/')) return { authorization: `Bearer ${apiKey}` }
  return {}
}

const SKIP_LIVE = new Set(['/api/auth/logout'])

/** As the owner's browser would send it (cookie, CSRF token, Origin), the body's bytes as given. */
async function raw(method: string, path: string, body?: BodyInit, contentType = 'application/json') {
  const res = await fetch(srv.url + path, {
    method: method.toUpperCase(),
    headers: {
      origin: srv.url,
      cookie: owner.cookie,
      'x-csrf-token': owner.csrf,
      ...authFor(path),
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    body,
  })
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: res.status, body: parsed }
}

const send = async (method: string, path: string, body?: BodyInit, contentType?: string) => (await raw(method, path, body, contentType)).status

describe('bad input on every route', () => {
  it('answers every route of the API document with a 4xx, never a 5xx, whatever it is sent', async () => {
    const doc = (await (await fetch(`${srv.url}/api/docs/json`)).json()) as Doc
    const failures: string[] = []
    let requests = 0
    const expect4xx = async (label: string, method: string, path: string, body?: BodyInit, contentType?: string) => {
      const status = await send(method, path, body, contentType)
      requests++
      if (status >= 500) failures.push(`${status} ${method.toUpperCase()} ${label}`)
    }
    for (const [template, ops] of Object.entries(doc.paths)) {
      if (SKIP_LIVE.has(template) || template.startsWith('/api/docs')) continue
      for (const [method, op] of Object.entries(ops)) {
        const params = (op.parameters ?? []).filter((p) => p.in === 'path')
        const fill = (v: string) => template.replace(/\{[^}]+\}|:[A-Za-z]+/g, v)
        // Real ids where there are any, so the body and query checks reach the handler.
        const real = fill(template.includes('onversation') ? conversationId : FOREIGN_ID)
        for (const v of params.length ? pathValues : []) await expect4xx(`${template} with path id ${v.slice(0, 20)}`, method, fill(v))
        for (const q of (op.parameters ?? []).filter((p) => p.in === 'query')) {
          for (const v of badValues(q.schema)) {
            const value = typeof v === 'string' ? v.slice(0, 8000) : JSON.stringify(v)
            // A lone surrogate cannot be percent-encoded; its UTF-8-style bytes are what arrives.
            const encoded = value.isWellFormed() ? encodeURIComponent(value) : 'x%ED%A0%80y'
            await expect4xx(`${template}?${q.name}=${value.slice(0, 20)}`, method, `${real}?${q.name}=${encoded}`)
          }
          await expect4xx(`${template}?${q.name}=%E0%A4%A`, method, `${real}?${q.name}=%E0%A4%A`)
        }
        const schema = op.requestBody?.content?.['application/json']?.schema
        if (!schema || method === 'get') continue
        await expect4xx(`${template} with invalid UTF-8`, method, real, new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))
        await expect4xx(`${template} with a broken JSON body`, method, real, '{"a":')
        await expect4xx(`${template} with a JSON array`, method, real, '[1,2,3]')
        await expect4xx(`${template} with a form body`, method, real, 'a=b', 'application/x-www-form-urlencoded')
        for (const [name, prop] of Object.entries(schema.properties ?? {})) {
          for (const v of badValues(prop)) {
            await expect4xx(`${template} with ${name}=${JSON.stringify(v)?.slice(0, 20)}`, method, real, JSON.stringify({ [name]: v }))
            // The same value beside otherwise plausible fields, so it is not refused for a missing one.
            const plausible = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, p]) => [k, plausibleValue(k, p)]))
            await expect4xx(`${template} with ${name}=${JSON.stringify(v)?.slice(0, 20)} among valid fields`, method, real, JSON.stringify({ ...plausible, [name]: v }))
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(500)
    expect(failures).toEqual([])
  }, 240_000)

  it('refuses NUL characters, lone surrogates and invalid UTF-8 with a 400 that says so, and stores nothing', async () => {
    const before = await owner.request('GET', `/api/conversations/${conversationId}/messages`)
    for (const body of [NUL, LONE_SURROGATE]) {
      const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body, clientId: cid() })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('request.invalid_text')
      expect(r.body.error.message).toContain('body')
    }
    const bytes = await raw('POST', `/api/conversations/${conversationId}/messages`, new Uint8Array([0x7b, 0x22, 0x62, 0x6f, 0x64, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))
    expect(bytes.status).toBe(400)
    expect(bytes.body.error.code).toBe('request.invalid_utf8')
    const nulQuery = await owner.request('GET', `/api/conversations?view=resolved&cursor=${encodeURIComponent(NUL)}`)
    expect(nulQuery.status).toBe(400)
    const after = await owner.request('GET', `/api/conversations/${conversationId}/messages`)
    expect(after.body.length).toBe(before.body.length)
  })

  it('names the values a field takes when it was given another', async () => {
    const r = await owner.request('GET', '/api/conversations?view=open')
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'request.invalid', details: { field: 'view', in: 'query' } })
    expect(r.body.error.message).toBe('query: view: must be one of unassigned, mine, others, all, resolved')
  })

  it('checks the text of a form body (urlencoded or multipart) as it checks JSON: a 400, never a 500, and nothing stored', async () => {
    const before = await owner.request('GET', `/api/conversations/${conversationId}/messages`)
    const multipart = (fields: Record<string, string>) => {
      const f = new FormData()
      for (const [k, v] of Object.entries(fields)) f.set(k, v)
      return f
    }
    const attempts: [string, BodyInit, string | undefined][] = [
      ['/api/widget/messages', `body=a%00b&clientId=${cid()}`, 'application/x-www-form-urlencoded'],
      ['/api/widget/messages', multipart({ body: NUL, clientId: cid() }), undefined],
      ['/api/widget/me', 'name=a%00b', 'application/x-www-form-urlencoded'],
      ['/api/widget/contact', multipart({ email: 'someone@example.com', body: NUL, clientId: cid() }), undefined],
      [`/api/conversations/${conversationId}/messages`, `body=a%00b&clientId=${cid()}`, 'application/x-www-form-urlencoded'],
    ]
    for (const [path, body, contentType] of attempts) {
      const res = await fetch(srv.url + path, {
        method: 'POST',
        headers: { origin: srv.url, cookie: owner.cookie, 'x-csrf-token': owner.csrf, ...authFor(path), ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      })
      expect(`${path} ${res.status}`).toBe(`${path} 400`)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request.invalid_text')
    }
    const after = await owner.request('GET', `/api/conversations/${conversationId}/messages`)
    expect(after.body.length).toBe(before.body.length)
  })
})

function plausibleValue(name: string, s: Schema): unknown {
  const types = new Set([s.type, ...(s.anyOf ?? []).map((x) => x.type)].flat().filter(Boolean) as string[])
  if (/email/i.test(name)) return 'someone@example.com'
  if (/password/i.test(name)) return 'a long enough password 42'
  if (/clientId/.test(name)) return cid()
  if (types.has('string')) return 'plain text'
  if (types.has('integer') || types.has('number')) return 1
  if (types.has('boolean')) return false
  if (types.has('object')) return {}
  if (types.has('array')) return []
  return 'plain text'
}

// A burst of widget sockets (as after a restart) is accepted in batches: one token check and one
// presence-and-visit statement for the sockets that arrive together. Each still gets exactly
// what it would alone: a known token its hello and an online visitor, an unknown one a 401.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, TestSocket, VisitorClient, startTestServer, type TestServer } from '../testing/harness.ts'
import type { ServerFrame } from './wire.ts'

let srv: TestServer
let owner: AgentClient

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
})
afterAll(() => srv.stop())

const wsUrl = (token: string) => `${srv.url.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(token)}`

describe('a burst of widget sockets', () => {
  it('greets every known visitor, counts each online once per socket, and refuses unknown tokens alone', async () => {
    const visitors = await Promise.all(Array.from({ length: 40 }, () => VisitorClient.create(srv.url)))
    const dash = await owner.socket()
    await dash.waitFor('hello')
    const from = dash.frames.length

    // All at once, with bad tokens among the good ones: the batch must not fail them together.
    const good = [...visitors, ...visitors.slice(0, 5)].map((v) => TestSocket.open(wsUrl(v.token), {}))
    const bad = ['not-a-token', 'x'.repeat(300), ''].map((t) => fetch(`${srv.url}/ws/visitor?token=${encodeURIComponent(t)}`))
    const sockets = await Promise.all(good)
    const refused = await Promise.all(bad)
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401])
    for (const r of refused) {
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('visitor.unauthorized')
      // Bun's router answers this path ahead of the app's hooks: the same headers all the same.
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('x-request-id')).toBeTruthy()
    }
    const hellos = await Promise.all(sockets.map((s) => s.waitFor('hello')))
    expect(hellos.map((h) => h.id)).toEqual([...visitors, ...visitors.slice(0, 5)].map((v) => v.id))

    // The dashboard hears each visitor come online, and every one is online, with its sockets counted.
    const heardOnline = () =>
      new Set(dash.frames.slice(from).filter((f): f is Extract<ServerFrame, { type: 'visitor.presence' }> => f.type === 'visitor.presence' && f.online).map((f) => f.visitorId))
    await until(async () => visitors.every((v) => heardOnline().has(v.id)))
    const rows = await srv.db.sql<{ visitorId: string; connections: number }[]>`
      select visitor_id as "visitorId", connections from visitor_connections where visitor_id = any(${visitors.map((v) => v.id)}::uuid[])`
    const counted = new Map(rows.map((r) => [r.visitorId, r.connections]))
    visitors.forEach((v, i) => expect(counted.get(v.id)).toBe(i < 5 ? 2 : 1))
    // The visit was recorded for each: the card shows the address it came from.
    const card = await owner.request('GET', `/api/visitors/${visitors[7]!.id}`)
    expect(card.status).toBe(200)
    expect(card.body.online).toBe(true)
    expect(card.body.ip).toContain('127.0.0.1')

    // Closing them counts each down; the visitor with two tabs stays online until the second goes.
    sockets[0]!.close()
    await until(async () => (await connections(visitors[0]!.id)) === 1)
    for (const s of sockets) s.close()
    await until(async () => (await srv.db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections`)[0]!.n === 0)
    dash.close()
  }, 60_000)
})

describe('a widget socket refused before any lookup', () => {
  it('answers text PostgreSQL cannot store with the same 400 as every other route, and a missing upgrade with 400', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const elsewhere = await fetch(`${srv.url}/api/widget/me?x=%00`, { headers: { authorization: `Bearer ${visitor.token}` } })
    const bad = await fetch(`${srv.url}/ws/visitor?token=${encodeURIComponent(visitor.token)}&x=%00`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(((await elsewhere.json()) as { error: { code: string } }).error.code)
    // A plain GET with a good token is not a WebSocket: told so, and nothing is counted online.
    const plain = await fetch(`${srv.url}/ws/visitor?token=${encodeURIComponent(visitor.token)}`)
    expect(plain.status).toBe(400)
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('socket.upgrade_required')
    expect(await connections(visitor.id)).toBe(0)
  })
})

async function connections(visitorId: string): Promise<number> {
  const [r] = await srv.db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections where visitor_id = ${visitorId}`
  return r!.n
}

async function until(ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await Bun.sleep(20)
  }
}

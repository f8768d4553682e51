// A widget or a dashboard that closes while the database is away (PostgreSQL restarting): its
// connection count is stored once the database is back, so the visitor and the agent stop showing
// online. Before, the decrement failed once and was dropped: the count stayed up for as long as
// the process lived.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { AgentClient, startTestServer, VisitorClient, type TestServer } from '../testing/harness.ts'
import { openDbDoor, type DbDoor } from '../testing/db-door.ts'
import { createTestDb, type TestDb } from '../db/testing.ts'

let db: TestDb
let door: DbDoor
let srv: TestServer
beforeAll(async () => {
  db = await createTestDb()
  door = await openDbDoor(db.url)
  srv = await startTestServer({ databaseUrl: door.url }, db)
})
afterAll(async () => {
  await door.open()
  await srv.stop()
  await door.close()
  await db.drop()
})

const connections = async (table: 'visitor_connections' | 'agent_connections') =>
  (await db.sql.unsafe<{ n: number }[]>(`select coalesce(sum(connections), 0)::int as n from ${table}`))[0]!.n

test('sockets closed while the database is away stop counting once it is back', async () => {
  const owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  const agentWs = await owner.socket()
  await agentWs.waitFor('hello')
  const visitor = await VisitorClient.create(srv.url)
  const ws = await visitor.socket()
  await ws.waitFor('hello')
  for (let i = 0; i < 100 && ((await connections('visitor_connections')) < 1 || (await connections('agent_connections')) < 1); i++) await Bun.sleep(20)
  expect(await connections('visitor_connections')).toBe(1)
  expect(await connections('agent_connections')).toBe(1)

  await door.shut()
  ws.close()
  agentWs.close()
  // The decrements fail now: refused connects.
  await Bun.sleep(1_500)
  await door.open()
  for (let i = 0; i < 200 && ((await connections('visitor_connections')) > 0 || (await connections('agent_connections')) > 0); i++) await Bun.sleep(50)
  expect(await connections('visitor_connections')).toBe(0)
  expect(await connections('agent_connections')).toBe(0)
  const [card] = await db.sql<{ online: boolean }[]>`select exists (select 1 from visitor_connections where connections > 0) as online`
  expect(card!.online).toBe(false)
}, 60_000)

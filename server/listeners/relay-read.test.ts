// Announcements between processes that get lost: this process hears another's note but cannot
// read its rows (the database is away for its read connections: a door that is shut), or
// another process could not send its notes at all. What they carried never reaches this
// process's sockets, so every socket is asked to reconnect and catch up — once the relay reads
// again, not while nothing could be read anyway.
import { afterAll, beforeAll, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { createSql } from '../db/client.ts'
import { listenOn } from '../db/listen.ts'
import { openDbDoor, type DbDoor } from '../testing/db-door.ts'
import { EventBus } from '../events/bus.ts'
import { Hub } from '../realtime/hub.ts'
import { silentLogger } from '../shared/logger.ts'
import { Metrics } from '../shared/metrics.ts'
import { newId } from '../shared/ids.ts'
import { CHANNEL, startCluster, type Cluster } from './cluster.ts'
import type { MessageView } from '../domain/messages/messages.types.ts'

let db: TestDb
let door: DbDoor
let cluster: Cluster
const readSql = () => createSql(door.url, { max: 2 })
let reads: ReturnType<typeof readSql>
const hub = new Hub(null as never, silentLogger)
const asked: string[] = []
const catchUps = new Metrics().counter('parley_relay_catch_ups_total', 'catch-ups')

beforeAll(async () => {
  db = await createTestDb()
  door = await openDbDoor(db.url)
  reads = readSql()
  // One widget socket on this process, as the hub keeps it.
  hub.trackVisitor('v1', { ip: null, close: () => {}, restart: (reason, goingOn) => void asked.push(`${goingOn ? 'reconnect' : 'restart'}: ${reason}`) })
  cluster = await startCluster({
    sql: db.sql, readSql: reads, listen: (channels, onNotify) => listenOn(db.url, channels, onNotify),
    bus: new EventBus(silentLogger), hub, nodeId: newId(), log: silentLogger, reconnectWindowMaxMs: 8000, catchUps,
  })
})
afterAll(async () => {
  await cluster?.stop()
  await reads?.end({ timeout: 1 })
  await door?.close()
  await db?.drop()
})

it('asks its sockets to reconnect once the database answers again after a relayed read failed', async () => {
  await door.shut()
  // Another process announces a new message.
  await db.sql.notify(CHANNEL, JSON.stringify({ from: newId(), notes: [{ kind: 'message', messageId: newId() }] }))
  await Bun.sleep(1200)
  expect(asked).toEqual([])
  await door.open()
  const deadline = Date.now() + 5000
  while (asked.length === 0 && Date.now() < deadline) await Bun.sleep(50)
  expect(asked).toEqual(['reconnect: catching up; reconnect within 1000 ms'])
  expect(catchUps.get({ reason: 'lost' })).toBe(1)
  // Once: nothing more is asked while the relay reads again.
  await db.sql.notify(CHANNEL, JSON.stringify({ from: newId(), notes: [{ kind: 'message', messageId: newId() }] }))
  await Bun.sleep(800)
  expect(asked).toHaveLength(1)
}, 30_000)

it("asks its sockets to reconnect when another process's count of announcements skips one it could not send", async () => {
  const senderDoor = await openDbDoor(db.url)
  const senderSql = createSql(senderDoor.url, { max: 2 })
  const senderBus = new EventBus(silentLogger)
  const listen = (channels: string[], onNotify: (channel: string, payload: string) => void) => listenOn(db.url, channels, onNotify)
  const receiverHub = new Hub(null as never, silentLogger)
  const receiverAsked: string[] = []
  receiverHub.trackVisitor('v2', { ip: null, close: () => {}, restart: (reason) => void receiverAsked.push(reason) })
  // The sender starts first, so it hears the receiver's hello and sends to it.
  const sender = await startCluster({ sql: senderSql, readSql: senderSql, listen, bus: senderBus, hub: new Hub(null as never, silentLogger), nodeId: newId(), log: silentLogger, reconnectWindowMaxMs: 8000 })
  const receiver = await startCluster({ sql: db.sql, readSql: db.sql, listen, bus: new EventBus(silentLogger), hub: receiverHub, nodeId: newId(), log: silentLogger, reconnectWindowMaxMs: 8000 })
  const announced = () => senderBus.emit('message.created', { message: { id: newId() } as MessageView } as never)
  const heard: string[] = []
  const ear = await listenOn(db.url, [CHANNEL], (_, payload) => void heard.push(payload))
  try {
    await Bun.sleep(300)
    announced()
    const deadline = Date.now() + 5000
    while (!heard.some((p) => p.includes('"n":1')) && Date.now() < deadline) await Bun.sleep(20)
    expect(heard.some((p) => p.includes('"n":1'))).toBe(true)
    // The sender's database goes away while it announces: note 2 is never sent.
    await senderDoor.shut()
    announced()
    await Bun.sleep(300)
    await senderDoor.open()
    await Bun.sleep(600)
    expect(receiverAsked).toEqual([])
    // Its next one says 3: the receiver knows it missed one.
    announced()
    const until = Date.now() + 5000
    while (receiverAsked.length === 0 && Date.now() < until) await Bun.sleep(50)
    expect(heard.some((p) => p.includes('"n":2'))).toBe(false)
    expect(heard.some((p) => p.includes('"n":3'))).toBe(true)
    expect(receiverAsked).toEqual(['catching up; reconnect within 1000 ms'])
  } finally {
    await ear.close()
    await receiver.stop()
    await sender.stop()
    await senderSql.end({ timeout: 1 })
    await senderDoor.close()
  }
}, 30_000)

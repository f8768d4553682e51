// The relay hears another process's announcement but cannot read its rows, because the database
// is away for it (here: its read connections go through a door that is shut). What the notes
// carried never reaches this process's sockets, so once the database answers again every socket
// is asked to reconnect and catch up — and not before, while nothing could be read anyway.
import { afterAll, beforeAll, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { createSql } from '../db/client.ts'
import { listenOn } from '../db/listen.ts'
import { openDbDoor, type DbDoor } from '../testing/db-door.ts'
import { EventBus } from '../events/bus.ts'
import { Hub } from '../realtime/hub.ts'
import { silentLogger } from '../shared/logger.ts'
import { newId } from '../shared/ids.ts'
import { CHANNEL, startCluster, type Cluster } from './cluster.ts'

let db: TestDb
let door: DbDoor
let cluster: Cluster
const readSql = () => createSql(door.url, { max: 2 })
let reads: ReturnType<typeof readSql>
const hub = new Hub(null as never, silentLogger)
const asked: string[] = []

beforeAll(async () => {
  db = await createTestDb()
  door = await openDbDoor(db.url)
  reads = readSql()
  // One widget socket on this process, as the hub keeps it.
  hub.trackVisitor('v1', { ip: null, close: () => {}, restart: (reason, goingOn) => void asked.push(`${goingOn ? 'reconnect' : 'restart'}: ${reason}`) })
  cluster = await startCluster({
    sql: db.sql, readSql: reads, listen: (channels, onNotify) => listenOn(db.url, channels, onNotify),
    bus: new EventBus(silentLogger), hub, nodeId: newId(), log: silentLogger, reconnectWindowMaxMs: 8000,
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
  await Bun.sleep(2000)
  expect(asked).toEqual([])
  await door.open()
  const deadline = Date.now() + 5000
  while (asked.length === 0 && Date.now() < deadline) await Bun.sleep(50)
  expect(asked).toEqual(['reconnect: catching up; reconnect within 1000 ms'])
  // Once: nothing more is asked while the relay reads again.
  await db.sql.notify(CHANNEL, JSON.stringify({ from: newId(), notes: [{ kind: 'message', messageId: newId() }] }))
  await Bun.sleep(1500)
  expect(asked).toHaveLength(1)
}, 30_000)

// Widget sockets that close together (a proxy restarted, a network dropped every widget) are
// counted down in one statement, and each visitor is announced once: still online while another
// tab here or a socket on another live process holds them, offline otherwise.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestDb, recordingPool, type TestDb } from '../../db/testing.ts'
import { EventBus } from '../../events/bus.ts'
import { silentLogger } from '../../shared/logger.ts'
import { newId } from '../../shared/ids.ts'
import { createWebVisitor, onlineVisitors, visitorsDisconnected } from './visitors.usecases.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

test('closes made together are one statement; each visitor is announced once, online while a socket elsewhere holds them', async () => {
  const [here, elsewhere, dead] = [newId(), newId(), newId()]
  await db.sql`insert into server_nodes (id, heartbeat_at) values (${here}, now()), (${elsewhere}, now()), (${dead}, now() - interval '5 minutes')`
  const [twoTabs, oneTab, alsoElsewhere, onDeadNode, noRowHere] = await Promise.all(Array.from({ length: 5 }, () => createWebVisitor({ sql: db.sql })))
  const id = (v: typeof twoTabs) => v!.visitor.id
  await db.sql`
    insert into visitor_connections (node_id, visitor_id, connections) values
      (${here}, ${id(twoTabs)}, 2), (${here}, ${id(oneTab)}, 1), (${here}, ${id(alsoElsewhere)}, 1), (${elsewhere}, ${id(alsoElsewhere)}, 1),
      (${here}, ${id(onDeadNode)}, 1), (${dead}, ${id(onDeadNode)}, 1), (${elsewhere}, ${id(noRowHere)}, 1)`

  const bus = new EventBus(silentLogger)
  const heard: { visitorId: string; online: boolean; pageClosed?: boolean }[] = []
  bus.on('visitor.presence', (p) => void heard.push(p))
  const recorded = recordingPool(db.sql)
  const { sql } = recorded
  const statements = () => recorded.statements('visitor_connections')
  await visitorsDisconnected({ sql, bus }, here, [
    { visitorId: id(twoTabs), pageClosed: false },
    { visitorId: id(oneTab), pageClosed: true },
    { visitorId: id(alsoElsewhere), pageClosed: true },
    { visitorId: id(onDeadNode), pageClosed: false },
    { visitorId: id(noRowHere), pageClosed: true },
  ])
  expect(statements()).toBe(1)
  const byVisitor = new Map(heard.map((p) => [p.visitorId, p]))
  expect(heard).toHaveLength(5)
  expect(byVisitor.get(id(twoTabs))).toEqual({ visitorId: id(twoTabs), online: true })
  expect(byVisitor.get(id(oneTab))).toEqual({ visitorId: id(oneTab), online: false, pageClosed: true })
  // Held by a live process elsewhere: still online, so not a visitor who left.
  expect(byVisitor.get(id(alsoElsewhere))).toEqual({ visitorId: id(alsoElsewhere), online: true })
  // A process that stopped heartbeating holds nobody.
  expect(byVisitor.get(id(onDeadNode))).toEqual({ visitorId: id(onDeadNode), online: false })
  // No row here (this process was taken for dead and its rows went): nothing made up, and the
  // other process's socket still counts.
  expect(byVisitor.get(id(noRowHere))).toEqual({ visitorId: id(noRowHere), online: true })
  const rows = await db.sql<{ visitorId: string; connections: number }[]>`
    select visitor_id as "visitorId", connections from visitor_connections where node_id = ${here} order by visitor_id`
  expect(new Map(rows.map((r) => [r.visitorId, r.connections]))).toEqual(
    new Map([[id(twoTabs), 1], [id(oneTab), 0], [id(alsoElsewhere), 0], [id(onDeadNode), 0]].sort() as [string, number][]),
  )

  // The last two tabs of a visitor close together: counted down by both, announced once, and the
  // last close says how the visitor left. A close more than was counted never goes below zero.
  heard.length = 0
  await db.sql`update visitor_connections set connections = 2 where node_id = ${here} and visitor_id = ${id(twoTabs)}`
  await visitorsDisconnected({ sql, bus }, here, [
    { visitorId: id(twoTabs), pageClosed: false },
    { visitorId: id(oneTab), pageClosed: false },
    { visitorId: id(twoTabs), pageClosed: true },
  ])
  expect(statements()).toBe(2)
  expect(heard).toEqual([
    { visitorId: id(twoTabs), online: false, pageClosed: true },
    { visitorId: id(oneTab), online: false },
  ])
  const [lowest] = await db.sql<{ n: number }[]>`select min(connections)::int as n from visitor_connections where node_id = ${here}`
  expect(lowest!.n).toBe(0)

  // What the cluster relay reads for a payload of presence notes: one statement, ids it cannot
  // be asked about left out.
  const online = await onlineVisitors({ sql }, [id(twoTabs), id(alsoElsewhere), id(noRowHere), id(onDeadNode), 'not-an-id'])
  expect(statements()).toBe(3)
  expect([...online].sort()).toEqual([id(alsoElsewhere), id(noRowHere)].sort())
})

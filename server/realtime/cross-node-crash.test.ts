// A node of a cluster killed outright (SIGKILL: no close frames, no presence rows counted down):
// the nodes that go on must tell their dashboards that the visitors and agents it held are gone,
// and the visitor who wrote and left with it must still count as having left (missed conversation).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { CLUSTER_OWNER, spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid, type TestSocket } from '../testing/harness.ts'

let db: TestDb
let a: ParleyProcess
let b: ParleyProcess

beforeAll(async () => {
  db = await createTestDb()
  const env = {
    DATABASE_URL: db.url,
    PARLEY_OWNER_EMAIL: CLUSTER_OWNER.email,
    PARLEY_OWNER_PASSWORD: CLUSTER_OWNER.password,
    // The missed-conversation timer stays pending long enough to be seen.
    NOTIFY_LEAVE_SECONDS: '3600',
  }
  ;[a, b] = await Promise.all([spawnParley(env), spawnParley(env)])
}, 60_000)
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill('SIGKILL')])
  await db.drop()
})

/** Makes the heartbeat of the node a visitor's socket is on 30 s old: as if it had stopped beating then. */
async function ageHeartbeatOfNodeHolding(visitorId: string): Promise<void> {
  const rows = await db.sql`
    update server_nodes n set heartbeat_at = now() - interval '31 seconds'
    from visitor_connections vc where vc.visitor_id = ${visitorId} and vc.node_id = n.id and vc.connections > 0
    returning n.id`
  expect(rows).toHaveLength(1)
}

describe('a node killed while another goes on', () => {
  it("tells the other node's dashboards that its visitors and agents went offline, and starts the missed-conversation timer", async () => {
    const owner = new AgentClient(a.url)
    expect((await owner.login(CLUSTER_OWNER.email, CLUSTER_OWNER.password)).status).toBe(200)
    expect((await owner.request('POST', '/api/agents', { email: 'sam@example.com', name: 'Sam', password: 'sam-password-long', role: 'full' })).status).toBe(201)
    const dashA = await owner.socket()
    await dashA.waitFor('hello')

    // Sam's dashboard and a visitor's widget on B
    const sam = new AgentClient(b.url)
    expect((await sam.login('sam@example.com', 'sam-password-long')).status).toBe(200)
    const dashB = await sam.socket()
    await dashB.waitFor('hello')
    const samId = sam.agent!.id
    await dashA.waitFor('presence', (f) => f.presence.agentId === samId && f.presence.presence === 'online', 10_000)

    const visitor = await VisitorClient.create(b.url)
    const widget = await visitor.socket()
    await widget.waitFor('hello')
    const clientId = cid()
    widget.send({ type: 'message.send', clientId, body: 'Is anyone there?' })
    const ack = await widget.waitFor('ack', (f) => f.clientId === clientId)
    await dashA.waitFor('message', (f) => f.message.id === ack.messageId, 10_000)
    await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && f.online, 10_000)
    const from = dashA.frames.length

    b.proc.kill('SIGKILL')
    await b.proc.exited
    const sockets: TestSocket[] = [widget, dashB]
    for (const s of sockets) await s.waitClosed(5_000).catch(() => {})

    // B's heartbeat would go stale 30 s later; it is made so at once (the test's only shortcut),
    // and A notices at its next heartbeat, within 10 s.
    await ageHeartbeatOfNodeHolding(visitor.id)
    const gone = await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && !f.online, 15_000, from)
    expect(gone.online).toBe(false)
    await dashA.waitFor('presence', (f) => f.presence.agentId === samId && f.presence.presence === 'offline', 10_000, from)
    // The timer is stored by a listener of the same announcement, a moment after the frame went out.
    const missed = () => db.sql<{ kind: string }[]>`select kind from notification_timers where conversation_id = ${ack.conversationId} and kind = 'missed_conversation'`
    for (const until = Date.now() + 5_000; (await missed()).length === 0 && Date.now() < until; ) await Bun.sleep(50)
    expect(await missed()).toHaveLength(1)
    // What a dashboard loading now reads agrees.
    const card = await owner.request('GET', '/api/agents')
    expect(card.body.find((x: { id: string }) => x.id === samId).presence).toBe('offline')
    dashA.close()
  }, 60_000)

  it('has a node that was only frozen (taken for dead meanwhile) ask its sockets to reconnect, so they count again', async () => {
    const c = await spawnParley({ DATABASE_URL: db.url, PARLEY_OWNER_EMAIL: CLUSTER_OWNER.email, PARLEY_OWNER_PASSWORD: CLUSTER_OWNER.password })
    try {
      const owner = new AgentClient(a.url)
      expect((await owner.login(CLUSTER_OWNER.email, CLUSTER_OWNER.password)).status).toBe(200)
      const dashA = await owner.socket()
      await dashA.waitFor('hello')
      const visitor = await VisitorClient.create(c.url)
      const widget = await visitor.socket()
      await widget.waitFor('hello')
      await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && f.online, 10_000)
      const from = dashA.frames.length

      c.proc.kill('SIGSTOP')
      await ageHeartbeatOfNodeHolding(visitor.id)
      await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && !f.online, 15_000, from)
      c.proc.kill('SIGCONT')
      // Its connection counts were forgotten: the widget is asked to come back, and counts again.
      const closed = await widget.waitClosed(20_000)
      expect(closed.code).toBe(1012)
      const again = await visitor.socket()
      await again.waitFor('hello')
      await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && f.online, 10_000, from)
      const [row] = await db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections where visitor_id = ${visitor.id}`
      expect(row!.n).toBe(1)
      again.close()
      dashA.close()
    } finally {
      c.proc.kill('SIGCONT')
      await c.kill('SIGKILL')
    }
  }, 60_000)
})

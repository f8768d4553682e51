// Two processes on one database, and one of them deaf for a moment: its listening connection is
// ended (as a PostgreSQL restart or a cut connection would), so what the other announces meanwhile
// never reaches it. Its clients must not go on with those frames missing: once it hears again, it
// asks every socket to reconnect within a window, and the clients catch up.
import { describe, expect, it } from 'bun:test'
import { endListening, twoProcessesForFile } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'

const nodes = twoProcessesForFile()

describe('a process whose relay could not hear the others for a while', () => {
  it('has its sockets reconnect (1012, with a window) once it hears again, so a reply announced meanwhile is not lost', async () => {
    const visitor = await VisitorClient.create(nodes.b.url)
    const vws = await visitor.socket()
    const hello = await vws.waitFor('hello')
    const clientId = cid()
    vws.send({ type: 'message.send', clientId, body: 'Anyone there?' })
    const ack = await vws.waitFor('ack', (f) => f.clientId === clientId)

    const agentOnA = new AgentClient(nodes.a.url)
    expect((await agentOnA.login('owner@example.com', 'owner-password')).status).toBe(200)
    const dashA = await agentOnA.socket()
    await dashA.waitFor('hello')
    const agentOnB = new AgentClient(nodes.b.url)
    expect((await agentOnB.login('owner@example.com', 'owner-password')).status).toBe(200)
    const dashB = await agentOnB.socket()
    await dashB.waitFor('hello')

    // B's listening connection ends; the agent on A answers before B can hear again.
    expect(await endListening(nodes.db.sql, hello.nodeId)).toEqual([true])
    const replyId = cid()
    dashA.send({ type: 'message.send', clientId: replyId, conversationId: ack.conversationId, body: 'Sorry for the wait!' })
    const rack = await dashA.waitFor('ack', (f) => f.clientId === replyId)

    // B's sockets, the widget's and the dashboard's, are asked to reconnect within a window.
    for (const ws of [vws, dashB]) {
      const closed = await ws.waitClosed(10_000)
      expect(closed.code).toBe(1012)
      expect(closed.reason).toMatch(/^catching up; reconnect within \d+ ms$/)
    }
    expect(vws.frames.some((f) => f.type === 'message' && f.message.id === rack.messageId)).toBe(false)

    // The widget reconnects and resumes after the last message it had: the reply is there.
    const again = await visitor.socket()
    await again.waitFor('hello')
    again.send({ type: 'resume', conversationId: ack.conversationId, afterSeq: ack.seq })
    const resumed = await again.waitFor('message', (f) => f.message.id === rack.messageId)
    expect(resumed.message.body).toBe('Sorry for the wait!')
    await again.waitFor('resumed')

    // B hears A again: the next reply arrives live, and the visitor still counts as online.
    const nextId = cid()
    dashA.send({ type: 'message.send', clientId: nextId, conversationId: ack.conversationId, body: 'Still there?' })
    const next = await dashA.waitFor('ack', (f) => f.clientId === nextId)
    await again.waitFor('message', (f) => f.message.id === next.messageId, 5000)
    const [row] = await nodes.db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections where visitor_id = ${hello.id}`
    expect(row!.n).toBe(1)
    // Counted for the operator, and said in the log.
    expect(await (await fetch(`${nodes.b.url}/metrics`)).text()).toContain('parley_relay_catch_ups_total{reason="silence"} 1')
    expect(nodes.b.log()).toContain('cluster relay: listening again after a silence; its sockets reconnect to catch up')
    for (const s of [dashA, again]) s.close()
  }, 60_000)
})

// What a dashboard shows crosses processes: a visitor coming and going, assignment, a rating, a
// reopen by the visitor's next message and an agent's status, each made on the other process;
// settings saved on one process are what the other serves at once (no process keeps a copy).
import { describe, expect, it } from 'bun:test'
import { CLUSTER_OWNER, twoProcessesForFile } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'

const nodes = twoProcessesForFile()

describe('two server processes on one database', () => {
  it("show a visitor's presence, assignment, a rating, a reopen and an agent's status made on one process in the other's dashboards", async () => {
    const ownerOnA = new AgentClient(nodes.a.url)
    expect((await ownerOnA.login(CLUSTER_OWNER.email, CLUSTER_OWNER.password)).status).toBe(200)
    const dashA = await ownerOnA.socket()
    await dashA.waitFor('hello')
    const ownerOnB = new AgentClient(nodes.b.url)
    expect((await ownerOnB.login(CLUSTER_OWNER.email, CLUSTER_OWNER.password)).status).toBe(200)
    const dashB = await ownerOnB.socket()
    await dashB.waitFor('hello')

    const visitor = await VisitorClient.create(nodes.b.url)
    const widget = await visitor.socket()
    await widget.waitFor('hello')
    await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && f.online, 10_000)
    const clientId = cid()
    widget.send({ type: 'message.send', clientId, body: 'Rate me later' })
    const { conversationId } = await widget.waitFor('ack', (f) => f.clientId === clientId)

    const me = ownerOnB.agent!.id
    expect((await ownerOnB.request('POST', `/api/conversations/${conversationId}/assign`, { agentId: me })).status).toBe(200)
    await dashA.waitFor('conversation', (f) => f.conversation.id === conversationId && f.conversation.assignee?.id === me, 10_000)

    expect((await ownerOnA.request('PUT', '/api/settings/rating', { mode: 'stars' })).status).toBe(200)
    expect((await visitor.request('GET', '/api/widget/rating-settings')).body).toMatchObject({ mode: 'stars' })
    expect((await ownerOnB.request('POST', `/api/conversations/${conversationId}/resolve`)).status).toBe(200)
    await dashA.waitFor('conversation', (f) => f.conversation.id === conversationId && f.change === 'resolved', 10_000)
    const rated = await visitor.request('POST', `/api/widget/conversations/${conversationId}/rating`, { score: 4, comment: 'fine' })
    expect(rated.status).toBe(201)
    await dashA.waitFor('conversation', (f) => f.conversation.id === conversationId && JSON.stringify(f.conversation).includes('"score":4'), 10_000)

    const again = cid()
    widget.send({ type: 'message.send', clientId: again, conversationId, body: 'One more thing' })
    await widget.waitFor('ack', (f) => f.clientId === again)
    await dashA.waitFor('conversation', (f) => f.conversation.id === conversationId && f.change === 'reopened', 10_000)

    dashB.send({ type: 'status.set', status: 'away' })
    await dashA.waitFor('presence', (f) => f.presence.agentId === me && f.presence.presence === 'away', 10_000)
    dashB.send({ type: 'status.set', status: 'online' })
    await dashA.waitFor('presence', (f) => f.presence.agentId === me && f.presence.presence === 'online', 10_000)

    // a canned response saved on A is listed on B
    expect((await ownerOnA.request('POST', '/api/canned', { scope: 'team', shortcut: 'hi', body: 'Hello there' })).status).toBe(201)
    expect(JSON.stringify((await ownerOnB.request('GET', '/api/canned')).body)).toContain('Hello there')

    widget.close()
    await dashA.waitFor('visitor.presence', (f) => f.visitorId === visitor.id && !f.online, 10_000)
    for (const s of [dashA, dashB]) s.close()
  }, 60_000)
})

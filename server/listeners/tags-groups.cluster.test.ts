// Tags and transfers (#16) reach the dashboards of another Parley process on the same database:
// they travel as conversation.changed, whose relay re-reads the conversation (tags and group
// included) on the receiving process. The visitor is never told the tags.
import { describe, expect, it } from 'bun:test'
import { twoProcessesForFile } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'

const nodes = twoProcessesForFile()

describe('two server processes on one database', () => {
  it("show a tag and a transfer made on one process in the other's dashboards", async () => {
    const ownerOnA = new AgentClient(nodes.a.url)
    expect((await ownerOnA.login('owner@example.com', 'owner-password')).status).toBe(200)
    const ownerOnB = new AgentClient(nodes.b.url)
    await ownerOnB.login('owner@example.com', 'owner-password')
    const dashB = await ownerOnB.socket()
    await dashB.waitFor('hello')

    const visitor = await VisitorClient.create(nodes.b.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const clientId = cid()
    vws.send({ type: 'message.send', clientId, body: 'Where is my parcel?' })
    const ack = await vws.waitFor('ack', (f) => f.clientId === clientId)

    const tag = (await ownerOnA.request('POST', '/api/tags', { name: 'Shipping', color: 'teal' })).body
    const group = (await ownerOnA.request('POST', '/api/groups', { key: 'logistics', name: 'Logistics' })).body
    const from = dashB.frames.length
    expect((await ownerOnA.request('POST', `/api/conversations/${ack.conversationId}/tags`, { tagId: tag.id })).status).toBe(200)
    const tagged = await dashB.waitFor('conversation', (f) => f.conversation.id === ack.conversationId && f.conversation.tags.length === 1, 10_000, from)
    expect(tagged.conversation.tags).toEqual([{ id: tag.id, name: 'Shipping', color: 'teal' }])

    expect((await ownerOnA.request('POST', `/api/conversations/${ack.conversationId}/transfer`, { groupId: group.id })).status).toBe(200)
    const moved = await dashB.waitFor('conversation', (f) => f.conversation.id === ack.conversationId && f.conversation.group !== null, 10_000, from)
    expect(moved.conversation.group).toEqual({ id: group.id, name: 'Logistics' })
    expect(moved.conversation.tags.length).toBe(1)

    // the visitor's tab on B heard of the same changes, without the team's labels
    const seen = vws.frames.filter((f) => f.type === 'conversation')
    expect(seen.length).toBeGreaterThan(0)
    expect(JSON.stringify(seen)).not.toContain('Shipping')
    expect(JSON.stringify(seen)).not.toContain('Logistics')
  })
})

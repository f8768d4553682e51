import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer } from '../testing/harness.ts'

let srv: TestServer
let owner: AgentClient

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
})
afterAll(() => srv.stop())

describe('realtime chat', () => {
  it('delivers a visitor message to the dashboard and the reply back to the visitor', async () => {
    const agentWs = await owner.socket()
    await agentWs.waitFor('hello')
    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const clientId = cid()
    vws.send({ type: 'message.send', clientId, body: 'Hello, is anyone there?' })
    const ack = await vws.waitFor('ack', (f) => f.clientId === clientId)
    expect(ack.seq).toBe(1)
    const seen = await agentWs.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(seen.message.body).toBe('Hello, is anyone there?')
    expect(seen.conversation.status).toBe('open')

    const replyId = cid()
    agentWs.send({ type: 'message.send', clientId: replyId, conversationId: ack.conversationId, body: 'Hi! How can I help?' })
    const rack = await agentWs.waitFor('ack', (f) => f.clientId === replyId)
    const got = await vws.waitFor('message', (f) => f.message.id === rack.messageId)
    expect(got.message.authorName).toBe('Olivia Owner')
    expect(got.message.seq).toBe(2)
    agentWs.close()
    vws.close()
  })
})

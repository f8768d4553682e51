import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { markDelivered, recordDelivery } from './messages.usecases.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

describe('delivery status', () => {
  it('never steps back from delivered when the channel reports "sent" late', async () => {
    const v = await VisitorClient.create(srv.url)
    const first = await v.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
    const reply = await owner.request('POST', `/api/conversations/${first.body.conversation.id}/messages`, { body: 'hi!', clientId: cid() })
    const deps = srv.running.deps
    await markDelivered(deps, first.body.conversation.id, reply.body.message.seq)
    await recordDelivery(deps, reply.body.message.id, 'sent')
    await recordDelivery(deps, reply.body.message.id, 'failed', { code: 'other', detail: 'late failure' })
    const [row] = await srv.db.sql`select delivery_status, delivery_error from messages where id = ${reply.body.message.id}`
    expect(row).toEqual({ deliveryStatus: 'delivered', deliveryError: null })
  })
})

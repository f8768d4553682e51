import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

const CARD = '4111 1111 1111 1111'
const MASKED = '•••• •••• •••• 1111'

describe('card numbers never reach the database unmasked', () => {
  it('masks a card typed by the visitor before storing, pushing or acknowledging it', async () => {
    const dash = await owner.socket()
    await dash.waitFor('hello')
    const v = await VisitorClient.create(srv.url)
    const ws = await v.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: `Pay with ${CARD} please` })
    const ack = await ws.waitFor('ack', (f) => f.clientId === clientId)
    // The ack tells the sender's page the stored text, since it differs from what was typed.
    expect(ack.body).toBe(`Pay with ${MASKED} please`)
    const pushed = await dash.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(pushed.message.body).toBe(`Pay with ${MASKED} please`)
    expect(pushed.conversation.lastMessage.preview).toBe(`Pay with ${MASKED} please`)
    const echoed = await ws.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(echoed.message.body).not.toContain('1111 1111 1111 1111')
    const [row] = await srv.db.sql`select body from messages where id = ${ack.messageId}`
    expect(row!.body).toBe(`Pay with ${MASKED} please`)
    const [conv] = await srv.db.sql`select last_message_preview from conversations where id = ${ack.conversationId}`
    expect(conv!.lastMessagePreview).not.toContain('4111 1111')
    ws.close()
    dash.close()
  })

  it("masks cards in agents' replies, visitor names and notes", async () => {
    const v = await VisitorClient.create(srv.url)
    const r = await v.request('POST', '/api/widget/messages', { body: 'hi', clientId: cid() })
    const reply = await owner.request('POST', `/api/conversations/${r.body.conversation.id}/messages`, { body: `Is it 5555-5555-5555-4444?`, clientId: cid() })
    expect(reply.body.message.body).toBe('Is it ••••-••••-••••-4444?')
    await owner.request('PATCH', `/api/visitors/${v.id}`, { name: `Jan 4111111111111111`, note: `Paid by ${CARD}` })
    const dump = JSON.stringify(await srv.db.sql`select m.body, v.name, v.note from messages m join conversations c on c.id = m.conversation_id join visitors v on v.id = c.visitor_id`)
    expect(dump).not.toMatch(/4111 ?1111 ?1111 ?1111|5555-5555-5555-4444/)
    expect(dump).toContain(MASKED)
  })
})

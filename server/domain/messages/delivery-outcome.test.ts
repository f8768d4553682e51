// A reply's delivery outcome, as the delivery listener records it when the channel answers
// (recordDelivery): it reports on the attempt that began with the reply, so it applies only while
// that attempt is pending. It can come late — after the channel's worker recorded it already, after
// the agent pressed retry and the second attempt was sent, after the visitor read the reply — and
// then changes nothing (seen in CI: a Messenger retry's "sent" overwritten by the first attempt's
// "failed").
import { afterAll, beforeAll, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { EventBus } from '../../events/bus.ts'
import { createLogger } from '../../shared/logger.ts'
import { recordDelivery } from './messages.usecases.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

it('records the outcome of a pending reply, and leaves a newer state as it is', async () => {
  const v = await VisitorClient.create(srv.url)
  const first = await v.request('POST', '/api/widget/messages', { body: 'hello', clientId: cid() })
  const conversationId: string = first.body.conversation.id
  const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'an answer', clientId: cid() })
  expect(r.status).toBe(201)
  const id: string = r.body.message.id
  const sql = srv.db.sql
  const bus = new EventBus(createLogger('silent'))
  const announced: string[] = []
  bus.on('message.updated', ({ message }) => void announced.push(message.deliveryStatus))
  const state = async () => (await sql<{ deliveryStatus: string; deliveryCode: string | null }[]>`select delivery_status, delivery_code from messages where id = ${id}`)[0]
  // Wait for the web channel's own outcome, then put the reply back to each state in turn.
  for (let i = 0; i < 100 && (await state())!.deliveryStatus === 'pending'; i++) await Bun.sleep(20)

  await sql`update messages set delivery_status = 'pending', delivery_code = null where id = ${id}`
  await recordDelivery({ sql, bus }, id, 'failed', { code: 'messenger.rejected', detail: 'refused' })
  expect(await state()).toEqual({ deliveryStatus: 'failed', deliveryCode: 'messenger.rejected' })
  expect(announced).toEqual(['failed'])

  // A retry went out meanwhile: the first attempt's late "failed" does not undo its "sent".
  await sql`update messages set delivery_status = 'sent', delivery_code = null where id = ${id}`
  await recordDelivery({ sql, bus }, id, 'failed', { code: 'messenger.window_closed', detail: 'too late' })
  expect(await state()).toEqual({ deliveryStatus: 'sent', deliveryCode: null })

  // The channel's worker recorded the failure with its own code: the listener's copy changes nothing.
  await sql`update messages set delivery_status = 'failed', delivery_code = 'messenger.window_closed' where id = ${id}`
  await recordDelivery({ sql, bus }, id, 'failed', { code: 'other', detail: null })
  expect(await state()).toEqual({ deliveryStatus: 'failed', deliveryCode: 'messenger.window_closed' })

  // Read by the visitor before the channel answered.
  await sql`update messages set delivery_status = 'delivered', delivery_code = null where id = ${id}`
  await recordDelivery({ sql, bus }, id, 'sent')
  expect(await state()).toEqual({ deliveryStatus: 'delivered', deliveryCode: null })
  expect(announced).toEqual(['failed'])
})

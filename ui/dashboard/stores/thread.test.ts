// The thread store as the frame router feeds it: messages in order, gaps resumed, the outbox of
// my replies (sent, acknowledged, refused, retried, discarded), and who is typing.
import { describe, expect, it } from 'bun:test'
import { merge } from './thread.ts'
import { conv, msg, signedIn, watch } from './stores.testing.ts'

/** A dashboard with conversation c1's thread loaded with the given messages. */
function withThread(...messages: ReturnType<typeof msg>[]) {
  const fixture = signedIn()
  fixture.d.lists.upsert(conv({ lastSeq: messages.length }))
  fixture.d.thread.threads.set('c1', { messages, loading: false, error: null, hasEarlier: false })
  return fixture
}

describe('thread store', () => {
  it('merges messages by id in sequence order, without duplicates', () => {
    const merged = merge([msg('a', 1), msg('c', 3)], [msg('b', 2), msg('c', 3)])
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c'])
  })

  it('adds a new message to its open thread once, and asks for what it missed when there is a gap', () => {
    const { d, sent } = withThread(msg('a', 1))
    d.handleFrame({ type: 'message', message: msg('b', 2), conversation: conv({ lastSeq: 2 }) })
    d.handleFrame({ type: 'message', message: msg('b', 2), conversation: conv({ lastSeq: 2 }) })
    expect(d.thread.threads.get('c1')?.messages.map((m) => m.id)).toEqual(['a', 'b'])
    expect(sent).toEqual([])
    d.handleFrame({ type: 'message', message: msg('e', 5), conversation: conv({ lastSeq: 5 }) })
    expect(sent).toEqual([{ type: 'resume', conversationId: 'c1', afterSeq: 2 }])
    expect(d.thread.threads.get('c1')?.messages.map((m) => m.seq)).toEqual([1, 2, 5])
  })

  it('shows a delivery update on the message it belongs to', async () => {
    const { d } = withThread(msg('a', 1, { authorType: 'agent', deliveryStatus: 'pending' }))
    const changes = await watch(d)
    d.handleFrame({ type: 'message.updated', message: msg('a', 1, { authorType: 'agent', deliveryStatus: 'delivered' }) })
    expect(d.thread.threads.get('c1')?.messages[0]?.deliveryStatus).toBe('delivered')
    expect(await changes.take()).toEqual(['thread'])
  })

  it('keeps a reply in the outbox until its ack, and sends what is unacknowledged again in order', () => {
    const { d, sent } = withThread(msg('a', 1))
    d.thread.sendMessage('c1', 'first')
    d.thread.sendMessage('c1', 'second', true)
    expect(sent.map((f) => f.type === 'message.send' && f.body)).toEqual(['first', 'second'])
    const [first, second] = d.thread.pendingFor('c1')
    // What the socket sends again after a reconnect:
    expect(d.unsent()).toEqual([
      { type: 'message.send', clientId: first!.clientId, conversationId: 'c1', body: 'first' },
      { type: 'message.send', clientId: second!.clientId, conversationId: 'c1', body: 'second', alsoEmail: true },
    ])
    d.handleFrame({ type: 'ack', clientId: first!.clientId, messageId: 'm2', conversationId: 'c1', seq: 2, duplicate: false })
    expect(d.unsent().map((f) => f.type === 'message.send' && f.body)).toEqual(['second'])
    // An ack for a message the thread does not have (a duplicate is not broadcast again) fetches it.
    expect(sent.at(-1)).toEqual({ type: 'resume', conversationId: 'c1', afterSeq: 1 })
    // The broadcast of my own message also takes it out of the outbox.
    d.handleFrame({ type: 'message', message: msg('m3', 3, { authorType: 'agent', clientId: second!.clientId }), conversation: conv({ lastSeq: 3 }) })
    expect(d.thread.pendingFor('c1')).toEqual([])
  })

  it('marks a refused reply as failed with a reason, leaves it out of the resend, and sends it again on retry', () => {
    const { d, sent } = withThread(msg('a', 1))
    d.thread.sendMessage('c1', 'hello')
    const [p] = d.thread.pendingFor('c1')
    d.handleFrame({ type: 'error', code: 'conversation.forbidden', message: 'no', ref: p!.clientId })
    expect(d.thread.pendingFor('c1')[0]).toMatchObject({ state: 'failed', error: d.session.t('error.forbidden') })
    expect(d.unsent()).toEqual([])
    d.thread.retry(p!.clientId)
    expect(d.unsent()).toHaveLength(1)
    expect(sent.filter((f) => f.type === 'message.send')).toHaveLength(2)
    d.thread.discard(p!.clientId)
    expect(d.thread.pendingFor('c1')).toEqual([])
  })

  it('keeps a reply refused while the database is away as sending, and sends it again by itself, later each time', async () => {
    const { d, sent } = withThread(msg('a', 1))
    d.thread.sendMessage('c1', 'hello')
    const [p] = d.thread.pendingFor('c1')
    const sends = () => sent.filter((f) => f.type === 'message.send').length
    const refuse = () => d.handleFrame({ type: 'error', code: 'database.unavailable', message: 'retry', retryAfter: 0.05, ref: p!.clientId })
    /** Refuses the reply and returns how long it took to go again. */
    const refusedThenSent = async () => {
      const before = sends()
      const t0 = performance.now()
      refuse()
      expect(d.thread.pendingFor('c1')[0]).toMatchObject({ state: 'sending', error: null })
      expect(d.unsent()).toHaveLength(1)
      for (let i = 0; i < 400 && sends() === before; i++) await Bun.sleep(5)
      expect(sends()).toBe(before + 1)
      return performance.now() - t0
    }
    expect(await refusedThenSent()).toBeGreaterThanOrEqual(45)
    // Refused again: the wait doubles.
    expect(await refusedThenSent()).toBeGreaterThanOrEqual(95)
    // Stored: a refusal's timer that fires later sends nothing more.
    refuse()
    d.handleFrame({ type: 'ack', clientId: p!.clientId, messageId: 'm2', conversationId: 'c1', seq: 2, duplicate: false })
    await Bun.sleep(250)
    expect(sends()).toBe(3)
    expect(d.thread.pendingFor('c1')).toEqual([])
  })

  it("shows a visitor typing until their message comes, and never my own typing", async () => {
    const { d } = withThread(msg('a', 1))
    const changes = await watch(d)
    d.handleFrame({ type: 'typing', conversationId: 'c1', from: 'visitor', typing: true })
    expect(d.thread.typingIn('c1')?.who).toBe('visitor')
    expect(await changes.take()).toEqual(['thread'])
    d.handleFrame({ type: 'message', message: msg('b', 2), conversation: conv({ lastSeq: 2 }) })
    expect(d.thread.typingIn('c1')).toBeNull()
    await changes.take()
    d.handleFrame({ type: 'typing', conversationId: 'c1', from: 'agent', agentId: 'me', agentName: 'Alex', typing: true })
    expect(d.thread.typingIn('c1')).toBeNull()
    expect(await changes.take()).toEqual([])
  })

  it('shows a colleague typing in the collision line, not as the visitor typing', () => {
    const { d } = withThread(msg('a', 1))
    d.handleFrame({ type: 'typing', conversationId: 'c1', from: 'agent', agentId: 'jana', agentName: 'Jana', typing: true })
    expect(d.thread.typingIn('c1')).toBeNull()
    expect(d.thread.story.colleaguesIn('c1')).toEqual([{ id: 'jana', name: 'Jana', typing: true }])
  })

  it('stops showing a visitor typing once the visitor has left', async () => {
    const { d } = withThread(msg('a', 1))
    d.handleFrame({ type: 'typing', conversationId: 'c1', from: 'visitor', typing: true })
    const changes = await watch(d)
    d.handleFrame({ type: 'visitor.presence', visitorId: 'v1', online: false })
    expect(d.thread.typingIn('c1')).toBeNull()
    // The card of this visitor was never opened: the visitor store has nothing to change.
    expect(await changes.take()).toEqual(['thread'])
  })
})

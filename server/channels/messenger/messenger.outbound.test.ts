// Agents' replies to Messenger through the (fake) Send API: the 24-hour window and the HUMAN_AGENT
// rule, long replies split, Meta's errors shown on the message and retried, error 190 failing the
// channel; and the owner's settings, whose secrets never come back out and are stored sealed.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { APP_SECRET, ERROR_190, ERROR_OUTSIDE_WINDOW, ERROR_TRANSIENT, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from './testing/fake-graph.ts'
import { splitText } from './split.ts'
import { addPage, loadPage, resealMessengerSecrets } from './settings.usecases.ts'
import { SecretBox } from '../../shared/secrets.ts'
import { createTestDb } from '../../db/testing.ts'

let srv: TestServer
let owner: AgentClient
let graph: FakeGraph
let page: Awaited<ReturnType<typeof connectPage>>

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner({ messenger: { retryDelaysMs: [50, 50] } }))
  graph = new FakeGraph()
  page = await connectPage(owner, graph, { name: 'Acme Support' })
}, 60_000)
afterAll(async () => {
  graph?.stop()
  await srv?.stop()
})

const sql = () => srv.running.deps.sql
const mid = () => `m_${crypto.randomUUID().replaceAll('-', '')}`
type Msg = { id: string; body: string; deliveryStatus: string; deliveryCode: string | null; deliveryError: string | null }

/** A person writes to the page; returns their conversation. */
async function personWrites(pageId = page.pageId, psid = newPsid()) {
  const text = `hello ${crypto.randomUUID()}`
  expect((await postWebhook(srv.url, pageId, webhookBody(messagingEntry(pageId, [textEvent(pageId, psid, mid(), text)])), APP_SECRET)).status).toBe(200)
  const [row] = await eventually(() => sql()`select c.id from conversations c join messages m on m.conversation_id = c.id where m.body = ${text}`, (r) => r.length > 0)
  return { psid, conversationId: row!.id as string }
}
const lastWroteAgo = (psid: string, hours: number) =>
  sql()`update messenger_contacts set last_inbound_at = now() - ${hours} * interval '1 hour' where psid = ${psid}`
const reply = async (conversationId: string, body: string) => {
  const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body, clientId: crypto.randomUUID() })
  expect(r.status).toBe(201)
  return r.body.message.id as string
}
const settledMessage = (conversationId: string, id: string) =>
  eventually(
    async () => ((await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as Msg[]).find((m) => m.id === id)!,
    (m) => m !== undefined && ['sent', 'delivered', 'failed'].includes(m.deliveryStatus),
  )
const sendsTo = (psid: string) => graph.sends.filter((s) => s.body.recipient.id === psid)

describe('the messaging window', () => {
  it('answers within 24 hours as a RESPONSE, and the composer is told how long is left', async () => {
    const { psid, conversationId } = await personWrites()
    const w = await owner.request('GET', `/api/conversations/${conversationId}/messenger`)
    expect(w.status).toBe(200)
    expect(w.body.mode).toBe('RESPONSE')
    const left = Date.parse(w.body.responseEndsAt) - Date.now()
    expect(left).toBeGreaterThan(23.9 * 3600_000)
    expect(left).toBeLessThanOrEqual(24 * 3600_000)
    const id = await reply(conversationId, 'within the window')
    expect((await settledMessage(conversationId, id)).deliveryStatus).toBe('sent')
    expect(sendsTo(psid).map((s) => [s.body.messaging_type, s.body.tag, s.body.message.text])).toEqual([['RESPONSE', undefined, 'within the window']])
  })

  it('refuses to send after 24 hours without the HUMAN_AGENT tag, and says why', async () => {
    const { psid, conversationId } = await personWrites()
    await lastWroteAgo(psid, 30)
    const w = await owner.request('GET', `/api/conversations/${conversationId}/messenger`)
    expect([w.body.mode, w.body.reason]).toEqual(['closed', 'needs_tag'])
    const id = await reply(conversationId, 'too late')
    const m = await settledMessage(conversationId, id)
    // The reason is a code the dashboard words in the agent's language; there is no Meta answer to quote.
    expect([m.deliveryStatus, m.deliveryCode, m.deliveryError]).toEqual(['failed', 'messenger.window_closed', null])
    expect(sendsTo(psid)).toEqual([])
  })

  it("sends an agent's reply with the HUMAN_AGENT tag between 24 hours and 7 days when the owner enabled it, and nothing after 7 days", async () => {
    const tagged = await connectPage(owner, graph, { name: 'Tagged Page', humanAgent: true })
    const late = await personWrites(tagged.pageId)
    await lastWroteAgo(late.psid, 48)
    expect((await owner.request('GET', `/api/conversations/${late.conversationId}/messenger`)).body.mode).toBe('HUMAN_AGENT')
    const id = await reply(late.conversationId, 'a person answers late')
    expect((await settledMessage(late.conversationId, id)).deliveryStatus).toBe('sent')
    expect(sendsTo(late.psid).map((s) => [s.body.messaging_type, s.body.tag])).toEqual([['MESSAGE_TAG', 'HUMAN_AGENT']])

    // Within 24 hours the tag is not used, even where it is enabled.
    const fresh = await personWrites(tagged.pageId)
    await settledMessage(fresh.conversationId, await reply(fresh.conversationId, 'quick answer'))
    expect(sendsTo(fresh.psid).map((s) => [s.body.messaging_type, s.body.tag])).toEqual([['RESPONSE', undefined]])

    const gone = await personWrites(tagged.pageId)
    await lastWroteAgo(gone.psid, 8 * 24)
    const m = await settledMessage(gone.conversationId, await reply(gone.conversationId, 'far too late'))
    expect([m.deliveryStatus, m.deliveryCode, m.deliveryError]).toEqual(['failed', 'messenger.window_closed', null])
    expect(sendsTo(gone.psid)).toEqual([])
  })
})

describe('sending', () => {
  it('splits a reply over 2,000 characters on word boundaries, in order, losing nothing', async () => {
    const { psid, conversationId } = await personWrites()
    const words = Array.from({ length: 600 }, (_, i) => `word${i}`)
    const long = words.join(' ')
    expect(long.length).toBeGreaterThan(4000)
    await settledMessage(conversationId, await reply(conversationId, long))
    const parts = sendsTo(psid).map((s) => s.body.message.text!)
    expect(parts.length).toBe(3)
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000)
    expect(parts.join(' ')).toBe(long)
    expect(parts.flatMap((p) => p.split(' '))).toEqual(words)
  })

  it('cuts a word only when it is longer than a whole message, and never an emoji in half', () => {
    const parts = splitText('😀'.repeat(1500))
    expect(parts.join('')).toBe('😀'.repeat(1500))
    expect(parts.every((p) => p.length <= 2000 && !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p))).toBe(true)
  })

  it('masks a card number in a reply before it reaches Messenger', async () => {
    const { psid, conversationId } = await personWrites()
    await settledMessage(conversationId, await reply(conversationId, 'your card 4111-1111-1111-1111 is on file'))
    expect(sendsTo(psid).map((s) => s.body.message.text)).toEqual(['your card ••••-••••-••••-1111 is on file'])
  })

  it('retries a transient error with back-off until Meta takes the reply', async () => {
    const { psid, conversationId } = await personWrites()
    graph.failNext(ERROR_TRANSIENT, ERROR_TRANSIENT)
    const m = await settledMessage(conversationId, await reply(conversationId, 'third time lucky'))
    expect(m.deliveryStatus).toBe('sent')
    expect(sendsTo(psid).map((s) => s.body.message.text)).toEqual(['third time lucky'])
  })

  it("shows Meta's error on the message, and the retry button sends it again", async () => {
    const { psid, conversationId } = await personWrites()
    graph.failNext(ERROR_OUTSIDE_WINDOW)
    const id = await reply(conversationId, 'refused once')
    const m = await settledMessage(conversationId, id)
    expect(m.deliveryStatus).toBe('failed')
    expect(m.deliveryCode).toBe('messenger.window_closed')
    expect(m.deliveryError).toBe('(#10) This message is sent outside of allowed window. (Meta error 10/2018278)')
    // A person's error is not the page's: the channel stays connected.
    expect((await owner.request('GET', '/api/channels/status')).body.messenger).toEqual({ state: 'connected', error: null })
    const retry = await owner.request('POST', `/api/conversations/${conversationId}/messenger/messages/${id}/retry`)
    expect(retry.status).toBe(200)
    await eventually(async () => sendsTo(psid).length, (n) => n === 1)
    await eventually(
      async () => ((await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as Msg[]).find((x) => x.id === id)!.deliveryStatus,
      (s) => s === 'sent',
    )
    // Only a failed reply can be retried.
    expect((await owner.request('POST', `/api/conversations/${conversationId}/messenger/messages/${id}/retry`)).status).toBe(409)
  })

  it("names a person Messenger cannot reach as unavailable, and any other refusal as rejected, each with Meta's words kept", async () => {
    const { conversationId } = await personWrites()
    graph.failNext({ status: 400, error: { message: "This person isn't available right now.", type: 'OAuthException', code: 551, error_subcode: 1545041 } })
    const gone = await settledMessage(conversationId, await reply(conversationId, 'are you there?'))
    expect([gone.deliveryStatus, gone.deliveryCode, gone.deliveryError]).toEqual(['failed', 'messenger.recipient_unavailable', "This person isn't available right now. (Meta error 551/1545041)"])
    graph.failNext({ status: 400, error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } })
    const odd = await settledMessage(conversationId, await reply(conversationId, 'and now?'))
    expect([odd.deliveryCode, odd.deliveryError]).toEqual(['messenger.rejected', '(#100) Invalid parameter (Meta error 100)'])
  })

  it('fails at once on error 190 (expired token), marks the channel failing, and sends nothing more until a new token is saved', async () => {
    const expiring = await connectPage(owner, graph, { name: 'Expiring Page' })
    const { psid, conversationId } = await personWrites(expiring.pageId)
    graph.expire(expiring.token)
    const before = graph.requests.length
    const m = await settledMessage(conversationId, await reply(conversationId, 'into the void'))
    expect(m.deliveryStatus).toBe('failed')
    expect(m.deliveryCode).toBe('messenger.token_expired')
    // Meta's own words stay beside the code, for the owner.
    expect(m.deliveryError).toContain('(Meta error 190/460)')
    // One attempt, no retries.
    expect(graph.requests.slice(before).filter((r) => r.path.endsWith('/messages')).length).toBe(1)
    const status = (await owner.request('GET', '/api/channels/status')).body.messenger
    expect(status.state).toBe('failing')
    expect(status.error).toContain('Expiring Page: the page access token has expired or was revoked')
    const next = await settledMessage(conversationId, await reply(conversationId, 'still nothing'))
    expect([next.deliveryStatus, next.deliveryCode]).toEqual(['failed', 'messenger.token_expired'])
    expect(graph.requests.slice(before).filter((r) => r.path.endsWith('/messages')).length).toBe(1)

    // A new token puts the page back.
    const token = graph.addPage(expiring.pageId, 'Expiring Page', `EAAGnew${expiring.pageId}${'y'.repeat(40)}`)
    const r = await owner.request('PUT', `/api/settings/messenger/pages/${expiring.pageId}`, { accessToken: token })
    expect(r.status).toBe(200)
    expect(r.body.pages.find((p: { pageId: string }) => p.pageId === expiring.pageId).state).toBe('connected')
    expect((await owner.request('GET', '/api/channels/status')).body.messenger).toEqual({ state: 'connected', error: null })
    expect((await settledMessage(conversationId, await reply(conversationId, 'back again'))).deliveryStatus).toBe('sent')
    expect(sendsTo(psid).map((s) => s.body.message.text)).toEqual(['back again'])
  })
})

describe('settings', () => {
  it('never returns a token or an app secret, and stores them sealed', async () => {
    const r = await owner.request('GET', '/api/settings/messenger')
    expect(r.status).toBe(200)
    const text = JSON.stringify(r.body)
    expect(text).not.toContain(page.token)
    expect(text).not.toContain(APP_SECRET)
    const shown = r.body.pages.find((p: { pageId: string }) => p.pageId === page.pageId)
    expect(shown).toMatchObject({ pageId: page.pageId, name: 'Acme Support', hasAccessToken: true, hasAppSecret: true, verifyToken: page.verifyToken, state: 'connected' })
    expect(shown.webhookUrl).toBe(`${srv.url}/webhooks/messenger/${page.pageId}`)
    const [row] = await sql()`select access_token, app_secret, verify_token from messenger_pages where page_id = ${page.pageId}`
    const stored = JSON.stringify(row)
    expect(stored).not.toContain(page.token)
    expect(stored).not.toContain(APP_SECRET)
    expect(stored).not.toContain(page.verifyToken)
  })

  it('seals the page secrets again under a new key when the old one is being rotated out', async () => {
    // A database of its own: the running server's pages are sealed with its key, not these.
    const db = await createTestDb()
    try {
      const oldBox = new SecretBox('an old key that is long enough 0123456789')
      const newBox = new SecretBox('a new key that is long enough 9876543210', ['an old key that is long enough 0123456789'])
      const actor = { id: crypto.randomUUID(), role: 'owner', name: 'O' } as never
      const pageId = '777000111222333'
      await addPage({ sql: db.sql, secrets: oldBox }, actor, { pageId, accessToken: 'EAAGrotate' + 'z'.repeat(30), appSecret: APP_SECRET })
      const [before] = await db.sql`select access_token from messenger_pages where page_id = ${pageId}`
      expect(newBox.needsReseal(before!.accessToken)).toBe(true)
      expect(await resealMessengerSecrets({ sql: db.sql, secrets: newBox })).toBe(true)
      const [row] = await db.sql`select access_token, app_secret, verify_token from messenger_pages where page_id = ${pageId}`
      for (const v of [row!.accessToken, row!.appSecret, row!.verifyToken]) expect(newBox.needsReseal(v)).toBe(false)
      const page = await loadPage({ sql: db.sql, secrets: new SecretBox('a new key that is long enough 9876543210') }, pageId)
      expect([page!.accessToken, page!.appSecret]).toEqual(['EAAGrotate' + 'z'.repeat(30), APP_SECRET])
      expect(await resealMessengerSecrets({ sql: db.sql, secrets: newBox })).toBe(false)
    } finally {
      await db.drop()
    }
  })

  it('refuses bad input with a clear 400 and changes nothing', async () => {
    const before = await owner.request('GET', '/api/settings/messenger')
    const bad = [
      ['POST', '/api/settings/messenger/pages', { pageId: 'acme', accessToken: 'EAAG' + 'x'.repeat(40), appSecret: APP_SECRET }, 'messenger.invalid_page_id'],
      ['POST', '/api/settings/messenger/pages', { pageId: '123456', appSecret: APP_SECRET }, 'messenger.token_required'],
      ['POST', '/api/settings/messenger/pages', { pageId: '123456', accessToken: 'EAAG' + 'x'.repeat(40), appSecret: 'has spaces in it' }, 'messenger.invalid_secret'],
      ['POST', '/api/settings/messenger/pages', { pageId: page.pageId, accessToken: 'EAAG' + 'x'.repeat(40), appSecret: APP_SECRET }, 'messenger.page_exists'],
      ['PUT', '/api/settings/messenger', { graphBaseUrl: 'ftp://graph.example', graphVersion: 'v24.0' }, 'messenger.invalid_graph_url'],
      ['PUT', '/api/settings/messenger', { graphBaseUrl: graph.url, graphVersion: '24' }, 'messenger.invalid_version'],
    ] as const
    for (const [method, path, body, code] of bad) {
      const r = await owner.request(method, path, body)
      expect([r.status, r.body.error.code]).toEqual([code === 'messenger.page_exists' ? 409 : 400, code])
    }
    expect((await owner.request('GET', '/api/settings/messenger')).body).toEqual(before.body)
  })

  it("keeps the Graph API address while pages are connected: their tokens never go to another host", async () => {
    const before = await owner.request('GET', '/api/settings/messenger')
    expect(before.body.pages.length).toBeGreaterThan(0)
    const moved = await owner.request('PUT', '/api/settings/messenger', { graphBaseUrl: 'http://collector.example', graphVersion: 'v24.0' })
    expect([moved.status, moved.body.error.code]).toEqual([409, 'messenger.pages_connected'])
    expect((await owner.request('GET', '/api/settings/messenger')).body).toEqual(before.body)
    // the same address with another version (or a trailing slash) is still the same host
    expect((await owner.request('PUT', '/api/settings/messenger', { graphBaseUrl: `${graph.url}/`, graphVersion: 'v25.0' })).status).toBe(200)
    expect((await owner.request('PUT', '/api/settings/messenger', { graphBaseUrl: graph.url, graphVersion: 'v24.0' })).status).toBe(200)
  })

  it('lets only the owner see or change the settings', async () => {
    const invite = await owner.request('POST', '/api/agents', { email: 'agent@example.com', name: 'Agent', password: 'agent-password-1', role: 'full' })
    expect(invite.status).toBe(201)
    const agent = new AgentClient(srv.url)
    expect((await agent.login('agent@example.com', 'agent-password-1')).status).toBe(200)
    expect((await agent.request('GET', '/api/settings/messenger')).status).toBe(403)
    expect((await agent.request('PUT', '/api/settings/messenger', { graphBaseUrl: 'http://evil.example', graphVersion: 'v24.0' })).status).toBe(403)
    expect((await fetch(`${srv.url}/api/settings/messenger`)).status).toBe(401)
  })
})

// E-mail notifications end to end: a real Parley, the real SMTP test sink, agents and visitors on
// real sockets. Stored timers are brought forward in the database (their moment "arrives") rather
// than waited for, so no test depends on how fast the machine is.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startTestServer, startWithOwner, testConfig, type TestServer, type TestSocket } from '../testing/harness.ts'
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../testing/mail.ts'
import type { NoticeOutcome } from '../domain/notifications/notifications.usecases.ts'
import type { Config } from '../config.ts'
import { freePort } from '../db/embedded.ts'

// Long enough never to pass by themselves during a test: each test says when a moment has come.
const config: Partial<Config> = { notifications: { batchMs: 600_000, leaveGraceMs: 600_000, closedGraceMs: 600_000 } }
let PUBLIC_URL = ''

let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let alexSocket: TestSocket
let sink: SmtpSink

const CARD = '4111 1111 1111 1111'
const MASKED = '•••• •••• •••• 1111'

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

async function smtpTo(agent: AgentClient) {
  const r = await agent.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@support.test', fromName: 'Acme Support' },
    imap: null,
  })
  if (r.status !== 200) throw new Error(`saving SMTP failed: ${r.status} ${JSON.stringify(r.body)}`)
}

async function agent(email: string, role = 'full'): Promise<AgentClient> {
  const r = await owner.request('POST', '/api/agents', { email, name: email.split('@')[0], password: 'agent-password', role })
  if (r.status !== 201) throw new Error(`creating ${email} failed: ${r.status}`)
  const a = new AgentClient(srv.url)
  await a.login(email, 'agent-password')
  return a
}

async function write(v: VisitorClient, body: string): Promise<string> {
  const r = await v.request('POST', '/api/widget/messages', { body, clientId: cid() })
  if (r.status !== 201) throw new Error(`visitor message refused: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.conversation.id as string
}

/** The conversation's timers, once the listeners started so far have stored theirs (they gather for 50 ms). */
const timers = async (s: TestServer, conversationId: string) => [
  ...(await s.running.deps.bus.drain(), await s.db.sql<{ kind: string; fromSeq: number }[]>`select kind, from_seq from notification_timers where conversation_id = ${conversationId} order by kind`),
]

/**
 * The timer's moment arrives: it is made due now and the workers are told; resolves with what
 * became of it, on whichever worker claimed it.
 */
async function due(s: TestServer, conversationId: string, kind: 'offline_message' | 'missed_conversation', workers: TestServer[] = [s]): Promise<NoticeOutcome> {
  // Timers are stored by listeners after the request that caused them has been answered.
  await until(`a ${kind} timer for ${conversationId}`, async () => (await timers(s, conversationId)).some((t) => t.kind === kind))
  const offs: (() => void)[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  const outcome = new Promise<NoticeOutcome>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${kind} notice settled for ${conversationId}`)), 10_000)
    for (const worker of workers) {
      offs.push(
        worker.running.deps.notices.onSettled((o) => {
          if (o.conversationId !== conversationId || o.kind !== kind) return
          resolve(o)
        }),
      )
    }
  })
  try {
    await s.db.sql`update notification_timers set due_at = now() - interval '1 millisecond' where conversation_id = ${conversationId} and kind = ${kind}`
    for (const worker of workers) worker.running.deps.notices.wake()
    return await outcome
  } finally {
    clearTimeout(timer)
    for (const off of offs) off()
  }
}

const notificationRows = async (conversationId: string) => [
  ...(await srv.db.sql<{ toAddress: string; subject: string; textBody: string }[]>`
    select to_address, subject, text_body from outbox where kind = 'notification' and conversation_id = ${conversationId} order by created_at`),
]

const mailsAbout = (conversationId: string) => sink.mails.filter((m) => (m.parsed.text ?? '').includes(conversationId))

beforeAll(async () => {
  sink = await startSmtpSink()
  // The dashboard accepts requests only from PUBLIC_URL, so it is this server's own address.
  const port = await freePort()
  PUBLIC_URL = `http://127.0.0.1:${port}`
  ;({ srv, owner } = await startWithOwner({ ...config, port, publicUrl: PUBLIC_URL }))
  await smtpTo(owner)
  alex = await agent('alex@example.com')
  // Alex has the dashboard open (online); the owner has not (offline).
  alexSocket = await alex.socket()
  await alexSocket.waitFor('counts')
})
afterAll(async () => {
  alexSocket?.close()
  await srv?.stop()
  await sink?.stop()
})

describe('offline-message notifications', () => {
  it('mails an offline agent once about a burst of messages, masked, with a link that opens the conversation', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'Hello, is anyone there?')
    await write(v, `My card is ${CARD}`)
    await write(v, 'Order 1234 never arrived')
    expect(await timers(srv, id)).toEqual([{ kind: 'offline_message', fromSeq: 1 }])

    const outcome = await due(srv, id, 'offline_message')
    expect(outcome).toMatchObject({ sent: true, to: ['owner@example.com'] })
    const mail = await sink.waitFor((m) => (m.parsed.text ?? '').includes(id))
    expect(mail.to).toEqual(['owner@example.com'])
    expect(mail.parsed.subject).toMatch(/^New message from Visitor #\d+$/)
    const text = mail.parsed.text ?? ''
    expect(text).toContain('> Hello, is anyone there?')
    expect(text).toContain(`> My card is ${MASKED}`)
    expect(text).toContain('> Order 1234 never arrived')
    expect(text).not.toContain(CARD)
    expect(text).toContain(`${PUBLIC_URL}/#/c/${id}`)
    // Alex was online: the offline notice is not for him.
    expect(mailsAbout(id).map((m) => m.to[0])).toEqual(['owner@example.com'])
    expect((await notificationRows(id)).map((r) => r.textBody).join()).not.toContain(CARD)
  })

  it('starts a new notice for messages after the last one, not a second mail about the same ones', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'First question')
    await due(srv, id, 'offline_message')
    await write(v, 'Second question')
    expect(await until('a new timer', async () => { const t = await timers(srv, id); return t.length ? t : null })).toEqual([{ kind: 'offline_message', fromSeq: 2 }])
    await due(srv, id, 'offline_message')
    const mails = await until('two mails', async () => (mailsAbout(id).length === 2 ? mailsAbout(id) : null))
    expect(mails[1]!.parsed.text).toContain('> Second question')
    expect(mails[1]!.parsed.text).not.toContain('First question')
  })

  it('sends nothing when an agent answers in time', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'Do you ship to Brno?')
    await until('the notice to be pending', async () => (await timers(srv, id)).length === 1)
    expect((await alex.request('POST', `/api/conversations/${id}/messages`, { body: 'Yes, we do!', clientId: cid() })).status).toBe(201)
    await until('the pending notice to be cancelled', async () => (await timers(srv, id)).length === 0)
    expect(await notificationRows(id)).toEqual([])
  })

  it('sends nothing when a colleague opens the conversation meanwhile', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'Can I change my order?')
    await until('the notice to be pending', async () => (await timers(srv, id)).length === 1)
    expect((await alex.request('GET', `/api/conversations/${id}/messages`)).status).toBe(200)
    expect(await timers(srv, id)).toEqual([])
    expect(await notificationRows(id)).toEqual([])
  })

  it('checks again when the moment comes: an answer stored without the event still stops the mail', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'Is the shop open on Sunday?')
    // The timer is re-created as if the reply's cancellation had been lost (another process died).
    await alex.request('POST', `/api/conversations/${id}/messages`, { body: 'It is!', clientId: cid() })
    await until('the pending notice to be cancelled', async () => (await timers(srv, id)).length === 0)
    await srv.db.sql`insert into notification_timers (conversation_id, kind, from_seq, due_at) values (${id}, 'offline_message', 1, now() + interval '1 hour')`
    expect(await due(srv, id, 'offline_message')).toMatchObject({ sent: false, reason: 'an agent answered' })
    expect(await notificationRows(id)).toEqual([])
  })
})

describe('missed-conversation notifications', () => {
  it('mails the online agent when the visitor leaves before anyone replied', async () => {
    const v = await VisitorClient.create(srv.url)
    const ws = await v.socket()
    await ws.waitFor('hello')
    const id = await write(v, 'Quick question about sizes')
    ws.close()
    await until('a missed-conversation timer', async () => (await timers(srv, id)).some((t) => t.kind === 'missed_conversation'))
    expect(await due(srv, id, 'missed_conversation')).toMatchObject({ sent: true, to: ['alex@example.com'] })
    const mail = await sink.waitFor((m) => m.to[0] === 'alex@example.com' && (m.parsed.text ?? '').includes(id))
    expect(mail.parsed.subject).toMatch(/^Missed conversation with Visitor #\d+$/)
    expect(mail.parsed.text).toContain('> Quick question about sizes')
    expect(mail.parsed.text).toContain('left the site before anyone replied')
  })

  it('sends nothing when the visitor only reloaded the page (back within the grace period)', async () => {
    const v = await VisitorClient.create(srv.url)
    const ws = await v.socket()
    await ws.waitFor('hello')
    const id = await write(v, 'Reloading…')
    ws.close()
    await until('a missed-conversation timer', async () => (await timers(srv, id)).some((t) => t.kind === 'missed_conversation'))
    const back = await v.socket()
    await back.waitFor('hello')
    await until('the visitor to count as online', async () => (await srv.db.sql`select 1 from visitor_connections where visitor_id = ${v.id} and connections > 0`).length > 0)
    expect(await due(srv, id, 'missed_conversation')).toMatchObject({ sent: false, reason: 'the visitor came back' })
    back.close()
    expect((await notificationRows(id)).filter((r) => r.toAddress === 'alex@example.com')).toEqual([])
  })

  it('is not started for a conversation an agent already answered', async () => {
    const v = await VisitorClient.create(srv.url)
    const ws = await v.socket()
    await ws.waitFor('hello')
    const id = await write(v, 'Thanks!')
    await alex.request('POST', `/api/conversations/${id}/messages`, { body: 'You are welcome', clientId: cid() })
    ws.close()
    await until('the visitor to be gone', async () => (await srv.db.sql`select 1 from visitor_connections where visitor_id = ${v.id} and connections > 0`).length === 0)
    // The reply's cancellation and the leave both run in listeners: let them finish before looking.
    await srv.running.deps.bus.drain()
    const left = await timers(srv, id)
    expect(left.filter((t) => t.kind === 'missed_conversation')).toEqual([])
    // The visitor's message and the reply race through their listeners: when the reply's
    // cancellation ran first, the offline-message timer is stored after it, and its moment must
    // then find the answer and send nothing.
    if (left.some((t) => t.kind === 'offline_message')) expect(await due(srv, id, 'offline_message')).toMatchObject({ sent: false })
  })
})

describe('notification settings', () => {
  it('honours an agent turning a notice off, and the team default the owner sets', async () => {
    const r = await owner.request('PUT', '/api/settings/notifications', { offlineMessage: false })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ effective: { offlineMessage: false, missedConversation: true }, own: { offlineMessage: false, missedConversation: null }, canSend: true })
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'Anybody?')
    expect(await due(srv, id, 'offline_message')).toMatchObject({ sent: false, reason: 'nobody to tell' })

    // Back to the team's default, which the owner then turns off for everyone.
    await owner.request('PUT', '/api/settings/notifications', { offlineMessage: null })
    expect((await owner.request('PUT', '/api/settings/notifications/defaults', { offlineMessage: false })).status).toBe(200)
    const w = await VisitorClient.create(srv.url)
    const id2 = await write(w, 'Anybody now?')
    expect(await due(srv, id2, 'offline_message')).toMatchObject({ sent: false, reason: 'nobody to tell' })
    expect((await owner.request('GET', '/api/settings/notifications')).body.effective.offlineMessage).toBe(false)

    await owner.request('PUT', '/api/settings/notifications/defaults', { offlineMessage: true })
    expect((await owner.request('GET', '/api/settings/notifications')).body.effective.offlineMessage).toBe(true)
  })

  it('lets only the owner set the team defaults, and refuses bad input without changing anything', async () => {
    const before = (await owner.request('GET', '/api/settings/notifications/defaults')).body
    const r = await alex.request('PUT', '/api/settings/notifications/defaults', { offlineMessage: false })
    expect(r.status).toBe(403)
    expect((await owner.request('PUT', '/api/settings/notifications', { offlineMessage: 'yes' })).status).toBe(400)
    expect((await owner.request('PUT', '/api/settings/notifications/defaults', { surprise: true })).status).toBe(400)
    expect((await owner.request('GET', '/api/settings/notifications/defaults')).body).toEqual(before)
  })
})

describe('without SMTP', () => {
  it('says notifications cannot be sent, and sends none', async () => {
    const { srv: bare, owner: o } = await startWithOwner(config)
    try {
      expect((await o.request('GET', '/api/settings/notifications')).body.canSend).toBe(false)
      const v = await VisitorClient.create(bare.url)
      const id = await write(v, 'Hello?')
      expect(await due(bare, id, 'offline_message')).toMatchObject({ sent: false, reason: 'e-mail is not set up' })
      expect((await bare.db.sql`select 1 from outbox where conversation_id = ${id}`).length).toBe(0)
    } finally {
      await bare.stop()
    }
  })
})

describe('timers that outlive a process', () => {
  it('sends a notice stored before a restart after it, and once when two processes share the database', async () => {
    const first = await startTestServer(config)
    const db = first.db
    try {
      const o = new AgentClient(first.url)
      await o.setup()
      await smtpTo(o)
      const v = await VisitorClient.create(first.url)
      const id = await write(v, 'Written before the restart')
      await until('the timer', async () => (await timers(first, id)).length === 1)
      await first.running.stop()

      // Two processes on the database; the timer comes due while both run.
      const a = await startTestServer(config, db)
      const b = await startTestServer(config, db)
      try {
        const settled: NoticeOutcome[] = []
        for (const s of [a, b]) s.running.deps.notices.onSettled((o) => o.conversationId === id && settled.push(o))
        // Either process may claim it: both are told at once.
        const outcome = due(a, id, 'offline_message', [a, b])
        expect(await outcome).toMatchObject({ sent: true, to: ['owner@example.com'] })
        const mail = await sink.waitFor((m: ReceivedMail) => (m.parsed.text ?? '').includes('Written before the restart'))
        expect(mail.parsed.text).toContain('> Written before the restart')
        // The other process found nothing left to claim: the row is gone with the mail queued.
        expect(await timers(a, id)).toEqual([])
        expect((await a.db.sql`select 1 from outbox where kind = 'notification' and conversation_id = ${id}`).length).toBe(1)
        expect(settled.length).toBe(1)
      } finally {
        await a.running.stop()
        await b.running.stop()
      }
    } finally {
      await db.drop()
    }
  })
})

describe('transcripts', () => {
  it("e-mails the visitor their conversation at the address Parley knows, masked, and never elsewhere", async () => {
    const v = await VisitorClient.create(srv.url)
    const c = await v.request('POST', '/api/widget/contact', { email: 'mira@example.com', body: `Card ${CARD} was charged twice`, clientId: cid() })
    expect(c.status).toBe(201)
    const id = c.body.conversation.id as string
    await alex.request('POST', `/api/conversations/${id}/messages`, { body: 'Refunded, sorry!', clientId: cid() })
    const r = await v.request('POST', `/api/widget/conversations/${id}/transcript`, { language: 'de' })
    expect(r.status).toBe(202)
    expect(r.body).toEqual({ to: 'mira@example.com' })
    const mail = await sink.waitFor((m) => m.to[0] === 'mira@example.com' && m.parsed.subject === 'Ihre Unterhaltung mit uns')
    expect(mail.parsed.text).toContain(`Sie:\nCard ${MASKED} was charged twice`)
    expect(mail.parsed.text).toContain('alex:\nRefunded, sorry!')
    expect(mail.raw.toString()).not.toContain('4111 1111')
  })

  it('refuses without a known address, for a conversation that is not theirs, and with a bad language', async () => {
    const v = await VisitorClient.create(srv.url)
    const id = await write(v, 'No address here')
    const none = await v.request('POST', `/api/widget/conversations/${id}/transcript`)
    expect(none.status).toBe(409)
    expect(none.body.error.code).toBe('transcript.no_email')
    const other = await VisitorClient.create(srv.url)
    expect((await other.request('POST', `/api/widget/conversations/${id}/transcript`)).status).toBe(404)
    expect((await v.request('POST', `/api/widget/conversations/${id}/transcript`, { language: 'fr' })).status).toBe(400)
    expect((await srv.db.sql`select 1 from outbox where kind = 'transcript' and conversation_id = ${id}`).length).toBe(0)
  })
})

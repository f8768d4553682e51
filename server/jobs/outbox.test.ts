// The outbox sends each mail once: with two processes' senders competing for the same rows, and
// again after a restart. Mail with no message behind it (a notification) goes the same way.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { AgentClient, VisitorClient, cid, startTestServer, testConfig, type TestServer } from '../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../testing/mail.ts'
import { EmailChannelAdapter } from '../channels/email/email.adapter.ts'

let db: TestDb
let sink: SmtpSink
const servers: TestServer[] = []

beforeAll(async () => {
  db = await createTestDb()
  sink = await startSmtpSink()
})
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {})
  await sink.stop()
  await db.drop()
})

const start = async () => {
  const email = {
    ...testConfig().email,
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none' as const, user: null, password: null, fromName: 'Acme', fromAddress: 'support@acme.test' },
  }
  const s = await startTestServer({ email }, db)
  servers.push(s)
  return s
}

const emailOf = (s: TestServer) => {
  const a = s.running.deps.channels.get('email')
  if (!(a instanceof EmailChannelAdapter)) throw new Error('no e-mail channel')
  return a
}

describe('the outbox across processes and restarts', () => {
  it('sends every mail exactly once while two processes send from the same outbox, and not again after a restart', async () => {
    const a = await start()
    const b = await start()
    const agent = new AgentClient(a.url)
    await agent.setup()
    const visitor = await VisitorClient.create(a.url)
    const address = `once${cid().slice(-8)}@visitor.test`
    const first = `hello ${cid()}`
    expect((await visitor.request('POST', '/api/widget/contact', { email: address, body: first, clientId: cid() })).status).toBe(201)
    const list = await agent.request('GET', '/api/conversations?view=unassigned&limit=50')
    const conv = (list.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview === first)!
    const bodies: string[] = []
    for (let i = 0; i < 30; i++) {
      const body = `reply ${String(i).padStart(2, '0')}`
      bodies.push(body)
      const r = await agent.request('POST', `/api/conversations/${conv.id}/messages`, { body, clientId: cid() })
      expect(r.status).toBe(201)
      // the other process's sender looks too, on its own
      if (i % 3 === 0) emailOf(b).reload()
    }
    const deadline = Date.now() + 30_000
    while (sink.mails.filter((m) => m.to.includes(address)).length < 30 && Date.now() < deadline) await Bun.sleep(50)
    await a.stop()
    await b.stop()
    const c = await start()
    // the restarted sender finds nothing left to send
    emailOf(c).reload()
    await Bun.sleep(1500)
    const got = sink.mails.filter((m) => m.to.includes(address))
    expect(got.map((m) => m.parsed.text?.trim()).sort()).toEqual(bodies)
    expect(new Set(got.map((m) => m.parsed.messageId)).size).toBe(30)
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'sent'`
    expect(row!.n).toBe(30)
  }, 60_000)
})

describe('mail without a message', () => {
  it('sends a notification, which has no message row, through the same outbox to the SMTP server', async () => {
    const s = await start()
    const to = `agent${cid().slice(-8)}@acme.test`
    const subject = `New message from a visitor ${cid()}`
    const text = 'Vera wrote while you were away: my card is 4111 1111 1111 1111'
    expect(await emailOf(s).sendMail({ kind: 'notification', to, subject, text })).toEqual({ status: 'sent' })
    const mail = await sink.waitFor((m) => m.to.includes(to), 10_000)
    expect(mail.parsed.subject).toBe(subject)
    expect(mail.parsed.text?.trim()).toBe('Vera wrote while you were away: my card is •••• •••• •••• 1111')
    expect(mail.parsed.from?.value[0]?.address).toBe('support@acme.test')
    const rows = await db.sql<{ kind: string; messageRowId: string | null; status: string; attempts: number; mailMessageId: string }[]>`
      select kind, message_row_id, status, attempts, mail_message_id from outbox where to_address = ${to}`
    expect([...rows]).toEqual([{ kind: 'notification', messageRowId: null, status: 'sent', attempts: 1, mailMessageId: mail.parsed.messageId!.replace(/^<|>$/g, '') }])
    // an agent's notification is not part of any visitor's thread
    const [ids] = await db.sql<{ n: number }[]>`select count(*)::int as n from channel_message_ids where external_id = ${rows[0]!.mailMessageId}`
    expect(ids!.n).toBe(0)
    await s.stop()
  }, 30_000)
})

describe('the outbox while idle', () => {
  it('reports nothing due when nothing is queued, so the sender sleeps its poll interval', async () => {
    const { msUntilNextDue } = await import('./outbox.ts')
    const idle = await createTestDb()
    try {
      // GREATEST(0, NULL) is 0 in SQL: an empty outbox once read as "due now" (a busy poll).
      expect(await msUntilNextDue(idle.sql)).toBeNull()
    } finally {
      await idle.drop()
    }
  })
})

// Notification timers with two real Parley processes on one database: a notice comes due while
// both run, and exactly one of them sends it (the timer row is claimed with SKIP LOCKED and goes
// in the transaction that queues the mail).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../testing/mail.ts'

let db: TestDb
let sink: SmtpSink
let a: ParleyProcess
let b: ParleyProcess

beforeAll(async () => {
  db = await createTestDb()
  sink = await startSmtpSink()
  const env = {
    DATABASE_URL: db.url,
    PARLEY_OWNER_EMAIL: 'owner@example.com',
    PARLEY_OWNER_PASSWORD: 'owner-password',
    // A real second of batching: both processes are running when the notice comes due.
    NOTIFY_BATCH_SECONDS: '1',
  }
  ;[a, b] = await Promise.all([spawnParley(env), spawnParley(env)])
})
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()])
  await sink?.stop()
  await db?.drop()
})

describe('notification timers in two processes', () => {
  it('sends a notice that comes due while both run exactly once', async () => {
    const owner = new AgentClient(a.url)
    expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
    const smtp = { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@support.test' }
    expect((await owner.request('PUT', '/api/settings/email', { smtp, imap: null })).status).toBe(200)

    const v = await VisitorClient.create(b.url)
    const r = await v.request('POST', '/api/widget/messages', { body: 'Written to the second process', clientId: cid() })
    expect(r.status).toBe(201)
    const conversationId = r.body.conversation.id

    const mail = await sink.waitFor((m) => (m.parsed.text ?? '').includes('> Written to the second process'), 30_000)
    expect(mail.to).toEqual(['owner@example.com'])
    // The timer went with the mail queued: nothing is left for the other process to send.
    expect((await db.sql`select 1 from notification_timers where conversation_id = ${conversationId}`).length).toBe(0)
    expect((await db.sql`select 1 from outbox where kind = 'notification' and conversation_id = ${conversationId}`).length).toBe(1)
    expect(sink.mails.filter((m) => (m.parsed.text ?? '').includes('> Written to the second process')).length).toBe(1)
  }, 90_000)
})

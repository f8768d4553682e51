// "Left the site" (#15) from connections AND page state: a widget whose page said it was closing
// (pagehide) or hidden (visibilitychange) when its socket went away is a closed tab, and its
// visitor counts as gone after the shorter NOTIFY_LEAVE_CLOSED_SECONDS; a socket that merely
// dropped keeps the longer NOTIFY_LEAVE_SECONDS. Either way a reload or a page change that comes
// back within the grace period is no leave. Timers stay stored rows.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer, type TestSocket } from '../testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../testing/mail.ts'
import { recordingPool } from '../db/testing.ts'
import { visitorWentAway, type NoticeOutcome } from '../domain/notifications/notifications.usecases.ts'

const LONG_S = 600
const SHORT_S = 60

let srv: TestServer
let owner: AgentClient
let dash: TestSocket
let sink: SmtpSink

beforeAll(async () => {
  sink = await startSmtpSink()
  ;({ srv, owner } = await startWithOwner({ notifications: { batchMs: 600_000, leaveGraceMs: LONG_S * 1000, closedGraceMs: SHORT_S * 1000 } }))
  const r = await owner.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@support.test', fromName: 'Acme Support' },
    imap: null,
  })
  expect(r.status).toBe(200)
  // The owner is online: a missed-conversation notice is for them.
  dash = await owner.socket()
  await dash.waitFor('counts')
})
afterAll(async () => {
  dash?.close()
  await srv?.stop()
  await sink?.stop()
})

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

/** Seconds from now until the conversation's missed-conversation notice is due (once there is one). */
async function dueIn(conversationId: string): Promise<number> {
  return until('a missed-conversation timer', async () => {
    // clock_timestamp(), not now(): now() is when this statement's transaction began, which can be
    // a few ms before the transaction that set due_at (from its own now()) committed and became
    // visible to it — seen in a run as 600.004 s for a grace of 600.
    const [row] = await srv.db.sql<{ s: number }[]>`
      select extract(epoch from (due_at - clock_timestamp()))::float8 as s from notification_timers
      where conversation_id = ${conversationId} and kind = 'missed_conversation'`
    return row ? row.s : null
  })
}

/** A visitor on the site with the widget's socket open, who wrote and got no answer. */
async function visitorWaiting(): Promise<{ visitor: VisitorClient; ws: TestSocket; id: string }> {
  const visitor = await VisitorClient.create(srv.url)
  const ws = await visitor.socket()
  await ws.waitFor('hello')
  ws.send({ type: 'message.send', clientId: cid(), body: 'Is this in stock?' })
  const ack = await ws.waitFor('ack')
  return { visitor, ws, id: ack.conversationId }
}

async function dueNow(id: string): Promise<NoticeOutcome> {
  const outcome = new Promise<NoticeOutcome>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no notice settled')), 10_000)
    const off = srv.running.deps.notices.onSettled((o) => {
      if (o.conversationId !== id || o.kind !== 'missed_conversation') return
      clearTimeout(t)
      off()
      resolve(o)
    })
  })
  await srv.db.sql`update notification_timers set due_at = now() - interval '1 millisecond' where conversation_id = ${id} and kind = 'missed_conversation'`
  srv.running.deps.notices.wake()
  return outcome
}

describe('leaving the site', () => {
  it('starts the timers of visitors who leave together (a dropped network) in one statement, each with its grace period', async () => {
    const [dropped, closed, twice] = await Promise.all([visitorWaiting(), visitorWaiting(), visitorWaiting()])
    const recorded = recordingPool(srv.db.sql)
    const sql = recorded.sql
    let wakes = 0
    const wentAway = visitorWentAway({ sql, batchMs: 600_000, leaveGraceMs: LONG_S * 1000, closedGraceMs: SHORT_S * 1000, wake: () => void wakes++ })
    await Promise.all([
      wentAway(dropped.visitor.id),
      wentAway(closed.visitor.id, true),
      // Twice in one moment: the later departure sets the time, as one after the other would.
      wentAway(twice.visitor.id, true),
      wentAway(twice.visitor.id, false),
    ])
    expect(recorded.statements('notification_timers')).toBe(1)
    expect(wakes).toBe(1)
    expect(await dueIn(dropped.id)).toBeGreaterThan(LONG_S - 30)
    expect(await dueIn(closed.id)).toBeLessThanOrEqual(SHORT_S)
    expect(await dueIn(twice.id)).toBeGreaterThan(LONG_S - 30)
    for (const w of [dropped, closed, twice]) w.ws.close()
  })

  it('gives a socket that just dropped the long grace period', async () => {
    const { ws, id } = await visitorWaiting()
    ws.close()
    const s = await dueIn(id)
    expect(s).toBeGreaterThan(LONG_S - 30)
    expect(s).toBeLessThanOrEqual(LONG_S)
  })

  it('gives a closed tab (the page said it was closing) the short one', async () => {
    const { ws, id } = await visitorWaiting()
    ws.send({ type: 'page.state', state: 'closing' })
    ws.close()
    const s = await dueIn(id)
    expect(s).toBeGreaterThan(SHORT_S - 30)
    expect(s).toBeLessThanOrEqual(SHORT_S)
  })

  it('counts a page that was hidden when its socket went away as closed, and one shown again as not', async () => {
    const hidden = await visitorWaiting()
    hidden.ws.send({ type: 'page.state', state: 'hidden' })
    hidden.ws.close()
    expect(await dueIn(hidden.id)).toBeLessThanOrEqual(SHORT_S)

    const back = await visitorWaiting()
    back.ws.send({ type: 'page.state', state: 'hidden' })
    back.ws.send({ type: 'page.state', state: 'visible' })
    back.ws.send({ type: 'ping' })
    await back.ws.waitFor('pong')
    back.ws.close()
    expect(await dueIn(back.id)).toBeGreaterThan(LONG_S - 30)
  })

  it('takes no leave from one of two tabs, and sends nothing when a closing page comes back (a reload)', async () => {
    const { visitor, ws, id } = await visitorWaiting()
    const other = await visitor.socket()
    await other.waitFor('hello')
    // Its frames are handled after its connection is counted: once it answers, it is counted.
    other.send({ type: 'ping' })
    await other.waitFor('pong')
    ws.send({ type: 'page.state', state: 'closing' })
    ws.close()
    await Bun.sleep(300)
    expect((await srv.db.sql`select 1 from notification_timers where conversation_id = ${id} and kind = 'missed_conversation'`).length).toBe(0)

    // the last tab reloads: it says closing, goes, and the new page connects within the grace period
    other.send({ type: 'page.state', state: 'closing' })
    other.close()
    expect(await dueIn(id)).toBeLessThanOrEqual(SHORT_S)
    const reloaded = await visitor.socket()
    await reloaded.waitFor('hello')
    await until('the visitor online again', async () => (await owner.request('GET', `/api/visitors/${visitor.id}`)).body.online === true)
    const mails = sink.mails.length
    expect(await dueNow(id)).toEqual({ sent: false, kind: 'missed_conversation', conversationId: id, reason: 'the visitor came back' })
    await Bun.sleep(200)
    expect(sink.mails.length).toBe(mails)
    reloaded.close()
  })

  it('mails the online agent when a closed tab does not come back', async () => {
    const { ws, id } = await visitorWaiting()
    ws.send({ type: 'page.state', state: 'closing' })
    ws.close()
    expect(await dueIn(id)).toBeLessThanOrEqual(SHORT_S)
    const mails = sink.mails.length
    expect(await dueNow(id)).toMatchObject({ sent: true, kind: 'missed_conversation', to: ['owner@example.com'] })
    const mail = await sink.waitFor((m) => m.to.includes('owner@example.com'), 10_000, mails)
    expect(mail.parsed.subject).toMatch(/^Missed conversation with Visitor #\d+$/)
    expect(mail.parsed.text).toContain('Is this in stock?')
  })

  it('refuses page state from a dashboard and a state it does not know', async () => {
    dash.send({ type: 'page.state', state: 'closing' })
    expect((await dash.waitFor('error', (f) => f.code === 'frame.forbidden')).message).toContain('page.state')
    const { ws } = await visitorWaiting()
    ws.send({ type: 'page.state', state: 'asleep' })
    expect((await ws.waitFor('error', (f) => f.code === 'frame.invalid')).message).toContain('page.state')
    ws.close()
  })
})

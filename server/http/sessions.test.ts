// Ending a session closes its sockets on every Parley process: two real processes on one database.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid, type TestSocket } from '../testing/harness.ts'

let db: TestDb
let a: ParleyProcess
let b: ParleyProcess
let owner: AgentClient
let conversationId: string
let visitor: TestSocket

const OWNER = { email: 'owner@example.com', password: 'owner-password' }

beforeAll(async () => {
  db = await createTestDb()
  const env = { DATABASE_URL: db.url, PARLEY_OWNER_EMAIL: OWNER.email, PARLEY_OWNER_PASSWORD: OWNER.password }
  ;[a, b] = await Promise.all([spawnParley(env), spawnParley(env)])
  owner = new AgentClient(a.url)
  expect((await owner.login(OWNER.email, OWNER.password)).status).toBe(200)
  const v = await VisitorClient.create(b.url)
  visitor = await v.socket()
  await visitor.waitFor('hello')
  const id = cid()
  visitor.send({ type: 'message.send', clientId: id, body: 'hello, anyone?' })
  conversationId = (await visitor.waitFor('ack', (f) => f.clientId === id)).conversationId
})
afterAll(async () => {
  visitor?.close()
  await Promise.all([a?.kill(), b?.kill()])
  await db.drop()
})

/** The same session (one cookie) on both processes, each with an open dashboard socket. */
async function dashboardsOnBoth(client: AgentClient): Promise<{ onA: TestSocket; onB: TestSocket }> {
  const onB = Object.assign(new AgentClient(b.url), { cookie: client.cookie, csrf: client.csrf })
  const onA = Object.assign(new AgentClient(a.url), { cookie: client.cookie, csrf: client.csrf })
  const [sa, sb] = await Promise.all([onA.socket(), onB.socket()])
  await Promise.all([sa.waitFor('hello'), sb.waitFor('hello')])
  // Opening re-checks the session after the hello; wait for that (counts follows it).
  await Promise.all([sa.waitFor('counts'), sb.waitFor('counts')])
  return { onA: sa, onB: sb }
}

async function signIn(email: string, password: string, base = a.url): Promise<AgentClient> {
  const c = new AgentClient(base)
  const r = await c.login(email, password)
  expect(r.status).toBe(200)
  return c
}

async function expectEnded(s: TestSocket, reason: string): Promise<void> {
  const closed = await s.waitClosed(2000)
  expect(closed.code).toBe(4001)
  expect(s.frames.find((f) => f.type === 'session.ended')).toEqual({ type: 'session.ended', reason })
}

async function stored(clientId: string): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from messages where client_id = ${clientId}`
  return row!.n
}

describe('ending a session closes its sockets on every process', () => {
  it('closes both processes’ sockets of a session that signs out, and only those', async () => {
    const leaving = await signIn(OWNER.email, OWNER.password)
    const staying = await signIn(OWNER.email, OWNER.password, b.url)
    const { onA, onB } = await dashboardsOnBoth(leaving)
    const other = await staying.socket()
    await other.waitFor('counts')

    expect((await leaving.request('POST', '/api/auth/logout')).status).toBe(204)
    await Promise.all([expectEnded(onA, 'signed_out'), expectEnded(onB, 'signed_out')])

    // The other session lives on and still hears the visitor.
    const id = cid()
    visitor.send({ type: 'message.send', clientId: id, conversationId, body: 'still there?' })
    const ack = await visitor.waitFor('ack', (f) => f.clientId === id)
    await other.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(onA.frames.some((f) => f.type === 'message' && f.message.id === ack.messageId)).toBe(false)
    expect(onB.frames.some((f) => f.type === 'message' && f.message.id === ack.messageId)).toBe(false)
    other.close()
  })

  it('tells the other processes the ended session by its public id, never its token or hash', async () => {
    const heard: string[] = []
    const listening = await db.sql.listen('parley_events', (p) => heard.push(p))
    try {
      const leaving = await signIn(OWNER.email, OWNER.password)
      const token = leaving.cookie.split('=')[1]!
      const [row] = await db.sql<{ id: string; tokenHash: string }[]>`
        select id, token_hash from agent_sessions order by created_at desc limit 1`
      const { onA, onB } = await dashboardsOnBoth(leaving)
      expect((await leaving.request('POST', '/api/auth/logout')).status).toBe(204)
      await Promise.all([expectEnded(onA, 'signed_out'), expectEnded(onB, 'signed_out')])
      const notesHeard = () => heard.flatMap((p) => (JSON.parse(p) as { notes?: { kind: string; sessionIds?: string[]; reason?: string }[] }).notes ?? [])
      // This listening connection may hear the NOTIFY a moment after the other process acted on it.
      for (let i = 0; i < 100 && !notesHeard().some((n) => n.kind === 'sessions.ended'); i++) await Bun.sleep(50)
      expect(notesHeard().filter((n) => n.kind === 'sessions.ended')).toContainEqual({ kind: 'sessions.ended', sessionIds: [row!.id], reason: 'signed_out' })
      for (const p of heard) {
        expect(p).not.toContain(token)
        expect(p).not.toContain(row!.tokenHash)
      }
    } finally {
      await listening.unlisten()
    }
  })

  it('never stores a reply sent after the session ended', async () => {
    const leaving = await signIn(OWNER.email, OWNER.password)
    const { onA, onB } = await dashboardsOnBoth(leaving)
    const late: string[] = []
    // Replies written the moment the notice arrives, before the close frame is read.
    for (const s of [onA, onB]) {
      s.ws.addEventListener('message', (e) => {
        if (!String(e.data).includes('"session.ended"')) return
        const id = cid()
        late.push(id)
        try {
          s.send({ type: 'message.send', clientId: id, conversationId, body: 'written after sign-out' })
        } catch {}
      })
    }
    expect((await leaving.request('POST', '/api/auth/logout')).status).toBe(204)
    await Promise.all([expectEnded(onA, 'signed_out'), expectEnded(onB, 'signed_out')])
    expect(late).toHaveLength(2)
    // A frame that reached a process would be stored within this time.
    await Bun.sleep(500)
    for (const id of late) expect(await stored(id)).toBe(0)
    // And the old cookie opens no new socket.
    await expect(Object.assign(new AgentClient(b.url), { cookie: leaving.cookie }).socket()).rejects.toThrow()
  })

  it('stores no reply from a socket whose session is gone before its notice arrives, and replies with my new name', async () => {
    const me = await signIn(OWNER.email, OWNER.password)
    const { onA, onB } = await dashboardsOnBoth(me)
    // Renamed after the sockets opened: the next reply goes out live with the new name.
    expect((await me.request('PATCH', `/api/agents/${me.agent!.id}`, { name: 'Olivia Renamed' })).status).toBe(200)
    const named = cid()
    onB.send({ type: 'message.send', clientId: named, conversationId, body: 'signed with my new name' })
    const ack = await onB.waitFor('ack', (f) => f.clientId === named)
    const live = await onA.waitFor('message', (f) => f.message.id === ack.messageId)
    expect(live.message.authorName).toBe('Olivia Renamed')
    expect((await me.request('PATCH', `/api/agents/${me.agent!.id}`, { name: 'Olivia' })).status).toBe(200)

    // The session row goes without any notice (as if the notice were still on its way).
    const [session] = await db.sql<{ id: string }[]>`select id from agent_sessions order by created_at desc limit 1`
    await db.sql`delete from agent_sessions where id = ${session!.id}`
    const late = cid()
    onA.send({ type: 'message.send', clientId: late, conversationId, body: 'after the session was gone' })
    await expectEnded(onA, 'signed_out')
    expect(onA.frames.some((f) => f.type === 'ack')).toBe(false)
    expect(await stored(late)).toBe(0)
    onB.close()
  })

  it('closes the other sessions’ sockets when agents change their own password, and keeps their own', async () => {
    const created = await owner.request('POST', '/api/agents', { email: 'ann@example.com', name: 'Ann', password: 'ann-password-1', role: 'full' })
    expect(created.status).toBe(201)
    const here = await signIn('ann@example.com', 'ann-password-1')
    const elsewhere = await signIn('ann@example.com', 'ann-password-1', b.url)
    const mine = await here.socket()
    await mine.waitFor('counts')
    const { onA, onB } = await dashboardsOnBoth(elsewhere)

    const changed = await here.request('PATCH', `/api/agents/${here.agent!.id}`, { password: 'ann-new-password-2', currentPassword: 'ann-password-1' })
    expect(changed.status).toBe(200)
    await Promise.all([expectEnded(onA, 'password_changed'), expectEnded(onB, 'password_changed')])
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(401)

    // The session that changed it stays signed in, socket and all.
    expect((await here.request('GET', '/api/auth/me')).status).toBe(200)
    const id = cid()
    mine.send({ type: 'message.send', clientId: id, conversationId, body: 'from the session that changed it' })
    await mine.waitFor('ack', (f) => f.clientId === id)
    expect(mine.closed).toBeNull()
    mine.close()
  })

  it('closes every socket of an agent whose password the owner resets', async () => {
    const created = await owner.request('POST', '/api/agents', { email: 'bob@example.com', name: 'Bob', password: 'bob-password-1', role: 'limited' })
    expect(created.status).toBe(201)
    const bob = await signIn('bob@example.com', 'bob-password-1', b.url)
    const { onA, onB } = await dashboardsOnBoth(bob)
    const reset = await owner.request('PATCH', `/api/agents/${created.body.id}`, { password: 'bob-reset-password-2' })
    expect(reset.status).toBe(200)
    await Promise.all([expectEnded(onA, 'password_reset'), expectEnded(onB, 'password_reset')])
    expect((await bob.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await new AgentClient(a.url).login('bob@example.com', 'bob-reset-password-2')).status).toBe(200)
  })

  it('closes every socket of a deactivated agent on both processes', async () => {
    const created = await owner.request('POST', '/api/agents', { email: 'cid@example.com', name: 'Cid', password: 'cid-password-1', role: 'limited' })
    const cidAgent = await signIn('cid@example.com', 'cid-password-1')
    const { onA, onB } = await dashboardsOnBoth(cidAgent)
    expect((await owner.request('PATCH', `/api/agents/${created.body.id}`, { active: false })).status).toBe(200)
    await Promise.all([expectEnded(onA, 'deactivated'), expectEnded(onB, 'deactivated')])
  })

  it('signs out everywhere else, and one session by its id, from the list of my sessions', async () => {
    const me = await signIn(OWNER.email, OWNER.password)
    const phone = await signIn(OWNER.email, OWNER.password, b.url)
    const laptop = await signIn(OWNER.email, OWNER.password, b.url)
    const list = await me.request('GET', '/api/auth/sessions')
    expect(list.status).toBe(200)
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    expect(JSON.stringify(list.body)).not.toContain(me.cookie.split('=')[1]!)
    for (const s of list.body) expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'])

    // One session by id: the phone's (the newest other than mine, from its own /me).
    const phoneList = await phone.request('GET', '/api/auth/sessions')
    const phoneId = phoneList.body.find((s: { current: boolean }) => s.current).id
    const phoneSockets = await dashboardsOnBoth(phone)
    expect((await me.request('DELETE', `/api/auth/sessions/${phoneId}`)).status).toBe(204)
    await Promise.all([expectEnded(phoneSockets.onA, 'signed_out'), expectEnded(phoneSockets.onB, 'signed_out')])
    expect((await me.request('DELETE', `/api/auth/sessions/${phoneId}`)).status).toBe(404)
    expect((await me.request('DELETE', '/api/auth/sessions/not-a-uuid')).status).toBe(404)

    const laptopSockets = await dashboardsOnBoth(laptop)
    const mine = await me.socket()
    await mine.waitFor('counts')
    const ended = await me.request('POST', '/api/auth/sessions/end-others')
    expect(ended.status).toBe(200)
    expect(ended.body.ended).toBeGreaterThanOrEqual(2)
    await Promise.all([expectEnded(laptopSockets.onA, 'signed_out_elsewhere'), expectEnded(laptopSockets.onB, 'signed_out_elsewhere')])
    expect((await laptop.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await owner.request('GET', '/api/auth/me')).status).toBe(401)
    const after = await me.request('GET', '/api/auth/sessions')
    expect(after.body.map((s: { id: string; current: boolean }) => s.current)).toEqual([true])
    expect(mine.closed).toBeNull()
    mine.close()
    owner = me
  })

  it('closes a socket when its session expires', async () => {
    const soon = await signIn(OWNER.email, OWNER.password, b.url)
    const [session] = await db.sql<{ id: string }[]>`
      update agent_sessions set expires_at = now() + interval '1.5 seconds'
      where id = (select id from agent_sessions order by created_at desc limit 1) returning id`
    expect(session).toBeDefined()
    const s = await soon.socket()
    await s.waitFor('hello')
    expect(s.closed).toBeNull()
    const closed = await s.waitClosed(4000)
    expect(closed.code).toBe(4001)
    expect(s.frames.find((f) => f.type === 'session.ended')).toEqual({ type: 'session.ended', reason: 'expired' })
  })
})

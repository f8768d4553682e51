import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { AgentClient, EventStreamClient, VisitorClient, startWithOwner, type TestServer } from '../testing/harness.ts'
import { runRecordingJobs } from '../domain/recordings/recordings.usecases.ts'

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
})
afterAll(() => srv.stop())

const CARD = '4111 1111 1111 1111'

/** A small but real-shaped rrweb stream: meta, a full snapshot with text, then a few mutations. */
function events(t0 = Date.now(), extra: unknown[] = []): unknown[] {
  return [
    { type: 4, timestamp: t0, data: { href: 'http://shop.test/demo', width: 1280, height: 800 } },
    {
      type: 2,
      timestamp: t0 + 5,
      data: { node: { type: 0, id: 1, childNodes: [{ type: 3, id: 2, textContent: 'Hello shop' }] }, initialOffset: { top: 0, left: 0 } },
    },
    { type: 3, timestamp: t0 + 100, data: { source: 1, positions: [{ x: 10, y: 20, id: 2, timeOffset: 0 }] } },
    ...extra,
  ]
}

const gz = (value: unknown) => new Uint8Array(gzipSync(typeof value === 'string' ? value : JSON.stringify(value)))

async function upload(v: VisitorClient | null, recording: string, seq: number | string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/api/widget/recordings/${recording}/chunks/${seq}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(v ? { authorization: `Bearer ${v.token}` } : {}), ...headers },
    body: body as BodyInit,
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}

const chunkRows = (recording: string) =>
  srv.db.sql<{ seq: number; data: Uint8Array; events: number; firstAt: Date; lastAt: Date }[]>`
    select seq, data, events, first_at, last_at from recording_chunks where recording_id = ${recording} order by seq`
const storedText = (rows: { data: Uint8Array }[]) => rows.map((r) => gunzipSync(r.data).toString('utf8')).join('\n')
const countAll = async () => (await srv.db.sql<{ n: number }[]>`select (select count(*) from recordings) + (select count(*) from recording_chunks) as n`)[0]!.n

describe('recording chunks from the widget', () => {
  it('stores a chunk compressed, with its sequence number and time range, keeping the browser\'s bytes when nothing needs masking', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 1000
    const body = gz(events(t0))
    const r = await upload(v, rec, 0, body)
    expect(r.status).toBe(201)
    expect(r.body).toEqual({ duplicate: false, bytes: body.byteLength })
    const [row] = await chunkRows(rec)
    expect(row!.seq).toBe(0)
    expect(row!.events).toBe(3)
    expect(row!.firstAt.getTime()).toBe(t0)
    expect(row!.lastAt.getTime()).toBe(t0 + 100)
    expect(Buffer.from(row!.data).equals(Buffer.from(body))).toBe(true)
    const [recording] = await srv.db.sql`select visitor_id, pages, chunks, bytes::int, finalized_at from recordings where id = ${rec}`
    expect(recording).toEqual({ visitorId: v.id, pages: 1, chunks: 1, bytes: body.byteLength, finalizedAt: null })
  })

  it('masks card numbers in every string of every event, keys, escaped digits and numbers included, before storing', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now()
    const sneaky = events(t0, [
      { type: 3, timestamp: t0 + 200, data: { source: 0, texts: [{ id: 2, value: `Card: ${CARD}` }], attributes: [{ id: 2, attributes: { title: '5555-5555-5555-4444', [CARD]: 'x' } }] } },
      { type: 3, timestamp: t0 + 300, data: { source: 5, text: '4111111111111111', isChecked: false, id: 9 } },
      { type: 5, timestamp: t0 + 400, data: { tag: 'x', payload: { n: 5555555555554444 } } },
    ])
    // A modified client could hide a card number from a naive check: escaped digits, and a
    // duplicate key whose first value a parser drops.
    const text = JSON.stringify(sneaky).replace('4111111111111111', '\\u0034111111111111111').replace('"isChecked":false', `"text":"${CARD}","isChecked":false`)
    const r = await upload(v, rec, 0, gz(text))
    expect(r.status).toBe(201)
    const stored = storedText(await chunkRows(rec))
    expect(stored).not.toMatch(/4111[ -]?1111[ -]?1111[ -]?1111/)
    expect(stored).not.toContain('\\u0034111')
    expect(stored).not.toContain('5555-5555-5555-4444')
    expect(stored).toContain('•••• •••• •••• 1111')
    expect(stored).toContain('••••-••••-••••-4444')
    expect(stored).toContain('Hello shop')
    // …and a card number sent as a JSON number.
    expect(stored).not.toContain('5555555555554444')
    expect(stored).toContain('"n":"••••••••••••4444"')
  })

  it('accepts the last chunk of a page as plain JSON (sent on page hide, with no time to compress) and stores it compressed', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const text = JSON.stringify(events(Date.now(), [{ type: 3, timestamp: Date.now() + 200, data: { source: 0, texts: [{ id: 2, value: CARD }] } }]))
    const r = await upload(v, rec, 0, new TextEncoder().encode(text))
    expect(r.status).toBe(201)
    const [row] = await chunkRows(rec)
    expect([row!.data[0], row!.data[1]]).toEqual([0x1f, 0x8b])
    expect(storedText([row!])).toContain('"value":"•••• •••• •••• 1111"')
  })

  it('stores a resent chunk once, and accepts chunks out of order, replaying them by sequence number', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 10_000
    const second = gz([{ type: 5, timestamp: t0 + 5000, data: { tag: 'parley.page', payload: { href: 'http://shop.test/demo/boots' } } }])
    expect((await upload(v, rec, 1, second)).status).toBe(201)
    expect((await upload(v, rec, 0, gz(events(t0)))).status).toBe(201)
    const again = await upload(v, rec, 1, second)
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    expect((await chunkRows(rec)).map((r) => r.seq)).toEqual([0, 1])
    const [recording] = await srv.db.sql`select chunks, pages, started_at, ended_at from recordings where id = ${rec}`
    expect(recording!.chunks).toBe(2)
    expect(recording!.pages).toBe(2)
    expect(recording!.startedAt.getTime()).toBe(t0)
    expect(recording!.endedAt.getTime()).toBe(t0 + 5000)
    const replay = await owner.request('GET', `/api/recordings/${rec}/events`)
    expect(replay.status).toBe(200)
    expect(replay.body.events.map((e: { timestamp: number }) => e.timestamp)).toEqual([t0, t0 + 5, t0 + 100, t0 + 5000])
    expect(replay.body.lastSeq).toBe(1)
  })

  it('stores copies of one chunk sent at once a single time, counting it once; a finished recording answers a resend but refuses new chunks; a full one refuses more', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 10_000
    const body = gz(events(t0))
    const answers = await Promise.all(Array.from({ length: 6 }, () => upload(v, rec, 0, body)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201])
    const stored = answers.find((a) => a.status === 201)!.body.bytes
    expect(answers.every((a) => a.body.bytes === stored)).toBe(true)
    const totals = async () => (await srv.db.sql`select chunks, events, pages, bytes::int, finalized_at from recordings where id = ${rec}`)[0]!
    expect(await totals()).toMatchObject({ chunks: 1, events: 3, pages: 1, bytes: stored })

    await srv.db.sql`update recordings set finalized_at = now() where id = ${rec}`
    const resent = await upload(v, rec, 0, body)
    expect(resent).toMatchObject({ status: 200, body: { duplicate: true, bytes: stored } })
    expect((await upload(v, rec, 1, gz(events(t0 + 1000)))).body.error.code).toBe('recording.finalized')

    const full = Bun.randomUUIDv7()
    expect((await upload(v, full, 0, body)).status).toBe(201)
    await srv.db.sql`update recordings set bytes = ${32 * 1024 * 1024 - 10} where id = ${full}`
    const over = await upload(v, full, 1, gz(events(t0 + 1000)))
    expect(over.status).toBe(413)
    expect(over.body.error.code).toBe('recording.full')
    expect((await chunkRows(full)).map((r) => r.seq)).toEqual([0])
    expect((await chunkRows(rec)).map((r) => r.seq)).toEqual([0])

    // Sent at the same moment (appended together), each chunk still gets its own answer.
    const other = await VisitorClient.create(srv.url)
    const fresh = Bun.randomUUIDv7()
    expect((await upload(v, fresh, 0, body)).status).toBe(201)
    const together = await Promise.all([
      upload(v, fresh, 2, gz(events(t0 + 4000))),
      upload(other, fresh, 1, gz(events(t0 + 1000))),
      upload(v, rec, 2, gz(events(t0 + 2000))),
      upload(v, full, 2, gz(events(t0 + 2000))),
      upload(v, fresh, 1, gz(events(t0 + 3000))),
    ])
    expect(together.map((a) => a.status)).toEqual([201, 404, 409, 413, 201])
    expect((await chunkRows(fresh)).map((r) => r.seq)).toEqual([0, 1, 2])
  })

  it('gives the live view only what follows the last chunk it has, and waits at a gap for a late chunk, for a while', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 5000
    await upload(v, rec, 0, gz(events(t0)))
    await upload(v, rec, 2, gz([{ type: 3, timestamp: t0 + 3000, data: { source: 3, id: 1, x: 0, y: 400 } }]))
    const first = await owner.request('GET', `/api/recordings/${rec}/events?afterSeq=-1`)
    expect(first.body.lastSeq).toBe(0)
    expect(first.body.events).toHaveLength(3)
    await upload(v, rec, 1, gz([{ type: 3, timestamp: t0 + 2000, data: { source: 3, id: 1, x: 0, y: 200 } }]))
    const next = await owner.request('GET', `/api/recordings/${rec}/events?afterSeq=0`)
    expect(next.body.lastSeq).toBe(2)
    expect(next.body.events.map((e: { data: { y: number } }) => e.data.y)).toEqual([200, 400])
    // A chunk that never comes (refused, lost) holds the live view up for a while only.
    await upload(v, rec, 4, gz([{ type: 3, timestamp: t0 + 4000, data: { source: 3, id: 1, x: 0, y: 800 } }]))
    expect((await owner.request('GET', `/api/recordings/${rec}/events?afterSeq=2`)).body.lastSeq).toBe(2)
    await srv.db.sql`update recording_chunks set created_at = now() - interval '1 minute' where recording_id = ${rec} and seq = 4`
    const after = await owner.request('GET', `/api/recordings/${rec}/events?afterSeq=2`)
    expect(after.body.lastSeq).toBe(4)
    expect(after.body.events.map((e: { data: { y: number } }) => e.data.y)).toEqual([800])
  })

  it('pushes each stored chunk to the live view as it arrives (a resent one only once), and ends the stream when the agent signs out', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 5000
    expect((await upload(v, rec, 0, gz(events(t0)))).status).toBe(201)
    const agent = new AgentClient(srv.url)
    expect((await agent.login('owner@example.com', 'owner-password')).status).toBe(200)
    const stream = await EventStreamClient.open(`${srv.url}/api/recordings/${rec}/live`, { cookie: agent.cookie })
    await stream.waitFor('ready')
    expect((await upload(v, rec, 1, gz([{ type: 3, timestamp: t0 + 2000, data: { source: 3, id: 1, x: 0, y: 200 } }]))).status).toBe(201)
    expect((await stream.waitFor('chunk')).data).toBe('1')
    // A resent chunk changes nothing, so nothing is pushed; the next new one is.
    expect((await upload(v, rec, 1, gz([{ type: 3, timestamp: t0 + 2000, data: { source: 3, id: 1, x: 0, y: 200 } }]))).status).toBe(200)
    expect((await upload(v, rec, 2, gz([{ type: 3, timestamp: t0 + 3000, data: { source: 3, id: 1, x: 0, y: 300 } }]))).status).toBe(201)
    await stream.waitFor('chunk', 10_000, stream.events.findIndex((e) => e.data === '1') + 1)
    expect(stream.events.filter((e) => e.event === 'chunk').map((e) => e.data)).toEqual(['1', '2'])
    // Signing out ends the session's streams as it ends its sockets.
    expect((await agent.request('POST', '/api/auth/logout')).status).toBeLessThan(300)
    await stream.waitClosed()
    expect((await fetch(`${srv.url}/api/recordings/${rec}/live`, { headers: { cookie: agent.cookie } })).status).toBe(401)
  })
})

describe('chunks that are refused, with nothing stored', () => {
  it('refuses a chunk without a visitor token, or with an unknown one', async () => {
    const before = await countAll()
    expect((await upload(null, Bun.randomUUIDv7(), 0, gz(events()))).status).toBe(401)
    const stranger = new VisitorClient(srv.url)
    stranger.token = 'not-a-token'
    expect((await upload(stranger, Bun.randomUUIDv7(), 0, gz(events()))).status).toBe(401)
    expect(await countAll()).toBe(before)
  })

  it("refuses a chunk for another visitor's recording", async () => {
    const alice = await VisitorClient.create(srv.url)
    const mallory = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    expect((await upload(alice, rec, 0, gz(events()))).status).toBe(201)
    const before = await countAll()
    const r = await upload(mallory, rec, 1, gz(events()))
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('recording.not_found')
    expect(await countAll()).toBe(before)
    expect((await chunkRows(rec)).map((c) => c.seq)).toEqual([0])
  })

  it('refuses oversized chunks: a large body, and a small one that inflates past the limit', async () => {
    const v = await VisitorClient.create(srv.url)
    const before = await countAll()
    const big = new Uint8Array(300 * 1024).map(() => Math.floor(Math.random() * 256))
    const r1 = await upload(v, Bun.randomUUIDv7(), 0, big)
    expect(r1.status).toBe(413)
    expect(r1.body.error.code).toBe('recording.too_large')
    const bomb = events(Date.now(), [{ type: 5, timestamp: Date.now() + 1, data: { tag: 'x', payload: 'a'.repeat(5 * 1024 * 1024) } }])
    const packed = gz(bomb)
    expect(packed.byteLength).toBeLessThan(64 * 1024)
    const r2 = await upload(v, Bun.randomUUIDv7(), 0, packed)
    expect(r2.status).toBe(413)
    // A body sent without a length (chunked) is counted as it arrives: a large one is refused, a
    // small one stored.
    const streamed = (bytes: Uint8Array) =>
      fetch(`${srv.url}/api/widget/recordings/${Bun.randomUUIDv7()}/chunks/0`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${v.token}` },
        body: new ReadableStream({
          start(c) {
            for (let at = 0; at < bytes.byteLength; at += 16 * 1024) c.enqueue(bytes.slice(at, at + 16 * 1024))
            c.close()
          },
        }),
      })
    const r3 = await streamed(big)
    expect(r3.status).toBe(413)
    expect(await countAll()).toBe(before)
    expect((await streamed(gz(events()))).status).toBe(201)
  })

  it('refuses malformed chunks, each with a 400 that says what is wrong', async () => {
    const v = await VisitorClient.create(srv.url)
    const before = await countAll()
    const now = Date.now()
    const cases: [string, Uint8Array][] = [
      ['broken gzip', gz(events()).slice(0, 40)],
      ['binary', new Uint8Array([1, 2, 3, 250, 251, 252])],
      ['not JSON', gz('{events')],
      ['not an array', gz({ events: events() })],
      ['empty', gz([])],
      ['no type', gz([{ timestamp: now, data: {} }])],
      ['unknown type', gz([{ type: 42, timestamp: now, data: {} }])],
      ['no data', gz([{ type: 3, timestamp: now }])],
      ['unknown field', gz([{ type: 3, timestamp: now, data: {}, script: 'x' }])],
      ['out of order', gz([{ type: 3, timestamp: now, data: {} }, { type: 3, timestamp: now - 10, data: {} }])],
      ['from last week', gz([{ type: 3, timestamp: now - 7 * 86_400_000, data: {} }])],
      ['from the future', gz([{ type: 3, timestamp: now + 3_600_000, data: {} }])],
    ]
    for (const [what, body] of cases) {
      const r = await upload(v, Bun.randomUUIDv7(), 0, body)
      expect({ what, status: r.status, code: r.body?.error?.code }).toEqual({ what, status: 400, code: 'recording.malformed' })
    }
    for (const seq of ['-1', 'x', '99999999']) expect((await upload(v, Bun.randomUUIDv7(), seq, gz(events()))).status).toBe(400)
    expect((await upload(v, 'not-a-uuid', 0, gz(events()))).status).toBe(404)
    expect(await countAll()).toBe(before)
  })

  it("refuses every chunk while the owner's switch is off", async () => {
    const v = await VisitorClient.create(srv.url)
    expect((await owner.request('PUT', '/api/settings/recordings', { enabled: false })).status).toBe(200)
    try {
      const before = await countAll()
      const r = await upload(v, Bun.randomUUIDv7(), 0, gz(events()))
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('recording.disabled')
      expect(await countAll()).toBe(before)
      const config = await v.request('GET', '/api/widget/config')
      expect(config.body.recording.enabled).toBe(false)
    } finally {
      await owner.request('PUT', '/api/settings/recordings', { enabled: true })
    }
  })

  it('answers "retry later" when PostgreSQL says its disk is full, and stores nothing', async () => {
    const v = await VisitorClient.create(srv.url)
    const { sql } = srv.db
    await sql`create function parley_test_disk_full() returns trigger language plpgsql as $$
              begin raise exception 'could not extend file' using errcode = 'disk_full'; end $$`
    await sql`create trigger parley_test_disk_full before insert on recording_chunks for each row execute function parley_test_disk_full()`
    try {
      const before = await countAll()
      const r = await upload(v, Bun.randomUUIDv7(), 0, gz(events()))
      expect(r.status).toBe(503)
      expect(r.body.error.code).toBe('recording.retry_later')
      expect(await countAll()).toBe(before)
    } finally {
      await sql`drop trigger parley_test_disk_full on recording_chunks`
      await sql`drop function parley_test_disk_full()`
    }
  })
})

describe('finalising, listing and keeping recordings', () => {
  it("moves an anonymous visitor's recordings to the user they sign in as, and the recording being made goes on", async () => {
    const { createHmac } = await import('node:crypto')
    const { secret } = (await owner.request('GET', '/api/settings/identity')).body
    const sign = (id: string) => createHmac('sha256', secret).update(id).digest('hex')
    // the user's first device, then an anonymous one that records before signing in
    const laptop = await VisitorClient.create(srv.url)
    expect((await laptop.request('POST', '/api/widget/identify', { id: 'rec-user-1', hash: sign('rec-user-1') })).status).toBe(200)
    const phone = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 5000
    expect((await upload(phone, rec, 0, gz(events(t0)))).status).toBe(201)
    const signedIn = await phone.request('POST', '/api/widget/identify', { id: 'rec-user-1', hash: sign('rec-user-1') })
    expect(signedIn.body.visitor.id).toBe(laptop.id)
    // the next chunk of the same recording, under the token that now names the user
    expect((await upload(phone, rec, 1, gz([{ type: 3, timestamp: t0 + 2000, data: { source: 3, id: 1, x: 0, y: 20 } }]))).status).toBe(201)
    const list = await owner.request('GET', `/api/visitors/${laptop.id}/recordings`)
    expect(list.body.map((r: { id: string; chunks?: number }) => r.id)).toEqual([rec])
    expect((await chunkRows(rec)).map((c) => c.seq)).toEqual([0, 1])
  })

  it('saves a recording once its visitor has been gone for the set time, and lists it with start, duration, pages and size', async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    const t0 = Date.now() - 60_000
    await upload(v, rec, 0, gz(events(t0, [{ type: 3, timestamp: t0 + 45_000, data: { source: 3, id: 1, x: 0, y: 10 } }])))
    await runRecordingJobs({ sql: srv.db.sql })
    let list = await owner.request('GET', `/api/visitors/${v.id}/recordings`)
    expect(list.body.map((r: { status: string }) => r.status)).toEqual(['live'])
    // Gone for longer than the setting (2 minutes), and no socket open.
    await srv.db.sql`update recordings set last_chunk_at = now() - interval '3 minutes' where id = ${rec}`
    const connections = async () =>
      (await srv.db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections where visitor_id = ${v.id}`)[0]!.n
    const socket = await v.socket()
    while ((await connections()) === 0) await Bun.sleep(20)
    // This process is alive (its heartbeat may lag on a machine this busy; that is not the point here).
    await srv.db.sql`update server_nodes set heartbeat_at = now()`
    await runRecordingJobs({ sql: srv.db.sql })
    list = await owner.request('GET', `/api/visitors/${v.id}/recordings`)
    expect(list.body[0].status).toBe('live')
    socket.close()
    while ((await connections()) > 0) await Bun.sleep(20)
    await runRecordingJobs({ sql: srv.db.sql })
    list = await owner.request('GET', `/api/visitors/${v.id}/recordings`)
    expect(list.status).toBe(200)
    const [r] = list.body
    expect(r).toMatchObject({ id: rec, status: 'saved', pages: 1, chunks: 1, durationMs: 45_000, startedAt: new Date(t0).toISOString() })
    expect(r.bytes).toBeGreaterThan(0)
    const late = await upload(v, rec, 1, gz(events()))
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('recording.finalized')
  })

  it('deletes recordings older than the retention period, and a visitor\'s recordings with the visitor', async () => {
    const v = await VisitorClient.create(srv.url)
    const [old, fresh] = [Bun.randomUUIDv7(), Bun.randomUUIDv7()]
    await upload(v, old, 0, gz(events()))
    await upload(v, fresh, 0, gz(events()))
    await srv.db.sql`update recordings set started_at = now() - interval '11 days' where id = ${old}`
    const result = await runRecordingJobs({ sql: srv.db.sql })
    expect(result.deleted).toBe(1)
    expect((await srv.db.sql`select id from recordings where visitor_id = ${v.id}`).map((r) => r.id)).toEqual([fresh])
    expect(await chunkRows(old)).toHaveLength(0)
    await srv.db.sql`delete from visitors where id = ${v.id}`
    expect(await srv.db.sql`select id from recordings where id = ${fresh}`).toHaveLength(0)
    expect(await chunkRows(fresh)).toHaveLength(0)
  })

  it('lets only the owner change the settings, refuses bad values, and shows the storage used', async () => {
    const r = await owner.request('GET', '/api/settings/recordings')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ enabled: true, requireConsent: false, recordInputs: false, finalizeAfterMinutes: 2, retentionDays: 10 })
    expect(r.body.usage.bytes).toBeGreaterThan(0)
    expect(r.body.usage.recordings).toBeGreaterThan(0)
    expect((await owner.request('PUT', '/api/settings/recordings', { retentionDays: 0 })).status).toBe(400)
    expect((await owner.request('PUT', '/api/settings/recordings', { enabled: 'yes' })).status).toBe(400)
    await owner.request('POST', '/api/agents', { email: 'ann@example.com', name: 'Ann', password: 'agent-password', role: 'full' })
    const ann = new AgentClient(srv.url)
    await ann.login('ann@example.com', 'agent-password')
    const refused = await ann.request('PUT', '/api/settings/recordings', { retentionDays: 30 })
    expect(refused.status).toBe(403)
    expect((await owner.request('GET', '/api/settings/recordings')).body.retentionDays).toBe(10)
    const changed = await owner.request('PUT', '/api/settings/recordings', { retentionDays: 30, requireConsent: true })
    expect(changed.body).toMatchObject({ retentionDays: 30, requireConsent: true })
    await owner.request('PUT', '/api/settings/recordings', { retentionDays: 10, requireConsent: false })
  })

  it('shows recordings and their events only to signed-in agents', async () => {
    expect((await fetch(`${srv.url}/api/recordings/${Bun.randomUUIDv7()}/live`)).status).toBe(401)
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    await upload(v, rec, 0, gz(events()))
    const anonymous = new AgentClient(srv.url)
    expect((await anonymous.request('GET', `/api/recordings/${rec}/events`)).status).toBe(401)
    expect((await anonymous.request('GET', `/api/visitors/${v.id}/recordings`)).status).toBe(401)
    expect((await v.request('GET', `/api/recordings/${rec}/events`)).status).toBe(401)
  })

  it("gives the replay the conversation's messages sent during the recording", async () => {
    const v = await VisitorClient.create(srv.url)
    const rec = Bun.randomUUIDv7()
    await upload(v, rec, 0, gz(events(Date.now() - 2000)))
    const sent = await v.request('POST', '/api/widget/messages', { body: `My card is ${CARD}`, clientId: Bun.randomUUIDv7() })
    expect(sent.status).toBe(201)
    const r = await owner.request('GET', `/api/recordings/${rec}/messages`)
    expect(r.status).toBe(200)
    expect(r.body).toHaveLength(1)
    expect(r.body[0]).toMatchObject({ authorType: 'visitor', body: 'My card is •••• •••• •••• 1111' })
  })
})

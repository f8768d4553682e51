// Issue #18: no more than two password verifications' memory at once. The gate's own counters
// (not timing) show how many ran at once; the sign-ins prove every request still gets its answer.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../../db/testing.ts'
import { AgentClient, startTestServer, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { DEFAULT_HASHING, PASSWORD_CONCURRENCY, PASSWORD_QUEUE_LIMIT, passwordGate, PasswordGateFullError, Semaphore } from './password-gate.ts'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('the semaphore', () => {
  it('runs at most its limit at once and starts the waiting ones first come, first served', async () => {
    const gate = new Semaphore(2, 10)
    const started: number[] = []
    const holds = Array.from({ length: 6 }, deferred)
    const done = holds.map((h, i) =>
      gate.run(async () => {
        started.push(i)
        await h.promise
        return i * 10
      }),
    )
    await Bun.sleep(0)
    expect(started).toEqual([0, 1])
    expect([gate.running, gate.waiting]).toEqual([2, 4])
    holds[1]!.resolve()
    await Bun.sleep(0)
    await Bun.sleep(0)
    expect(started).toEqual([0, 1, 2])
    for (const h of holds) h.resolve()
    expect(await Promise.all(done)).toEqual([0, 10, 20, 30, 40, 50])
    expect(started).toEqual([0, 1, 2, 3, 4, 5])
    expect([gate.running, gate.waiting, gate.peak]).toEqual([0, 0, 2])
  })

  it('refuses at once when the queue is full, and frees its slot when a task fails', async () => {
    const gate = new Semaphore(1, 1)
    const hold = deferred()
    const first = gate.run(() => hold.promise)
    const second = gate.run(async () => 'second')
    await expect(gate.run(async () => 'third')).rejects.toBeInstanceOf(PasswordGateFullError)
    hold.resolve()
    await first
    expect(await second).toBe('second')
    await expect(gate.run(async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await gate.run(async () => 'after')).toBe('after')
    expect(gate.running).toBe(0)
  })
})

describe('sign-ins through the gate', () => {
  let srv: TestServer
  let owner: AgentClient
  const agents = ['ann', 'bob', 'cyd', 'dee'].map((n) => `${n}@example.com`)

  beforeAll(async () => {
    // The production cost (other tests hash cheaply, see testConfig).
    ;({ srv, owner } = await startWithOwner({ passwordHashing: DEFAULT_HASHING }))
    for (const email of agents) {
      const r = await owner.request('POST', '/api/agents', { email, name: email.split('@')[0], password: `${email}-secret-pw`, role: 'full' })
      expect(r.status).toBe(201)
    }
  })
  afterAll(() => srv.stop())

  it('verifies 8 concurrent sign-ins at most 2 at a time, and each gets its own right answer', async () => {
    expect(PASSWORD_CONCURRENCY).toBe(2)
    passwordGate.resetPeak()
    // Each agent twice: once with the right password, once with a wrong one.
    const attempts = agents.flatMap((email) => [
      { email, password: `${email}-secret-pw`, expect: 200 },
      { email, password: `${email}-wrong-pw`, expect: 401 },
    ])
    const replies = await Promise.all(attempts.map((a) => new AgentClient(srv.url).login(a.email, a.password)))
    expect(replies.map((r) => r.status)).toEqual(attempts.map((a) => a.expect))
    expect(replies.filter((r) => r.status === 200).map((r) => r.body.agent.email)).toEqual(agents)
    expect(passwordGate.peak).toBeLessThanOrEqual(2)
    expect(passwordGate.peak).toBeGreaterThanOrEqual(1)
    expect([passwordGate.running, passwordGate.waiting]).toEqual([0, 0])
  })

  it('answers 503 with Retry-After when the queue is full, without counting it as a failed attempt', async () => {
    // Fill both slots and the whole queue with computations that wait for the test.
    const hold = deferred()
    const fillers = Array.from({ length: PASSWORD_CONCURRENCY + PASSWORD_QUEUE_LIMIT }, () => passwordGate.run(() => hold.promise))
    expect(passwordGate.full).toBe(true)
    try {
      // More refused attempts than the per-address allowance (5): none of them may count.
      for (let i = 0; i < 7; i++) {
        const r = await new AgentClient(srv.url).login('ann@example.com', 'ann@example.com-secret-pw')
        expect(r.status).toBe(503)
        expect(r.headers.get('retry-after')).toBe('1')
        expect(r.body.error.code).toBe('auth.busy')
      }
    } finally {
      hold.resolve()
      await Promise.all(fillers)
    }
    const r = await new AgentClient(srv.url).login('ann@example.com', 'ann@example.com-secret-pw')
    expect(r.status).toBe(200)
  })
})

describe('the configured cost', () => {
  let db: TestDb
  let srv: TestServer | undefined
  afterAll(async () => {
    await srv?.stop()
    await db?.drop()
  })

  it('hashes at the configured cost, and remakes an older hash at a new cost when its owner signs in', async () => {
    db = await createTestDb()
    srv = await startTestServer({ passwordHashing: { memoryKiB: 1024, timeCost: 1 } }, db)
    const owner = new AgentClient(srv.url)
    expect((await owner.setup('eve@example.com', 'eve-secret-password', 'Eve')).status).toBe(201)
    const hashOf = async () => (await db.sql<{ h: string }[]>`select password_hash as h from agents where email = 'eve@example.com'`)[0]!.h
    expect(await hashOf()).toStartWith('$argon2id$v=19$m=1024,t=1,p=1$')
    // The admin raises the cost (a restart with PASSWORD_HASH_MEMORY_MIB changed): the next
    // sign-in remakes the hash; a wrong password changes nothing.
    await srv.stop()
    srv = await startTestServer({ passwordHashing: DEFAULT_HASHING }, db)
    expect((await new AgentClient(srv.url).login('eve@example.com', 'not-her-password')).status).toBe(401)
    expect(await hashOf()).toStartWith('$argon2id$v=19$m=1024,t=1,p=1$')
    expect((await new AgentClient(srv.url).login('eve@example.com', 'eve-secret-password')).status).toBe(200)
    expect(await hashOf()).toStartWith(`$argon2id$v=19$m=${DEFAULT_HASHING.memoryKiB},t=${DEFAULT_HASHING.timeCost},p=1$`)
    expect((await new AgentClient(srv.url).login('eve@example.com', 'eve-secret-password')).status).toBe(200)
  })
})

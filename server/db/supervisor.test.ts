// The embedded PostgreSQL is watched: its postmaster killed mid-traffic comes back, clients are
// told "not stored, retry" meanwhile and never acked falsely; SIGTERM ends everything promptly.
import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync } from 'node:fs'
import { embeddedDataDir, isAlive, spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'

const { dataDir, env, pidFile, postmasterPid, remove } = embeddedDataDir('supervised')
const alive = isAlive
let current: ParleyProcess | null = null

afterAll(async () => {
  if (current) await current.kill('SIGTERM')
  await remove()
})

/** Sends SIGTERM and returns the exit code and how long the process took to exit. */
async function terminate(p: ParleyProcess): Promise<{ code: number; ms: number }> {
  const t0 = performance.now()
  p.proc.kill('SIGTERM')
  const code = await Promise.race([p.proc.exited, Bun.sleep(5_000).then(() => -1)])
  return { code, ms: Math.round(performance.now() - t0) }
}

describe('a supervised embedded PostgreSQL', () => {
  it('comes back after its postmaster is killed mid-traffic: 503 meanwhile, every acked message stored once, every other one told to retry', async () => {
    current = await spawnParley(env)
    const url = current.url
    const visitor = await VisitorClient.create(url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const first = cid()
    ws.send({ type: 'message.send', clientId: first, body: 'message 0' })
    const { conversationId } = await ws.waitFor('ack', (f) => f.clientId === first)

    // /healthz, watched throughout.
    const health: { at: number; status: number }[] = []
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const status = await fetch(`${url}/healthz`).then((r) => r.status, () => 0)
        health.push({ at: performance.now(), status })
        await Bun.sleep(25)
      }
    })()

    const sent: string[] = [first]
    const bodies = new Map([[first, 'message 0']])
    let killedAt = 0
    let httpDuringOutage: { status: number; code?: string } | null = null
    for (let i = 1; i <= 300; i++) {
      const clientId = cid()
      sent.push(clientId)
      bodies.set(clientId, `message ${i}`)
      ws.send({ type: 'message.send', clientId, conversationId, body: `message ${i}` })
      if (i === 60) {
        killedAt = performance.now()
        process.kill(postmasterPid(), 'SIGKILL')
      }
      if (i === 65) {
        const r = await visitor.request('POST', '/api/widget/messages', { clientId: cid(), conversationId, body: 'over HTTP' })
        httpDuringOutage = { status: r.status, code: r.body?.error?.code }
      }
      await Bun.sleep(10)
    }

    // Every frame is answered: an ack, or an error that names it.
    const answered = (id: string) =>
      ws.frames.some((f) => (f.type === 'ack' && f.clientId === id) || (f.type === 'error' && f.ref === id))
    for (let i = 0; i < 300 && !sent.every(answered); i++) await Bun.sleep(50)
    expect(sent.filter((id) => !answered(id))).toEqual([])
    const acked = new Set(ws.frames.flatMap((f) => (f.type === 'ack' ? [f.clientId] : [])))
    const refused = ws.frames.flatMap((f) => (f.type === 'error' ? [f] : []))
    expect(refused.length).toBeGreaterThan(0)
    for (const e of refused) expect(e.code).toBe('database.unavailable')

    // Health went 503 and came back to 200 within a few seconds.
    for (let i = 0; i < 200 && health.at(-1)?.status !== 200; i++) await Bun.sleep(50)
    watching = false
    await watcher
    const after = health.filter((h) => h.at > killedAt)
    const down = after.findIndex((h) => h.status === 503)
    expect(down).toBeGreaterThanOrEqual(0)
    const back = after.slice(down).find((h) => h.status === 200)
    expect(back).toBeDefined()
    console.log(`postmaster killed → /healthz 200 again after ${Math.round(back!.at - killedAt)} ms`)
    expect(back!.at - killedAt).toBeLessThan(10_000)
    expect(httpDuringOutage?.status).toBe(503)
    expect(httpDuringOutage?.code).toBe('database.unavailable')
    expect(current.log()).toContain('embedded PostgreSQL restarted')

    // The widget retries what was refused, with the same client ids: each is stored once.
    for (const id of sent.filter((x) => !acked.has(x))) {
      ws.send({ type: 'message.send', clientId: id, conversationId, body: bodies.get(id) })
      await ws.waitFor('ack', (f) => f.clientId === id, 10_000)
    }
    const agent = new AgentClient(url)
    expect((await agent.login('owner@example.com', 'owner-password')).status).toBe(200)
    const r = await agent.request('GET', `/api/conversations/${conversationId}/messages?limit=500`)
    expect(r.status).toBe(200)
    const stored = (r.body as { clientId: string; body: string }[]).filter((m) => bodies.has(m.clientId))
    const storedIds = stored.map((m) => m.clientId)
    expect(new Set(storedIds).size).toBe(storedIds.length)
    expect([...storedIds].sort()).toEqual([...sent].sort())
    for (const m of stored) expect(m.body).toBe(bodies.get(m.clientId)!)
    ws.close()
  }, 90_000)

  it('exits with 0 promptly on SIGTERM, and stops its PostgreSQL', async () => {
    const { code, ms } = await terminate(current!)
    current = null
    console.log(`SIGTERM → exit in ${ms} ms`)
    expect(code).toBe(0)
    expect(existsSync(pidFile)).toBe(false)
  }, 30_000)

  it('exits with 0 promptly on SIGTERM while its PostgreSQL is down', async () => {
    current = await spawnParley(env)
    const parley = current
    process.kill(postmasterPid(), 'SIGKILL')
    const { code, ms } = await terminate(current)
    current = null
    console.log(`SIGTERM with the postmaster dead → exit in ${ms} ms`)
    // The process's own log says why, should it not exit cleanly.
    expect({ code, log: code === 0 ? '' : parley.log() }).toEqual({ code: 0, log: '' })
  }, 30_000)
})

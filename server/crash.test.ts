// A Parley killed with SIGKILL mid-conversation loses no acknowledged message, and starts again
// cleanly although its embedded PostgreSQL was left running, or left a stale pid file.
import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { embeddedDataDir, isAlive, spawnParley, type ParleyProcess } from './testing/process.ts'
import { AgentClient, VisitorClient, cid } from './testing/harness.ts'

const { dataDir, env, pidFile, postmasterPid, remove } = embeddedDataDir('crash')
const alive = isAlive
let current: ParleyProcess | null = null

afterAll(async () => {
  if (current) await current.kill('SIGTERM')
  await remove()
})

async function messagesOf(url: string, conversationId: string) {
  const agent = new AgentClient(url)
  expect((await agent.login('owner@example.com', 'owner-password')).status).toBe(200)
  const r = await agent.request('GET', `/api/conversations/${conversationId}/messages?limit=500`)
  expect(r.status).toBe(200)
  return r.body as { seq: number; clientId: string; body: string }[]
}

describe('crash safety', () => {
  it('loses no acknowledged message when killed with SIGKILL mid-conversation', async () => {
    current = await spawnParley(env)
    const visitor = await VisitorClient.create(current.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const first = cid()
    ws.send({ type: 'message.send', clientId: first, body: 'message 0' })
    const { conversationId } = await ws.waitFor('ack', (f) => f.clientId === first)

    // A steady stream of frames; the process dies while some are in flight.
    const sent: string[] = [first]
    const bodies = new Map([[first, 'message 0']])
    for (let i = 1; i <= 200; i++) {
      const clientId = cid()
      sent.push(clientId)
      bodies.set(clientId, `message ${i}`)
      ws.send({ type: 'message.send', clientId, conversationId, body: `message ${i}` })
      if (i === 120) {
        await ws.waitFor('ack', (f) => f.clientId === sent[60])
        current.proc.kill('SIGKILL')
        break
      }
    }
    await current.proc.exited
    const acked = new Set(ws.frames.filter((f) => f.type === 'ack').map((f) => (f as { clientId: string }).clientId))
    expect(acked.size).toBeGreaterThan(60)

    // The embedded PostgreSQL outlived its parent.
    expect(existsSync(pidFile)).toBe(true)
    expect(alive(postmasterPid())).toBe(true)

    current = await spawnParley(env)
    expect(current.log()).toContain('still running; shutting it down')
    const stored = await messagesOf(current.url, conversationId)
    const storedIds = stored.map((m) => m.clientId)
    for (const id of acked) expect(storedIds).toContain(id)
    expect(new Set(storedIds).size).toBe(storedIds.length)
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1))

    // The widget resends everything it has no ack for, with the same client ids: stored once, in order.
    const sameVisitor = new VisitorClient(current.url)
    sameVisitor.token = visitor.token
    const again = await sameVisitor.socket()
    await again.waitFor('hello')
    const unacked = sent.filter((id) => !acked.has(id))
    for (const id of unacked) again.send({ type: 'message.send', clientId: id, conversationId, body: bodies.get(id) })
    for (const id of unacked) await again.waitFor('ack', (f) => f.clientId === id, 10_000)
    const after = await messagesOf(current.url, conversationId)
    expect(after.map((m) => m.clientId)).toEqual(sent)
    expect(after.map((m) => m.body)).toEqual(sent.map((id) => bodies.get(id)!))
    again.close()
    ws.close()
  }, 90_000)

  it('starts cleanly over a stale postmaster.pid whose pid now belongs to another program', async () => {
    const before = current!
    const conversations = await (async () => {
      const agent = new AgentClient(before.url)
      await agent.login('owner@example.com', 'owner-password')
      return (await agent.request('GET', '/api/conversations?view=unassigned')).body.items.length
    })()
    await before.kill('SIGKILL')
    const pg = postmasterPid()
    process.kill(pg, 'SIGKILL')
    for (let i = 0; i < 200 && alive(pg); i++) await Bun.sleep(25)
    expect(alive(pg)).toBe(false)
    // The pid file survives a crash; make its pid one that is alive but not PostgreSQL (ours).
    const lines = readFileSync(pidFile, 'utf8').split('\n')
    lines[0] = String(process.pid)
    writeFileSync(pidFile, lines.join('\n'))

    current = await spawnParley(env)
    expect(current.log()).toContain('removing stale postmaster.pid')
    const agent = new AgentClient(current.url)
    expect((await agent.login('owner@example.com', 'owner-password')).status).toBe(200)
    expect((await agent.request('GET', '/api/conversations?view=unassigned')).body.items.length).toBe(conversations)
  }, 60_000)

  it('stops its embedded PostgreSQL on SIGTERM and reuses the data on the next start', async () => {
    expect(await current!.kill('SIGTERM')).toBe(0)
    current = null
    for (let i = 0; i < 100 && existsSync(pidFile); i++) await Bun.sleep(50)
    expect(existsSync(pidFile)).toBe(false)
    current = await spawnParley(env)
    expect(current.log()).not.toContain('initialising embedded PostgreSQL')
    const r = await new AgentClient(current.url).login('owner@example.com', 'owner-password')
    expect(r.status).toBe(200)
  }, 60_000)
})

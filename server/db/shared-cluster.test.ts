// A second Parley pointed at the first one's embedded PostgreSQL (DATABASE_URL) keeps working
// across the first one's restarts: the port stays, and a cluster in use is never shut down.
import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { embeddedDataDir, isAlive, spawnParley, type ParleyProcess } from '../testing/process.ts'
import { AgentClient, VisitorClient, cid } from '../testing/harness.ts'

const { dataDir, env: envA, pidFile, postmasterPid, remove } = embeddedDataDir('shared')
const owner = { PARLEY_OWNER_EMAIL: envA.PARLEY_OWNER_EMAIL, PARLEY_OWNER_PASSWORD: envA.PARLEY_OWNER_PASSWORD }
const savedPort = () => Number(readFileSync(join(dataDir, 'postgres.port'), 'utf8').trim())
const alive = isAlive
let a: ParleyProcess | null = null
let b: ParleyProcess | null = null

afterAll(async () => {
  await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')])
  await remove()
})

/** A visitor's message over the widget socket: acked means stored. A server that has just heard
 *  its database again closes its sockets with 1012 ("catching up; reconnect"): like the widget,
 *  this reconnects and sends the same message again (its clientId makes the resend idempotent). */
async function chat(url: string, body: string): Promise<void> {
  const visitor = await VisitorClient.create(url)
  const clientId = cid()
  for (let attempt = 1; ; attempt++) {
    const ws = await visitor.socket()
    try {
      await ws.waitFor('hello')
      ws.send({ type: 'message.send', clientId, body })
      await ws.waitFor('ack', (f) => f.clientId === clientId, 10_000)
      ws.close()
      return
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('1012')) throw err
    }
  }
}

async function healthy(url: string, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if ((await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) === 200) return true
    await Bun.sleep(50)
  }
  return false
}

describe('an embedded cluster shared with a second process', () => {
  it('keeps its port and keeps running for the second process across the first one’s restart', async () => {
    a = await spawnParley(envA)
    const port = savedPort()
    const appPassword = readFileSync(join(dataDir, 'postgres.app-password'), 'utf8').trim()
    b = await spawnParley({ DATABASE_URL: `postgres://parley_app:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/parley`, ...owner })
    await chat(b.url, 'before the restart')

    const pid = postmasterPid()
    expect(await a.kill('SIGTERM')).toBe(0)
    expect(a.log()).toContain('leaving the embedded PostgreSQL running: other clients still use it')
    a = null
    expect(alive(pid)).toBe(true)
    await chat(b.url, 'while the first process is away')

    a = await spawnParley(envA)
    expect(a.log()).toContain('adopting it')
    expect(savedPort()).toBe(port)
    expect(postmasterPid()).toBe(pid)
    await chat(a.url, 'on the first process again')
    await chat(b.url, 'after the restart')
  }, 90_000)

  it('lets a one-off command use the running cluster without a warning, and leaves it running', async () => {
    const pid = postmasterPid()
    const check = Bun.spawnSync([process.execPath, join(import.meta.dir, '../cli.ts'), 'check'], { env: { ...process.env, ...envA, LOG_LEVEL: 'info' } })
    const err = check.stderr.toString()
    expect({ code: check.exitCode, err }).toEqual({ code: 0, err: expect.not.stringContaining('"level":"warn"') })
    expect(check.stdout.toString()).toContain('database:')
    expect(alive(pid)).toBe(true)
    await chat(a!.url, 'after the check')
  }, 60_000)

  it('restarts a killed postmaster on the same port, and the second process reconnects', async () => {
    const port = savedPort()
    process.kill(postmasterPid(), 'SIGKILL')
    for (let i = 0; i < 200 && !a!.log().includes('embedded PostgreSQL restarted'); i++) await Bun.sleep(50)
    expect(a!.log()).toContain('embedded PostgreSQL restarted')
    expect(await healthy(a!.url)).toBe(true)
    expect(await healthy(b!.url)).toBe(true)
    expect(savedPort()).toBe(port)
    await chat(b!.url, 'after the postmaster came back')

    // Each process's listening connection died with the postmaster: each notices, listens again
    // and asks its sockets to reconnect and catch up on what it could not hear.
    const relistened = (p: ParleyProcess) => p.log().includes('listening again after a silence')
    for (let i = 0; i < 300 && !(relistened(a!) && relistened(b!)); i++) await Bun.sleep(50)
    expect([relistened(a!), relistened(b!)]).toEqual([true, true])

    // The processes stay in step (LISTEN/NOTIFY): a visitor's message on B reaches a dashboard on A.
    const agent = new AgentClient(a!.url)
    expect((await agent.login('owner@example.com', 'owner-password')).status).toBe(200)
    const dash = await agent.socket()
    await dash.waitFor('hello')
    const visitor = await VisitorClient.create(b!.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    let relayed = false
    for (let i = 0; i < 10 && !relayed; i++) {
      const clientId = cid()
      ws.send({ type: 'message.send', clientId, body: `relayed after the restart ${i}` })
      const ack = await ws.waitFor('ack', (f) => f.clientId === clientId, 10_000)
      relayed = await dash.waitFor('message', (f) => f.message.id === ack.messageId, 1_000).then(() => true, () => false)
    }
    if (!relayed) console.log('A LOG\n' + a!.log().split('\n').filter((l) => !l.includes('"level":"debug"')).slice(-25).join('\n') + '\nB LOG\n' + b!.log().split('\n').slice(-25).join('\n'))
    expect(relayed).toBe(true)
    ws.close()
    dash.close()
  }, 60_000)

  it('stops the cluster when the owner stops last', async () => {
    expect(await b!.kill('SIGTERM')).toBe(0)
    b = null
    expect(await a!.kill('SIGTERM')).toBe(0)
    a = null
    expect(existsSync(pidFile)).toBe(false)
  }, 30_000)

  it('chooses another port, and says so, when the saved one is taken', async () => {
    const port = savedPort()
    const squatter = Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })
    try {
      a = await spawnParley(envA)
      expect(a.log()).toContain('saved port is taken')
      expect(savedPort()).not.toBe(port)
      await chat(a.url, 'on a new port')
    } finally {
      squatter.stop(true)
    }
  }, 60_000)
})

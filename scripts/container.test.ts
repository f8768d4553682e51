// The image an admin runs, built from the Dockerfile by scripts/container-build.ts (buildah, no
// daemon) and run with podman (runc; the host's network, so the container listens on a loopback
// port here): non-root, its data in the /data volume, healthy by its own HEALTHCHECK, and on
// SIGTERM it stops by itself before podman's 2 s grace runs out, keeping what it acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../server/db/embedded.ts'
import { AgentClient, VisitorClient, cid } from '../server/testing/harness.ts'
import { STORAGE, buildImage, pruneBuilds } from './container-build.ts'

const TAG = 'localhost/parley-test:latest'
/** The uid the Dockerfile gives the `parley` user. */
const UID = 10001
const OWNER = { email: 'owner@example.com', password: 'owner-password' }

let dataDir = ''
let port = 0
let container = ''

function podman(args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(['podman', ...STORAGE, '--runtime', 'runc', ...args], { stdout: 'pipe', stderr: 'pipe' })
  return { code: r.exitCode ?? -1, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() }
}

async function start(): Promise<string> {
  const r = podman([
    'run', '--detach', '--network', 'host',
    // runc may only lower these limits here (the sandbox forbids raising them).
    '--ulimit', 'nofile=8192:8192', '--ulimit', 'nproc=4096:4096',
    '--env', `PORT=${port}`, '--env', 'HOST=127.0.0.1',
    '--env', `PARLEY_OWNER_EMAIL=${OWNER.email}`, '--env', `PARLEY_OWNER_PASSWORD=${OWNER.password}`,
    '--volume', `${dataDir}:/data`,
    TAG,
  ])
  if (r.code !== 0) throw new Error(`podman run failed: ${r.err}`)
  const id = r.out.split('\n').pop()!
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.status, () => 0)) === 200) return id
    if (podman(['inspect', '--format', '{{.State.Running}}', id]).out !== 'true') break
    await Bun.sleep(100)
  }
  throw new Error(`the container did not become healthy: ${podman(['logs', id]).err}`)
}

beforeAll(async () => {
  buildImage(TAG)
  dataDir = mkdtempSync(join(tmpdir(), 'parley-container-'))
  // A bind mount keeps the host's ownership: the volume belongs to the image's user.
  chownSync(dataDir, UID, UID)
  port = await freePort()
  container = await start()
}, 1_800_000)

afterAll(() => {
  if (container) podman(['rm', '--force', '--time', '0', container])
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  // Each build leaves ~1.4 GB behind: left alone, a machine that runs the tests fills its disk.
  pruneBuilds()
}, 300_000)

describe('the container image', () => {
  it('is configured for one volume, SIGTERM and a health check, and runs as a non-root user', () => {
    const field = (path: string) => JSON.parse(podman(['image', 'inspect', '--format', `{{json ${path}}}`, TAG]).out)
    expect(field('.Config.User')).toBe('parley')
    expect(Object.keys(field('.Config.Volumes') ?? {})).toEqual(['/data'])
    expect(field('.Config.StopSignal')).toBe('SIGTERM')
    expect(field('.Config.Healthcheck.Test').join(' ')).toContain('/healthz')
    expect(podman(['exec', container, 'id', '-u']).out).toBe(String(UID))
    // Parley and its PostgreSQL, both as that user.
    const users = podman(['top', container, 'user', 'comm']).out.split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    expect(users.some(([, comm]) => comm === 'postgres')).toBe(true)
    for (const [user] of users) expect(user).toBe('parley')
    // Reported with every run (README, "Docker"): the runtime stage only, the binary and PostgreSQL on Debian slim.
    const bytes = Number(field('.Size'))
    expect(bytes).toBeGreaterThan(0)
    console.log(`image ${TAG}: ${(bytes / 1e6).toFixed(0)} MB`)
  })

  it('answers its own HEALTHCHECK with bash alone', () => {
    // podman runs the image's own check inside the container (exit 0: healthy, 1: unhealthy).
    const r = podman(['healthcheck', 'run', container])
    expect(r.out).not.toContain('unhealthy')
    expect(r.code).toBe(0)
  })

  it('stops by itself on SIGTERM within 2 s and keeps every acknowledged message across a restart', async () => {
    const visitor = await VisitorClient.create(`http://127.0.0.1:${port}`)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: 'Sent just before the container stops' })
    const ack = await ws.waitFor('ack', (f) => f.clientId === clientId, 10_000)

    // podman sends SIGTERM and SIGKILL after 2 s: exit code 0 means Parley finished first.
    const stop = podman(['stop', '--time', '2', container])
    expect(stop.code).toBe(0)
    expect(podman(['inspect', '--format', '{{.State.ExitCode}}', container]).out).toBe('0')
    const logs = podman(['logs', container])
    expect(logs.out + logs.err).toContain('shutting down')
    // PostgreSQL was shut down, not left running or killed.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false)
    await ws.waitClosed(5_000)

    podman(['rm', container])
    container = await start()
    const owner = new AgentClient(`http://127.0.0.1:${port}`)
    expect((await owner.login(OWNER.email, OWNER.password)).status).toBe(200)
    const thread = await owner.request('GET', `/api/conversations/${ack.conversationId}/messages`)
    expect(thread.status).toBe(200)
    expect((thread.body as { id: string; body: string }[]).map((m) => [m.id, m.body])).toContainEqual([ack.messageId, 'Sent just before the container stops'])
  }, 60_000)
})

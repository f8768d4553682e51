// The compiled binary (npm run build:binary), as an admin runs it: started from the release folder
// in an empty folder it initialises its PostgreSQL and serves the whole product from what it
// embeds; `parley backup` then `parley restore` into a fresh DATA_DIR brings back the same
// conversation, attachment and recording bytes; a newer binary (one more migration) migrates
// older data forward on start, and the older binary then refuses the newer data.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import postgres from 'postgres'
import { buildBinary, RELEASE_DIR } from './build-binary.ts'
import { freePort, startEmbeddedPostgres } from '../server/db/embedded.ts'
import { createLogger } from '../server/shared/logger.ts'
import { AgentClient, TestSocket, VisitorClient, cid } from '../server/testing/harness.ts'

const ROOT = join(import.meta.dir, '..')
/** The sources' migration level, and the one the next version (a binary with one more migration) reaches. */
const LEVEL = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).length
const NEXT = LEVEL + 1
const work = mkdtempSync(join(tmpdir(), 'parley-binary-'))
const released = join(RELEASE_DIR, 'parley')
const newer = join(work, 'next', 'parley')
const PG_BIN_DIR = join(RELEASE_DIR, 'postgres', 'bin')
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const running: Bun.Subprocess[] = []

/** The folders the binary runs in: X from the start, Y a fresh one for the restore. */
const X = join(work, 'x')
const Y = join(work, 'y')

beforeAll(async () => {
  const t0 = performance.now()
  // Built once for the file: the release as `npm run build:binary` makes it, and a "next version"
  // with one more migration (the UI as built, no release folder).
  // The UI as `bun scripts/build-ui.ts` left it (the test runner builds it first, as for browser tests).
  if (!existsSync(join(ROOT, 'dist/ui/manifest.json'))) throw new Error('no UI build: run bun scripts/build-ui.ts first')
  await buildBinary({ ui: false })
  const migrations = join(work, 'next-src', 'migrations')
  cpSync(join(ROOT, 'migrations'), migrations, { recursive: true })
  const next = String(NEXT).padStart(5, '0')
  writeFileSync(join(migrations, `${next}_upgrade_probe.sql`), "alter table conversations add column upgrade_probe text not null default 'migrated';\n")
  await buildBinary({ out: newer, migrations, ui: false, release: false })
  mkdirSync(X)
  mkdirSync(Y)
  console.log(`built both binaries in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}, 180_000)

afterAll(async () => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGTERM')
  await Promise.all(running.map((p) => p.exited))
  for (const dir of [X, Y]) {
    const pid = join(dir, 'data', 'postgres', 'postmaster.pid')
    if (existsSync(pid)) process.kill(Number(readFileSync(pid, 'utf8').split('\n')[0]), 'SIGINT')
  }
  for (let i = 0; i < 100 && [X, Y].some((d) => existsSync(join(d, 'data', 'postgres', 'postmaster.pid'))); i++) await Bun.sleep(50)
  rmSync(work, { recursive: true, force: true })
})

/** Only what an admin would set: no test database, no inherited DATABASE_URL or secret key. */
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, LOG_LEVEL: 'info', ...extra })

interface Served {
  url: string
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  log(): string
  stop(): Promise<void>
}

/** `parley start` in `cwd` (DATA_DIR is ./data there), up to its first 200 from /healthz. */
async function start(binary: string, cwd: string, extra: Record<string, string> = {}): Promise<Served> {
  const port = await freePort()
  const proc = Bun.spawn([binary, 'start'], { cwd, env: env({ HOST: '127.0.0.1', PORT: String(port), TRUST_PROXY: '127.0.0.1', ...extra }), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  running.push(proc)
  let log = ''
  ;(async () => {
    for await (const chunk of proc.stderr) log += new TextDecoder().decode(chunk)
  })()
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`parley exited with ${proc.exitCode}: ${log}`)
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false)
    if (ok) break
    if (i > 1200) throw new Error(`no 200 from /healthz: ${log}`)
    await Bun.sleep(50)
  }
  return {
    url,
    proc,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM')
      await proc.exited
    },
  }
}

/** A one-shot subcommand (backup, restore, check) in `cwd`. */
async function cli(binary: string, cwd: string, args: string[], extra: Record<string, string> = {}) {
  const proc = Bun.spawn([binary, ...args], { cwd, env: env(extra), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

/** A query on the binary's database in `dir`, reached the way DATA_DIR describes it (port and password files). */
async function query<T>(dir: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const data = join(dir, 'data')
  const port = readFileSync(join(data, 'postgres.port'), 'utf8').trim()
  const password = encodeURIComponent(readFileSync(join(data, 'postgres.app-password'), 'utf8').trim())
  const sql = postgres(`postgres://parley_app:${password}@127.0.0.1:${port}/parley`, { max: 1, onnotice: () => {} })
  try {
    return await run(sql)
  } finally {
    await sql.end()
  }
}

/**
 * Each table's rows as text, hashed: equal on both sides means the same rows, byte for byte. From
 * the cluster in `dir`/data, started for the query when no Parley runs on it.
 */
async function fingerprint(dir: string, tables: string[]): Promise<Record<string, string>> {
  const idle = !existsSync(join(dir, 'data', 'postgres', 'postmaster.pid'))
  const pg = idle ? await startEmbeddedPostgres({ dataDir: join(dir, 'data'), log: createLogger('silent') }) : null
  try {
    return await query(dir, async (sql) => {
      const out: Record<string, string> = {}
      for (const t of tables) {
        // Without the column the next version's migration adds: the rows as the backup had them.
        const [row] = await sql<{ h: string }[]>`
          select md5(coalesce(string_agg(r::text, E'\n' order by r::text), '')) as h
          from (select to_jsonb(x) - 'upgrade_probe' as r from ${sql(t)} x) y`
        out[t] = row!.h
      }
      return out
    })
  } finally {
    await pg?.stop()
  }
}

const TABLES = ['agents', 'visitors', 'conversations', 'messages', 'attachments', 'recordings', 'recording_chunks']

const pdf = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 37 + 11) % 256)
const rrweb = (t0: number) => [
  { type: 4, timestamp: t0, data: { href: 'http://shop.test/', width: 1280, height: 800 } },
  { type: 2, timestamp: t0 + 5, data: { node: { type: 0, id: 1, childNodes: [{ type: 3, id: 2, textContent: 'Hello shop' }] }, initialOffset: { top: 0, left: 0 } } },
]
const chunk = new Uint8Array(gzipSync(JSON.stringify(rrweb(Date.now() - 60_000))))
const made = { conversationId: '', visitorId: '', fileId: '', recordingId: Bun.randomUUIDv7(), texts: [] as string[], fingerprint: {} as Record<string, string> }
const backupFile = join(work, 'parley-backup.gz')

describe('the binary from the release folder, started in an empty folder', () => {
  let x: Served
  let owner: AgentClient
  beforeAll(async () => {
    const t0 = performance.now()
    x = await start(released, X)
    console.log(`first start (initdb) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    owner = new AgentClient(x.url)
    expect((await owner.setup(OWNER.email, OWNER.password)).status).toBe(201)
  }, 120_000)
  afterAll(() => x?.stop())

  it('initialises its PostgreSQL in ./data from postgres/ beside it and serves the dashboard with a hashed bundle, gzipped', async () => {
    expect(existsSync(join(X, 'data', 'postgres', 'PG_VERSION'))).toBe(true)
    const page = await (await fetch(`${x.url}/`)).text()
    const src = /src="\/assets\/(dashboard\.[0-9a-f]{16}\.js)"/.exec(page)?.[1]
    expect(src).toBeDefined()
    const res = await fetch(`${x.url}/assets/${src}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(ROOT, 'dist/ui', src!)))).toBe(true)
  })

  it('serves the widget loader, the API docs page with its viewer, and locates visitors with the GeoIP database it carries', async () => {
    const loader = await fetch(`${x.url}/assets/loader.js`)
    expect(loader.status).toBe(200)
    expect(await loader.text()).toBe(readFileSync(join(ROOT, 'dist/ui/loader.js'), 'utf8'))
    const docs = await (await fetch(`${x.url}/api/docs`)).text()
    expect(docs).toContain('/api/docs/assets/swagger-ui-bundle.js')
    const viewer = await fetch(`${x.url}/api/docs/assets/swagger-ui-bundle.js`)
    expect(viewer.status).toBe(200)
    expect((await viewer.arrayBuffer()).byteLength).toBe(readFileSync(join(ROOT, 'node_modules/swagger-ui-dist/swagger-ui-bundle.js')).byteLength)
    expect((await (await fetch(`${x.url}/api/docs/json`)).json()).openapi).toMatch(/^3\./)
    const v = await VisitorClient.create(x.url)
    const ws = await TestSocket.open(`${x.url.replace('http', 'ws')}/ws/visitor?token=${v.token}`, { 'x-forwarded-for': '81.2.69.160' })
    await ws.waitFor('hello')
    let location: unknown = null
    for (let i = 0; i < 100 && !location; i++) {
      location = (await owner.request('GET', `/api/visitors/${v.id}`)).body.location
      if (!location) await Bun.sleep(50)
    }
    expect(location).toMatchObject({ countryCode: 'GB', city: 'Bracknell' })
    ws.close()
  }, 120_000)

  it('writes a backup with `parley backup` while it runs: a conversation with messages, a file and a recording chunk', async () => {
    const visitor = await VisitorClient.create(x.url)
    made.visitorId = visitor.id
    for (const text of ['Hello, is anyone there?', 'I need the price list']) {
      const r = await visitor.request('POST', '/api/widget/messages', { body: text, clientId: cid() })
      expect(r.status).toBe(201)
      made.conversationId = r.body.conversation.id
      made.texts.push(text)
    }
    const up = await fetch(`${x.url}/api/conversations/${made.conversationId}/uploads`, {
      method: 'POST',
      headers: { origin: x.url, cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/pdf', 'x-filename': 'prices.pdf' },
      body: pdf,
    })
    expect(up.status).toBe(201)
    made.fileId = ((await up.json()) as { id: string }).id
    const reply = await owner.request('POST', `/api/conversations/${made.conversationId}/messages`, { body: 'Here it is', clientId: cid(), attachmentIds: [made.fileId] })
    expect(reply.status).toBe(201)
    made.texts.push('Here it is')
    const rec = await fetch(`${x.url}/api/widget/recordings/${made.recordingId}/chunks/0`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${visitor.token}` },
      body: chunk,
    })
    expect(rec.status).toBe(201)

    const before = await fingerprint(X, TABLES)
    const r = await cli(released, X, ['backup', backupFile])
    expect(r.stderr).not.toContain('error')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^backup written to .*: \d+ tables, \d+ rows, schema at migration \d+/)
    // Nothing secret on the screen: not the database's password, not the owner's.
    const secret = readFileSync(join(X, 'data', 'postgres.app-password'), 'utf8').trim()
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(secret)
      expect(out).not.toContain(OWNER.password)
    }
    // Nothing wrote to these tables meanwhile: the backup holds exactly these rows.
    made.fingerprint = await fingerprint(X, TABLES)
    expect(made.fingerprint).toEqual(before)
  }, 120_000)
})

describe('restoring the backup into a fresh DATA_DIR (with the next version)', () => {
  it('restores every row byte for byte, migrates forward to the binary\'s own level, and says to bring the secret key along', async () => {
    const r = await cli(newer, Y, ['restore', backupFile], { PG_BIN_DIR })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^restored .*: \\d+ tables, \\d+ rows at migration ${LEVEL}, then migrated forward to ${NEXT}\n$`))
    expect(r.stderr).toContain('before starting Parley, put the old DATA_DIR/secret.key into DATA_DIR (or set PARLEY_SECRET_KEY to the old key)')
    cpSync(join(X, 'data', 'secret.key'), join(Y, 'data', 'secret.key'))
    const y = await start(newer, Y, { PG_BIN_DIR })
    try {
      expect(await fingerprint(Y, TABLES)).toEqual(made.fingerprint)
      const owner = new AgentClient(y.url)
      expect((await owner.login(OWNER.email, OWNER.password)).status).toBe(200)
      const thread = await owner.request('GET', `/api/conversations/${made.conversationId}/messages`)
      expect((thread.body as { body: string }[]).map((m) => m.body)).toEqual(made.texts)
      const withFile = (thread.body as { id: string; attachments: { id: string }[] }[]).find((m) => m.attachments.length)!
      const file = await fetch(`${y.url}/api/conversations/${made.conversationId}/messages/${withFile.id}/attachments/${made.fileId}`, { headers: { cookie: owner.cookie } })
      expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true)
      const replay = await owner.request('GET', `/api/recordings/${made.recordingId}/events`)
      expect(replay.status).toBe(200)
      expect(replay.body.events).toHaveLength(2)
      // The new column of the next version's migration exists on restored rows.
      const probe = await query(Y, (sql) => sql`select upgrade_probe from conversations where id = ${made.conversationId}`)
      expect(probe[0]!.upgrade_probe).toBe('migrated')
      // Not while Parley runs on it.
      const busy = await cli(newer, Y, ['restore', backupFile, '--force'], { PG_BIN_DIR })
      expect(busy.code).toBe(1)
      expect(busy.stderr).toContain('other connection(s) use the database (is Parley running?)')
    } finally {
      await y.stop()
    }
  }, 120_000)

  it('refuses a database with data unless --force, another secret key, and a backup newer than the binary', async () => {
    const again = await cli(newer, Y, ['restore', backupFile], { PG_BIN_DIR })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('the database holds Parley data (1 agents, 2 visitors, 1 conversations); restore replaces it only with --force')
    const otherKey = await cli(newer, Y, ['restore', backupFile, '--force'], { PG_BIN_DIR, PARLEY_SECRET_KEY: 'another-key-another-key-another-key-0' })
    expect(otherKey.code).toBe(1)
    expect(otherKey.stderr).toContain("the backup's stored secrets were encrypted with the key whose id is")
    const forced = await cli(newer, Y, ['restore', backupFile, '--force'], { PG_BIN_DIR })
    expect(forced.stderr).toBe('')
    expect(forced.code).toBe(0)
    expect(await fingerprint(Y, TABLES)).toEqual(made.fingerprint)
    // A backup of the newer schema, restored by the older binary: refused, nothing changed.
    const newerBackup = join(work, 'newer-backup.gz')
    expect((await cli(newer, Y, ['backup', newerBackup], { PG_BIN_DIR })).code).toBe(0)
    const old = await cli(released, Y, ['restore', newerBackup, '--force'])
    expect(old.code).toBe(1)
    expect(old.stderr).toContain(`the backup's schema is at migration ${NEXT}, newer than this Parley's (${LEVEL})`)
    const notBackup = join(work, 'not-a-backup.gz')
    writeFileSync(notBackup, gzipSync('hello'))
    const bad = await cli(released, Y, ['restore', notBackup, '--force'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('is not a Parley backup')
    expect(await fingerprint(Y, TABLES)).toEqual(made.fingerprint)
  }, 120_000)
})

describe('upgrading: the next version on the older data folder', () => {
  it('migrates forward on start and keeps the data; the older binary then refuses to start on it', async () => {
    const next = await start(newer, X, { PG_BIN_DIR })
    try {
      expect(next.log()).toContain(`"msg":"migrations applied","applied":[${NEXT}],"current":${NEXT}`)
      const owner = new AgentClient(next.url)
      expect((await owner.login(OWNER.email, OWNER.password)).status).toBe(200)
      const thread = await owner.request('GET', `/api/conversations/${made.conversationId}/messages`)
      expect((thread.body as { body: string }[]).map((m) => m.body)).toEqual(made.texts)
    } finally {
      await next.stop()
    }
    const check = await cli(newer, X, ['check'], { PG_BIN_DIR })
    expect(check.stdout).toContain(`migrations: up to date (${NEXT})`)
    const older = Bun.spawn([released, 'start'], { cwd: X, env: env({ HOST: '127.0.0.1', PORT: String(await freePort()) }), stdout: 'pipe', stderr: 'pipe' })
    running.push(older)
    const [code, log] = await Promise.all([older.exited, new Response(older.stderr).text()])
    expect(code).not.toBe(0)
    expect(log).toContain(`the database has migration ${NEXT} (upgrade_probe) but migrations/ has no such file; is this an older Parley?`)
  }, 120_000)
})

// The IMAP reader killed in the middle of a fetch loses nothing and imports nothing twice; a
// changed UIDVALIDITY makes it look again without doubling anything; the one mail stored but not
// yet flagged when a reader stopped is flagged when reading resumes.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../../db/testing.ts'
import { spawnParley, type ParleyProcess } from '../../testing/process.ts'
import { dovecot, rfc5322, type Dovecot } from '../../testing/mail.ts'
import { createSql } from '../../db/client.ts'
import { createLogger } from '../../shared/logger.ts'
import { EventBus } from '../../events/bus.ts'
import { ImapReader } from './imap-reader.ts'
import type { EmailSettings, ImapSettings } from './settings.usecases.ts'

const N = 40
let db: TestDb
let dove: Dovecot
let box: { user: string; password: string }
let env: Record<string, string>
const running: ParleyProcess[] = []

beforeAll(async () => {
  db = await createTestDb()
  dove = await dovecot()
  box = dove.addUser('restart')
  env = {
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(dove.port),
    IMAP_TLS: 'none',
    IMAP_USER: box.user,
    IMAP_PASSWORD: box.password,
    IMAP_POLL_SECONDS: '1',
  }
})
afterAll(async () => {
  for (const p of running) if (p.proc.exitCode === null) await p.kill('SIGKILL')
  await db.drop()
})

const start = async () => {
  const p = await spawnParley(env)
  running.push(p)
  return p
}
const imported = async () => (await db.sql<{ body: string }[]>`select body from messages where author_type = 'visitor' order by body`).map((r) => r.body)

async function until(what: string, fn: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(20)
  }
}

const filler = Buffer.alloc(200 * 1024, 'x').toString('base64').replace(/.{76}/g, '$&\n')
const mailNo = (i: number) =>
  rfc5322({
    from: `Sender ${i} <sender${i}@visitor.test>`,
    to: `${box.user}@support.test`,
    subject: `Mail ${i}`,
    messageId: `restart-${i}@visitor.test`,
    contentType: 'multipart/mixed; boundary="M"',
    body: `--M\nContent-Type: text/plain\n\nmail ${String(i).padStart(3, '0')}\n--M\nContent-Type: application/octet-stream; name="f.bin"\nContent-Transfer-Encoding: base64\n\n${filler}\n--M--\n`,
  })

describe('the IMAP reader across restarts', () => {
  it('loses nothing and imports nothing twice when the process is killed in the middle of a fetch', async () => {
    for (let i = 0; i < N; i++) await dove.append(box.user, mailNo(i))
    const first = await start()
    await until('the first mails to be imported', async () => (await imported()).length >= 3)
    await first.kill('SIGKILL')
    const atKill = (await imported()).length
    // the kill really came in the middle: some imported, some not
    expect(atKill).toBeLessThan(N)

    await start()
    const expected = Array.from({ length: N }, (_, i) => `mail ${String(i).padStart(3, '0')}`)
    await until('every mail to be imported', async () => (await imported()).length >= N)
    await Bun.sleep(1500)
    expect(await imported()).toEqual(expected)

    // each mail was flagged seen after it was stored, and the last UID is remembered
    const client = dove.client(box.user)
    await client.connect()
    const lock = await client.getMailboxLock('INBOX')
    try {
      expect((await client.search({ seen: false }, { uid: true })) || []).toEqual([])
      const all = ((await client.search({ all: true }, { uid: true })) || []) as number[]
      const [state] = await db.sql<{ lastUid: string }[]>`select last_uid::text from email_imap_state`
      expect(Number(state!.lastUid)).toBe(Math.max(...all))
      // for the next test: all of it unread again, as after a mailbox rebuild that reassigned UIDs
      await client.messageFlagsRemove({ all: true }, ['\\Seen'])
    } finally {
      lock.release()
      await client.logout()
    }
  }, 90_000)

  it('scans again after a UIDVALIDITY change without importing anything twice', async () => {
    for (const p of running) if (p.proc.exitCode === null) await p.kill('SIGTERM')
    await db.sql`update email_imap_state set uid_validity = 1, last_uid = 0`
    await dove.append(box.user, mailNo(N))
    await start()
    await until('the new mail', async () => (await imported()).includes(`mail ${String(N).padStart(3, '0')}`))
    await Bun.sleep(1500)
    const bodies = await imported()
    expect(bodies).toHaveLength(N + 1)
    expect(new Set(bodies).size).toBe(N + 1)
    const [state] = await db.sql<{ uidValidity: string }[]>`select uid_validity::text from email_imap_state`
    expect(state!.uidValidity).not.toBe('1')
  }, 60_000)
})

describe('the IMAP reader stopped between storing a mail and flagging it', () => {
  it('flags that mail \\Seen when reading resumes, and imports nothing twice', async () => {
    const own = await createTestDb()
    const sql = createSql(own.url)
    const log = createLogger('silent')
    const user = dove.addUser('flagging')
    const imap: ImapSettings = { host: '127.0.0.1', port: dove.port, tls: 'none', user: user.user, password: user.password, mailbox: 'INBOX' }
    const settings = async (): Promise<EmailSettings> => ({ smtp: null, imap, plusAddressing: false, source: 'env', version: 'test' })
    const reader = (afterImport?: (uid: number) => void) => new ImapReader({ sql, bus: new EventBus(log), log, settings, pollMs: 60_000, afterImport })
    const unseen = async () => {
      const client = dove.client(user.user)
      await client.connect()
      const lock = await client.getMailboxLock('INBOX')
      try {
        return ((await client.search({ seen: false }, { uid: true })) || []) as number[]
      } finally {
        lock.release()
        await client.logout()
      }
    }
    const stored = async () => (await sql<{ n: number }[]>`select count(*)::int as n from messages`)[0]!.n
    try {
      for (const i of [200, 201, 202]) await dove.append(user.user, mailNo(i))
      const [firstUid] = await unseen()
      // The first reader stores the first mail, then fails before flagging it (as a kill would).
      let failed!: () => void
      const atFailure = new Promise<void>((resolve) => (failed = resolve))
      const first = reader((uid) => {
        if (uid !== firstUid) return
        failed()
        throw new Error('stopped between storing and flagging')
      })
      first.start()
      await atFailure
      await first.stop()
      expect(await stored()).toBe(1)
      expect((await unseen())[0]).toBe(firstUid!)
      // The next reader flags it and goes on with the rest.
      const second = reader()
      second.start()
      try {
        await until('the other two mails', async () => (await stored()) === 3)
        await until('every mail flagged', async () => (await unseen()).length === 0)
      } finally {
        await second.stop()
      }
      expect(await stored()).toBe(3)
    } finally {
      await sql.end()
      await own.drop()
    }
  }, 60_000)
})

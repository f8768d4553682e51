// Secrets Parley must read back are stored sealed: a copy of the database does not hand out the
// mail passwords, the identity secret or a browser's push endpoint, and values stored in the clear by an earlier version are
// sealed at the next start.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../db/testing.ts'
import { AgentClient, startTestServer, type TestServer } from '../testing/harness.ts'

let db: TestDb
let srv: TestServer
let owner: AgentClient

beforeAll(async () => {
  db = await createTestDb()
  srv = await startTestServer({}, db)
  owner = new AgentClient(srv.url)
  await owner.setup('owner@example.com', 'a long owner password 42')
})
afterAll(async () => {
  await srv?.stop()
  await db?.drop()
})

const settings = {
  smtp: { host: 'smtp.example.com', port: 587, tls: 'starttls', user: 'mailer', password: 'smtp secret 1', fromAddress: 'support@example.com' },
  imap: { host: 'imap.example.com', port: 993, tls: 'tls', user: 'support', password: 'imap secret 2' },
}

describe('secrets at rest', () => {
  it('stores the mail passwords and the identity secret sealed, and still uses them', async () => {
    expect((await owner.request('PUT', '/api/settings/email', settings)).status).toBe(200)
    const identity = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const [mail] = await db.sql<{ smtpPassword: string; imapPassword: string }[]>`select smtp_password, imap_password from email_settings`
    expect(mail!.smtpPassword).toStartWith('enc:v1:')
    expect(mail!.imapPassword).toStartWith('enc:v1:')
    const [stored] = await db.sql<{ value: { secret: string } }[]>`select value from settings where key = 'identity.secret'`
    expect(stored!.value.secret).toStartWith('enc:v1:')
    const dump = JSON.stringify([mail, stored])
    for (const secret of ['smtp secret 1', 'imap secret 2', identity]) expect(dump).not.toContain(secret)
    // Used as before: the saved password comes back for the same server (never through the API).
    const again = await owner.request('GET', '/api/settings/email')
    expect(again.body.imap.hasPassword).toBe(true)
    expect(JSON.stringify(again.body)).not.toContain('imap secret 2')
    expect((await owner.request('GET', '/api/settings/identity')).body.secret).toBe(identity)
  })

  it('seals secrets an earlier version stored in the clear at the next start, and a rotated key takes over', async () => {
    await db.sql`update email_settings set smtp_password = 'legacy smtp', imap_password = 'legacy imap'`
    await db.sql`update settings set value = ${db.sql.json({ secret: 'legacy identity secret' })} where key = 'identity.secret'`
    // A browser's push subscription as an earlier version stored it: endpoint and auth secret in
    // the clear, the endpoint's hash as migration 00024 computed it.
    const endpoint = 'https://fcm.googleapis.com/fcm/send/legacy-registration-token-123'
    await db.sql`insert into push_subscriptions (id, agent_id, endpoint, endpoint_hash, p256dh, auth)
      values (${crypto.randomUUID()}, ${owner.agent!.id}, ${endpoint}, encode(sha256(convert_to(${endpoint}::text, 'UTF8')), 'hex'), 'BPublicKeyIsNotSecret', 'legacy-auth-16b')`
    await srv.stop()
    srv = await startTestServer({}, db)
    const [mail] = await db.sql<{ smtpPassword: string; imapPassword: string }[]>`select smtp_password, imap_password from email_settings`
    expect([mail!.smtpPassword, mail!.imapPassword].every((p) => p.startsWith('enc:v1:'))).toBe(true)
    const [push] = await db.sql<{ endpoint: string; auth: string }[]>`select endpoint, auth from push_subscriptions`
    expect([push!.endpoint, push!.auth].every((p) => p.startsWith('enc:v1:'))).toBe(true)
    expect(JSON.stringify(push)).not.toContain('legacy-registration-token')
    owner = new AgentClient(srv.url)
    await owner.login('owner@example.com', 'a long owner password 42')
    expect((await owner.request('GET', '/api/settings/identity')).body.secret).toBe('legacy identity secret')
    expect((await owner.request('GET', '/api/push/subscriptions')).body.devices.map((d: { service: string }) => d.service)).toEqual(['fcm.googleapis.com'])

    // Rotation: the new key, with the old one listed as previous, re-seals everything at start.
    const oldKey = process.env.PARLEY_SECRET_KEY!
    const newKey = `${oldKey} rotated`
    const before = (await db.sql<{ imapPassword: string }[]>`select imap_password from email_settings`)[0]!.imapPassword
    await srv.stop()
    srv = await startTestServer({ secretKey: newKey, previousSecretKeys: [oldKey] }, db)
    const after = (await db.sql<{ imapPassword: string }[]>`select imap_password from email_settings`)[0]!.imapPassword
    expect(after).not.toBe(before)
    expect((await db.sql<{ endpoint: string }[]>`select endpoint from push_subscriptions`)[0]!.endpoint).not.toBe(push!.endpoint)
    await srv.stop()
    // Once moved, the new key alone reads them; the old key alone no longer does.
    srv = await startTestServer({ secretKey: newKey }, db)
    owner = new AgentClient(srv.url)
    await owner.login('owner@example.com', 'a long owner password 42')
    expect((await owner.request('GET', '/api/settings/identity')).body.secret).toBe('legacy identity secret')
    // The device is found by its endpoint (its hash) and removed.
    expect((await owner.request('DELETE', '/api/push/subscriptions', { endpoint })).status).toBe(204)
    await srv.stop()
    await expect(startTestServer({ secretKey: `${oldKey} unrelated` }, db)).rejects.toThrow(/PARLEY_SECRET_KEY/)
    srv = await startTestServer({ secretKey: newKey }, db)
  }, 60_000)

  it("stores a webhook's signing secret and its URL sealed, and seals them again with a rotated key", async () => {
    const hookDb = await createTestDb()
    let hookSrv = await startTestServer({}, hookDb)
    try {
      const o = new AgentClient(hookSrv.url)
      await o.setup('owner@example.com', 'a long owner password 42')
      // A chat service's incoming-hook address: its path is the token that lets anyone post.
      const hookUrl = 'https://hooks.example.com/services/T0001/B0002/xoxb-path-token-123'
      const created = await o.request('POST', '/api/settings/webhooks', { url: hookUrl, events: ['message.created'] })
      expect(created.status).toBe(201)
      expect(created.body.url).toBe(hookUrl)
      const secret = created.body.secret as string
      const row = async () => (await hookDb.sql<{ secret: string; url: string }[]>`select secret, url from webhooks`)[0]!
      const stored = async () => (await row()).secret
      const before = await stored()
      expect(before).toStartWith('enc:v1:')
      expect(before).not.toContain(secret)
      expect((await row()).url).toStartWith('enc:v1:')
      expect(JSON.stringify(await hookDb.sql`select * from webhooks`)).not.toContain('path-token')
      // The owner sees it as entered, and a change is sealed too.
      expect((await o.request('GET', '/api/settings/webhooks')).body.webhooks[0].url).toBe(hookUrl)
      const moved = `${hookUrl}-rotated`
      expect((await o.request('PATCH', `/api/settings/webhooks/${created.body.id}`, { url: moved })).body.url).toBe(moved)
      expect((await row()).url).toStartWith('enc:v1:')
      // One stored in the clear by an earlier version is sealed at the next start.
      await hookDb.sql`update webhooks set url = ${moved}`

      const oldKey = process.env.PARLEY_SECRET_KEY!
      const newKey = `${oldKey} for webhooks`
      await hookSrv.stop()
      hookSrv = await startTestServer({ secretKey: newKey, previousSecretKeys: [oldKey] }, hookDb)
      expect(await stored()).not.toBe(before)
      expect((await row()).url).toStartWith('enc:v1:')
      await hookSrv.stop()
      hookSrv = await startTestServer({ secretKey: newKey }, hookDb)
      const again = new AgentClient(hookSrv.url)
      await again.login('owner@example.com', 'a long owner password 42')
      expect((await again.request('GET', `/api/settings/webhooks/${created.body.id}/secret`)).body.secret).toBe(secret)
      expect((await again.request('GET', '/api/settings/webhooks')).body.webhooks[0].url).toBe(moved)
    } finally {
      await hookSrv.stop()
      await hookDb.drop()
    }
  }, 60_000)
})

// A mail's sender name is free text its sender wrote: a card number in it ("Vera 4111 1111 …")
// is masked in everything stored of the mail, its original too, not only in the visitor's name.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, cid, startWithOwner, testConfig, type TestServer } from '../../testing/harness.ts'
import { configureEmail, dovecot, rfc5322, startSmtpSink, type Dovecot, type SmtpSink } from '../../testing/mail.ts'

let srv: TestServer
let owner: AgentClient
let dove: Dovecot
let sink: SmtpSink
let mailbox: { user: string; password: string }
let support: string

beforeAll(async () => {
  dove = await dovecot()
  sink = await startSmtpSink({})
  ;({ srv, owner } = await startWithOwner({ email: { ...testConfig().email, imapPollMs: 500 } }))
  mailbox = dove.addUser()
  support = (await configureEmail(owner, { dove, sink, ...mailbox })).address
})
afterAll(async () => {
  await srv?.stop()
  await sink?.stop()
})

describe("a card number in an e-mail's sender name", () => {
  it('is masked in the stored original and everything shown of the mail', async () => {
    const marker = cid()
    await dove.append(
      mailbox.user,
      rfc5322({ from: `Vera 4111 1111 1111 1111 <vera-${marker.slice(-8)}@visitor.test>`, to: support, subject: `Order ${marker}`, messageId: `${marker}@visitor.test`, body: `Where is my order? ${marker}` }),
    )
    const sql = srv.db.sql
    const deadline = Date.now() + 15_000
    let rows: { messageRowId: string; fromName: string | null }[] = []
    while (rows.length === 0 && Date.now() < deadline) {
      rows = await sql`select message_row_id, from_name from email_originals where mail_message_id = ${`${marker}@visitor.test`}`
      if (rows.length === 0) await Bun.sleep(100)
    }
    expect(rows).toHaveLength(1)
    expect(rows[0]!.fromName).toBe('Vera •••• •••• •••• 1111')

    const [m] = await sql<{ conversationId: string }[]>`select conversation_id from messages where id = ${rows[0]!.messageRowId}`
    const original = await owner.request('GET', `/api/conversations/${m!.conversationId}/messages/${rows[0]!.messageRowId}/original`)
    expect(original.status).toBe(200)
    const thread = await owner.request('GET', `/api/conversations/${m!.conversationId}/email`)
    const conversation = await owner.request('GET', `/api/conversations/${m!.conversationId}`)
    const shown = JSON.stringify([original.body, thread.body, conversation.body])
    expect(shown).toContain('Vera')
    expect(shown).not.toMatch(/4111.?1111.?1111/)
    const stored = JSON.stringify([await sql`select * from email_originals`, await sql`select name from visitors`, await sql`select body from messages`])
    expect(stored).not.toMatch(/4111.?1111.?1111/)
  })
})

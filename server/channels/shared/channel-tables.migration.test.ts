// Migration 00004 moves the e-mail channel's rows into the tables every channel shares. A database
// filled by the old schema (00001–00003) keeps every row, every byte of every attachment and every
// outbox row's state.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createSql, type Sql } from '../../db/client.ts'
import { migrate, MIGRATIONS_DIR } from '../../db/migrate.ts'

const adminUrl = process.env.PARLEY_TEST_ADMIN_URL!
const name = `mig4_${Bun.randomUUIDv7().replaceAll('-', '').slice(-12)}`
let sql: Sql
let oldSchema: string

const id = () => Bun.randomUUIDv7()
const ids = {
  mailVisitor: id(),
  webVisitor: id(),
  sharedOld: id(),
  sharedNew: id(),
  quietVisitor: id(),
  emailConv: id(),
  webConv: id(),
  sharedConv: id(),
  inMsg: id(),
  replyMsg: id(),
  copyMsg: id(),
  failedMsg: id(),
  att1: id(),
  att2: id(),
  att3: id(),
  out1: id(),
  out2: id(),
  out3: id(),
}
// Bytes with every value, so nothing is lost to an encoding.
const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => i % 256))

beforeAll(async () => {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  sql = createSql(adminUrl.replace(/\/postgres$/, `/${name}`), { max: 2 })
  oldSchema = mkdtempSync(join(tmpdir(), 'parley-mig4-'))
  for (const f of readdirSync(MIGRATIONS_DIR)) {
    if (/^0000[1-3]_/.test(f)) cpSync(join(MIGRATIONS_DIR, f), join(oldSchema, f))
  }
  expect((await migrate(sql, oldSchema)).current).toBe(3)

  const at = (s: string) => new Date(`2026-01-0${s}T10:00:00Z`)
  await sql`insert into visitors (id, name, email, email_source, last_seen_at) values
    (${ids.mailVisitor}, 'Vera', 'Vera@Visitor.test', 'email', ${at('2')}),
    (${ids.webVisitor}, 'Walt', 'walt@visitor.test', 'contact_form', ${at('2')}),
    (${ids.sharedOld}, 'Old', 'shared@visitor.test', 'email', ${at('1')}),
    (${ids.sharedNew}, 'New', 'SHARED@visitor.test', 'contact_form', ${at('3')}),
    (${ids.quietVisitor}, 'Quiet', 'quiet@visitor.test', 'site', ${at('3')})`
  await sql`insert into conversations (id, visitor_id, channel) values
    (${ids.emailConv}, ${ids.mailVisitor}, 'email'),
    (${ids.webConv}, ${ids.webVisitor}, 'web'),
    (${ids.sharedConv}, ${ids.sharedNew}, 'email')`
  await sql`insert into messages (id, conversation_id, seq, author_type, body, client_id, channel, delivery_status) values
    (${ids.inMsg}, ${ids.emailConv}, 1, 'visitor', 'where is my order?', 'in-1@visitor.test', 'email', 'received'),
    (${ids.replyMsg}, ${ids.emailConv}, 2, 'agent', 'on its way', null, 'email', 'sent'),
    (${ids.failedMsg}, ${ids.emailConv}, 3, 'agent', 'still there?', null, 'email', 'failed'),
    (${ids.copyMsg}, ${ids.webConv}, 1, 'agent', 'we will write', null, 'web', 'sent')`
  await sql`insert into email_threads (conversation_id, token, subject) values
    (${ids.emailConv}, 'abcdefghjk', 'Where is my order?'), (${ids.webConv}, 'mnpqrstuvw', 'Your chat with Acme')`
  await sql`insert into email_message_ids (message_id, conversation_id, message_row_id, direction, created_at) values
    ('in-1@visitor.test', ${ids.emailConv}, ${ids.inMsg}, 'in', ${at('1')}),
    ('out-1@acme.test', ${ids.emailConv}, ${ids.replyMsg}, 'out', ${at('2')}),
    ('pending-in@visitor.test', ${ids.emailConv}, null, 'in', ${at('3')}),
    ('orphan@visitor.test', null, null, 'in', ${at('4')})`
  await sql`insert into email_inbound (message_id, kind, message_row_id, conversation_id, from_address, subject, note, created_at) values
    ('in-1@visitor.test', 'message', ${ids.inMsg}, ${ids.emailConv}, 'vera@visitor.test', 'Where is my order?', null, ${at('1')}),
    ('ooo@visitor.test', 'auto_reply', null, null, 'vera@visitor.test', 'Out of office', null, ${at('2')}),
    ('bounce@mx.test', 'bounce', ${ids.failedMsg}, ${ids.emailConv}, 'mailer-daemon@mx.test', 'Undelivered', '550 no such user', ${at('3')}),
    ('own@acme.test', 'own', null, null, 'support@acme.test', null, null, ${at('4')}),
    ('bad@visitor.test', 'rejected', null, null, null, null, 'no sender address', ${at('5')}),
    ('in-2@visitor.test', 'message', null, ${ids.emailConv}, 'Vera.Work@visitor.test', 'Re: Where is my order?', null, ${at('6')})`
  await sql`insert into email_originals (message_row_id, mail_message_id, from_address, from_name, to_addresses, subject, headers, text_body, html_body) values
    (${ids.inMsg}, 'in-1@visitor.test', 'vera@visitor.test', 'Vera', ${['support@acme.test']}, 'Where is my order?', 'From: Vera', 'where is my order?', '<p>where</p>')`
  await sql`insert into email_attachments (id, message_row_id, filename, content_type, size, content, created_at) values
    (${ids.att1}, ${ids.inMsg}, 'škoda.png', 'image/png', ${bytes.byteLength}, ${bytes}, ${at('1')}),
    (${ids.att2}, ${ids.inMsg}, 'Invoice.PDF', 'Application/PDF', 3, ${new Uint8Array([1, 2, 3])}, ${at('2')}),
    (${ids.att3}, ${ids.inMsg}, '', 'not a type', 0, ${new Uint8Array()}, ${at('3')})`
  await sql`insert into email_outbox (id, message_row_id, conversation_id, kind, to_address, mail_message_id, status, attempts, next_attempt_at, last_error, sent_at, created_at) values
    (${ids.out1}, ${ids.replyMsg}, ${ids.emailConv}, 'reply', 'vera@visitor.test', 'out-1@acme.test', 'sent', 1, ${at('2')}, null, ${at('2')}, ${at('2')}),
    (${ids.out2}, ${ids.failedMsg}, ${ids.emailConv}, 'reply', 'vera@visitor.test', 'out-2@acme.test', 'failed', 3, ${at('3')}, '550 no such user', null, ${at('3')}),
    (${ids.out3}, ${ids.copyMsg}, ${ids.webConv}, 'copy', 'walt@visitor.test', 'out-3@acme.test', 'queued', 2, ${at('4')}, 'timeout', null, ${at('4')})`
  await sql`insert into email_imap_state (mailbox_key, uid_validity, last_uid) values ('support@127.0.0.1:143/INBOX', 1700000000, 42)`

  await migrate(sql)
})

afterAll(async () => {
  await sql?.end({ timeout: 1 })
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.end()
  if (oldSchema) rmSync(oldSchema, { recursive: true, force: true })
})

describe('migration 00004: the e-mail rows move to the shared channel tables', () => {
  it('keeps every outbox row with its state, and the old table is gone', async () => {
    const rows = await sql`
      select id, kind, message_row_id, conversation_id, to_address, mail_message_id, status, attempts, last_error,
             sent_at is not null as sent, subject, text_body
      from outbox order by created_at`
    expect([...rows]).toEqual([
      { id: ids.out1, kind: 'reply', messageRowId: ids.replyMsg, conversationId: ids.emailConv, toAddress: 'vera@visitor.test', mailMessageId: 'out-1@acme.test', status: 'sent', attempts: 1, lastError: null, sent: true, subject: null, textBody: null },
      { id: ids.out2, kind: 'reply', messageRowId: ids.failedMsg, conversationId: ids.emailConv, toAddress: 'vera@visitor.test', mailMessageId: 'out-2@acme.test', status: 'failed', attempts: 3, lastError: '550 no such user', sent: false, subject: null, textBody: null },
      { id: ids.out3, kind: 'copy', messageRowId: ids.copyMsg, conversationId: ids.webConv, toAddress: 'walt@visitor.test', mailMessageId: 'out-3@acme.test', status: 'queued', attempts: 2, lastError: 'timeout', sent: false, subject: null, textBody: null },
    ])
    const [old] = await sql`select to_regclass('email_outbox') as t`
    expect(old!.t).toBeNull()
  })

  it('takes mail without a message from now on, but no reply without its message', async () => {
    await sql`insert into outbox (id, kind, to_address, mail_message_id, subject, text_body)
              values (${id()}, 'notification', 'agent@acme.test', 'n-1@acme.test', 'New message', 'Vera wrote')`
    await sql`insert into outbox (id, kind, to_address, mail_message_id, subject, text_body)
              values (${id()}, 'notification', 'agent@acme.test', 'n-2@acme.test', 'New message', 'Vera wrote again')`
    await expect(sql`insert into outbox (id, kind, to_address, mail_message_id) values (${id()}, 'reply', 'v@visitor.test', 'r-1@acme.test')`).rejects.toThrow(/outbox_content/)
    await expect(sql`insert into outbox (id, kind, to_address, mail_message_id, subject, text_body) values (${id()}, 'fax', 'v@visitor.test', 'f-1@acme.test', 's', 't')`).rejects.toThrow(/outbox_kind/)
    // a message is still e-mailed once
    await expect(sql`insert into outbox (id, kind, message_row_id, to_address, mail_message_id) values (${id()}, 'reply', ${ids.replyMsg}, 'v@visitor.test', 'r-2@acme.test')`).rejects.toThrow(/outbox_message_row_id_key/)
  })

  it('keeps every Message-ID with its conversation, message and direction', async () => {
    const rows = await sql`select channel::text, external_id, conversation_id, message_row_id, direction from channel_message_ids order by created_at`
    expect([...rows]).toEqual([
      { channel: 'email', externalId: 'in-1@visitor.test', conversationId: ids.emailConv, messageRowId: ids.inMsg, direction: 'in' },
      { channel: 'email', externalId: 'out-1@acme.test', conversationId: ids.emailConv, messageRowId: ids.replyMsg, direction: 'out' },
      { channel: 'email', externalId: 'pending-in@visitor.test', conversationId: ids.emailConv, messageRowId: null, direction: 'in' },
      { channel: 'email', externalId: 'orphan@visitor.test', conversationId: null, messageRowId: null, direction: 'in' },
    ])
  })

  it('keeps the log of every inbound mail handled', async () => {
    const rows = await sql`select channel::text, external_id, kind, message_row_id, conversation_id, sender, subject, note from channel_inbound order by created_at`
    expect([...rows]).toEqual([
      { channel: 'email', externalId: 'in-1@visitor.test', kind: 'message', messageRowId: ids.inMsg, conversationId: ids.emailConv, sender: 'vera@visitor.test', subject: 'Where is my order?', note: null },
      { channel: 'email', externalId: 'ooo@visitor.test', kind: 'auto_reply', messageRowId: null, conversationId: null, sender: 'vera@visitor.test', subject: 'Out of office', note: null },
      { channel: 'email', externalId: 'bounce@mx.test', kind: 'bounce', messageRowId: ids.failedMsg, conversationId: ids.emailConv, sender: 'mailer-daemon@mx.test', subject: 'Undelivered', note: '550 no such user' },
      { channel: 'email', externalId: 'own@acme.test', kind: 'own', messageRowId: null, conversationId: null, sender: 'support@acme.test', subject: null, note: null },
      { channel: 'email', externalId: 'bad@visitor.test', kind: 'rejected', messageRowId: null, conversationId: null, sender: null, subject: null, note: 'no sender address' },
      { channel: 'email', externalId: 'in-2@visitor.test', kind: 'message', messageRowId: null, conversationId: ids.emailConv, sender: 'Vera.Work@visitor.test', subject: 'Re: Where is my order?', note: null },
    ])
  })

  it('keeps every attachment byte for byte, with a plain lower-case content type', async () => {
    const rows = await sql<{ id: string; messageRowId: string; channel: string; filename: string; contentType: string; size: number; content: Uint8Array }[]>`
      select id, message_row_id, channel::text, filename, content_type, size, content from attachments order by created_at`
    expect(rows.map(({ content, ...r }) => r)).toEqual([
      { id: ids.att1, messageRowId: ids.inMsg, channel: 'email', filename: 'škoda.png', contentType: 'image/png', size: 4096 },
      { id: ids.att2, messageRowId: ids.inMsg, channel: 'email', filename: 'Invoice.PDF', contentType: 'application/pdf', size: 3 },
      { id: ids.att3, messageRowId: ids.inMsg, channel: 'email', filename: 'attachment', contentType: 'application/octet-stream', size: 0 },
    ])
    expect(Buffer.from(rows[0]!.content).equals(Buffer.from(bytes))).toBe(true)
    expect([...rows[1]!.content]).toEqual([1, 2, 3])
    const [old] = await sql`select to_regclass('email_attachments') as a, to_regclass('email_message_ids') as m, to_regclass('email_inbound') as i`
    expect(old).toEqual({ a: null, m: null, i: null })
  })

  it('refuses attachments over 10 MB or with a content type that is not type/subtype', async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    await expect(sql`insert into attachments (id, message_row_id, channel, filename, content_type, size, content)
                     values (${id()}, ${ids.inMsg}, 'email', 'big.bin', 'application/octet-stream', ${big.byteLength}, ${big})`).rejects.toThrow(/attachments_size_check/)
    await expect(sql`insert into attachments (id, message_row_id, channel, filename, content_type, size, content)
                     values (${id()}, ${ids.inMsg}, 'email', 'x.html', 'text/html; charset=utf-8', 1, ${new Uint8Array([60])})`).rejects.toThrow(/attachments_content_type_check/)
  })

  it('gives every visitor who wrote by e-mail their addresses as identities, the last seen one where two share one', async () => {
    const rows = await sql`select channel::text, external_id, visitor_id from visitor_identities order by external_id`
    expect([...rows]).toEqual([
      { channel: 'email', externalId: 'shared@visitor.test', visitorId: ids.sharedNew },
      { channel: 'email', externalId: 'vera.work@visitor.test', visitorId: ids.mailVisitor },
      { channel: 'email', externalId: 'vera@visitor.test', visitorId: ids.mailVisitor },
    ])
  })

  it("leaves the e-mail channel's own tables as they were", async () => {
    expect([...(await sql`select conversation_id, token, subject from email_threads order by token`)]).toEqual([
      { conversationId: ids.emailConv, token: 'abcdefghjk', subject: 'Where is my order?' },
      { conversationId: ids.webConv, token: 'mnpqrstuvw', subject: 'Your chat with Acme' },
    ])
    expect([...(await sql`select message_row_id, text_body from email_originals`)]).toEqual([{ messageRowId: ids.inMsg, textBody: 'where is my order?' }])
    expect([...(await sql`select mailbox_key, uid_validity::text, last_uid::int from email_imap_state`)]).toEqual([
      { mailboxKey: 'support@127.0.0.1:143/INBOX', uidValidity: '1700000000', lastUid: 42 },
    ])
  })
})

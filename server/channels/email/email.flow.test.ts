// The e-mail channel end to end, against Dovecot (IMAP) and an smtp-server sink on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, testConfig, type TestServer } from '../../testing/harness.ts'
import { configureEmail, dovecot, rfc5322, startSmtpSink, type Dovecot, type SmtpSink } from '../../testing/mail.ts'

let srv: TestServer
let owner: AgentClient
let dove: Dovecot
let sink: SmtpSink
let mailbox: { user: string; password: string }
let support: string

const CARD = '4111 1111 1111 1111'
const MASKED = '•••• •••• •••• 1111'

beforeAll(async () => {
  dove = await dovecot()
  sink = await startSmtpSink({ rejectRecipient: (a) => (a.startsWith('nobody@') ? '550 5.1.1 <nobody@visitor.test>: Recipient address rejected' : null) })
  ;({ srv, owner } = await startWithOwner({ email: { ...testConfig().email, retryDelaysMs: [300, 2000], imapPollMs: 1000 } }))
  mailbox = dove.addUser()
  support = (await configureEmail(owner, { dove, sink, ...mailbox })).address
})
afterAll(async () => {
  await srv?.stop()
  await sink?.stop()
})

type Msg = { id: string; body: string; authorType: string; deliveryStatus: string; deliveryCode: string | null; deliveryError: string | null; seq: number }
const messages = async (conversationId: string): Promise<Msg[]> => (await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(50)
  }
}

async function conversationWith(body: string): Promise<{ id: string; channel: string; status: string }> {
  return until(`a conversation showing "${body}"`, async () => {
    for (const view of ['unassigned', 'mine', 'others']) {
      const r = await owner.request('GET', `/api/conversations?view=${view}&limit=200`)
      const hit = (r.body.items as { id: string; channel: string; status: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview === body)
      if (hit) return hit
    }
    return null
  })
}

const newSender = () => `v${cid().slice(-10)}@visitor.test`

async function writeIn(o: { from: string; body: string; subject?: string; messageId?: string; inReplyTo?: string; references?: string[]; to?: string; headers?: Record<string, string>; contentType?: string }) {
  const messageId = o.messageId ?? `${cid()}@visitor.test`
  await dove.append(
    mailbox.user,
    rfc5322({ from: `Vera Visitor <${o.from}>`, to: o.to ?? support, subject: o.subject ?? 'Question about my order', messageId, inReplyTo: o.inReplyTo, references: o.references, body: o.body, headers: o.headers, contentType: o.contentType }),
  )
  return messageId
}

async function reply(conversationId: string, body: string, extra: Record<string, unknown> = {}) {
  const r = await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body, clientId: cid(), ...extra })
  expect(r.status).toBe(201)
  return r.body.message as Msg
}

const idOf = (h: string | undefined) => (h ?? '').replace(/^<|>$/g, '')

describe('the e-mail loop', () => {
  it("e-mails a reply on a web chat to a visitor who left, and shows the visitor's e-mailed answer in the same conversation, quote stripped", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const address = newSender()
    const question = `Do you ship to Brno? ${cid()}`
    const r = await visitor.request('POST', '/api/widget/contact', { email: address, name: 'Vera', body: question, clientId: cid() })
    expect(r.status).toBe(201)
    const conv = await conversationWith(question)
    expect(conv.channel).toBe('web')

    const answer = `Yes, in two days. <b>Really</b> & truly. ${cid()}`
    const agentMsg = await reply(conv.id, answer)
    const mail = await sink.waitFor((m) => m.to.includes(address))
    expect(mail.parsed.text?.trim()).toBe(answer)
    expect(mail.parsed.html).toContain('Yes, in two days. &lt;b&gt;Really&lt;/b&gt; &amp; truly.')
    // "sent" is committed right after the SMTP server's answer
    const info = await until('the mail to be recorded as sent', async () => {
      const i = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body
      return i.messages.some((m: { messageRowId: string; outboxStatus: string }) => m.messageRowId === agentMsg.id && m.outboxStatus === 'sent') ? i : null
    })
    const token = info.thread.token as string
    expect(mail.parsed.subject).toContain(`[#${token}]`)
    expect(mail.parsed.replyTo?.value[0]?.address).toBe(support.replace('@', `+c_${token}@`))
    const sent = info.messages.find((m: { messageRowId: string }) => m.messageRowId === agentMsg.id)
    expect(sent.outboxStatus).toBe('sent')
    expect(sent.mailMessageId).toBe(idOf(mail.parsed.messageId))

    // The visitor answers from Gmail: a reply to that mail, with the quote under it.
    const theirs = `Great, thanks! ${cid()}`
    await writeIn({
      from: address,
      subject: `Re: ${mail.parsed.subject}`,
      inReplyTo: idOf(mail.parsed.messageId),
      references: [idOf(mail.parsed.messageId)],
      to: mail.parsed.replyTo!.value[0]!.address!,
      body: `${theirs}\n\nOn Mon, Jan 1, 2024 at 9:00 AM Acme Support <${support}> wrote:\n\n> ${answer}\n`,
    })
    const back = await conversationWith(theirs)
    expect(back.id).toBe(conv.id)
    const thread = await messages(conv.id)
    expect(thread.map((m) => [m.authorType, m.body])).toEqual([
      ['visitor', question],
      ['agent', answer],
      ['visitor', theirs],
    ])
    // the full original is one click away
    const original = await owner.request('GET', `/api/conversations/${conv.id}/messages/${thread[2]!.id}/original`)
    expect(original.status).toBe(200)
    expect(original.body.textBody).toContain(`> ${answer}`)
    expect(original.body.fromAddress).toBe(address)
  })

  it('does not e-mail the reply when the agent turns it off, nor while the visitor is on the site', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const address = newSender()
    const question = `Still there? ${cid()}`
    await visitor.request('POST', '/api/widget/contact', { email: address, body: question, clientId: cid() })
    const conv = await conversationWith(question)
    await reply(conv.id, 'not by mail', { alsoEmail: false })
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    await until('the visitor to count as online', async () => (await owner.request('GET', `/api/visitors/${visitor.id}`)).body.online === true)
    await reply(conv.id, 'you are here')
    ws.close()
    // a mail that does go out afterwards proves the two above were not merely slow
    await until('the visitor to count as offline', async () => (await owner.request('GET', `/api/visitors/${visitor.id}`)).body.online === false)
    const last = `now by mail ${cid()}`
    await reply(conv.id, last)
    await sink.waitFor((m) => m.to.includes(address) && m.parsed.text?.trim() === last)
    expect(sink.mails.filter((m) => m.to.includes(address)).map((m) => m.parsed.text?.trim())).toEqual([last])
  })

  it("answers an e-mail conversation in its thread: stored Message-ID, In-Reply-To and References of the visitor's mail", async () => {
    const address = newSender()
    const body = `My parcel is late ${cid()}`
    const theirId = await writeIn({ from: address, body, subject: 'Parcel' })
    const conv = await conversationWith(body)
    expect(conv.channel).toBe('email')
    const msg = await reply(conv.id, `Sorry! It leaves today. ${cid()}`)
    const mail = await sink.waitFor((m) => m.to.includes(address))
    expect(idOf(mail.parsed.inReplyTo)).toBe(theirId)
    expect(mail.parsed.references).toContain(`<${theirId}>`)
    expect(mail.parsed.subject).toStartWith('Re: Parcel [#')
    await until('the reply to be recorded as sent', async () => (await messages(conv.id)).find((m) => m.id === msg.id)?.deliveryStatus === 'sent')
    const info = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body
    expect(info.messages.find((m: { messageRowId: string }) => m.messageRowId === msg.id).mailMessageId).toBe(idOf(mail.parsed.messageId))
  })
})

describe('threading without In-Reply-To', () => {
  async function started() {
    const address = newSender()
    const first = `Hello ${cid()}`
    await writeIn({ from: address, body: first, subject: 'Invoice' })
    const conv = await conversationWith(first)
    const token = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body.thread.token as string
    return { address, conv, token }
  }

  it('finds the conversation by the plus-address token', async () => {
    const { address, conv, token } = await started()
    const next = `by plus address ${cid()}`
    await writeIn({ from: address, body: next, subject: 'something else entirely', to: support.replace('@', `+c_${token}@`) })
    expect((await conversationWith(next)).id).toBe(conv.id)
  })

  it('finds the conversation by the subject token, also when an encoded word splits it', async () => {
    const { conv, token } = await started()
    const next = `by subject ${cid()}`
    // another address of the visitor's, and the token cut in two encoded words
    const subject = `=?UTF-8?B?${Buffer.from(`Re: Faktura [#${token.slice(0, 4)}`).toString('base64')}?=\r\n =?UTF-8?Q?${token.slice(4)}=5D?=`
    await writeIn({ from: newSender(), body: next, subject })
    expect((await conversationWith(next)).id).toBe(conv.id)
  })

  it('starts a new e-mail conversation for the same visitor when nothing matches, even after the old one was resolved', async () => {
    const { address, conv } = await started()
    await owner.request('POST', `/api/conversations/${conv.id}/resolve`)
    const fresh = `a new topic ${cid()}`
    await writeIn({ from: address, body: fresh, subject: 'New topic' })
    const other = await conversationWith(fresh)
    expect(other.id).not.toBe(conv.id)
    expect(other.channel).toBe('email')
    const convView = (await owner.request('GET', `/api/conversations/${conv.id}`)).body
    const otherView = (await owner.request('GET', `/api/conversations/${other.id}`)).body
    expect(otherView.visitor.id).toBe(convView.visitor.id)
    expect(convView.status).toBe('resolved')
  })
})

describe('bounces, auto-replies and read receipts', () => {
  it('marks the outbound message failed on a bounce, and never shows the bounce as a visitor message', async () => {
    const address = newSender()
    const body = `please reply ${cid()}`
    await writeIn({ from: address, body })
    const conv = await conversationWith(body)
    const msg = await reply(conv.id, 'here you are')
    const mail = await sink.waitFor((m) => m.to.includes(address))
    await until('sent', async () => (await messages(conv.id)).find((m) => m.id === msg.id)?.deliveryStatus === 'sent')
    const dsn = [
      '--B',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.visitor.test',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 mailbox full',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${mail.parsed.messageId}`,
      `To: ${address}`,
      '--B--',
      '',
    ].join('\n')
    await dove.append(
      mailbox.user,
      rfc5322({ from: 'Mail Delivery System <MAILER-DAEMON@mx.visitor.test>', to: support, subject: 'Undelivered Mail Returned to Sender', body: dsn, contentType: 'multipart/report; report-type=delivery-status; boundary="B"' }),
    )
    const failed = await until('the bounce to fail the message', async () => {
      const m = (await messages(conv.id)).find((x) => x.id === msg.id)
      return m?.deliveryStatus === 'failed' ? m : null
    })
    // The code is what the agent reads in their language; the receiving server's answer is quoted beside it.
    expect(failed.deliveryCode).toBe('mail.bounced')
    expect(failed.deliveryError).toContain('552 5.2.2 mailbox full')
    expect(failed.deliveryError).not.toContain('bounced:')
    expect((await messages(conv.id)).map((m) => m.authorType)).toEqual(['visitor', 'agent'])
  })

  it('ignores auto-replies and read receipts', async () => {
    const address = newSender()
    const body = `first ${cid()}`
    const first = await writeIn({ from: address, body })
    const conv = await conversationWith(body)
    await writeIn({ from: address, body: 'I am out of the office until Monday.', subject: 'Automatic reply: Question', inReplyTo: first, headers: { 'Auto-Submitted': 'auto-replied' } })
    await writeIn({ from: address, body: 'Ich bin nicht im Büro.', subject: 'Abwesenheitsnotiz: Question', inReplyTo: first })
    await writeIn({ from: address, body: 'Newsletter', headers: { Precedence: 'bulk' } })
    await writeIn({
      from: address,
      subject: 'Read: Question',
      inReplyTo: first,
      contentType: 'multipart/report; report-type=disposition-notification; boundary="R"',
      body: '--R\nContent-Type: text/plain\n\nRead.\n--R\nContent-Type: message/disposition-notification\n\nDisposition: manual-action/MDN-sent-manually; displayed\n--R--\n',
    })
    // a person writing after them proves the four were read (and skipped), not still on their way
    const last = `a real answer ${cid()}`
    await writeIn({ from: address, body: last, inReplyTo: first })
    await conversationWith(last)
    expect((await messages(conv.id)).map((m) => m.body)).toEqual([body, last])
    const all = await owner.request('GET', '/api/conversations?view=unassigned&limit=200')
    expect((all.body.items as { lastMessage: { preview: string } }[]).some((c) => /office|Büro|Newsletter|Read\./.test(c.lastMessage.preview))).toBe(false)
  })
})

describe('attachments, HTML and card numbers', () => {
  it('stores attachments and serves them as downloads', async () => {
    const address = newSender()
    const text = `see the photo ${cid()}`
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    const body = [
      '--M',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '--M',
      'Content-Type: image/png; name="škoda.png"',
      'Content-Disposition: attachment; filename*=UTF-8\'\'%C5%A1koda.png',
      'Content-Transfer-Encoding: base64',
      '',
      png.toString('base64'),
      '--M--',
      '',
    ].join('\n')
    await writeIn({ from: address, body, contentType: 'multipart/mixed; boundary="M"' })
    const conv = await conversationWith(text)
    const info = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body
    const [m] = info.messages
    expect(m.attachments).toEqual([{ id: expect.any(String), filename: 'škoda.png', contentType: 'image/png', size: png.length }])
    const res = await fetch(`${srv.url}/api/conversations/${conv.id}/messages/${m.messageRowId}/attachments/${m.attachments[0].id}`, { headers: { cookie: owner.cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toStartWith('attachment;')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true)
  })

  it('turns an HTML-only mail into readable text', async () => {
    const address = newSender()
    const marker = cid()
    await writeIn({ from: address, contentType: 'text/html; charset=utf-8', body: `<html><body><p>Hello <b>there</b>,</p><ul><li>one</li><li>two ${marker}</li></ul><script>alert(1)</script></body></html>` })
    const conv = await until('the HTML mail', async () => {
      const r = await owner.request('GET', '/api/conversations?view=unassigned&limit=200')
      return (r.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview.includes(marker))
    })
    const [m] = await messages(conv.id)
    expect(m!.body).toBe(`Hello there,\n\n * one\n * two ${marker}`)
  })

  it('masks card numbers in the visitor message, its stored original, and in mail sent out', async () => {
    const address = newSender()
    const marker = cid()
    await writeIn({ from: address, body: `my card is ${CARD} ${marker}`, subject: `card ${CARD}` })
    const conv = await until('the card mail', async () => {
      const r = await owner.request('GET', '/api/conversations?view=unassigned&limit=200')
      return (r.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview.includes(marker))
    })
    const [m] = await messages(conv.id)
    expect(m!.body).toBe(`my card is ${MASKED} ${marker}`)
    const original = (await owner.request('GET', `/api/conversations/${conv.id}/messages/${m!.id}/original`)).body
    expect(JSON.stringify(original)).not.toContain('4111 1111 1111 1111')
    expect(original.textBody).toContain(MASKED)
    await reply(conv.id, `we got ${CARD}, thanks`)
    const mail = await sink.waitFor((x) => x.to.includes(address))
    expect(mail.raw.toString()).not.toContain('4111 1111 1111 1111')
    expect(mail.parsed.text?.trim()).toBe(`we got ${MASKED}, thanks`)
    expect(mail.parsed.subject).not.toContain('4111 1111 1111 1111')
  })

  it("masks a card number in an HTML mail's stored original when its groups are joined by &nbsp; or its digits are character references", async () => {
    const address = newSender()
    const marker = cid()
    await writeIn({
      from: address,
      contentType: 'text/html; charset=utf-8',
      body: `<html><body><p>card 4111&nbsp;1111&nbsp;1111&nbsp;1111 and &#53;555&#32;5555&#x20;5555 4444 ${marker}</p></body></html>`,
    })
    const conv = await until('the HTML card mail', async () => {
      const r = await owner.request('GET', '/api/conversations?view=unassigned&limit=200')
      return (r.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview.includes(marker))
    })
    const [m] = await messages(conv.id)
    expect(m!.body).not.toContain('1111\u00a01111')
    const original = (await owner.request('GET', `/api/conversations/${conv.id}/messages/${m!.id}/original`)).body
    expect(original.htmlBody).toContain(marker)
    const digits = (html: string) => html.replace(/&nbsp;?|&#(x?)([0-9a-f]+);?/gi, (ref, hex: string, n: string) => (ref.toLowerCase().startsWith('&nbsp') ? ' ' : String.fromCodePoint(parseInt(n, hex ? 16 : 10)))).replace(/\D/g, '')
    expect(digits(original.htmlBody)).not.toContain('4111111111111111')
    expect(digits(original.htmlBody)).not.toContain('5555555555554444')
  })
})

describe('the outbox', () => {
  it('retries while the SMTP server is down and sends the mail once it is back', async () => {
    const address = newSender()
    const body = `retry me ${cid()}`
    await writeIn({ from: address, body })
    const conv = await conversationWith(body)
    await sink.down()
    const msg = await reply(conv.id, 'sent after the outage')
    await until('a failed attempt', async () => {
      const info = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body
      return info.messages.find((m: { messageRowId: string; outboxAttempts: number }) => m.messageRowId === msg.id && m.outboxAttempts >= 1)
    })
    expect((await messages(conv.id)).find((m) => m.id === msg.id)!.deliveryStatus).toBe('pending')
    await sink.up()
    await sink.waitFor((m) => m.to.includes(address))
    await until('sent', async () => (await messages(conv.id)).find((m) => m.id === msg.id)?.deliveryStatus === 'sent')
    await Bun.sleep(500)
    expect(sink.mails.filter((m) => m.to.includes(address))).toHaveLength(1)
  })

  it("fails after the last try with the server's error, and the retry button sends it", async () => {
    const address = newSender()
    const body = `give up ${cid()}`
    await writeIn({ from: address, body })
    const conv = await conversationWith(body)
    await sink.down()
    const msg = await reply(conv.id, 'this one will need the button')
    const failed = await until('failed after three tries', async () => {
      const m = (await messages(conv.id)).find((x) => x.id === msg.id)
      return m?.deliveryStatus === 'failed' ? m : null
    })
    expect(failed.deliveryCode).toBe('smtp.unreachable')
    expect(failed.deliveryError).toMatch(/ECONNREFUSED|connect/i)
    await sink.up()
    const r = await owner.request('POST', `/api/conversations/${conv.id}/messages/${msg.id}/retry`)
    expect(r.status).toBe(200)
    await sink.waitFor((m) => m.to.includes(address))
    await until('sent', async () => (await messages(conv.id)).find((m) => m.id === msg.id)?.deliveryStatus === 'sent')
    expect((await owner.request('POST', `/api/conversations/${conv.id}/messages/${msg.id}/retry`)).status).toBe(409)
  })

  it("fails at once when the server refuses the recipient, with the server's answer", async () => {
    const body = `bad address ${cid()}`
    // the visitor card's address is wrong
    const visitor = await VisitorClient.create(srv.url)
    await visitor.request('POST', '/api/widget/contact', { email: 'nobody@visitor.test', body, clientId: cid() })
    const conv = await conversationWith(body)
    await reply(conv.id, 'you will not get this')
    const info = await until('the copy to fail', async () => {
      const i = (await owner.request('GET', `/api/conversations/${conv.id}/email`)).body
      return i.messages.find((m: { outboxStatus: string }) => m.outboxStatus === 'failed')
    })
    expect(info.outboxError).toContain('Recipient address rejected')
    expect(info.outboxAttempts).toBe(1)
  })

  it("fails a reply whose address the server refuses as a refused recipient, with the server's answer beside it", async () => {
    const body = `refused reply ${cid()}`
    await writeIn({ from: 'nobody@visitor.test', body })
    const conv = await conversationWith(body)
    const msg = await reply(conv.id, 'this address does not exist')
    const failed = await until('the reply to fail', async () => {
      const m = (await messages(conv.id)).find((x) => x.id === msg.id)
      return m?.deliveryStatus === 'failed' ? m : null
    })
    expect(failed.deliveryCode).toBe('smtp.rejected_recipient')
    expect(failed.deliveryError).toContain('550 5.1.1 <nobody@visitor.test>: Recipient address rejected')
  })
})

describe('settings', () => {
  it('never returns a saved password, keeps it when left out, and lets only the owner change it', async () => {
    const r = await owner.request('GET', '/api/settings/email')
    expect(r.status).toBe(200)
    expect(JSON.stringify(r.body)).not.toContain(mailbox.password)
    expect(r.body.imap).toMatchObject({ host: '127.0.0.1', user: mailbox.user, hasPassword: true })
    expect(r.body.status).toMatchObject({ outbound: true, inbound: true })
    const { password: _p, ...imapWithout } = { ...r.body.imap, password: undefined }
    delete imapWithout.hasPassword
    const put = await owner.request('PUT', '/api/settings/email', { smtp: { ...r.body.smtp, hasPassword: undefined }, imap: imapWithout, plusAddressing: true })
    expect(put.status).toBe(200)
    expect(put.body.imap.hasPassword).toBe(true)
    const test = await owner.request('POST', '/api/settings/email/test-imap', imapWithout)
    expect(test.body.ok).toBe(true)

    const other = new AgentClient(srv.url)
    const created = await owner.request('POST', '/api/agents', { email: `a${cid().slice(-6)}@acme.test`, name: 'Al', role: 'full', password: 'agent-password' })
    expect(created.status).toBe(201)
    await other.login(created.body.email ?? created.body.agent?.email, 'agent-password')
    expect((await other.request('GET', '/api/settings/email')).status).toBe(403)
    expect((await other.request('PUT', '/api/settings/email', { smtp: null, imap: null })).status).toBe(403)
    expect((await other.request('GET', '/api/settings/email/status')).body).toEqual({ outbound: true, inbound: true, plusAddressing: true })
  })

  // Codes and values, not sentences: the settings page words them in the agent's language.
  it("reports the test buttons' outcomes as codes and values, with the server's own answer as detail", async () => {
    const badImap = await owner.request('POST', '/api/settings/email/test-imap', { host: '127.0.0.1', port: dove.port, tls: 'none', user: mailbox.user, password: 'wrong' })
    expect(badImap.body).toMatchObject({ ok: false, code: 'auth' })
    expect(badImap.body.detail).toMatch(/auth/i)
    const noFolder = await owner.request('POST', '/api/settings/email/test-imap', { host: '127.0.0.1', port: dove.port, tls: 'none', user: mailbox.user, password: mailbox.password, mailbox: 'No-Such-Folder' })
    expect(noFolder.body).toMatchObject({ ok: false, code: 'mailbox' })
    const okImap = await owner.request('POST', '/api/settings/email/test-imap', { host: '127.0.0.1', port: dove.port, tls: 'none', user: mailbox.user, password: mailbox.password })
    expect(okImap.body).toMatchObject({ ok: true, host: '127.0.0.1', port: dove.port, user: mailbox.user, mailbox: 'INBOX', idle: true })
    expect(typeof okImap.body.messages).toBe('number')
    const okSmtp = await owner.request('POST', '/api/settings/email/test-smtp', { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: support })
    expect(okSmtp.body).toEqual({ ok: true, host: '127.0.0.1', port: sink.port, user: null })
    const { freePort } = await import('../../db/embedded.ts')
    const badSmtp = await owner.request('POST', '/api/settings/email/test-smtp', { host: '127.0.0.1', port: await freePort(), tls: 'none', fromAddress: support })
    expect(badSmtp.body).toMatchObject({ ok: false, code: 'refused' })
    expect(badSmtp.body.detail).toMatch(/ECONNREFUSED/)
  })
})

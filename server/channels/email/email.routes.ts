// The e-mail channel over HTTP: the owner's settings (passwords go in, never come out) with the
// two "test connection" buttons; for every agent, whether e-mail is on, the retry button of a
// failed mail, the full original of an inbound mail. (Attachments are downloaded through the
// route every channel shares: ../shared/shared.routes.ts.)
import { Elysia, t } from 'elysia'
import type { ChannelHttp } from '../channel.ts'
import {
  loadEmailSettings,
  redact,
  requireOwner,
  resolveImap,
  resolveSmtp,
  saveEmailSettings,
} from './settings.usecases.ts'
import { retryMail } from './outgoing.usecases.ts'
import { conversationMail, originalMail } from './mail.usecases.ts'
import type { EmailChannelAdapter, EmailChannelDeps } from './email.adapter.ts'
import { testSmtp } from './smtp.ts'
import { testImap } from './imap.ts'

const tags = ['settings']
const mailTags = ['conversations']

const Tls = t.Union([t.Literal('none'), t.Literal('starttls'), t.Literal('tls')])
const Host = t.String({ minLength: 1, maxLength: 253 })
const Port = t.Optional(t.Nullable(t.Integer({ minimum: 1, maximum: 65535 })))
const Secret = t.Optional(t.Nullable(t.String({ maxLength: 1024 })))
const Smtp = t.Object({
  host: Host,
  port: Port,
  tls: Tls,
  user: t.Optional(t.Nullable(t.String({ maxLength: 254 }))),
  password: Secret,
  fromName: t.Optional(t.Nullable(t.String({ maxLength: 100 }))),
  fromAddress: t.String({ maxLength: 254 }),
})
const Imap = t.Object({
  host: Host,
  port: Port,
  tls: Tls,
  user: t.String({ maxLength: 254 }),
  password: Secret,
  mailbox: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
})

export const emailRoutes = (adapter: EmailChannelAdapter, deps: EmailChannelDeps, http: ChannelHttp) => {
  const view = async () => {
    const s = await loadEmailSettings(deps)
    return {
      ...redact(s),
      status: { outbound: !!s.smtp, inbound: !!s.imap, imap: adapter.reader.status() },
    }
  }
  return new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await http.requireAgent(request)) }))
    .get(
      '/settings/email',
      ({ actor }) => {
        requireOwner(actor)
        return view()
      },
      { detail: { summary: 'E-mail settings (owner only; passwords are never returned, only whether one is saved)', tags } },
    )
    .put(
      '/settings/email',
      async ({ actor, body }) => {
        await saveEmailSettings(deps, actor, body)
        adapter.reload()
        return view()
      },
      {
        body: t.Object({ smtp: t.Nullable(Smtp), imap: t.Nullable(Imap), plusAddressing: t.Optional(t.Boolean()) }),
        detail: { summary: 'Save the SMTP and IMAP settings (owner only); null turns that half off. A password left out keeps the saved one', tags },
      },
    )
    .post(
      '/settings/email/test-smtp',
      async ({ actor, body }) => {
        requireOwner(actor)
        return testSmtp(resolveSmtp(body, (await loadEmailSettings(deps)).smtp))
      },
      { body: Smtp, detail: { summary: "Try these SMTP settings (unsaved is fine): the server's answer", tags } },
    )
    .post(
      '/settings/email/test-imap',
      async ({ actor, body }) => {
        requireOwner(actor)
        return testImap(resolveImap(body, (await loadEmailSettings(deps)).imap))
      },
      { body: Imap, detail: { summary: "Try these IMAP settings (unsaved is fine): the server's answer", tags } },
    )
    .get(
      '/settings/email/status',
      async () => {
        const s = await loadEmailSettings(deps)
        return { outbound: !!s.smtp, inbound: !!s.imap, plusAddressing: s.plusAddressing }
      },
      { detail: { summary: 'Whether e-mail is set up (any agent): the composer offers "also e-mail" only then', tags } },
    )
    .get('/conversations/:id/email', ({ params }) => conversationMail(deps, params.id), {
      detail: { summary: "The conversation's e-mail thread: per message, the mail's status, original and attachments", tags: mailTags },
    })
    .post(
      '/conversations/:id/messages/:messageId/retry',
      async ({ actor, params }) => {
        const row = await retryMail(deps, await loadEmailSettings(deps), actor, params.id, params.messageId)
        adapter.outbox.kick()
        return { status: row.status, attempts: row.attempts }
      },
      { detail: { summary: 'Send a failed e-mail again', tags: mailTags } },
    )
    .get('/conversations/:id/messages/:messageId/original', ({ params }) => originalMail(deps, params.id, params.messageId), {
      detail: { summary: 'The full original of an inbound e-mail: headers, the whole text with its quotes, the HTML (as text to show, never to render)', tags: mailTags },
    })
}



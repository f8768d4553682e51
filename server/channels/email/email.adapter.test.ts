import { channelContract } from '../testing/contract.ts'
import { AgentClient } from '../../testing/harness.ts'
import { configureEmail, dovecot, rfc5322, startSmtpSink, type SmtpSink } from '../../testing/mail.ts'

// The e-mail party is a mail client: it writes to the support mailbox (Dovecot), and reads what
// Parley sent it at the SMTP server. A follow-up continues the thread with References, as
// clients do when one writes again on the same thread.
channelContract('email', async (srv) => {
  const dove = await dovecot()
  const sink: SmtpSink = await startSmtpSink()
  const { user, password } = dove.addUser()
  const owner = new AgentClient(srv.url)
  await owner.login('owner@example.com', 'owner-password')
  const { address } = await configureEmail(owner, { dove, sink, user, password })
  let parties = 0
  return {
    async newParty() {
      const me = `party${++parties}.${Date.now()}@visitor.test`
      const thread: string[] = []
      let seen = 0
      return {
        async send(body, externalId) {
          const messageId = `${externalId}@visitor.test`
          await dove.append(
            user,
            rfc5322({ from: `Party <${me}>`, to: address, subject: thread.length ? 'Re: Question' : 'Question', messageId, inReplyTo: thread.at(-1), references: thread, body }),
          )
          if (!thread.includes(messageId)) thread.push(messageId)
        },
        async nextReply(timeoutMs = 10_000) {
          const mail = await sink.waitFor((m) => m.to.includes(me), timeoutMs, seen)
          seen = sink.mails.indexOf(mail) + 1
          thread.push(mail.parsed.messageId!.replace(/^<|>$/g, ''))
          return (mail.parsed.text ?? '').trim()
        },
      }
    },
    async stop() {
      await sink.stop()
    },
  }
})

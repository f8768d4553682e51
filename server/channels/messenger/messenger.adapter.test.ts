import { channelContract } from '../testing/contract.ts'
import { AgentClient } from '../../testing/harness.ts'
import { APP_SECRET, FakeGraph, connectPage, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from './testing/fake-graph.ts'

// The Messenger party is a person writing to the page: Meta posts their messages to the webhook,
// signed with the app secret, and the page's replies reach the (fake) Send API.
channelContract('messenger', async (srv) => {
  const graph = new FakeGraph()
  const owner = new AgentClient(srv.url)
  await owner.login('owner@example.com', 'owner-password')
  const { pageId } = await connectPage(owner, graph)
  return {
    async newParty() {
      const psid = newPsid()
      let seen = 0
      return {
        async send(body, externalId) {
          const r = await postWebhook(srv.url, pageId, webhookBody(messagingEntry(pageId, [textEvent(pageId, psid, `m_${externalId}`, body)])), APP_SECRET)
          if (r.status !== 200) throw new Error(`webhook answered ${r.status}`)
        },
        async nextReply(timeoutMs = 10_000) {
          const s = await graph.waitForSend((x) => x.body.recipient.id === psid, timeoutMs, seen)
          seen = graph.sends.indexOf(s) + 1
          return s.body.message.text ?? ''
        },
      }
    },
    async stop() {
      graph.stop()
    },
  }
})

import { channelContract } from '../testing/contract.ts'
import { VisitorClient, type TestSocket } from '../../testing/harness.ts'

channelContract('web', async (srv) => {
  const sockets: TestSocket[] = []
  return {
    async newParty() {
      const visitor = await VisitorClient.create(srv.url)
      const ws = await visitor.socket()
      sockets.push(ws)
      await ws.waitFor('hello')
      let conversationId: string | null = null
      let seen = 0
      return {
        async send(body, externalId) {
          const n = ws.frames.length
          ws.send({ type: 'message.send', clientId: externalId, body, ...(conversationId ? { conversationId } : {}) })
          const ack = await ws.waitFor('ack', (f) => f.clientId === externalId, 5000, n)
          conversationId = ack.conversationId
        },
        async nextReply(timeoutMs = 5000) {
          const f = await ws.waitFor('message', (m) => m.message.authorType === 'agent', timeoutMs, seen)
          seen = ws.frames.indexOf(f) + 1
          return f.message.body
        },
      }
    },
    async stop() {
      for (const s of sockets) s.close()
    },
  }
})

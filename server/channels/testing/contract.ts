// The contract every ChannelAdapter passes. Each channel's test supplies a harness that speaks
// its wire format (widget socket, IMAP/SMTP, Messenger webhook…); the suite checks the rules.
// Test code only: imported by each channel's *.test.ts, never by the server.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Channel } from '../../domain/conversations/conversations.types.ts'
import { AgentClient, cid, startTestServer, type TestServer } from '../../testing/harness.ts'

export interface ChannelHarness {
  /** A new outside party (visitor, mailbox, Messenger user) for this channel. */
  newParty(): Promise<ChannelParty>
  stop?(): Promise<void>
}

export interface ChannelParty {
  /** Sends a message over the wire; `externalId` is the wire's own message id (clientId, Message-ID, mid). */
  send(body: string, externalId: string): Promise<void>
  /** Resolves with the body of the next agent reply that reached this party over the wire. */
  nextReply(timeoutMs?: number): Promise<string>
}

export function channelContract(channel: Channel, makeHarness: (srv: TestServer) => Promise<ChannelHarness>): void {
  describe(`the ${channel} channel adapter contract`, () => {
    let srv: TestServer
    let harness: ChannelHarness
    let agent: AgentClient

    beforeAll(async () => {
      srv = await startTestServer()
      agent = new AgentClient(srv.url)
      await agent.setup()
      harness = await makeHarness(srv)
      // Starting a server, a mail server and an owner account takes a while on a busy machine.
    }, 60_000)
    afterAll(async () => {
      await harness?.stop?.()
      await srv.stop()
    })

    // Bounded, but roomy: a mail channel polls its mailbox, and CI machines are busy.
    const findConversation = async (body: string) => {
      for (let i = 0; i < 300; i++) {
        const r = await agent.request('GET', '/api/conversations?view=unassigned&limit=200')
        for (const c of r.body.items as { id: string; channel: string; lastMessage: { preview: string } }[]) {
          if (c.lastMessage.preview === body) return c
        }
        await Bun.sleep(50)
      }
      throw new Error(`no conversation with last message "${body}"`)
    }
    const messages = async (id: string) =>
      (await agent.request('GET', `/api/conversations/${id}/messages`)).body as { body: string; authorType: string; deliveryStatus: string; id: string }[]

    it('reports itself connected, with no error, once it is set up', async () => {
      const adapter = srv.running.deps.channels.get(channel)!
      let status = await adapter.status()
      for (let i = 0; i < 300 && status.state !== 'connected'; i++) {
        await Bun.sleep(50)
        status = await adapter.status()
      }
      expect(status).toMatchObject({ state: 'connected', error: null })
      const shown = await agent.request('GET', '/api/channels/status')
      expect(shown.status).toBe(200)
      expect(shown.body[channel]).toEqual(JSON.parse(JSON.stringify(status)))
      expect((await fetch(`${srv.url}/api/channels/status`)).status).toBe(401)
    })

    it('turns an inbound message into a new conversation on its channel', async () => {
      const party = await harness.newParty()
      const body = `first words ${cid()}`
      await party.send(body, cid())
      const c = await findConversation(body)
      expect(c.channel).toBe(channel)
      expect((await messages(c.id)).map((m) => [m.authorType, m.body])).toEqual([['visitor', body]])
    })

    it('stores a message the wire delivers twice only once', async () => {
      const party = await harness.newParty()
      const body = `twice ${cid()}`
      const externalId = cid()
      await party.send(body, externalId)
      await party.send(body, externalId)
      const c = await findConversation(body)
      await Bun.sleep(100)
      expect((await messages(c.id)).map((m) => m.body)).toEqual([body])
    })

    it("delivers an agent's reply over the wire and records it as sent", async () => {
      const party = await harness.newParty()
      const body = `question ${cid()}`
      await party.send(body, cid())
      const c = await findConversation(body)
      const reply = `answer ${cid()}`
      const r = await agent.request('POST', `/api/conversations/${c.id}/messages`, { body: reply, clientId: cid() })
      expect(r.status).toBe(201)
      expect(await party.nextReply()).toBe(reply)
      let status = ''
      for (let i = 0; i < 300 && !['sent', 'delivered'].includes(status); i++) {
        status = (await messages(c.id)).find((m) => m.id === r.body.message.id)!.deliveryStatus
        if (!['sent', 'delivered'].includes(status)) await Bun.sleep(50)
      }
      expect(['sent', 'delivered']).toContain(status)
    })

    it('continues the conversation and reopens it when the party writes after it was resolved', async () => {
      const party = await harness.newParty()
      const body = `before ${cid()}`
      await party.send(body, cid())
      const c = await findConversation(body)
      await agent.request('POST', `/api/conversations/${c.id}/resolve`)
      const later = `after ${cid()}`
      await party.send(later, cid())
      const reopened = await findConversation(later)
      expect(reopened.id).toBe(c.id)
      expect((await messages(c.id)).map((m) => m.body)).toEqual([body, later])
    })
  })
}

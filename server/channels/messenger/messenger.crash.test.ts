// Nothing lost: a webhook delivery Meta was answered 200 for is in the database already, so a
// Parley killed with SIGKILL after the 200 and before the message was processed shows it once it
// runs again.
import { afterAll, describe, expect, it } from 'bun:test'
import { embeddedDataDir, spawnParley, type ParleyProcess } from '../../testing/process.ts'
import { AgentClient } from '../../testing/harness.ts'
import { APP_SECRET, FakeGraph, connectPage, eventually, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from './testing/fake-graph.ts'

const { env, remove } = embeddedDataDir('messenger-crash')
const graph = new FakeGraph()
let current: ParleyProcess | null = null

afterAll(async () => {
  graph.stop()
  if (current) await current.kill('SIGTERM')
  await remove()
})

async function signIn(url: string) {
  const owner = new AgentClient(url)
  expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
  return owner
}

describe('a crash between the 200 and the processing', () => {
  it('loses nothing: the delivery is processed, once, after the restart', async () => {
    current = await spawnParley(env)
    const page = await connectPage(await signIn(current.url), graph, { name: 'Acme Support' })
    const psid = newPsid()
    graph.profiles.set(psid, { first_name: 'Kim', last_name: 'Kovács' })
    // Processing a new person's first message asks Meta for their name; held there, the process
    // has answered 200 and not yet stored the message when it is killed.
    graph.holdProfileLookups()
    const body = webhookBody(messagingEntry(page.pageId, [textEvent(page.pageId, psid, 'm_crash_1', 'sent just before the crash')]))
    const r = await postWebhook(current.url, page.pageId, body, APP_SECRET)
    expect(r.status).toBe(200)
    await eventually(async () => graph.requests.some((q) => q.path.endsWith(`/${psid}`)), (seen) => seen)
    current.proc.kill('SIGKILL')
    await current.proc.exited
    graph.releaseProfileLookups()

    current = await spawnParley(env)
    const owner = await signIn(current.url)
    const found = await eventually(
      async () => (await owner.request('GET', '/api/conversations?view=unassigned&limit=200')).body.items as { id: string; channel: string; visitor: { name: string | null }; lastMessage: { preview: string } }[],
      (items) => items.some((c) => c.lastMessage.preview === 'sent just before the crash'),
      20_000,
    )
    const c = found.find((x) => x.lastMessage.preview === 'sent just before the crash')!
    expect([c.channel, c.visitor.name]).toEqual(['messenger', 'Kim Kovács'])
    // Meta retries a delivery it was not answered for; this one it was, but a retry changes nothing either.
    expect((await postWebhook(current.url, page.pageId, body, APP_SECRET)).status).toBe(200)
    await Bun.sleep(500)
    const messages = (await owner.request('GET', `/api/conversations/${c.id}/messages`)).body as { body: string }[]
    expect(messages.map((m) => m.body)).toEqual(['sent just before the crash'])
  }, 90_000)
})

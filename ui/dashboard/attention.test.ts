// Attention in the dashboard (#15) in a real Chromium against a real Parley (real Postgres, real
// sockets): whose last message a list row shows, and links in messages, in the dashboard and in
// the widget.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs, requireDashboardBundle } from '../testing/browser.ts'
import { waitForText } from '../testing/wait.ts'
import { axeViolations } from '../testing/axe.ts'
import { bubbles, openDemo } from '../widget/widget.testing.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer, type TestSocket } from '../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
let owner: AgentClient
let alex: AgentClient
/** The owner's socket keeps an agent online, so the widget offers the chat. */
let ownerWs: TestSocket
let alexWs: TestSocket
const pages = new Pages(() => browser, 8000)
const TEST_MS = 60_000

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }
const ALEX = { name: 'Alex Full', email: 'alex@example.com', password: 'alex-password' }

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password, OWNER.name)).status).toBe(201)
  expect((await owner.request('POST', '/api/agents', { ...ALEX, role: 'full' })).status).toBe(201)
  alex = new AgentClient(srv.url)
  expect((await alex.login(ALEX.email, ALEX.password)).status).toBe(200)
  ownerWs = await owner.socket()
  alexWs = await alex.socket()
  await ownerWs.waitFor('counts')
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  ownerWs?.close()
  alexWs?.close()
  await srv?.stop()
})

const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)
const rowOf = (page: Page, conversationId: string) => page.locator(`parley-conversation-list li[data-conversation="${conversationId}"]`)

/** A visitor who writes `body` over their own socket; answers the new conversation's id. */
async function visitorWrites(body: string): Promise<{ conversationId: string; ws: TestSocket }> {
  const visitor = await VisitorClient.create(srv.url)
  const ws = await visitor.socket()
  const clientId = cid()
  ws.send({ type: 'message.send', clientId, body })
  const ack = await ws.waitFor('ack', (f) => f.clientId === clientId)
  return { conversationId: ack.conversationId, ws }
}

async function agentReplies(ws: TestSocket, conversationId: string, body: string): Promise<void> {
  const clientId = cid()
  ws.send({ type: 'message.send', clientId, conversationId, body })
  await ws.waitFor('ack', (f) => f.clientId === clientId)
}

describe("the list's last message", () => {
  it('says "You:" for my own reply and the colleague\'s name for theirs, live', async () => {
    const mine = await visitorWrites('Is the blue one in stock?')
    const theirs = await visitorWrites('Can I change my address?')
    const ownerPage = await pages.open()
    const alexPage = await pages.open()
    await signIn(ownerPage, OWNER)
    await signIn(alexPage, ALEX)

    await agentReplies(ownerWs, mine.conversationId, 'Yes, two left.')
    await agentReplies(alexWs, theirs.conversationId, 'Of course, which one?')

    // Both were taken by whoever answered, so each sits in Mine for one and Others for the other.
    await ownerPage.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(ownerPage, mine.conversationId).locator('.preview'), 'You: Yes, two left.')
    await ownerPage.locator('parley-conversation-list [data-view=others]').click()
    await waitForText(rowOf(ownerPage, theirs.conversationId).locator('.preview'), 'Alex Full: Of course, which one?')
    await ownerPage.screenshot({ path: screenshotPath('attention-preview-owner') })

    await alexPage.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(alexPage, theirs.conversationId).locator('.preview'), 'You: Of course, which one?')
    await alexPage.locator('parley-conversation-list [data-view=others]').click()
    await waitForText(rowOf(alexPage, mine.conversationId).locator('.preview'), 'Olivia Owner: Yes, two left.')

    // The colleague answering in my conversation is named, not "You".
    await agentReplies(alexWs, mine.conversationId, 'Actually, one left now.')
    await waitForText(rowOf(alexPage, mine.conversationId).locator('.preview'), 'You: Actually, one left now.')
    await ownerPage.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(ownerPage, mine.conversationId).locator('.preview'), 'Alex Full: Actually, one left now.')

    // After a reload the list comes from the HTTP API, which says the same.
    await ownerPage.reload()
    await ownerPage.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(ownerPage, mine.conversationId).locator('.preview'), 'Alex Full: Actually, one left now.')
    expect(await axeViolations(ownerPage)).toEqual([])
    expect(ownerPage.errors).toEqual([])
    expect(alexPage.errors).toEqual([])
    mine.ws.close()
    theirs.ws.close()
  }, TEST_MS)
})

describe('links in messages', () => {
  const BODY = 'Look at https://example.com/boots?size=42. Not javascript:alert(1) nor <a href="http://evil.test">this</a> <img src=x onerror=alert(2)>'

  it('are clickable in the thread, open in a new tab without this page, and the rest stays text', async () => {
    const { conversationId, ws } = await visitorWrites(BODY)
    const page = await pages.open()
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/c/${conversationId}`)
    const bubble = page.locator('parley-thread .msg.visitor .bubble').first()
    await waitForText(bubble, 'Look at')
    expect(await bubble.textContent()).toBe(BODY)
    const links = bubble.locator('a')
    // The typed markup is text: its address is linked as an address, never as the visitor's <a>.
    expect(await links.evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('target'), a.getAttribute('rel')]))).toEqual([
      ['https://example.com/boots?size=42', 'https://example.com/boots?size=42', '_blank', 'noopener noreferrer'],
      ['http://evil.test/', 'http://evil.test', '_blank', 'noopener noreferrer'],
    ])
    expect(await bubble.locator('img').count()).toBe(0)

    await agentReplies(ownerWs, conversationId, 'Our size guide: https://example.com/sizes')
    const reply = page.locator('parley-thread .msg.agent .bubble').filter({ hasText: 'size guide' })
    await expect(reply.locator('a').getAttribute('href')).resolves.toBe('https://example.com/sizes')
    await page.screenshot({ path: screenshotPath('attention-links-thread') })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
    ws.close()
  }, TEST_MS)

  it('are clickable in the widget, and the rest stays text', async () => {
    // Its own agent socket: a test file's long-lived Bun client socket was once seen dropped (1006)
    // between tests, and this test is about links, not about that.
    const agentWs = await owner.socket()
    await agentWs.waitFor('counts')
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const from = agentWs.frames.length
    await page.locator('parley-chat textarea').fill(BODY)
    await page.keyboard.press('Enter')
    const seen = await agentWs.waitFor('message', (f) => f.message.body === BODY, 10_000, from)
    await agentReplies(agentWs, seen.conversation.id, 'Here: https://example.com/returns (free) or javascript:void(0)')

    const reply = bubbles(page, 'agent').filter({ hasText: 'Here:' })
    await reply.waitFor({ timeout: 10_000 })
    expect(await reply.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('target'), a.getAttribute('rel')]))).toEqual([
      ['https://example.com/returns', 'https://example.com/returns', '_blank', 'noopener noreferrer'],
    ])
    const mine = bubbles(page, 'visitor').first()
    expect(await mine.textContent()).toBe(BODY)
    expect(await mine.locator('img').count()).toBe(0)
    await page.screenshot({ path: screenshotPath('attention-links-widget') })
    expect(errors).toEqual([])
    await context.close()
    agentWs.close()
  }, TEST_MS)
})

describe('unread conversations', () => {
  it('shows unread rows bold with their count, the total on the Open tab and in the title, and clears them when the agent reads the thread, in every tab', async () => {
    const tab1 = await pages.open()
    const tab2 = await pages.open()
    await signIn(tab1, ALEX)
    await signIn(tab2, ALEX)
    const base = Object.values((await alex.request('GET', '/api/conversations/unread')).body.unread as Record<string, number>).reduce((a, b) => a + b, 0)
    const title = (n: number) => (n > 0 ? `(${n}) Parley` : 'Parley')

    const visitor = await VisitorClient.create(srv.url)
    const ws = await visitor.socket()
    const say = async (body: string) => {
      const clientId = cid()
      ws.send({ type: 'message.send', clientId, body })
      return (await ws.waitFor('ack', (f) => f.clientId === clientId)).conversationId
    }
    const id = await say('Hello, anyone?')
    await say('I have a question about my order.')

    for (const tab of [tab1, tab2]) {
      const row = rowOf(tab, id)
      await waitForText(row.locator('.badge'), '2 unread messages')
      expect(await row.getAttribute('class')).toContain('unread')
      await waitForText(tab.locator('parley-conversation-list [data-view=open] .badge'), `${base + 2} unread messages`)
      await tab.waitForFunction((t) => document.title === t, title(base + 2))
    }
    await tab1.screenshot({ path: screenshotPath('attention-unread') })
    expect(await axeViolations(tab1)).toEqual([])

    // Reading it in one tab clears it there and, through the server, in the other tab.
    await rowOf(tab1, id).locator('a').click()
    await waitForText(tab1.locator('parley-thread .msg.visitor .bubble').last(), 'I have a question about my order.')
    for (const tab of [tab1, tab2]) {
      await rowOf(tab, id).locator('.badge').waitFor({ state: 'detached' })
      expect(await rowOf(tab, id).getAttribute('class')).not.toContain('unread')
      await tab.waitForFunction((t) => document.title === t, title(base))
    }

    // While the thread is open, a new message is read at once; after a reload nothing is unread again.
    await say('Are you there?')
    await waitForText(tab1.locator('parley-thread .msg.visitor .bubble').last(), 'Are you there?')
    await tab1.reload()
    await rowOf(tab1, id).waitFor()
    await tab1.waitForFunction((t) => document.title === t, title(base))
    expect(await rowOf(tab1, id).locator('.badge').count()).toBe(0)
    await tab2.waitForFunction((t) => document.title === t, title(base))
    expect(tab1.errors).toEqual([])
    expect(tab2.errors).toEqual([])
    ws.close()
  }, TEST_MS)
})

describe('signing in while visitors write', () => {
  it('shows the conversation and its unread messages written after the inbox was read and before the socket opened', async () => {
    const page = await pages.open()
    // The dashboard's socket cannot connect until the test lets it (its attempts go to a path
    // nothing answers), so the inbox is read without it, as behind a slow proxy.
    await page.addInitScript(() => {
      const Real = window.WebSocket
      const w = window as unknown as { WebSocket: unknown; letSocketIn?: boolean }
      w.WebSocket = function (url: string | URL, protocols?: string | string[]) {
        return new Real(w.letSocketIn ? url : String(url).replace('/ws/agent', '/ws/held'), protocols)
      }
      Object.assign(w.WebSocket as object, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3, prototype: Real.prototype })
    })
    const inboxRead = page.waitForResponse((r) => r.url().endsWith('/api/conversations/unread'), { timeout: 15_000 })
    await signIn(page, ALEX)
    await inboxRead
    const { conversationId, ws } = await visitorWrites('Written while you were signing in')
    await ws.waitFor('ack')
    const said = cid()
    ws.send({ type: 'message.send', clientId: said, body: 'And a second message' })
    await ws.waitFor('ack', (f) => f.clientId === said)
    expect(await rowOf(page, conversationId).count()).toBe(0)

    await page.evaluate(() => {
      ;(window as unknown as { letSocketIn: boolean }).letSocketIn = true
      dispatchEvent(new Event('online')) // try again now, not after the back-off
    })
    await waitForText(rowOf(page, conversationId).locator('.badge'), '2 unread messages')
    await page.screenshot({ path: screenshotPath('attention-signed-in-meanwhile') })
    expect(page.errors).toEqual([])
    ws.close()
  }, TEST_MS)
})

describe('waiting conversations', () => {
  it("grow more urgent with time: amber past the owner's threshold, red at twice it", async () => {
    const page = await pages.open()
    await signIn(page, OWNER)
    // The owner sets the threshold on the account page.
    await page.goto(`${srv.url}/#/account`)
    const form = page.locator('parley-notification-settings form[data-form=attention]')
    await form.locator('input[name=waitWarnMinutes]').fill('0')
    await form.locator('button[type=submit]').click()
    // The browser's own check stops 0 before it is sent: nothing is saved.
    expect((await owner.request('GET', '/api/settings/attention')).body).toEqual({ waitWarnMinutes: 2 })
    await form.locator('input[name=waitWarnMinutes]').fill('5')
    await form.locator('button[type=submit]').click()
    await waitForText(form.locator('.notice'), 'Saved.')
    expect((await owner.request('GET', '/api/settings/attention')).body).toEqual({ waitWarnMinutes: 5 })
    expect(await axeViolations(page)).toEqual([])

    // Three visitors who have waited 1, 6 and 11 minutes (their wait moved back in the database).
    const ids: string[] = []
    for (const [minutes, body] of [[1, 'Just arrived'], [6, 'Waiting a while'], [11, 'Waiting far too long']] as const) {
      const { conversationId, ws } = await visitorWrites(body)
      ws.close()
      await srv.db.sql`update conversations set waiting_since = now() - make_interval(mins => ${minutes}) where id = ${conversationId}`
      ids.push(conversationId)
    }
    await page.goto(`${srv.url}/#/`)
    await page.reload()
    const urgencyOf = (id: string) => rowOf(page, id).locator('.waiting').getAttribute('data-urgency')
    await rowOf(page, ids[2]!).waitFor()
    expect([await urgencyOf(ids[0]!), await urgencyOf(ids[1]!), await urgencyOf(ids[2]!)]).toEqual(['calm', 'long', 'urgent'])
    expect(await rowOf(page, ids[2]!).locator('.waiting').getAttribute('title')).toBe('Waiting far too long for a reply')
    await page.screenshot({ path: screenshotPath('attention-waiting') })
    expect(await axeViolations(page)).toEqual([])

    // Only the owner sets it, and only to a whole number of minutes.
    expect((await alex.request('PUT', '/api/settings/attention', { waitWarnMinutes: 3 })).status).toBe(403)
    for (const bad of [0, 241, 2.5, 'five']) expect((await owner.request('PUT', '/api/settings/attention', { waitWarnMinutes: bad })).status).toBe(400)
    expect((await owner.request('GET', '/api/settings/attention')).body).toEqual({ waitWarnMinutes: 5 })
    expect(page.errors).toEqual([])
  }, TEST_MS)
})

describe('the widget after resolving', () => {
  it('tells the visitor the conversation was resolved, and writing again reopens it', async () => {
    const agentWs = await owner.socket()
    await agentWs.waitFor('counts')
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const from = agentWs.frames.length
    await page.locator('parley-chat textarea').fill('Where is my parcel?')
    await page.keyboard.press('Enter')
    const seen = await agentWs.waitFor('message', (f) => f.message.body === 'Where is my parcel?', 10_000, from)
    const id = seen.conversation.id
    await agentReplies(agentWs, id, 'It arrives tomorrow.')
    await bubbles(page, 'agent').filter({ hasText: 'It arrives tomorrow.' }).waitFor({ timeout: 10_000 })
    const note = page.locator('parley-chat [data-state=resolved]')
    expect(await note.count()).toBe(0)

    expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    await waitForText(note, 'This conversation has been resolved. Write below whenever you need us again.')
    await page.screenshot({ path: screenshotPath('attention-widget-resolved') })

    // A reload shows it too: it is the conversation's state, not a passing event.
    // (The chat stays open across a reload of the tab.)
    await page.reload()
    await waitForText(note, 'This conversation has been resolved.')

    await page.locator('parley-chat textarea').fill('One more question')
    await page.keyboard.press('Enter')
    await note.waitFor({ state: 'detached', timeout: 10_000 })
    expect((await owner.request('GET', `/api/conversations/${id}`)).body.status).toBe('open')
    expect(errors).toEqual([])
    await context.close()
    agentWs.close()
  }, TEST_MS)
})

describe('resolving from the list', () => {
  it('offers an undo for a few seconds, which reopens the conversation', async () => {
    const { conversationId, ws } = await visitorWrites('Thanks, that was all!')
    const page = await pages.open()
    await signIn(page, OWNER)
    const row = rowOf(page, conversationId)
    await row.locator('button[data-action=resolve]').click()
    const undo = page.locator('parley-conversation-list .undo')
    await waitForText(undo, 'Resolved: Visitor #')
    await row.waitFor({ state: 'detached' })
    expect((await owner.request('GET', `/api/conversations/${conversationId}`)).body.status).toBe('resolved')
    // The offer holds while the pointer is on it, however long the audit takes.
    await undo.hover()
    await page.screenshot({ path: screenshotPath('attention-undo') })
    expect(await axeViolations(page)).toEqual([])

    await undo.locator('button[data-action=undo]').click()
    await row.waitFor()
    await undo.waitFor({ state: 'detached' })
    expect((await owner.request('GET', `/api/conversations/${conversationId}`)).body.status).toBe('open')
    expect(page.errors).toEqual([])
    ws.close()
  }, TEST_MS)
})

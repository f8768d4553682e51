// The dashboard in a real Chromium against a real Parley (real Postgres, real sockets): first-run
// setup, the owner's pages, an agent answering a visitor live, permissions, languages.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Locator, Page } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs, type WatchedPage, requireDashboardBundle } from '../testing/browser.ts'
import { waitForCount, waitForText } from '../testing/wait.ts'
import { axeViolations } from '../testing/axe.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer, type TestSocket } from '../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
const pages = new Pages(() => browser, 8000)
/** Each test drives a browser through a whole flow; every wait inside is bounded on its own. */
const TEST_MS = 60_000

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }
const ALEX = { name: 'Alex Full', email: 'alex@example.com', password: 'alex-password' }
const LEE = { name: 'Lee Limited', email: 'lee@example.com', password: 'lee-password' }

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer()
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
})

const newPage = (width?: number, height?: number) => pages.open(width, height)
const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)

const rowOf = (page: Page, conversationId: string) => page.locator(`parley-conversation-list li[data-conversation="${conversationId}"]`)
const count = (page: Page, view: string) => page.locator(`parley-conversation-list [data-count=${view}]`)

async function visitorSays(visitor: VisitorClient, ws: TestSocket, body: string) {
  const clientId = cid()
  ws.send({ type: 'message.send', clientId, body })
  return ws.waitFor('ack', (f) => f.clientId === clientId)
}

describe('the agent dashboard', () => {
  it('sets up the owner on first run, and the owner adds agents and configures the widget', async () => {
    const page = await newPage()
    await page.goto(srv.url + '/')
    await page.locator('parley-setup form').waitFor()
    await waitForText(page.locator('parley-setup h1'), 'Welcome to Parley')

    // A bad e-mail is caught before anything is sent.
    await page.locator('parley-setup input[name=name]').fill(OWNER.name)
    await page.locator('parley-setup input[name=email]').fill('not-an-email')
    await page.locator('parley-setup input[name=password]').fill(OWNER.password)
    await page.locator('parley-setup button[type=submit]').click()
    await waitForText(page.locator('parley-setup .error'), 'valid e-mail')
    expect(((await (await fetch(srv.url + '/api/setup')).json()) as { needed: boolean }).needed).toBe(true)
    await page.screenshot({ path: screenshotPath('dashboard-setup') })

    await page.locator('parley-setup input[name=email]').fill(OWNER.email)
    await page.locator('parley-setup button[type=submit]').click()
    await page.locator('parley-conversation-list').waitFor()
    await waitForText(page.locator('parley-app nav'), 'Agents')
    await waitForText(page.locator('parley-conversation-list .empty'), 'Nobody is waiting')
    // A new install says where chats come from: the demo shop, and the widget's page with its code.
    const firstSteps = page.locator('parley-conversation-list [data-first-steps]')
    await waitForText(firstSteps, 'Chats from your website show up here.')
    expect(await firstSteps.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/demo', '#/widget'])
    await page.screenshot({ path: screenshotPath('dashboard-first-run') })

    // Agents: the owner adds a full-access and a limited agent through the form.
    await page.locator('parley-app nav a[href="#/agents"]').click()
    const agentsPage = page.locator('parley-agents-page')
    await agentsPage.locator('form').waitFor()
    for (const [who, role] of [
      [ALEX, 'full'],
      [LEE, 'limited'],
    ] as const) {
      await agentsPage.locator('input[name=name]').fill(who.name)
      await agentsPage.locator('input[name=email]').fill(who.email)
      await agentsPage.locator('input[name=password]').fill(who.password)
      await agentsPage.locator('select[name=role]').selectOption(role)
      await agentsPage.locator('button[type=submit]').click()
      await waitForText(agentsPage.locator('.notice'), `${who.name} can sign in now`)
    }
    await waitForCount(agentsPage.locator('tbody tr'), 3)
    await waitForText(agentsPage.locator(`tr[data-agent="${LEE.email}"]`), 'Limited access')
    // The same address twice is refused with a message beside the field.
    await agentsPage.locator('input[name=name]').fill('Alex Again')
    await agentsPage.locator('input[name=email]').fill(ALEX.email)
    await agentsPage.locator('input[name=password]').fill('another-password')
    await agentsPage.locator('button[type=submit]').click()
    await waitForText(agentsPage.locator('.error'), 'already exists')
    await agentsPage.locator('input[name=name]').fill('')
    await agentsPage.locator('input[name=email]').fill('')
    await agentsPage.locator('input[name=password]').fill('')
    await page.screenshot({ path: screenshotPath('dashboard-agents') })

    // Widget settings: colour, position, texts; the embed code with a copy button.
    await page.locator('parley-app nav a[href="#/widget"]').click()
    const widget = page.locator('parley-widget-settings')
    await widget.locator('input[name=color]').waitFor()
    await widget.locator('input[name=color]').fill('#0f766e')
    await widget.locator('input[name=position][value=left]').check()
    await widget.locator('textarea[name=greeting]').fill('Hi! Questions about your order? We are here.')
    await widget.locator('textarea[name=offlineMessage]').fill('We are away right now. Leave your e-mail and we will write back.')
    // The page's first form is the widget's own; the recording settings below have theirs.
    await widget.locator('button[type=submit]').first().click()
    await waitForText(widget.locator('.notice'), 'Saved')
    await waitForText(widget.locator('pre'), '/assets/loader.js')
    await widget.locator('button[data-action=copy]').waitFor()
    const stored = await ownerApi().then((o) => o.request('GET', '/api/settings/widget'))
    expect(stored.body).toMatchObject({ color: '#0f766e', position: 'left', greeting: 'Hi! Questions about your order? We are here.' })
    await widget.locator('pre').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('dashboard-widget-snippet') })
    await widget.locator('h1').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('dashboard-widget-settings') })

    // The e-mail channel's settings page is reachable from the owner's navigation too.
    await page.locator('parley-app nav a[href="#/email"]').click()
    await page.locator('parley-email-settings [data-status]').waitFor()
    expect((page as WatchedPage).errors).toEqual([])
  }, TEST_MS)

  it('lets an agent answer a visitor live: take, reply, resolve, and back to Open when the visitor writes again', async () => {
    const page = await newPage()
    await page.goto(srv.url + '/')
    await page.locator('parley-login form').waitFor()
    await page.screenshot({ path: screenshotPath('dashboard-login') })
    // A wrong password says so, and does not sign in.
    await page.locator('parley-login input[name=email]').fill(ALEX.email)
    await page.locator('parley-login input[name=password]').fill('wrong-password')
    await page.locator('parley-login button[type=submit]').click()
    await waitForText(page.locator('parley-login .alert'), 'Wrong e-mail or password')
    await signIn(page, ALEX)
    await waitForText(count(page, 'unassigned'), '0')

    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const first = await visitorSays(visitor, vws, 'Hello, my parcel has not arrived yet.')
    const convId = first.conversationId

    // It appears under Unassigned without a reload, and the count follows.
    await waitForText(rowOf(page, convId), 'my parcel has not arrived')
    await waitForText(rowOf(page, convId), `Visitor #`)
    await waitForText(count(page, 'unassigned'), '1')

    await rowOf(page, convId).locator('a').click()
    const thread = page.locator('parley-thread')
    await waitForText(thread.locator('.messages'), 'Hello, my parcel has not arrived yet.')
    await waitForText(thread.locator('.badge'), 'Open')

    // The visitor's typing shows in the thread.
    vws.send({ type: 'typing', conversationId: convId, typing: true })
    await waitForText(thread.locator('.typing'), 'is typing')
    vws.send({ type: 'typing', conversationId: convId, typing: false })
    await waitForCount(thread.locator('.typing .dots'), 0)

    await thread.locator('button[data-action=take]').click()
    await waitForText(count(page, 'mine'), '1')
    await waitForText(count(page, 'unassigned'), '0')
    await waitForCount(thread.locator('button[data-action=take]'), 0)
    await waitForCount(rowOf(page, convId), 0)
    await page.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(page, convId), 'my parcel has not arrived')

    // Reply from the composer: Shift+Enter is a new line, Enter sends.
    const composer = thread.locator('parley-composer textarea')
    await composer.click()
    await composer.pressSequentially('Sorry to hear that!')
    await composer.press('Shift+Enter')
    await composer.pressSequentially('Could you tell me the order number?')
    await composer.press('Enter')
    const reply = await vws.waitFor('message', (f) => f.message.authorType === 'agent')
    expect(reply.message.body).toBe('Sorry to hear that!\nCould you tell me the order number?')
    expect(reply.message.authorName).toBe(ALEX.name)
    expect(await composer.inputValue()).toBe('')
    await waitForText(thread.locator('.msg.agent').last(), 'Could you tell me the order number?')
    vws.send({ type: 'delivered', conversationId: convId, seq: reply.message.seq })
    await thread.locator('.msg.agent .state.delivered').waitFor()
    // Sent once: the thread holds exactly one copy and no pending bubble.
    await waitForCount(thread.locator('.msg.agent'), 1)

    await visitorSays(visitor, vws, 'It is 2024-1187.')
    await waitForText(thread.locator('.msg.visitor').last(), 'It is 2024-1187.')

    // Visitor panel: edit name, a wrong e-mail is refused with a message, phone and a shared note.
    const panel = page.locator('parley-visitor-panel')
    await panel.locator('[data-field=name]').click()
    await panel.locator('input[name=name]').fill('Jana Nováková')
    await panel.locator('input[name=name]').press('Enter')
    await waitForText(panel.locator('[data-field=name]'), 'Jana Nováková')
    await waitForText(rowOf(page, convId), 'Jana Nováková')
    await panel.locator('[data-field=email]').click()
    await panel.locator('input[name=email]').fill('jana@')
    await panel.locator('input[name=email]').press('Enter')
    await waitForText(panel.locator('.error'), 'valid e-mail')
    await panel.locator('input[name=email]').fill('jana@example.cz')
    await panel.locator('input[name=email]').press('Enter')
    await waitForText(panel.locator('[data-field=email]'), 'jana@example.cz')
    await panel.locator('[data-field=phone]').click()
    await panel.locator('input[name=phone]').fill('601')
    await panel.locator('input[name=phone]').press('Enter')
    await waitForText(panel.locator('.error'), 'international number')
    await panel.locator('input[name=phone]').fill('+420 601 234 567')
    await panel.locator('input[name=phone]').press('Enter')
    await waitForText(panel.locator('[data-field=phone]'), '+420601234567')
    await panel.locator('textarea').fill('Parcel 2024-1187 stuck in Brno depot. Called the courier.')
    await panel.locator('button[data-action=save-note]').click()
    await waitForText(panel.locator('.note-meta'), ALEX.name)
    const card = await ownerApi().then((o) => o.request('GET', `/api/visitors/${visitor.id}`))
    expect(card.body).toMatchObject({ name: 'Jana Nováková', email: 'jana@example.cz', phone: '+420601234567', note: 'Parcel 2024-1187 stuck in Brno depot. Called the courier.' })
    await page.locator('parley-conversation-list').click({ position: { x: 5, y: 5 } })
    await page.screenshot({ path: screenshotPath('dashboard-inbox') })

    // Resolve from the header; it leaves Open.
    await thread.locator('button[data-action=resolve]').click()
    await waitForText(thread.locator('.badge'), 'Resolved')
    await waitForText(count(page, 'mine'), '0')
    const resolvedFrame = await vws.waitFor('conversation', (f) => f.conversation.status === 'resolved')
    expect(resolvedFrame.conversation.id).toBe(convId)
    await page.locator('parley-conversation-list [data-view=resolved]').click()
    await waitForText(rowOf(page, convId), 'Jana Nováková')

    // The visitor writes again: the conversation is open again, live.
    await visitorSays(visitor, vws, 'One more thing: can I change the address?')
    await waitForText(thread.locator('.badge'), 'Open')
    await waitForCount(rowOf(page, convId), 0)
    await page.locator('parley-conversation-list [data-view=open]').click()
    await page.locator('parley-conversation-list [data-view=mine]').click()
    await waitForText(rowOf(page, convId), 'change the address')
    await waitForText(count(page, 'mine'), '1')
    vws.close()
    expect((page as WatchedPage).errors).toEqual([])
  }, TEST_MS)

  it("hides Resolve from a limited agent on a colleague's conversation, and the API refuses it", async () => {
    const alex = new AgentClient(srv.url)
    await alex.login(ALEX.email, ALEX.password)
    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const theirs = (await visitorSays(visitor, vws, 'Is the blue jacket in stock?')).conversationId
    expect((await alex.request('POST', `/api/conversations/${theirs}/take`)).status).toBe(200)

    const page = await newPage()
    await signIn(page, LEE)
    await page.locator('parley-conversation-list [data-view=others]').click()
    await waitForText(rowOf(page, theirs), 'blue jacket')
    await waitForCount(rowOf(page, theirs).locator('[data-action=resolve]'), 0)
    await rowOf(page, theirs).locator('a').click()
    const thread = page.locator('parley-thread')
    await waitForText(thread.locator('.messages'), 'blue jacket')
    await waitForCount(thread.locator('button[data-action=resolve]'), 0)
    await waitForCount(thread.locator('button[data-action=take]'), 0)

    const lee = new AgentClient(srv.url)
    await lee.login(LEE.email, LEE.password)
    const refused = await lee.request('POST', `/api/conversations/${theirs}/resolve`)
    expect(refused.status).toBe(403)

    // The same agent does see Resolve on a conversation of their own.
    const other = await VisitorClient.create(srv.url)
    const ows = await other.socket()
    await ows.waitFor('hello')
    const own = (await visitorSays(other, ows, 'Do you ship to Slovakia?')).conversationId
    await page.locator('parley-conversation-list [data-view=unassigned]').click()
    await rowOf(page, own).locator('a').click()
    await thread.locator('button[data-action=take]').click()
    await thread.locator('button[data-action=resolve]').waitFor()
    await page.locator('parley-conversation-list [data-view=mine]').click()
    await rowOf(page, own).locator('[data-action=resolve]').waitFor()
    vws.close()
    ows.close()
  }, TEST_MS)

  it('speaks Czech after the agent switches language, and keeps it after a reload', async () => {
    const page = await newPage()
    await signIn(page, ALEX)
    await page.locator('parley-account-menu .trigger').click()
    await page.locator('parley-account-menu select[data-pref=language]').selectOption('cs')
    await waitForText(page.locator('parley-app nav'), 'Konverzace')
    await waitForText(page.locator('parley-conversation-list .tabs'), 'Otevřené')
    await waitForText(page.locator('parley-conversation-list .tabs'), 'Vyřešené')
    await waitForText(page.locator('parley-conversation-list .subtabs'), 'Nepřiřazené')
    await page.keyboard.press('Escape')

    await page.reload()
    await page.locator('parley-conversation-list').waitFor()
    await waitForText(page.locator('parley-conversation-list .subtabs'), 'Moje')
    await page.locator('parley-conversation-list [data-view=mine]').click()
    await page.locator('parley-conversation-list li[data-conversation] a').first().click()
    const thread = page.locator('parley-thread')
    await waitForText(thread.locator('header'), 'Otevřená')
    expect(await thread.locator('parley-composer textarea').getAttribute('placeholder')).toBe('Napište odpověď…')
    await waitForText(page.locator('parley-visitor-panel #note-h'), 'Poznámka')
    await page.screenshot({ path: screenshotPath('dashboard-czech') })
    expect(await axeViolations(page)).toEqual([])
    const me = await new AgentClient(srv.url).login(ALEX.email, ALEX.password)
    expect(me.body.agent.language).toBe('cs')
  }, TEST_MS)

  it('counts unread visitor messages in the tab title, and reading the conversation clears them', async () => {
    const page = await newPage()
    await signIn(page, OWNER)
    // The title counts every unread message of this agent, also those of earlier tests here (read
    // from the API: the title says 'Parley' too before the dashboard has read its counts).
    const ownerApi = new AgentClient(srv.url)
    expect((await ownerApi.login(OWNER.email, OWNER.password)).status).toBe(200)
    const unread = (await ownerApi.request('GET', '/api/conversations/unread')).body.unread as Record<string, number>
    const base = Object.values(unread).reduce((a, b) => a + b, 0)
    const title = (n: number) => (n > 0 ? `(${n}) Parley` : 'Parley')
    await page.waitForFunction((t) => document.title === t, title(base))
    // Headless tabs are always visible: stand in for the agent switching to another tab.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const convId = (await visitorSays(visitor, vws, 'Anyone there?')).conversationId
    await visitorSays(visitor, vws, 'Hello?')
    await page.waitForFunction((t) => document.title === t, title(base + 2), { timeout: 8000 })
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
      window.dispatchEvent(new Event('focus'))
    })
    // Looking at the tab is not reading the conversation; opening it is.
    expect(await page.title()).toBe(title(base + 2))
    await rowOf(page, convId).locator('a').click()
    await page.waitForFunction((t) => document.title === t, title(base), { timeout: 8000 })

    // The sound can be turned off (remembered in this browser); notifications show their state.
    await page.locator('parley-account-menu .trigger').click()
    await page.locator('parley-account-menu input[data-pref=sound]').uncheck()
    expect(await page.evaluate(() => localStorage.getItem('parley.sound'))).toBe('off')
    await page.reload()
    await page.locator('parley-account-menu .trigger').click()
    expect(await page.locator('parley-account-menu input[data-pref=sound]').isChecked()).toBe(false)
    vws.close()
    // Notifications: a person's browser asks first (the headless shell of the other tests denies
    // outright), so this part runs in the full browser.
    const full = await launchBrowser({ full: true })
    try {
      const fullPage = await (await full.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
      fullPage.setDefaultTimeout(8000)
      await signIn(fullPage, OWNER)
      await fullPage.locator('parley-account-menu .trigger').click()
      await fullPage.locator('parley-account-menu button[data-pref=notifications]').waitFor()
      await fullPage.context().grantPermissions(['notifications'], { origin: srv.url })
      await fullPage.reload()
      await fullPage.locator('parley-account-menu .trigger').click()
      await waitForText(fullPage.locator('parley-account-menu .notif'), 'On for this browser')
    } finally {
      await full.close()
    }
  }, TEST_MS)

  it('keeps a reply written while the server restarts and stores it once when the connection is back', async () => {
    const page = await newPage()
    await signIn(page, ALEX)
    const visitor = await VisitorClient.create(srv.url)
    const vws = await visitor.socket()
    await vws.waitFor('hello')
    const convId = (await visitorSays(visitor, vws, 'Are you still there?')).conversationId
    await rowOf(page, convId).locator('a').click()
    const thread = page.locator('parley-thread')
    await thread.locator('button[data-action=take]').click()
    await waitForCount(thread.locator('button[data-action=take]'), 0)

    // The server goes away mid-chat (same database, same port when it comes back).
    const port = Number(new URL(srv.url).port)
    const db = srv.db
    await srv.running.stop()
    vws.close()
    await page.locator('parley-app .banner').waitFor()
    const composer = thread.locator('parley-composer textarea')
    await composer.fill('Yes, one moment please.')
    await composer.press('Enter')
    // Kept on screen as waiting (this agent speaks Czech since the previous test).
    await waitForText(thread.locator('.msg.agent.pending'), 'Yes, one moment please.')
    await waitForText(thread.locator('.msg.agent.pending .state'), 'Odešle se po obnovení spojení')

    const restarted = await startTestServer({ port }, db)
    srv = { ...restarted, stop: async () => { await restarted.stop(); await db.drop() } }
    await waitForCount(page.locator('parley-app .banner'), 0, 20_000)
    await waitForCount(thread.locator('.msg.agent.pending'), 0, 20_000)
    await waitForText(thread.locator('.msg.agent').last(), 'Yes, one moment please.')
    await waitForCount(thread.locator('.msg.agent'), 1)

    const alex = new AgentClient(srv.url)
    await alex.login(ALEX.email, ALEX.password)
    const stored = (await alex.request('GET', `/api/conversations/${convId}/messages`)).body as { body: string; authorType: string }[]
    expect(stored.filter((m) => m.body === 'Yes, one moment please.')).toHaveLength(1)

    // The visitor, back too, resumes and gets the reply.
    const back = await visitor.socket()
    await back.waitFor('hello')
    back.send({ type: 'resume', conversationId: convId, afterSeq: 1 })
    const got = await back.waitFor('message', (f) => f.message.authorType === 'agent')
    expect(got.message.body).toBe('Yes, one moment please.')
    back.close()
    expect((page as WatchedPage).errors).toEqual([])
  }, TEST_MS)

  it('pages through Resolved with "Load more"', async () => {
    const api = await ownerApi()
    // Written all at once; resolved one after another, so the order of resolving is known.
    const ids = await Promise.all(
      Array.from({ length: 33 }, async (_, i) => {
        const v = await VisitorClient.create(srv.url)
        const r = await v.request('POST', '/api/widget/messages', { body: `Old question ${i}`, clientId: cid() })
        expect(r.status).toBe(201)
        return r.body.conversation.id as string
      }),
    )
    for (const id of ids) expect((await api.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
    const page = await newPage()
    await signIn(page, OWNER)
    await page.locator('parley-conversation-list [data-view=resolved]').click()
    const rows = page.locator('parley-conversation-list li[data-conversation]')
    await waitForCount(rows, 30)
    // Newest resolved first.
    await waitForText(rows.first(), 'Old question 32')
    await page.locator('parley-conversation-list .more button').click()
    // No other conversation is resolved at this point: the second page holds the last three.
    await waitForCount(rows, 33)
    await waitForCount(page.locator('parley-conversation-list .more'), 0)
    for (const id of ids) expect(await rowOf(page, id).count()).toBe(1)
  }, TEST_MS)

  it('shows every message of a burst stored in one batch, which reaches it as one coalesced frame', async () => {
    const starts = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const v = await VisitorClient.create(srv.url)
        const r = await v.request('POST', '/api/widget/messages', { body: `Burst start ${i}`, clientId: cid() })
        expect(r.status).toBe(201)
        return { visitorId: r.body.conversation.visitor.id as string, conversationId: r.body.conversation.id as string }
      }),
    )
    const page = await newPage()
    await signIn(page, OWNER)
    for (const s of starts) await waitForText(rowOf(page, s.conversationId), 'Burst start')
    const watcher = await (await ownerApi()).socket()
    await watcher.waitFor('counts')
    const before = watcher.received.batches
    // Six visitors write at the same moment: one group commit, one turn of fan-out.
    const { receiveInbound } = await import('../../server/domain/messages/messages.usecases.ts')
    await Promise.all(
      starts.map((s, i) =>
        receiveInbound(srv.running.deps, { channel: 'web', visitorId: s.visitorId, conversationId: s.conversationId, body: `Burst reply ${i}`, clientId: cid() }),
      ),
    )
    await watcher.waitFor('message', (f) => f.message.body === 'Burst reply 5')
    expect(watcher.received.batches).toBeGreaterThan(before)
    for (const [i, s] of starts.entries()) await waitForText(rowOf(page, s.conversationId), `Burst reply ${i}`)
    await rowOf(page, starts[5]!.conversationId).locator('a').click()
    await waitForText(page.locator('parley-thread .msg.visitor').last(), 'Burst reply 5')
    expect((page as WatchedPage).errors).toEqual([])
    watcher.close()
  }, TEST_MS)

  it('degrades to two columns at 800px with the visitor panel as a drawer', async () => {
    const page = await newPage(800, 700)
    await signIn(page, OWNER)
    await page.locator('parley-conversation-list [data-view=others]').click()
    await page.locator('parley-conversation-list li[data-conversation] a').first().click()
    await page.locator('parley-thread .messages .msg').first().waitFor()
    expect(await page.locator('parley-visitor-panel').isVisible()).toBe(false)
    await page.locator('parley-thread .panel-toggle').click()
    await page.locator('parley-visitor-panel [data-field=name]').waitFor({ state: 'visible' })
    await page.screenshot({ path: screenshotPath('dashboard-800') })
    // The drawer over the thread meets WCAG 2.2 AA as the three columns do.
    expect(await axeViolations(page)).toEqual([])
  }, TEST_MS)
})

let owner: AgentClient | null = null
async function ownerApi(): Promise<AgentClient> {
  if (!owner) {
    owner = new AgentClient(srv.url)
    await owner.login(OWNER.email, OWNER.password)
  }
  return owner
}

// PostgreSQL away for a few seconds (a restart, a fail-over), in Chromium against a real Parley
// whose database connections pass through a door the test shuts: what the agent opens meanwhile
// loads once the database is back; what the visitor and the agent write meanwhile is refused with
// `database.unavailable`, waits, goes again by itself and is stored once. Nobody has to press
// "retry".
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { AgentClient, startTestServer, type TestServer } from '../../server/testing/harness.ts'
import { openDbDoor, type DbDoor } from '../../server/testing/db-door.ts'
import { createTestDb, type TestDb } from '../../server/db/testing.ts'
import { launchBrowser, screenshotPath, signIn } from '../testing/browser.ts'
import { waitForText } from '../testing/wait.ts'
import { bubbles, openDemo, settled, until } from './widget.testing.ts'

let db: TestDb
let door: DbDoor
let srv: TestServer
let owner: AgentClient
let browser: Browser
const OWNER = { email: 'owner@example.com', password: 'owner-password' }

beforeAll(async () => {
  db = await createTestDb()
  door = await openDbDoor(db.url)
  srv = await startTestServer({ databaseUrl: door.url }, db)
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password)).status).toBe(201)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await door?.open()
  await srv?.stop()
  await door?.close()
  await db?.drop()
})

/** The `database.unavailable` refusals a page's sockets received, by the client id they name. */
function refusals(page: Page): Map<string, number> {
  const seen = new Map<string, number>()
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const f = JSON.parse(String(payload))
      if (f.type === 'error' && f.code === 'database.unavailable') seen.set(f.ref, (seen.get(f.ref) ?? 0) + 1)
    }),
  )
  return seen
}

describe('the database away for a few seconds', () => {
  it('holds what the visitor and the agent write, sends it again by itself, and stores it once', async () => {
    let visitorRefused = new Map<string, number>()
    const { page, context, errors } = await openDemo(browser, srv.url, { beforeLoad: (p) => (visitorRefused = refusals(p)) })
    await page.locator('parley-chat .launcher').click()
    const composer = page.locator('parley-chat textarea')
    await composer.fill('Hello, is anyone there?')
    await composer.press('Enter')
    const list = await until(async () => (await owner.request('GET', '/api/conversations?view=unassigned')).body.items[0], 'the conversation')
    const conversationId: string = list.id

    const dash = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const agentPage = await dash.newPage()
    agentPage.setDefaultTimeout(20_000)
    const agentRefused = refusals(agentPage)
    const unavailable: string[] = []
    agentPage.on('response', (r) => void (r.status() === 503 && unavailable.push(new URL(r.url()).pathname)))
    await signIn(agentPage, srv.url, OWNER)
    const item = agentPage.locator('parley-conversation-list li[data-conversation]').first()
    await item.waitFor()

    // The agent opens the conversation while the database is away: its thread and the visitor
    // card are asked again until they load, instead of showing an error.
    await door.shut()
    await item.click()
    await until(async () => unavailable.filter((p) => p.endsWith('/messages')).length >= 2, 'the thread asked twice', 15_000)
    expect(await agentPage.locator('parley-visitor-panel', { hasText: 'could not be loaded' }).count()).toBe(0)
    await agentPage.screenshot({ path: screenshotPath('database-away-1-dashboard-loading') })
    await door.open()
    await agentPage.locator('parley-thread', { hasText: 'Hello, is anyone there?' }).waitFor({ timeout: 20_000 })
    await agentPage.locator('parley-visitor-panel', { hasText: '/demo' }).waitFor({ timeout: 20_000 })

    await door.shut()
    await composer.fill('Do the boots come in 44?')
    await composer.press('Enter')
    const agentBox = agentPage.locator('parley-thread parley-composer textarea')
    await agentBox.fill('Let me check the stock for you.')
    await agentBox.press('Enter')

    // Refused, then refused again after the wait: both wait, neither is shown as failed.
    const banner = page.locator('parley-chat .banner')
    await waitForText(banner, "We couldn't send this just now — we'll try again in a moment.")
    await until(async () => [...visitorRefused.values()].some((n) => n >= 2), 'the visitor message refused twice', 15_000)
    await until(async () => [...agentRefused.values()].some((n) => n >= 2), "the agent's reply refused twice", 15_000)
    expect(await page.locator('parley-chat .state.failed').count()).toBe(0)
    expect(await agentPage.locator('parley-thread .msg.failed').count()).toBe(0)
    await agentPage.locator('parley-thread .msg.pending', { hasText: 'Let me check the stock for you.' }).waitFor()
    // A change the agent makes meanwhile is refused, and says why: nothing was changed.
    await agentPage.locator('parley-conversation-list li[data-conversation] .resolve').first().click()
    await waitForText(agentPage.locator('parley-conversation-list [role=alert]'), 'The server’s database is unavailable for a moment. Try again shortly.')
    await settled(page)
    await page.screenshot({ path: screenshotPath('database-away-2-widget-waiting') })
    await agentPage.screenshot({ path: screenshotPath('database-away-3-dashboard-sending') })

    // The database is back: both go out by themselves, within the widget's and the dashboard's
    // next try (a wait of at most 60 s after many refusals; here a few seconds).
    await door.open()
    await bubbles(page, 'agent').filter({ hasText: 'Let me check the stock for you.' }).waitFor({ timeout: 30_000 })
    await agentPage.locator('parley-thread .msg.visitor', { hasText: 'Do the boots come in 44?' }).waitFor({ timeout: 30_000 })
    await agentPage.locator('parley-thread .msg.pending').waitFor({ state: 'detached', timeout: 30_000 })
    await banner.waitFor({ state: 'detached' })
    await settled(page)
    await page.screenshot({ path: screenshotPath('database-away-4-widget-sent') })
    await agentPage.screenshot({ path: screenshotPath('database-away-5-dashboard-sent') })

    // A page loaded while the database is away: its socket is refused again and again (the token
    // cannot be checked), and the widget's back-off would grow towards half a minute. The server
    // says 503 to the widget's token check, so the widget keeps trying every few seconds, and the
    // conversation is back within seconds of the database.
    const widgetUnavailable: string[] = []
    page.on('response', (r) => void (r.status() === 503 && widgetUnavailable.push(new URL(r.url()).pathname)))
    await door.shut()
    // The agent reloads the dashboard meanwhile: it waits ("Loading…") instead of failing.
    await agentPage.reload()
    await page.reload()
    // (The chat stays open across pages: the launcher would close it.)
    await page.evaluate(() => (window as unknown as { parley: (cmd: string) => void }).parley('chat:open'))
    // And a new visitor arrives meanwhile: the server cannot make them a visitor yet.
    const newcomerUnavailable: string[] = []
    let newcomerSettings = 0
    const newcomer = await openDemo(browser, srv.url, {
      beforeLoad: (p) =>
        p.on('response', (r) => {
          const path = new URL(r.url()).pathname
          if (r.status() === 503) newcomerUnavailable.push(path)
          else if (path === '/api/widget/config' && r.ok()) newcomerSettings++
        }),
    })
    await until(async () => widgetUnavailable.filter((p) => p === '/api/widget/me').length >= 4, 'four refused sockets', 20_000)
    await until(async () => newcomerUnavailable.filter((p) => p === '/api/widget/visitors').length >= 2, "the newcomer's visitor refused twice", 20_000)
    await door.open()
    await bubbles(page, 'agent').filter({ hasText: 'Let me check the stock for you.' }).waitFor({ timeout: 20_000 })
    await bubbles(page, 'visitor').filter({ hasText: 'Hello, is anyone there?' }).waitFor()
    await settled(page)
    await page.screenshot({ path: screenshotPath('database-away-6-widget-reloaded') })
    expect(unavailable).toContain('/api/auth/session')
    await agentPage.locator('parley-conversation-list li[data-conversation]').first().waitFor({ timeout: 20_000 })
    expect(await agentPage.getByText('Cannot reach the server').count()).toBe(0)
    // The newcomer's widget read its settings again by itself (the launcher showed at once, with
    // the defaults), and writes, and is answered as any visitor.
    expect(newcomerUnavailable).toContain('/api/widget/config')
    await until(async () => newcomerSettings > 0, "the newcomer's settings read once the database is back", 20_000)
    await newcomer.page.locator('parley-chat .launcher').click()
    const newcomerBox = newcomer.page.locator('parley-chat textarea')
    await newcomerBox.fill('Hi, I just got here.')
    await newcomerBox.press('Enter')
    await newcomer.page.locator('parley-chat .row.visitor .state.sent').waitFor({ timeout: 20_000 })
    expect(newcomer.errors).toEqual([])
    await newcomer.context.close()

    const bodies = ((await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as { body: string }[]).map((m) => m.body)
    // Each once (which of the two went again first is a matter of timing).
    expect(bodies[0]).toBe('Hello, is anyone there?')
    expect(bodies.slice(1).sort()).toEqual(['Do the boots come in 44?', 'Let me check the stock for you.'])
    expect(errors).toEqual([])
    await dash.close()
    await context.close()
  }, 120_000)
})

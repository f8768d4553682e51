// The dashboard's frame in a real Chromium against a real Parley: what a reload on a
// conversation's address shows, the sign-in page's quiet start, the header on a phone, the
// inbox's heading, and a visitor's typing that ends when the visitor leaves.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs, type WatchedPage, requireDashboardBundle } from '../../testing/browser.ts'
import { waitForCount, waitForText } from '../../testing/wait.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer, type TestSocket } from '../../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
let owner: AgentClient
let alex: AgentClient
const pages = new Pages(() => browser, 10_000)
const TEST_MS = 60_000

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }
const ALEX = { name: 'Alex Full', email: 'alex@example.com', password: 'alex-password' }

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, ownerName: OWNER.name })
  owner = new AgentClient(srv.url)
  expect((await owner.login(OWNER.email, OWNER.password)).status).toBe(200)
  expect((await owner.request('POST', '/api/agents', { ...ALEX, role: 'full' })).status).toBe(201)
  alex = new AgentClient(srv.url)
  expect((await alex.login(ALEX.email, ALEX.password)).status).toBe(200)
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)
const tab = (page: Page, view: string) => page.locator(`parley-conversation-list [data-view=${view}]`)

async function conversation(body: string): Promise<{ id: string; visitor: VisitorClient }> {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  return { id: r.body.conversation.id, visitor }
}

describe('the dashboard frame', () => {
  it('opens the list on the tab that holds the conversation a reload or a link shows', async () => {
    const resolved = await conversation('Thanks, all sorted now.')
    expect((await owner.request('POST', `/api/conversations/${resolved.id}/resolve`)).status).toBe(200)
    const theirs = await conversation('Is the green tent back in stock?')
    expect((await alex.request('POST', `/api/conversations/${theirs.id}/take`)).status).toBe(200)

    const page = await pages.open()
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/c/${resolved.id}`)
    await page.reload()
    const thread = page.locator('parley-thread')
    await waitForText(thread.locator('.badge'), 'Resolved')
    await waitForText(page.locator(`parley-conversation-list li[data-conversation="${resolved.id}"]`), 'all sorted now')
    expect(await tab(page, 'resolved').getAttribute('aria-selected')).toBe('true')
    expect(await tab(page, 'open').getAttribute('aria-selected')).toBe('false')
    await page.screenshot({ path: screenshotPath('dashboard-reload-resolved') })

    // A colleague's open conversation: Open › Others.
    await page.goto(`${srv.url}/#/c/${theirs.id}`)
    await page.reload()
    await waitForText(thread.locator('.messages'), 'green tent')
    await waitForText(page.locator(`parley-conversation-list li[data-conversation="${theirs.id}"]`), 'green tent')
    expect(await tab(page, 'others').getAttribute('aria-selected')).toBe('true')

    // Following a link (not a reload) to the resolved one moves the list as well.
    await page.evaluate((id) => (location.hash = `#/c/${id}`), resolved.id)
    await waitForText(thread.locator('.badge'), 'Resolved')
    await waitForText(page.locator(`parley-conversation-list li[data-conversation="${resolved.id}"]`), 'all sorted now')
    expect(await tab(page, 'resolved').getAttribute('aria-selected')).toBe('true')
    expect((page as WatchedPage).errors).toEqual([])
  }, TEST_MS)

  it('loads the sign-in page without a failed request or an error in the console', async () => {
    const page = await pages.open()
    const failed: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`)
    })
    page.on('console', (m) => {
      if (m.type() === 'error') failed.push(`console: ${m.text()}`)
    })
    await page.goto(srv.url + '/')
    await page.locator('parley-login form').waitFor()
    await signIn(page, OWNER)
    expect(failed).toEqual([])
  }, TEST_MS)

  it('keeps the status switch clear of the navigation on a phone, and every link reachable', async () => {
    for (const width of [360, 390, 700, 800]) {
      const page = await pages.open(width, 760)
      await signIn(page, OWNER)
      const boxes = await page.locator('parley-app').evaluate((app) => {
        const root = app.shadowRoot!
        const box = (el: Element) => {
          const r = el.getBoundingClientRect()
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }
        }
        return {
          links: [...root.querySelectorAll('nav a')].map(box),
          others: [...root.querySelectorAll('.brand, parley-status-switch, parley-account-menu')].map(box),
        }
      })
      type Box = (typeof boxes.links)[number]
      const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
      // Inbox, agents, widget, e-mail, Messenger, integrations, canned responses, blocking, tags, groups
      expect(boxes.links).toHaveLength(10)
      for (const link of boxes.links) {
        for (const other of boxes.others) expect(overlap(link, other)).toBe(false)
        expect(link.right).toBeLessThanOrEqual(width)
      }
      if (width === 390) await page.screenshot({ path: screenshotPath('dashboard-phone-header') })
      // Each link takes the click itself (nothing lies over it).
      await page.locator('parley-app nav a[href="#/agents"]').click({ timeout: 3000 })
      await page.locator('parley-agents-page').waitFor()
      await page.locator('parley-app nav a[href="#/"]').click({ timeout: 3000 })
      await page.locator('parley-conversation-list').waitFor()
    }
  }, TEST_MS)

  it('gives the inbox a level-one heading, as every other page has', async () => {
    const page = await pages.open()
    await signIn(page, OWNER)
    expect(await page.locator('parley-app h1').count()).toBe(1)
    expect(await page.locator('parley-app h1').textContent()).toBe('Conversations')
    await page.locator('parley-app nav a[href="#/agents"]').click()
    await page.locator('parley-agents-page h1').waitFor()
    expect(await page.locator('h1').count()).toBe(1)
  }, TEST_MS)

  it("ends the visitor's typing as soon as the visitor's last socket closes", async () => {
    const { id, visitor } = await conversation('Let me explain what happened…')
    const page = await pages.open()
    await signIn(page, OWNER)
    await page.locator(`parley-conversation-list li[data-conversation="${id}"] a`).click()
    const thread = page.locator('parley-thread')
    await waitForText(thread.locator('.messages'), 'Let me explain')

    const tabs: TestSocket[] = [await visitor.socket(), await visitor.socket()]
    for (const ws of tabs) await ws.waitFor('hello')
    tabs[0]!.send({ type: 'typing', conversationId: id, typing: true })
    await waitForText(thread.locator('.typing'), 'is typing')
    // The visitor closes the site mid-sentence: no "stopped typing" is ever sent.
    for (const ws of tabs) ws.close()
    // Well before the dashboard's own 6-second time-out.
    await waitForCount(thread.locator('.typing .dots'), 0, 2500)
    expect((page as WatchedPage).errors).toEqual([])
  }, TEST_MS)
})

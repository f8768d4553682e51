// What the per-feature stores buy: with a conversation open (list, thread, visitor card), a
// visitor's typing re-renders the thread and nothing else, and a visitor's message re-renders the
// thread and the list but not the card's panels, the header or the settings. Counts every Lit
// element's update() in a real Chromium; the counts are printed for the report.
import { afterAll, beforeAll, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { Pages, launchBrowser, requireDashboardBundle, screenshotPath, signIn, type WatchedPage } from '../../testing/browser.ts'
import { waitForText } from '../../testing/wait.ts'
import { VisitorClient, cid, startTestServer, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
const pages = new Pages(() => browser, 10_000)
const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, ownerName: OWNER.name })
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

/** Before the bundles load: every custom element class counts its updates per tag name. */
const COUNT_UPDATES = () => {
  const w = window as unknown as { __updates: Record<string, number> }
  w.__updates = {}
  const define = customElements.define.bind(customElements)
  customElements.define = (name: string, cls: CustomElementConstructor, options?: ElementDefinitionOptions) => {
    const proto = cls.prototype as { updated?: (...a: unknown[]) => unknown }
    const updated = proto.updated
    if (typeof updated === 'function') {
      proto.updated = function (this: unknown, ...a: unknown[]) {
        w.__updates[name] = (w.__updates[name] ?? 0) + 1
        return updated.apply(this, a)
      }
    }
    define(name, cls, options)
  }
}

/** Updates per element during `action` and until the page has been quiet (no update) for a while. */
async function updatesDuring(page: Page, action: () => Promise<void>): Promise<Record<string, number>> {
  await quiet(page)
  await page.evaluate(() => ((window as unknown as { __updates: Record<string, number> }).__updates = {}))
  await action()
  await quiet(page)
  return page.evaluate(() => ({ ...(window as unknown as { __updates: Record<string, number> }).__updates }))
}

/** Waits until no element updated during one 600 ms stretch (at most 20 stretches). */
async function quiet(page: Page): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const total = () => page.evaluate(() => Object.values((window as unknown as { __updates: Record<string, number> }).__updates).reduce((a, b) => a + b, 0))
    const before = await total()
    await page.waitForTimeout(600)
    if ((await total()) === before) return
  }
}

it('re-renders only the thread for a typing frame, and not the visitor card for a message', async () => {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body: 'Where is my parcel?', clientId: cid() })
  expect(r.status).toBe(201)
  const id = r.body.conversation.id as string
  const ws = await visitor.socket()
  await ws.waitFor('hello')

  const page = await pages.open()
  await page.addInitScript(COUNT_UPDATES)
  await signIn(page, srv.url, OWNER)
  await page.locator(`parley-conversation-list li[data-conversation="${id}"] a`).click()
  const thread = page.locator('parley-thread')
  await waitForText(thread.locator('.messages'), 'Where is my parcel?')
  await page.locator('parley-visitor-panel').waitFor()

  const typing = await updatesDuring(page, async () => {
    ws.send({ type: 'typing', conversationId: id, typing: true })
    await waitForText(thread.locator('.typing'), 'is typing')
  })
  await page.screenshot({ path: screenshotPath('stores-visitor-typing') })
  const message = await updatesDuring(page, async () => {
    ws.send({ type: 'message.send', clientId: cid(), conversationId: id, body: 'It was due on Monday.' })
    await waitForText(thread.locator('.messages'), 'It was due on Monday.')
  })
  await page.screenshot({ path: screenshotPath('stores-visitor-message') })
  const sum = (u: Record<string, number>) => Object.values(u).reduce((a, b) => a + b, 0)
  console.log(`updates for one typing frame: ${sum(typing)} ${JSON.stringify(typing)}`)
  console.log(`updates for one message frame: ${sum(message)} ${JSON.stringify(message)}`)

  expect(Object.keys(typing).filter((tag) => !['parley-thread', 'parley-composer'].includes(tag))).toEqual([])
  for (const tag of ['parley-status-switch', 'parley-account-menu', 'parley-visitor-activity', 'parley-visitor-recordings']) expect(message[tag]).toBeUndefined()
  expect(message['parley-thread']).toBeGreaterThan(0)
  expect(message['parley-conversation-list']).toBeGreaterThan(0)
  expect((page as WatchedPage).errors).toEqual([])
}, 90_000)

// The rating setting on the widget settings page, and the rating in the visitor card's earlier
// conversations (#16), in Chromium against a real Parley.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { waitForText } from '../../testing/wait.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const TEST_MS = 120_000

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password)).status).toBe(201)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

async function dashboard(hash: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  await signIn(page, srv.url, OWNER)
  await page.goto(`${srv.url}/${hash}`)
  return page
}

describe('the rating setting', () => {
  it('is good/bad by default; the owner switches to stars or off on the widget page', async () => {
    const page = await dashboard('#/widget')
    const card = page.locator('parley-rating-settings')
    await card.locator('fieldset[data-rating-mode=thumbs]').waitFor()
    expect(await card.locator('input[value=thumbs]').isChecked()).toBe(true)
    await card.locator('input[value=stars]').check()
    await waitForText(card.locator('[role=status]'), 'Rating setting saved.')
    expect((await owner.request('GET', '/api/widget/rating-settings')).body).toEqual({ mode: 'stars' })
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('rating-5-widget-settings') })
    expect(await axeViolations(page)).toEqual([])
    await card.locator('input[value=off]').check()
    await card.locator('fieldset[data-rating-mode=off]').waitFor()
    // The choice shows at once; the notice (emptied when the choice was made) says when it is stored.
    await waitForText(card.locator('[role=status]'), 'Rating setting saved.')
    expect((await owner.request('GET', '/api/widget/rating-settings')).body).toEqual({ mode: 'off' })
    expect((await owner.request('PUT', '/api/settings/rating', { mode: 'thumbs' })).status).toBe(200)
    await page.context().close()
  }, TEST_MS)
})

describe("the visitor card's earlier conversations", () => {
  it('show the rating of a rated conversation', async () => {
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const hash = createHmac('sha256', secret).update('user-7').digest('hex')
    const laptop = await VisitorClient.create(srv.url)
    expect((await laptop.request('POST', '/api/widget/identify', { id: 'user-7', hash, name: 'Eva Horak' })).status).toBe(200)
    const first = (await laptop.request('POST', '/api/widget/messages', { body: 'Where is order 41?', clientId: cid() })).body.conversation.id as string
    expect((await owner.request('POST', `/api/conversations/${first}/messages`, { body: 'It ships today.', clientId: cid() })).status).toBe(201)
    expect((await owner.request('POST', `/api/conversations/${first}/resolve`)).status).toBe(200)
    expect((await laptop.request('POST', `/api/widget/conversations/${first}/rating`, { score: 0, comment: 'Too slow' })).status).toBe(201)
    const phone = await VisitorClient.create(srv.url)
    const second = (await phone.request('POST', '/api/widget/messages', { body: 'Me again, from my phone', clientId: cid() })).body.conversation.id as string
    expect((await phone.request('POST', '/api/widget/identify', { id: 'user-7', hash })).body.switched).toBe(true)

    const page = await dashboard(`#/c/${second}`)
    const earlier = page.locator('parley-visitor-panel [data-earlier] a[data-conversation="' + first + '"]')
    await earlier.locator('.rating-badge[data-rating="thumbs:0"]').waitFor()
    expect(await earlier.locator('.rating-badge').getAttribute('title')).toBe('Rating: Bad')
    await earlier.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('rating-6-visitor-card-earlier') })
    expect(await axeViolations(page)).toEqual([])
    await page.context().close()
  }, TEST_MS)
})

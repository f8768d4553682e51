// Ratings end to end (#16), in Chromium against a real Parley: the agent resolves, the visitor's
// widget asks for a rating, the visitor answers with the keyboard alone, and the agent sees the
// rating in the list, the thread (with the comment) and the visitor card. Then on the owner's
// star scale, in Czech.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, cid, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { waitForText } from '../../testing/wait.ts'
import { bubbles, focused, openDemo, settled, until } from '../widget.testing.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
// Two browser contexts and a real server per test: slow on a shared two-core machine.
const TEST_MS = 150_000

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

/** The visitor writes in the widget; the agent answers and resolves; returns the conversation's id. */
async function chatAndResolve(page: import('playwright-core').Page, text: string): Promise<string> {
  await page.locator('parley-chat .launcher').click()
  const composer = page.locator('parley-chat textarea')
  await composer.fill(text)
  await composer.press('Enter')
  await bubbles(page, 'visitor').filter({ hasText: text }).waitFor({ timeout: 20_000 })
  const id = await until(async () => {
    const list = await owner.request('GET', '/api/conversations?view=unassigned')
    return (list.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview === text)?.id
  }, 'the conversation in Unassigned')
  expect((await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Glad to help. Anything else?', clientId: cid() })).status).toBe(201)
  expect((await owner.request('POST', `/api/conversations/${id}/resolve`)).status).toBe(200)
  return id
}

describe('rating a resolved conversation', () => {
  it('lets the visitor rate good with a comment by keyboard, and shows it to the agent in the list, the thread and the card', async () => {
    const { page, errors } = await openDemo(browser, srv.url)
    page.setDefaultTimeout(20_000)
    const id = await chatAndResolve(page, 'Do the boots run small?')
    const rating = page.locator('parley-chat parley-rating')
    await waitForText(rating.locator('legend'), 'How was this conversation?')

    // Keyboard only: the choices are one radio group (one Tab stop); Space picks, Tab goes on to
    // the comment, then to the button.
    await rating.locator('input[type=radio]').first().focus()
    expect(await focused(page)).toBe('input')
    await page.keyboard.press('Space')
    const comment = rating.locator('textarea')
    await comment.waitFor()
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('textarea')
    await page.keyboard.type('Quick and friendly! Card 4111 1111 1111 1111')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('button.send')
    await settled(page)
    await page.screenshot({ path: screenshotPath('rating-1-widget-thumbs') })
    expect(await axeViolations(page)).toEqual([])
    await page.keyboard.press('Enter')
    await waitForText(rating.locator('[data-state=rated]'), 'Thank you for your rating!')
    await settled(page)
    await page.screenshot({ path: screenshotPath('rating-2-widget-thanks') })
    const stored = await srv.db.sql`select scale, score, comment from conversation_ratings where conversation_id = ${id}`
    expect(stored.map((r) => [r.scale, r.score, r.comment])).toEqual([['thumbs', 1, 'Quick and friendly! Card •••• •••• •••• 1111']])
    expect(errors).toEqual([])

    // The agent: the Resolved list shows the icon, the thread the rating and its comment.
    const dash = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const agent = await dash.newPage()
    agent.setDefaultTimeout(20_000)
    await signIn(agent, srv.url, OWNER)
    await agent.locator('parley-conversation-list [data-view=resolved]').click()
    const row = agent.locator(`parley-conversation-list li[data-conversation="${id}"]`)
    await row.locator('.rating-badge[data-rating="thumbs:1"]').waitFor()
    expect(await row.locator('.rating-badge').getAttribute('title')).toBe('Rating: Good')
    await row.click()
    const inThread = agent.locator('parley-thread .msg.rating')
    await waitForText(inThread, 'The visitor rated this conversation: Good')
    await waitForText(inThread.locator('.rating-comment'), 'Quick and friendly! Card •••• •••• •••• 1111')
    await agent.screenshot({ path: screenshotPath('rating-3-dashboard-thread') })
    expect(await axeViolations(agent)).toEqual([])
    await dash.close()
  }, TEST_MS)

  it('asks on stars when the owner chose them, in the visitor language, and the list follows live', async () => {
    expect((await owner.request('PUT', '/api/settings/rating', { mode: 'stars' })).status).toBe(200)
    const dash = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const agent = await dash.newPage()
    agent.setDefaultTimeout(20_000)
    await signIn(agent, srv.url, OWNER)
    await agent.locator('parley-conversation-list [data-view=resolved]').click()

    const { page, context, errors } = await openDemo(browser, srv.url, { locale: 'cs-CZ' })
    page.setDefaultTimeout(20_000)
    const id = await chatAndResolve(page, 'Máte boty ve velikosti 44?')
    const rating = page.locator('parley-chat parley-rating')
    await waitForText(rating.locator('legend'), 'Jak jste byli s konverzací spokojeni?')
    expect(await rating.locator('input[type=radio]').count()).toBe(5)
    // Arrow keys move through a radio group: from the first star three to the right is four.
    await rating.locator('input[type=radio]').first().focus()
    await page.keyboard.press('Space')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight')
    expect(await rating.locator('input[type=radio]:checked').getAttribute('aria-label')).toBe('4 z 5 hvězdiček')
    await settled(page)
    await page.screenshot({ path: screenshotPath('rating-4-widget-stars-cs') })
    expect(await axeViolations(page)).toEqual([])
    await rating.locator('button.send').click()
    await waitForText(rating.locator('[data-state=rated]'), 'Děkujeme za hodnocení!')
    // The agent's list was open all along: the rating arrives live.
    const row = agent.locator(`parley-conversation-list li[data-conversation="${id}"]`)
    await row.locator('.rating-badge[data-rating="stars:4"]').waitFor()
    expect(errors).toEqual([])
    await context.close()
    await dash.close()
    expect((await owner.request('PUT', '/api/settings/rating', { mode: 'thumbs' })).status).toBe(200)
  }, TEST_MS)

  it('keeps a choice the visitor never sent: closing the chat sends it, and so does leaving the page', async () => {
    const score = (id: string) => until(async () => (await srv.db.sql`select score, comment from conversation_ratings where conversation_id = ${id}`)[0], 'the stored rating')
    // Good, a comment typed, and the chat closed instead of "Send rating".
    const first = await openDemo(browser, srv.url)
    first.page.setDefaultTimeout(20_000)
    const a = await chatAndResolve(first.page, 'Are the socks wool?')
    const rating = first.page.locator('parley-chat parley-rating')
    await rating.locator('label.choice').first().click()
    await rating.locator('textarea').fill('Thanks!')
    await first.page.locator('parley-chat .panel button.icon-button[aria-label="Minimize chat"]').click()
    expect(await score(a)).toEqual({ score: 1, comment: 'Thanks!' })
    // Opened again: the thanks, not the question.
    await first.page.locator('parley-chat .launcher').click()
    await waitForText(rating.locator('[data-state=rated]'), 'Thank you for your rating!')
    expect(first.errors).toEqual([])
    await first.context.close()
    // Bad, and off to another page with the chat still open.
    const second = await openDemo(browser, srv.url)
    second.page.setDefaultTimeout(20_000)
    const b = await chatAndResolve(second.page, 'Is the shell waterproof?')
    await second.page.locator('parley-chat parley-rating label.choice').nth(1).click()
    await second.page.goto(`${srv.url}/demo/boots`)
    expect(await score(b)).toEqual({ score: 0, comment: '' })
    await second.context.close()
  }, TEST_MS)

  it('asks nothing when the owner switched ratings off', async () => {
    expect((await owner.request('PUT', '/api/settings/rating', { mode: 'off' })).status).toBe(200)
    const { page, context } = await openDemo(browser, srv.url)
    page.setDefaultTimeout(20_000)
    await chatAndResolve(page, 'Just a quick one')
    await page.locator('parley-chat .note[data-state=resolved]').waitFor()
    expect(await page.locator('parley-chat parley-rating').count()).toBe(0)
    await context.close()
    expect((await owner.request('PUT', '/api/settings/rating', { mode: 'thumbs' })).status).toBe(200)
  }, TEST_MS)
})

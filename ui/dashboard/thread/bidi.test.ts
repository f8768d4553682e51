// Right-to-left text in a left-to-right dashboard: a visitor's Arabic, the list's preview of it, an
// agent's Arabic as typed, sent and in a note each keep their own direction (dir=auto / <bdi>), so
// a sentence reads from its right edge with its punctuation at its end — and the preview's "You:"
// prefix does not turn the visitor's text around.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

const QUESTION = 'هل تشحنون إلى برنو؟'
const ANSWER = 'نعم، خلال يومين.'
const NOTE = 'تحقق من المخزون'

describe('right-to-left text in the dashboard', () => {
  it('shows a visitor’s and an agent’s Arabic right to left in the list, the thread, the composer and a note', async () => {
    const visitor = await VisitorClient.create(srv.url)
    expect((await visitor.request('POST', '/api/widget/messages', { body: QUESTION, clientId: cid() })).status).toBeLessThan(300)

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
    await context.addCookies([{ name: 'parley_session', value: owner.cookie.split('=')[1]!, url: srv.url }])
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    await page.goto(srv.url + '/')
    const direction = (selector: string) => page.locator(selector).first().evaluate((e) => getComputedStyle(e).direction)

    const preview = page.locator('parley-conversation-list .preview bdi', { hasText: QUESTION })
    await preview.waitFor()
    expect(await preview.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')
    await page.locator('parley-conversation-list li[data-conversation]').first().click()

    const question = page.locator('parley-thread .msg.visitor .bubble', { hasText: QUESTION })
    await question.waitFor()
    expect(await question.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')
    // The page around it stays left to right.
    expect(await direction('parley-thread .meta')).toBe('ltr')

    const composer = page.locator('parley-thread parley-composer textarea')
    await composer.fill(ANSWER)
    expect(await composer.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')
    await composer.press('Enter')
    const answer = page.locator('parley-thread .msg.agent[data-seq] .bubble', { hasText: ANSWER })
    await answer.waitFor()
    expect(await answer.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')
    // Answered, the conversation is mine: in that list its preview starts with "You:", left to
    // right, and the Arabic after it keeps its own direction.
    await page.locator('parley-conversation-list [data-view=mine]').click()
    const mine = page.locator('parley-conversation-list .preview', { hasText: ANSWER })
    await mine.waitFor()
    expect(await mine.evaluate((e) => getComputedStyle(e).direction)).toBe('ltr')
    expect(await mine.locator('bdi').evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')

    const conversationId = page.url().split('#/c/')[1]!
    expect((await owner.request('POST', `/api/conversations/${conversationId}/notes`, { body: NOTE })).status).toBeLessThan(300)
    const note = page.locator('parley-thread .msg.note .bubble', { hasText: NOTE })
    await note.waitFor()
    expect(await note.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl')
    await page.screenshot({ path: screenshotPath('dashboard-rtl-text') })
    await context.close()
  }, 40_000)
})

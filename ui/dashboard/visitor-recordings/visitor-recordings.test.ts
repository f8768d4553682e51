// Recordings in the visitor card and the replay, in a real Chromium against a real Parley: the
// visitor is a real browser on /demo with the real widget and recorder, the agent a real dashboard.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core'
import { launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { waitForText } from '../../testing/wait.ts'
import { watch, until } from '../../widget/widget.testing.ts'
import { runRecordingJobs } from '../../../server/domain/recordings/recordings.usecases.ts'
import { AgentClient, cid, startWithOwner, type TestServer, type TestSocket } from '../../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let ownerWs: TestSocket
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  ownerWs = await owner.socket()
  await ownerWs.waitFor('counts')
  browser = await launchBrowser()
})
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  ownerWs?.close()
  await srv?.stop()
})

type WatchedPage = Page & { errors: string[] }
async function newPage(width = 1280, height = 800): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height } })
  contexts.push(context)
  const page = (await context.newPage()) as WatchedPage
  page.setDefaultTimeout(10_000)
  page.errors = []
  watch(page, page.errors)
  return page
}

/** The replay page inside the card's dialog, and the recorded page inside rrweb's own iframe. */
const replayFrame = (page: Page): FrameLocator => page.frameLocator('parley-visitor-recordings iframe.replay')
const recordedPage = (page: Page): FrameLocator => replayFrame(page).frameLocator('.replayer-wrapper iframe')

describe('recordings in the visitor card', () => {
  it('follows a visitor live, then lists the saved visit and replays it with the chat on its timeline', async () => {
    // The visitor: the shop's front page, a product page (a second page load, whose stylesheets
    // the recorder sends as references to the first page's), a single-page-app navigation, a
    // question in the chat.
    const visitor = await newPage()
    await visitor.goto(srv.url + '/demo')
    await visitor.locator('parley-chat .launcher').waitFor()
    await until(async () => (await srv.db.sql`select 1 from recording_chunks`).length > 0 || (await visitor.evaluate(() => performance.getEntriesByName(location.origin + '/assets/parley-recorder.js').length)) > 0, 'the recorder started', 15_000)
    await visitor.locator('header nav a[href="/demo/boots"]').click()
    await visitor.waitForURL('**/demo/boots')
    await visitor.locator('parley-chat .launcher').waitFor()
    await visitor.locator('[data-tab=sizes]').click()
    const from = ownerWs.frames.length
    await visitor.locator('parley-chat .launcher').click()
    await visitor.locator('parley-chat textarea').fill('Are size 42 boots wide enough?')
    await visitor.locator('parley-chat textarea').press('Enter')
    const asked = await ownerWs.waitFor('message', (f) => f.message.authorType === 'visitor', 10_000, from)
    const conversationId = asked.message.conversationId
    const visitorId = asked.conversation.visitor.id
    expect((await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'Yes, they are cut wide.', clientId: cid() })).status).toBe(201)
    await until(async () => (await srv.db.sql`select id from recordings where visitor_id = ${visitorId} and chunks > 0`).length === 1, 'the first chunk stored', 20_000)

    // The agent opens the conversation: the card offers the live recording.
    const agent = await newPage(1400, 900)
    await signIn(agent, srv.url, { email: 'owner@example.com', password: 'owner-password' })
    await agent.goto(`${srv.url}/#/c/${conversationId}`)
    const list = agent.locator('parley-visitor-recordings')
    await waitForText(list.locator('[data-status=live]'), 'Recording now', 20_000)
    await list.locator('[data-action=play-recording]').click()
    await replayFrame(agent).locator('[data-live]').waitFor({ timeout: 15_000 })
    await waitForText(recordedPage(agent).locator('h1'), 'Hiking boots', 20_000)
    // The visitor moves on; the live view follows a few seconds behind.
    await visitor.locator('[data-size="44"]').click()
    await waitForText(recordedPage(agent).locator('#chosen'), 'Size 44 is in stock', 30_000)
    await agent.screenshot({ path: screenshotPath('recordings-1-live') })
    await agent.locator('parley-visitor-recordings [data-action=close-replay]').click()

    // The visitor leaves; once gone for the set time the recording is saved and listed.
    await visitor.context().close()
    await until(async () => {
      await srv.db.sql`update recordings set last_chunk_at = now() - interval '5 minutes' where visitor_id = ${visitorId}`
      return (await runRecordingJobs({ sql: srv.db.sql })).finalized > 0
    }, 'the recording saved', 20_000)
    await agent.reload()
    const saved = agent.locator('parley-visitor-recordings [data-status=saved]')
    await saved.waitFor({ timeout: 20_000 })
    await waitForText(saved, /Pages: [2-9]/)
    await agent.locator('parley-visitor-recordings').scrollIntoViewIfNeeded()
    await agent.screenshot({ path: screenshotPath('recordings-2-card') })

    // The replay: both messages on the timeline and beside it; a click jumps to that moment.
    await saved.locator('[data-action=play-recording]').click()
    const replay = replayFrame(agent)
    await replay.locator('[data-message-mark]').nth(1).waitFor({ timeout: 15_000 })
    expect(await replay.locator('[data-message-mark]').count()).toBe(2)
    expect(await replay.locator('[data-page-mark]').count()).toBeGreaterThanOrEqual(2)
    await waitForText(replay.locator('aside li.visitor'), 'Are size 42 boots wide enough?')
    await waitForText(replay.locator('aside li.agent'), 'Yes, they are cut wide.')
    await waitForText(recordedPage(agent).locator('h1'), 'Hiking boots', 15_000)
    // The product page replays with the shop's stylesheet and the widget's styles, restored from
    // the first page's copies.
    expect(await recordedPage(agent).locator('body').evaluate((b) => getComputedStyle(b).fontFamily)).toContain('Georgia')
    // The widget draws itself after the page's heading (its module loads after the page): in the
    // replay, its shadow root fills a moment after the heading shows.
    const widgetPosition = () =>
      recordedPage(agent).locator('parley-chat').evaluate((w) => {
        const root = w.shadowRoot?.querySelector('.root')
        return root ? getComputedStyle(root).position : null
      })
    expect(await until(widgetPosition, "the replayed widget's root", 15_000)).toBe('fixed')
    await replay.locator('[data-action=play]').click() // pause
    await replay.locator('aside li.agent button').click()
    await until(async () => (await replay.locator('aside li.agent').getAttribute('class'))?.includes('said'), 'the jump to the answer')
    await Bun.sleep(500)
    await agent.screenshot({ path: screenshotPath('recordings-3-replay') })
    // rrweb's iframe is sandboxed without scripts on purpose: the browser says so when an
    // attribute handler of the recorded page (the demo form's onsubmit) is rebuilt there.
    expect(agent.errors.filter((e) => !/Blocked script execution .* sandboxed/.test(e))).toEqual([])
  })

  it('serves the replay page with a policy of its own, which only the dashboard may frame, and keeps the dashboard strict', async () => {
    const replay = await fetch(srv.url + '/replay?id=x')
    const csp = replay.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self' 'unsafe-inline'")
    expect(csp).toContain("frame-ancestors 'self'")
    expect(replay.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    const dashboard = await fetch(srv.url + '/')
    expect(dashboard.headers.get('content-security-policy')).not.toMatch(/style-src-elem[^;]*unsafe-inline/)
    expect(dashboard.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })
})

describe('the recording settings', () => {
  it('lets the owner switch recording to consent mode and keep recordings longer, and shows the storage used', async () => {
    const page = await newPage(1280, 1400)
    await signIn(page, srv.url, { email: 'owner@example.com', password: 'owner-password' })
    await page.goto(`${srv.url}/#/widget`)
    const settings = page.locator('parley-recording-settings')
    await waitForText(settings.locator('[data-usage]'), /Stored recordings: \d+, /)
    await settings.locator('input[name=requireConsent]').check()
    await settings.locator('input[name=retentionDays]').fill('30')
    await settings.locator('button[type=submit]').click()
    await waitForText(settings.locator('.notice'), 'Recording settings saved.')
    await settings.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('recordings-4-settings'), fullPage: true })
    const stored = await owner.request('GET', '/api/settings/recordings')
    expect(stored.body).toMatchObject({ requireConsent: true, retentionDays: 30, enabled: true })
    expect((await owner.request('GET', '/api/widget/config')).body.recording.requireConsent).toBe(true)
    expect(page.errors).toEqual([])
  })
})

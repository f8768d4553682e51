// The thread tells its story (#15): two agents in two browsers. What one does (take, resolve)
// appears as a quiet line in the other's open thread at once, the visitor writing again reopens it
// with its own line, and each sees that the other is viewing or typing in the conversation —
// until they go elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let alex: AgentClient
let browser: Browser

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  expect((await owner.request('POST', '/api/agents', { email: 'alex@example.com', name: 'Alex', password: 'agent-password', role: 'full' })).status).toBe(201)
  alex = new AgentClient(srv.url)
  expect((await alex.login('alex@example.com', 'agent-password')).status).toBe(200)
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

async function dashboard(who: AgentClient, hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addCookies([{ name: 'parley_session', value: who.cookie.split('=')[1]!, url: srv.url }])
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  await page.goto(`${srv.url}/${hash}`)
  await page.locator('parley-conversation-list').waitFor()
  return page
}

const line = (page: Page, kind: string) => page.locator(`parley-thread .messages .event[data-event="${kind}"]`)
const colleagues = (page: Page) => page.locator('parley-thread .collision li')

describe('system events and collision, live between two agents', () => {
  it('shows what a colleague does as quiet lines, in order with the messages, and who else is viewing or typing', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const first = await visitor.request('POST', '/api/widget/messages', { body: 'My parcel has not arrived yet.', clientId: cid() })
    expect(first.status).toBe(201)
    const id = first.body.conversation.id as string

    const olivia = await dashboard(owner, `#/c/${id}`)
    await olivia.locator('parley-thread .messages').getByText('My parcel has not arrived yet.').waitFor()
    const alexPage = await dashboard(alex, `#/c/${id}`)
    await alexPage.locator('parley-thread .messages').getByText('My parcel has not arrived yet.').waitFor()

    // Both have it open: each sees the other (the one who came second learns of the first by the answer).
    await colleagues(olivia).filter({ hasText: 'Alex is viewing' }).waitFor()
    await colleagues(alexPage).filter({ hasText: 'Olivia Owner is viewing' }).waitFor()

    // Alex takes it: Olivia's open thread says so at once.
    await alexPage.locator('parley-thread [data-action="take"]').click()
    await line(olivia, 'taken').filter({ hasText: 'Alex took the conversation' }).waitFor()

    // Alex types: Olivia sees it by name; the visitor's typing line stays the visitor's own.
    await alexPage.locator('parley-thread parley-composer textarea').pressSequentially('Let me check', { delay: 20 })
    await colleagues(olivia).filter({ hasText: 'Alex is typing…' }).waitFor()
    expect(await olivia.locator('parley-thread .typing').textContent()).not.toContain('Alex')
    await alexPage.locator('parley-thread parley-composer textarea').press('Enter')
    await olivia.locator('parley-thread .messages').getByText('Let me check').waitFor()

    // Olivia resolves; Alex sees by whom. The visitor writes again: reopened, before the message.
    await olivia.locator('parley-thread [data-action="resolve"]').click()
    await line(alexPage, 'resolved').filter({ hasText: 'Resolved by Olivia Owner' }).waitFor()
    expect((await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'Found it, thanks!', clientId: cid() })).status).toBe(201)
    for (const page of [olivia, alexPage]) {
      await line(page, 'reopened').filter({ hasText: 'Reopened: the visitor wrote' }).waitFor()
      await page.locator('parley-thread .messages').getByText('Found it, thanks!').waitFor()
      const order = await page.locator('parley-thread .messages > .msg, parley-thread .messages > .event').evaluateAll((els) =>
        els.map((el) => (el.classList.contains('event') ? `event:${el.getAttribute('data-event')}` : (el.querySelector('.bubble')?.textContent ?? ''))),
      )
      expect(order).toEqual([
        'My parcel has not arrived yet.',
        'event:taken',
        'Let me check',
        'event:resolved',
        'event:reopened',
        'Found it, thanks!',
      ])
    }
    // the lines carry their time
    expect(await line(olivia, 'resolved').locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/)

    await olivia.screenshot({ path: screenshotPath('dashboard-thread-story') })
    expect(await axeViolations(olivia)).toEqual([])

    // A reload shows the same story from the stored history — here in Alex's Czech.
    const alexId = (await alex.request('GET', '/api/auth/me')).body.agent.id as string
    expect((await alex.request('PATCH', `/api/agents/${alexId}`, { language: 'cs' })).status).toBe(200)
    await alexPage.reload()
    await line(alexPage, 'reopened').waitFor()
    const lines = await alexPage.locator('parley-thread .messages .event > span').allTextContents()
    expect(lines).toEqual(['Alex: převzetí konverzace', 'Olivia Owner: konverzace vyřešena', 'Znovu otevřeno: návštěvník poslal novou zprávu'])
    await colleagues(alexPage).filter({ hasText: 'Olivia Owner si prohlíží tuto konverzaci' }).waitFor()
    await alexPage.screenshot({ path: screenshotPath('dashboard-thread-story-cs') })
    expect(await axeViolations(alexPage)).toEqual([])

    // Alex goes back to the list: Olivia no longer sees Alex in the conversation.
    await colleagues(olivia).filter({ hasText: 'Alex is viewing' }).waitFor()
    await alexPage.evaluate(() => (location.hash = '#/'))
    await colleagues(olivia).first().waitFor({ state: 'detached' })
    // Alex opens it again, then closes the tab: gone again.
    await alexPage.evaluate((c) => (location.hash = `#/c/${c}`), id)
    await colleagues(olivia).filter({ hasText: 'Alex is viewing' }).waitFor()
    await alexPage.context().close()
    await colleagues(olivia).first().waitFor({ state: 'detached' })
    await olivia.context().close()
  }, 90_000)

  it('sends no line and no colleague to the visitor', async () => {
    const visitor = await VisitorClient.create(srv.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    ws.send({ type: 'message.send', clientId: cid(), body: 'Hello?' })
    const ack = await ws.waitFor('ack')
    const page = await dashboard(alex, `#/c/${ack.conversationId}`)
    await page.locator('parley-thread [data-action="take"]').click()
    await line(page, 'taken').waitFor()
    await page.locator('parley-thread [data-action="resolve"]').click()
    await line(page, 'resolved').waitFor()
    await Bun.sleep(200)
    expect(ws.frames.filter((f) => (f.type as string) === 'conversation.event' || (f.type as string) === 'viewing')).toEqual([])
    // the widget hears about the conversation itself (resolved), as before
    expect(ws.frames.some((f) => f.type === 'conversation' && f.conversation.status === 'resolved')).toBe(true)
    ws.close()
    await page.context().close()
  }, 90_000)
})

// Private notes, @mentions and canned responses in the dashboard (#16), in Chromium against a real
// Parley: an agent writes a note with a mention using the keyboard; it looks like a note, the
// mentioned colleague is told live, and the visitor's widget never shows it (live or after a
// reload). Canned responses come with `/` and fill their placeholders; the settings page lets the
// owner manage the team's and each agent only their own.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { waitForText } from '../../testing/wait.ts'
import { bubbles, openDemo, until } from '../../widget/widget.testing.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const ALEX = { email: 'alex@example.com', password: 'agent-password' }
const TEST_MS = 150_000

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password)).status).toBe(201)
  expect((await owner.request('POST', '/api/agents', { email: ALEX.email, name: 'Alex Smith', password: ALEX.password, role: 'full' })).status).toBe(201)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

async function dashboard(who: { email: string; password: string }, hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  await signIn(page, srv.url, who)
  if (hash) await page.goto(`${srv.url}/${hash}`)
  return page
}

/** A visitor writes from the demo page's widget; returns the page and the conversation id. */
async function visitorWrites(text: string) {
  const demo = await openDemo(browser, srv.url)
  demo.page.setDefaultTimeout(20_000)
  await demo.page.locator('parley-chat .launcher').click()
  const composer = demo.page.locator('parley-chat textarea')
  await composer.fill(text)
  await composer.press('Enter')
  await bubbles(demo.page, 'visitor').filter({ hasText: text }).waitFor()
  const id = await until(async () => {
    const list = await owner.request('GET', '/api/conversations?view=unassigned')
    return (list.body.items as { id: string; lastMessage: { preview: string } }[]).find((c) => c.lastMessage.preview === text)?.id
  }, 'the conversation')
  return { ...demo, id }
}

describe('private notes', () => {
  it('are written with an @mention by keyboard, look like notes, tell the colleague, and never reach the widget', async () => {
    const visitor = await visitorWrites('Is the rain shell waterproof?')
    const alex = await dashboard(ALEX)
    const agent = await dashboard(OWNER, `#/c/${visitor.id}`)
    const composer = agent.locator('parley-thread parley-composer')
    const box = composer.locator('textarea')
    await box.waitFor()

    await composer.locator('button[data-mode=note]').click()
    expect(await composer.locator('button[data-mode=note]').getAttribute('aria-pressed')).toBe('true')
    await box.focus()
    await agent.keyboard.type('@al')
    const picker = composer.locator('[data-picker=mention]')
    await waitForText(picker.locator('[role=option][aria-selected=true]'), '@Alex Smith')
    await agent.keyboard.press('Enter')
    expect(await box.inputValue()).toBe('@Alex Smith ')
    await agent.keyboard.type('can you check the warranty first? NOTE-SECRET-42')
    await agent.screenshot({ path: screenshotPath('notes-1-composer-note-mode') })
    await agent.keyboard.press('Enter')

    const note = agent.locator('parley-thread .msg.note')
    await waitForText(note, 'NOTE-SECRET-42')
    expect(await note.locator('mark.mention').textContent()).toBe('@Alex Smith')
    await waitForText(note.locator('.note-head'), 'Only agents see this')
    expect(await note.locator('.bubble').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(254, 249, 195)')
    await agent.screenshot({ path: screenshotPath('notes-2-thread-note') })
    expect(await axeViolations(agent)).toEqual([])

    // Alex is told, live and highlighted.
    const toast = alex.locator('parley-mention-toasts [data-mention]')
    await waitForText(toast, 'Olivia Owner mentioned you in a note')
    await waitForText(toast, 'NOTE-SECRET-42')
    await alex.screenshot({ path: screenshotPath('notes-3-mention-notice') })
    expect(await axeViolations(alex)).toEqual([])
    await toast.locator('a').click()
    await alex.waitForURL(`**/#/c/${visitor.id}`)
    await waitForText(alex.locator('parley-thread .msg.note'), 'NOTE-SECRET-42')
    expect(await alex.locator('parley-mention-toasts [data-mention]').count()).toBe(0)

    // The reply after it reaches the widget; the note does not, live or after a reload.
    await composer.locator('button[data-mode=reply]').click()
    await box.fill('Yes, it is fully waterproof.')
    await box.press('Enter')
    await bubbles(visitor.page, 'agent').filter({ hasText: 'Yes, it is fully waterproof.' }).waitFor()
    expect(await visitor.page.locator('parley-chat').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('NOTE-SECRET-42')
    await visitor.page.reload()
    // the widget stays open across a reload of the page (as a visitor left it)
    await visitor.page.locator('parley-chat .launcher').waitFor()
    if ((await visitor.page.locator('parley-chat #panel').count()) === 0) await visitor.page.locator('parley-chat .launcher').click()
    await bubbles(visitor.page, 'agent').filter({ hasText: 'Yes, it is fully waterproof.' }).waitFor()
    expect(await visitor.page.locator('parley-chat').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('NOTE-SECRET-42')
    expect(visitor.errors).toEqual([])
    await visitor.context.close()
    await agent.context().close()
    await alex.context().close()
  }, TEST_MS)
})

describe('the Note switch', () => {
  it("hides what only concerns a reply while a note is written (the visitor-has-left warning)", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const r = await visitor.request('POST', '/api/widget/contact', { email: 'ida@example.com', name: 'Ida', body: 'Call me maybe', clientId: cid() })
    expect(r.status).toBe(201)
    const agent = await dashboard(OWNER, `#/c/${r.body.conversation.id}`)
    const warning = agent.locator('parley-thread .unreachable')
    await warning.waitFor()
    const composer = agent.locator('parley-thread parley-composer')
    await composer.locator('button[data-mode=note]').click()
    await warning.waitFor({ state: 'detached' })
    await composer.locator('button[data-mode=reply]').click()
    await warning.waitFor()
    await agent.context().close()
  }, TEST_MS)
})

describe('canned responses', () => {
  it('come with / in the composer, chosen by keyboard, with the placeholders filled', async () => {
    expect((await owner.request('POST', '/api/canned', { scope: 'team', shortcut: 'hello', body: 'Hello {visitor.name}, I am {agent.name}. How can I help?' })).status).toBe(201)
    expect((await owner.request('POST', '/api/canned', { scope: 'personal', shortcut: 'help', body: 'Happy to help!' })).status).toBe(201)
    expect((await owner.request('POST', '/api/canned', { scope: 'team', shortcut: 'shipping', body: 'We ship within 2 days.' })).status).toBe(201)
    const visitor = await visitorWrites('Hi there')
    // The responses load as the first conversation opens. Held back here until the agent has
    // typed "/he", as on a slow line, the picker shows them when they arrive, without another key.
    const agent = await dashboard(OWNER)
    let release = () => {}
    const typed = new Promise<void>((r) => (release = r))
    await agent.route('**/api/canned', async (route) => {
      await typed
      await route.continue()
    })
    await agent.goto(`${srv.url}/#/c/${visitor.id}`)
    const composer = agent.locator('parley-thread parley-composer')
    const box = composer.locator('textarea')
    await box.waitFor()
    await box.focus()
    await agent.keyboard.type('/he')
    const picker = composer.locator('[data-picker=canned]')
    await picker.waitFor()
    release()
    await waitForText(picker.locator('[role=option][aria-selected=true]'), '/hello')
    expect(await picker.locator('[role=option]').count()).toBe(2)
    await agent.screenshot({ path: screenshotPath('canned-1-composer-picker') })
    expect(await axeViolations(agent)).toEqual([])
    // Escape closes it and leaves the text; typing again opens it; ArrowDown moves to the second.
    await agent.keyboard.press('Escape')
    expect(await picker.count()).toBe(0)
    expect(await box.inputValue()).toBe('/he')
    await agent.keyboard.type('l')
    await waitForText(picker.locator('[role=option][aria-selected=true]'), '/hello')
    await agent.keyboard.press('ArrowDown')
    await waitForText(picker.locator('[role=option][aria-selected=true]'), '/help')
    await agent.keyboard.press('ArrowUp')
    await waitForText(picker.locator('[role=option][aria-selected=true]'), '/hello')
    await agent.keyboard.press('Enter')
    // The visitor gave no name: the neutral word stands in.
    expect(await box.inputValue()).toBe('Hello there, I am Olivia Owner. How can I help?')
    await agent.keyboard.press('Enter')
    await bubbles(visitor.page, 'agent').filter({ hasText: 'Hello there, I am Olivia Owner. How can I help?' }).waitFor()
    await visitor.context.close()
    await agent.context().close()
  }, TEST_MS)

  it("are managed in settings: the owner keeps the team's, an agent only their own", async () => {
    const agent = await dashboard(OWNER, '#/canned')
    const page = agent.locator('parley-canned-settings')
    await page.locator('tr[data-canned=hello]').waitFor()
    await page.locator('select[name=scope]').selectOption('team')
    await page.locator('input[name=shortcut]').fill('bye')
    await page.locator('textarea[name=body]').fill('Thank you for visiting, {visitor.name}!')
    await page.locator('button[type=submit]').click()
    await page.locator('tr[data-canned=bye][data-scope=team]').waitFor()
    // A taken shortcut is refused with the reason at the field.
    await page.locator('select[name=scope]').selectOption('team')
    await page.locator('input[name=shortcut]').fill('bye')
    await page.locator('textarea[name=body]').fill('Again')
    await page.locator('button[type=submit]').click()
    await waitForText(page.locator('#shortcut-msg'), 'This shortcut is taken already.')
    await agent.screenshot({ path: screenshotPath('canned-2-settings-owner'), fullPage: true })
    expect(await axeViolations(agent)).toEqual([])
    await agent.context().close()

    const alex = await dashboard(ALEX, '#/canned')
    const mine = alex.locator('parley-canned-settings')
    await mine.locator('tr[data-canned=bye][data-scope=team]').waitFor()
    expect(await mine.locator('tr[data-scope=team] button').count()).toBe(0)
    // the owner's personal response is not Alex's to see
    expect(await mine.locator('tr[data-canned=help]').count()).toBe(0)
    expect(await mine.locator('select[name=scope] option').allTextContents()).toEqual(['Only me'])
    await mine.locator('input[name=shortcut]').fill('ciao')
    await mine.locator('textarea[name=body]').fill('Ciao {visitor.name}!')
    await mine.locator('button[type=submit]').click()
    await mine.locator('tr[data-canned=ciao][data-scope=personal] button[data-action=edit]').waitFor()
    await alex.screenshot({ path: screenshotPath('canned-3-settings-agent'), fullPage: true })
    expect(await axeViolations(alex)).toEqual([])
    await alex.context().close()
  }, TEST_MS)
})

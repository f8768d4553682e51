// Routing a visitor to a group (#16) from the widget, in Chromium against a real Parley: the
// site's parley('group', key), and the pre-chat choice the owner can turn on. The conversation
// must land in the group, as the dashboard's API reports it.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, startTestServer, type TestServer, type TestSocket } from '../../server/testing/harness.ts'
import { createTestDb, type TestDb } from '../../server/db/testing.ts'
import { launchBrowser, screenshotPath } from '../testing/browser.ts'
import { axeViolations } from '../testing/axe.ts'
import { bubbles, openDemo, settled, until } from './widget.testing.ts'

let db: TestDb
let srv: TestServer
let owner: AgentClient
let agent: TestSocket
let browser: Browser
const TEST_MS = 180_000

/** The group of the visitor's conversation whose first message is `body`, once there is one. */
async function groupOf(body: string): Promise<{ id: string; name: string } | null> {
  const id = await until(async () => {
    const r = await owner.request('GET', '/api/conversations?view=all&limit=200')
    return r.body.items.find((c: { lastMessage: { preview: string } }) => c.lastMessage.preview === body)?.id ?? null
  }, `the conversation "${body}"`)
  return (await owner.request('GET', `/api/conversations/${id}`)).body.group
}

beforeAll(async () => {
  db = await createTestDb()
  srv = await startTestServer({}, db)
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  // an agent online, so the widget offers the chat (not the offline form)
  agent = await owner.socket()
  await agent.waitFor('counts')
  for (const [key, name] of [['sales', 'Sales'], ['support', 'Customer support']]) {
    expect((await owner.request('POST', '/api/groups', { key, name })).status).toBe(201)
  }
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  agent?.close()
  await srv?.stop()
  await db?.drop()
})

describe('routing a visitor to a group', () => {
  it("puts the conversation in the group the site named with parley('group', key)", async () => {
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('group', 'sales'); parley('chat:open');`
    const { page, context, errors } = await openDemo(browser, srv.url, { init })
    await page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
    // the site chose: the visitor is not asked
    expect(await page.locator('parley-chat [data-prechat-group]').count()).toBe(0)
    await page.locator('parley-chat textarea').fill('Do you ship to Norway?')
    await page.locator('parley-chat textarea').press('Enter')
    await bubbles(page, 'visitor').filter({ hasText: 'Do you ship to Norway?' }).waitFor()
    expect(await groupOf('Do you ship to Norway?')).toMatchObject({ name: 'Sales' })
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('warns on the console about a malformed key and routes nowhere', async () => {
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('group', 'Not A Key'); parley('chat:open');`
    const { page, context } = await openDemo(browser, srv.url, { init })
    const warnings: string[] = []
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()))
    await page.evaluate(() => (window as unknown as { parley: (...a: unknown[]) => void }).parley('group', 'Still Bad'))
    await until(async () => warnings.some((w) => w.includes("parley('group', key)")), 'the warning')
    await page.locator('parley-chat textarea').fill('No team for me')
    await page.locator('parley-chat textarea').press('Enter')
    await bubbles(page, 'visitor').filter({ hasText: 'No team for me' }).waitFor()
    expect(await groupOf('No team for me')).toBeNull()
    await context.close()
  }, TEST_MS)

  it('asks the visitor to choose a group before the first message when the owner turned it on', async () => {
    expect((await owner.request('PUT', '/api/settings/groups', { prechat: true })).status).toBe(200)
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const select = page.locator('parley-chat [data-prechat-group]')
    await select.waitFor()
    expect(await page.locator('parley-chat .prechat-group label').textContent()).toBe('Who would you like to talk to?')
    expect(await select.locator('option').allTextContents()).toEqual(['Choose a team', 'Customer support', 'Sales'])

    // sending without a choice is refused, saying why, and sends nothing
    await page.locator('parley-chat textarea').fill('My order never came')
    await page.locator('parley-chat button.send').click()
    await page.locator('parley-chat .prechat-error').waitFor()
    expect(await page.locator('parley-chat .prechat-error').textContent()).toBe('Please choose a team first.')
    expect(await bubbles(page, 'visitor').count()).toBe(0)
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-prechat-group') })
    expect(await axeViolations(page)).toEqual([])

    await select.selectOption('support')
    await page.locator('parley-chat button.send').click()
    await bubbles(page, 'visitor').filter({ hasText: 'My order never came' }).waitFor()
    expect(await groupOf('My order never came')).toMatchObject({ name: 'Customer support' })
    // asked once: the conversation has begun
    await until(async () => (await select.count()) === 0, 'the choice to go')
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('asks in the visitor’s language', async () => {
    const { page, context } = await openDemo(browser, srv.url, { locale: 'pl-PL' })
    await page.locator('parley-chat .launcher').click()
    await page.locator('parley-chat [data-prechat-group]').waitFor()
    expect(await page.locator('parley-chat .prechat-group label').textContent()).toBe('Z kim chcesz porozmawiać?')
    expect(await page.locator('parley-chat [data-prechat-group] option').first().textContent()).toBe('Wybierz zespół')
    await context.close()
    expect((await owner.request('PUT', '/api/settings/groups', { prechat: false })).status).toBe(200)
  }, TEST_MS)
})

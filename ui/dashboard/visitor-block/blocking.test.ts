// Blocking (#16) in a real Chromium against a real Parley: a visitor chats from the demo shop,
// an agent blocks them from the visitor card (confirm, reason), the visitor's chat disappears
// live; the owner sees the block under Settings › Blocking, blocks an IP range (a bad one is
// refused with a clear message) and unblocks the visitor, whose chat comes back.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Pages, launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { waitForText } from '../../testing/wait.ts'
import { UI_DIR } from '../../../server/http/static.ts'
import { AgentClient, startWithOwner, type TestServer } from '../../../server/testing/harness.ts'
import { bubbles, openDemo, until } from '../../widget/widget.testing.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const pages = new Pages(() => browser, 15_000)
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const AGENT = { email: 'ann@example.com', password: 'agent-password-x' }

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'dashboard.js'))) throw new Error('no dashboard bundle: run bun scripts/build-ui.ts first')
  ;({ srv, owner } = await startWithOwner())
  const r = await owner.request('POST', '/api/agents', { email: AGENT.email, name: 'Ann Agent', password: AGENT.password, role: 'limited' })
  expect(r.status).toBe(201)
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

describe('blocking', () => {
  it('blocks a visitor from the card: their chat disappears live; the owner lists the block, blocks a range and undoes the visitor block', async () => {
    // The visitor writes from the demo shop.
    const shop = await openDemo(browser, srv.url)
    await shop.page.locator('parley-chat .launcher').click()
    const composer = shop.page.locator('parley-chat textarea')
    await composer.fill('You are all useless')
    await composer.press('Enter')
    await bubbles(shop.page, 'visitor').filter({ hasText: 'You are all useless' }).waitFor({ timeout: 20_000 })
    const conversation = await until(async () => (await owner.request('GET', '/api/conversations?view=unassigned')).body?.items?.[0], 'the conversation')
    const conversationId: string = conversation.id
    const visitorId: string = conversation.visitor.id

    // A limited agent opens it and blocks the visitor from the card.
    const page = await pages.open(1280, 900)
    await signIn(page, srv.url, AGENT)
    await page.goto(`${srv.url}/#/c/${conversationId}`)
    const card = page.locator('parley-visitor-block')
    await waitForText(card.locator('h3'), 'Blocking')
    await card.locator('button[data-action=block]').click()
    const form = card.locator('form[data-form=block]')
    await waitForText(form, 'Nothing is deleted')
    await form.locator('textarea[name=reason]').fill('Insults in every message')
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('blocking-1-card-confirm') })
    expect(await axeViolations(page)).toEqual([])
    await form.locator('button[type=submit]').click()
    await waitForText(card.locator('.status'), 'This visitor is blocked.')
    await waitForText(card.locator('[data-block-by]'), 'Ann Agent')
    await waitForText(card.locator('[data-block-reason]'), 'Insults in every message')
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('blocking-2-card-blocked') })
    expect(await axeViolations(page)).toEqual([])

    // The visitor's chat is gone at once: no launcher, no panel, nothing that says why.
    await until(async () => (await shop.page.locator('parley-chat .launcher').count()) === 0, 'the widget to disappear')
    expect(await shop.page.locator('parley-chat .root').count()).toBe(0)
    await shop.page.screenshot({ path: screenshotPath('blocking-3-widget-gone') })
    // …and stays gone on the next page.
    await shop.page.reload()
    await shop.page.locator('h1').first().waitFor()
    await Bun.sleep(1500)
    expect(await shop.page.locator('parley-chat .launcher').count()).toBe(0)

    // The owner's settings page lists the block; a bad range is refused with a clear message.
    const ownerPage = await pages.open(1280, 900)
    await signIn(ownerPage, srv.url, OWNER)
    await ownerPage.locator('nav a[href="#/blocking"]').click()
    const settings = ownerPage.locator('parley-blocking-settings')
    await waitForText(settings.locator('h1'), 'Blocking')
    const visitorRow = settings.locator(`tr[data-visitor="${visitorId}"]`)
    await waitForText(visitorRow, 'Ann Agent')
    await waitForText(visitorRow, 'Insults in every message')
    await waitForText(settings.locator('[data-empty=ranges]'), 'No IP addresses are blocked.')
    const rangeForm = settings.locator('form[data-form=range]')
    await rangeForm.locator('input[name=range]').fill('192.0.2.77/24')
    await rangeForm.locator('button[type=submit]').click()
    await waitForText(settings.locator('#range-msg'), 'This range has bits set after its prefix. Did you mean 192.0.2.0/24?')
    expect(await rangeForm.locator('input[name=range]').getAttribute('aria-invalid')).toBe('true')
    await ownerPage.screenshot({ path: screenshotPath('blocking-4-settings-bad-range'), fullPage: true })
    expect(await axeViolations(ownerPage)).toEqual([])
    await rangeForm.locator('input[name=range]').fill('0.0.0.0/0')
    await rangeForm.locator('button[type=submit]').click()
    await waitForText(settings.locator('#range-msg'), 'A /0 range would block every visitor.')

    await rangeForm.locator('input[name=range]').fill('192.0.2.0/24')
    await rangeForm.locator('input[name=reason]').fill('Spam wave on Monday')
    await rangeForm.locator('button[type=submit]').click()
    await waitForText(settings.locator('.notice'), '192.0.2.0/24 is blocked.')
    await waitForText(settings.locator('tr[data-range="192.0.2.0/24"]'), 'Spam wave on Monday')
    await rangeForm.locator('input[name=range]').fill('2001:db8::7')
    await rangeForm.locator('button[type=submit]').click()
    await waitForText(settings.locator('tr[data-range="2001:db8::7/128"]'), 'Olivia Owner')
    expect(await settings.locator('#range-msg').count()).toBe(0)
    await ownerPage.screenshot({ path: screenshotPath('blocking-5-settings-list'), fullPage: true })
    expect(await axeViolations(ownerPage)).toEqual([])

    // Undo the visitor's block (after a confirmation): their chat is back on the next page.
    ownerPage.once('dialog', (d) => void d.accept())
    await visitorRow.locator('button[data-action=unblock]').click()
    await waitForText(settings.locator('.notice'), 'is no longer blocked.')
    await waitForText(settings.locator('[data-empty=visitors]'), 'No visitors are blocked.')
    expect((await owner.request('GET', `/api/visitors/${visitorId}/block`)).body).toEqual({ block: null })
    await shop.page.reload()
    await shop.page.locator('parley-chat .launcher').waitFor({ timeout: 15_000 })
    // The panel opens again as the visitor left it (open), with the conversation so far.
    if ((await shop.page.locator('parley-chat .launcher').getAttribute('aria-expanded')) === 'false') await shop.page.locator('parley-chat .launcher').click()
    await bubbles(shop.page, 'visitor').filter({ hasText: 'You are all useless' }).waitFor({ timeout: 20_000 })

    // The agent's card follows: it offers to block again.
    await page.reload()
    await card.locator('button[data-action=block]').waitFor()
    expect(page.errors).toEqual([])
    expect(ownerPage.errors).toEqual([])
    expect(shop.errors).toEqual([])
  }, 120_000)
})

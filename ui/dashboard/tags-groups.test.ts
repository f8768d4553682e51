// Tags and groups (#16) in the dashboard, in Chromium against a real Parley: the owner's settings
// pages, the thread's tag picker (live in a colleague's dashboard), chips in the list and the
// thread, Open › All, transfer to a group and Unassigned narrowed to my groups.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs } from '../testing/browser.ts'
import { waitForCount, waitForText } from '../testing/wait.ts'
import { axeViolations } from '../testing/axe.ts'
import { UI_DIR } from '../../server/http/static.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const pages = new Pages(() => browser, 20_000)
// Generous: on a shared, busy machine one flow with two signed-in dashboards has taken over a minute.
const TEST_MS = 180_000
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const LEE = { email: 'lee@example.com', password: 'lee-password' }
let leeId = ''

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'dashboard.js'))) throw new Error('no dashboard bundle: run bun scripts/build-ui.ts first')
  ;({ srv, owner } = await startWithOwner())
  const r = await owner.request('POST', '/api/agents', { email: LEE.email, name: 'Lee Limited', password: LEE.password, role: 'limited' })
  leeId = r.body.id
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)
const rowOf = (page: Page, id: string) => page.locator(`parley-conversation-list li[data-conversation="${id}"]`)

async function visitorWrites(body: string): Promise<string> {
  const v = await VisitorClient.create(srv.url)
  const r = await v.request('POST', '/api/widget/messages', { body, clientId: cid() })
  return r.body.conversation.id
}

describe('tags and groups in the dashboard', () => {
  it('lets the owner add, recolour and delete tags on the Tags page, and refuses a name taken in another case', async () => {
    const page = await pages.open(1200, 900)
    page.on('dialog', (d) => void d.accept())
    await signIn(page, OWNER)
    await page.locator('nav a[href="#/tags"]').click()
    const s = page.locator('parley-tags-settings')
    await waitForText(s.locator('h1'), 'Tags')
    await s.locator('p.hint', { hasText: 'No tags yet.' }).waitFor()
    const form = s.locator('form[data-form=tag]')
    for (const [name, color] of [['VIP', 'purple'], ['Billing', 'blue'], ['Refund', 'red'], ['Old', 'gray']] as const) {
      await form.locator('input[name=name]').fill(name)
      await form.locator('select[name=color]').selectOption(color)
      await form.locator('button[type=submit]').click()
      await s.locator(`li[data-tag-row="${name}"]`).waitFor()
    }
    await form.locator('input[name=name]').fill('vip')
    await form.locator('button[type=submit]').click()
    await waitForText(s.locator('.alert'), 'Another tag already has this name.')

    // recolour Billing: the preview follows the select before saving
    const billing = s.locator('li[data-tag-row="Billing"]')
    await billing.locator('select[name=color]').selectOption('teal')
    await billing.locator('button[type=submit]').click()
    await waitForText(s.locator('.notice'), 'Saved.')
    await s.locator('li[data-tag-row="Old"] button[data-action=delete]').click()
    await waitForCount(s.locator('li[data-tag-row]'), 3)
    const stored = (await owner.request('GET', '/api/tags')).body.tags
    expect(stored.map((t: { name: string; color: string }) => `${t.name}:${t.color}`)).toEqual(['Billing:teal', 'Refund:red', 'VIP:purple'])
    await page.screenshot({ path: screenshotPath('tags-settings'), fullPage: true })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('lets the owner add a group with members and turn on the pre-chat choice on the Groups page', async () => {
    const page = await pages.open(1200, 900)
    await signIn(page, OWNER)
    await page.locator('nav a[href="#/groups"]').click()
    const s = page.locator('parley-groups-settings')
    await waitForText(s.locator('h1'), 'Groups')
    await s.locator('p.hint', { hasText: 'No groups yet.' }).waitFor()
    const form = s.locator('form[data-form=group]')
    await form.locator('input[name=name]').fill('Sales')
    await form.locator('input[name=key]').fill('Sales Team')
    await form.locator('button[type=submit]').click()
    await waitForText(s.locator('.alert'), 'Use lower-case letters, digits, - and _ (up to 40).')
    await form.locator('input[name=key]').fill('sales')
    await form.getByLabel('Lee Limited').check()
    await form.locator('button[type=submit]').click()
    await s.locator('li[data-group-row=sales]').waitFor()
    await form.locator('input[name=name]').fill('Support')
    await form.locator('input[name=key]').fill('support')
    await form.locator('button[type=submit]').click()
    await s.locator('li[data-group-row=support]').waitFor()
    await s.locator('input[data-action=prechat]').check()
    await waitForText(s.locator('.notice'), 'Saved.')
    const groups = (await owner.request('GET', '/api/groups')).body.groups
    expect(groups.map((g: { key: string; memberIds: string[] }) => [g.key, g.memberIds])).toEqual([['sales', [leeId]], ['support', []]])
    expect((await owner.request('GET', '/api/settings/groups')).body.prechat).toBe(true)
    await page.screenshot({ path: screenshotPath('groups-settings'), fullPage: true })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
    await owner.request('PUT', '/api/settings/groups', { prechat: false })
  }, TEST_MS)

  it("tags a conversation from the thread and shows the chips live in a colleague's list and thread", async () => {
    const id = await visitorWrites('My invoice shows the wrong amount')
    const lee = await pages.open(1400, 900)
    await signIn(lee, LEE)
    const ownerPage = await pages.open(1400, 900)
    await signIn(ownerPage, OWNER)
    await ownerPage.goto(`${srv.url}/#/c/${id}`)
    await rowOf(ownerPage, id).waitFor()

    await rowOf(lee, id).locator('a').click()
    const picker = lee.locator('parley-thread parley-tag-picker')
    await picker.locator('button[data-action=tags]').click()
    await picker.locator('[data-tag-panel]').waitFor()
    await picker.locator('input[data-tag-option=Billing]').check()
    await picker.locator('input[data-tag-option=VIP]').check()
    await waitForCount(picker.locator('ul[data-tags] li.chip'), 2)
    await lee.screenshot({ path: screenshotPath('tag-picker-open') })
    expect(await axeViolations(lee)).toEqual([])
    await lee.keyboard.press('Escape')
    await picker.locator('[data-tag-panel]').waitFor({ state: 'detached' })

    // the owner's dashboard: the row's chips and the open thread's chips, without a reload
    await waitForCount(rowOf(ownerPage, id).locator('[data-tags] .chip'), 2)
    expect(await rowOf(ownerPage, id).locator('[data-tags] .chip').allTextContents()).toEqual(['Billing', 'VIP'])
    await waitForCount(ownerPage.locator('parley-thread parley-tag-picker ul[data-tags] li.chip'), 2)
    await ownerPage.screenshot({ path: screenshotPath('tags-list-and-thread') })
    expect(await axeViolations(ownerPage)).toEqual([])

    // taking one off from the chip's button, live again
    await lee.locator('parley-thread parley-tag-picker button[data-remove-tag=VIP]').click()
    await waitForCount(rowOf(ownerPage, id).locator('[data-tags] .chip'), 1)
    expect(((await owner.request('GET', `/api/conversations/${id}`)).body.tags as { name: string }[]).map((t) => t.name)).toEqual(['Billing'])
    expect(lee.errors).toEqual([])
    expect(ownerPage.errors).toEqual([])
  }, TEST_MS)

  it('shows every open conversation under Open › All, whoever has it', async () => {
    const mine = await visitorWrites('All: taken by the owner')
    await owner.request('POST', `/api/conversations/${mine}/take`)
    const waiting = await visitorWrites('All: still waiting')
    const lee = await pages.open(1200, 800)
    await signIn(lee, LEE)
    const list = lee.locator('parley-conversation-list')
    await list.locator('[data-view=all]').click()
    await rowOf(lee, mine).waitFor()
    await rowOf(lee, waiting).waitFor()
    await waitForText(list.locator('[data-view=all]'), /All\s+\d+/)
    expect(await list.locator('[data-view=all]').getAttribute('aria-selected')).toBe('true')
    await lee.screenshot({ path: screenshotPath('open-all-tab') })
    expect(await axeViolations(lee)).toEqual([])
    expect(lee.errors).toEqual([])
  }, TEST_MS)

  it('transfers a conversation to a group from the thread, and "my groups" narrows Unassigned to it', async () => {
    const other = await visitorWrites('Not for sales')
    const id = await visitorWrites('Please call me back about a big order')
    const ownerPage = await pages.open(1400, 900)
    await signIn(ownerPage, OWNER)
    const lee = await pages.open(1200, 900)
    await signIn(lee, LEE)
    await rowOf(lee, id).waitFor()

    await ownerPage.goto(`${srv.url}/#/c/${id}`)
    const menu = ownerPage.locator('parley-thread parley-transfer-menu')
    await menu.locator('button[data-action=transfer-open]').click()
    const sales = (await owner.request('GET', '/api/groups')).body.groups.find((g: { key: string }) => g.key === 'sales')
    await menu.locator('select[data-action=transfer-to]').selectOption(`group:${sales.id}`)
    await ownerPage.screenshot({ path: screenshotPath('transfer-menu') })
    expect(await axeViolations(ownerPage)).toEqual([])
    await menu.locator('button[data-action=transfer]').click()
    await waitForText(menu.locator('.msg'), 'Transferred to Sales.')
    await waitForText(ownerPage.locator('parley-thread [data-group]'), 'Group: Sales')
    expect((await owner.request('GET', `/api/conversations/${id}`)).body).toMatchObject({ assignee: null, group: { name: 'Sales' } })

    // Lee (a member of Sales) sees the group on the row live, then narrows Unassigned to it
    await waitForText(rowOf(lee, id).locator('[data-group]'), 'Sales')
    await lee.locator('parley-conversation-list input[data-action=my-groups]').check()
    await rowOf(lee, other).waitFor({ state: 'detached' })
    await rowOf(lee, id).waitFor()
    await lee.screenshot({ path: screenshotPath('unassigned-my-groups') })
    expect(await axeViolations(lee)).toEqual([])
    await lee.locator('parley-conversation-list input[data-action=my-groups]').uncheck()
    await rowOf(lee, other).waitFor()
    expect(lee.errors).toEqual([])
    expect(ownerPage.errors).toEqual([])
  }, TEST_MS)
})

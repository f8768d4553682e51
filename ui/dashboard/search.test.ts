// Search (#16) in the dashboard, in Chromium against a real Parley: conversations seeded through
// the real API (two agents, tags, ratings given through the widget's API), a search opened
// straight from its address, a result opened and left with Back (the filters come back), an
// advanced search (tags: all, rating), the server's refusal of a bad CIDR next to the IP field,
// a saved search re-applied, the CSV export downloaded, and the phone layout.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { readFileSync } from 'node:fs'
import { Pages, launchBrowser, requireDashboardBundle, screenshotPath, signIn as signInAs } from '../testing/browser.ts'
import { waitForCount, waitForText } from '../testing/wait.ts'
import { axeViolations } from '../testing/axe.ts'
import { clippedText } from '../testing/clipping.ts'
import { CATALOGS } from './i18n/index.ts'
import { LANGUAGES, translator } from '../shared/i18n.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let lee: AgentClient
let browser: Browser
const pages = new Pages(() => browser, 20_000)
// Generous: on a shared, busy machine one browser flow has taken over a minute.
const TEST_MS = 180_000
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const LEE = { email: 'lee@example.com', password: 'lee-password' }
const tag: Record<string, string> = {}
/** The seeded conversations by the visitor's name. */
const conv = new Map<string, string>()
const idOf = (name: string): string => conv.get(name) ?? ''

async function ok(r: Promise<{ status: number; body: any }>, what: string) {
  const res = await r
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** A visitor writes, an agent answers and resolves; the visitor rates it (thumbs: 1 good, 0 bad). */
async function seed(name: string, body: string, o: { agent: AgentClient; tags: string[]; score: number | null; resolve: boolean; ip: string }) {
  const v = await VisitorClient.create(srv.url)
  // Where the visitor wrote from (loopback here): as a site behind a trusted proxy would report it.
  await srv.db.sql`update visitors set ip = ${o.ip} where id = ${v.id}`
  const r = await ok(v.request('POST', '/api/widget/messages', { body, clientId: cid() }), 'visitor message')
  const id: string = r.conversation.id
  conv.set(name, id)
  await ok(owner.request('PATCH', `/api/visitors/${v.id}`, { name }), 'visitor name')
  await ok(o.agent.request('POST', `/api/conversations/${id}/take`), 'take')
  for (const t of o.tags) await ok(o.agent.request('POST', `/api/conversations/${id}/tags`, { tagId: tag[t]! }), 'tag')
  if (!o.resolve) return
  await ok(o.agent.request('POST', `/api/conversations/${id}/resolve`), 'resolve')
  if (o.score !== null) await ok(v.request('POST', `/api/widget/conversations/${id}/rating`, { score: o.score }), 'rating')
}

beforeAll(async () => {
  requireDashboardBundle()
  ;({ srv, owner } = await startWithOwner())
  await ok(owner.request('POST', '/api/agents', { email: LEE.email, name: 'Lee Full', password: LEE.password, role: 'full' }), 'agent')
  lee = new AgentClient(srv.url)
  await lee.login(LEE.email, LEE.password)
  for (const [name, color] of [['Billing', 'blue'], ['VIP', 'purple']] as const) {
    tag[name] = (await ok(owner.request('POST', '/api/tags', { name, color }), 'tag')).id
  }
  // Resolved in this order, so the newest resolved (listed first) is Cleo, then Bob, then Ada.
  await seed('Ada Lovelace', 'My invoice from March is wrong', { agent: owner, tags: ['Billing', 'VIP'], score: 1, resolve: true, ip: '10.1.2.3' })
  await seed('Bob Builder', 'Please send me a copy of the invoice', { agent: lee, tags: ['Billing'], score: 0, resolve: true, ip: '10.200.0.9' })
  await seed('Cleo Patra', 'Where is my parcel?', { agent: lee, tags: ['VIP'], score: 1, resolve: true, ip: '203.0.113.7' })
  await seed('Dan Open', 'An invoice question that is still open', { agent: owner, tags: ['Billing', 'VIP'], score: null, resolve: false, ip: '10.9.9.9' })
  browser = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)
const list = (page: Page) => page.locator('parley-conversation-list')
const panel = (page: Page) => page.locator('parley-search-panel')
const results = (page: Page) => page.locator('parley-conversation-list [data-search-results] li[data-conversation]')

async function resultIds(page: Page): Promise<string[]> {
  return results(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation') ?? ''))
}

/** Waits until the search has answered (its count is written) and returns the ids it lists. */
async function shown(page: Page, n: number): Promise<string[]> {
  await panel(page).locator(`[data-search-count="${n}"]`).waitFor()
  await waitForCount(results(page), n)
  return resultIds(page)
}

describe('search in the dashboard', () => {
  it('runs a search opened from its address, opens a result and comes back to the same search', async () => {
    const page = await pages.open(1400, 900)
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/search?q=invoice&status=resolved`)
    expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    // the Resolved tab holds the search; the box shows what was searched
    expect(await list(page).locator('[data-view=resolved]').getAttribute('aria-selected')).toBe('true')
    expect(await panel(page).locator('input#q').inputValue()).toBe('invoice')
    await waitForText(panel(page).locator('[data-search-count]'), '2 conversations found')
    // the matching message under the row, its hit marked as text
    const ada = list(page).locator(`li[data-conversation="${idOf('Ada Lovelace')}"]`)
    await waitForText(ada.locator('[data-snippet]'), 'invoice from March is wrong')
    expect(await ada.locator('[data-snippet] mark').allTextContents()).toEqual(['invoice'])
    expect(await ada.locator('[data-snippet] b, [data-snippet] script').count()).toBe(0)
    await page.screenshot({ path: screenshotPath('search-results') })
    expect(await axeViolations(page)).toEqual([])

    // open a result: the thread and the visitor card show it, the address keeps the search
    await ada.locator('a').click()
    await waitForText(page.locator('parley-thread h2 .title'), 'Ada Lovelace')
    expect(new URL(page.url()).hash).toBe(`#/search/c/${idOf('Ada Lovelace')}?q=invoice&status=resolved`)
    await page.locator('parley-visitor-panel').waitFor()
    expect(await ada.getAttribute('aria-current')).toBe('true')
    const print = page.locator('parley-thread a[data-action=print]')
    expect(await print.getAttribute('href')).toBe(`/api/conversations/${idOf('Ada Lovelace')}/transcript`)
    expect(await print.getAttribute('target')).toBe('_blank')
    const transcript = await page.request.get(`${srv.url}/api/conversations/${idOf('Ada Lovelace')}/transcript`)
    expect(transcript.status()).toBe(200)
    expect(await transcript.text()).toContain('My invoice from March is wrong')

    // a reload on the result restores both the search and the thread
    await page.reload()
    expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    await waitForText(page.locator('parley-thread h2 .title'), 'Ada Lovelace')

    // Back: the search's address again, its filters in the form, no thread
    await page.goBack()
    await page.waitForURL((u) => u.hash === `#/search?q=invoice&status=resolved`)
    expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    expect(await panel(page).locator('input#q').inputValue()).toBe('invoice')
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('runs an advanced search (tags: all, rating) and shows the server\'s refusal of a bad CIDR next to the IP field', async () => {
    const page = await pages.open(1400, 900)
    await signIn(page, LEE)
    await list(page).locator('[data-view=resolved]').click()
    const p = panel(page)
    await p.locator('button[data-action=advanced]').click()
    await p.locator('input[data-tag-filter=Billing]').check()
    await p.locator('input[data-tag-filter=VIP]').check()
    await p.locator('input[name=tagMode][value=all]').check()
    await p.locator('input[name=rating][value=good]').check()
    await page.screenshot({ path: screenshotPath('search-advanced') })
    await p.locator('button[data-action=apply]').click()
    expect(await shown(page, 1)).toEqual([idOf('Ada Lovelace')])
    const hash = new URL(page.url()).hash
    expect(hash).toBe(`#/search?status=resolved&rating=good&tags=${encodeURIComponent(`${tag.Billing!},${tag.VIP!}`)}&tagMode=all`)
    expect(await p.locator('button[data-action=advanced]').textContent()).toContain('Advanced search (2)')

    // any of the tags instead: Cleo (VIP only, good) comes in; Bob (bad) stays out; Dan is open
    await p.locator('input[name=tagMode][value=any]').check()
    await p.locator('button[data-action=apply]').click()
    expect(await shown(page, 2)).toEqual([idOf('Cleo Patra'), idOf('Ada Lovelace')])

    // the agent filter: Lee's resolved ones
    await p.locator('select[name=agent]').selectOption({ label: 'Lee Full' })
    await p.locator('button[data-action=apply]').click()
    expect(await shown(page, 1)).toEqual([idOf('Cleo Patra')])

    // a bad range: the server's 400, worded next to the IP field, nothing listed
    await p.locator('input[name=ip]').fill('10.0.0.0/33')
    await p.locator('button[data-action=apply]').click()
    const error = p.locator('[data-error-for=ip]')
    await waitForText(error, 'Enter an IP address (203.0.113.7) or a range in CIDR notation (10.0.0.0/8).')
    expect(await p.locator('input[name=ip]').getAttribute('aria-invalid')).toBe('true')
    expect(await p.locator('input[name=ip]').getAttribute('aria-describedby')).toBe('err-ip')
    expect(await results(page).count()).toBe(0)
    await page.screenshot({ path: screenshotPath('search-cidr-error') })
    expect(await axeViolations(page)).toEqual([])

    // a good range: Cleo wrote from 203.0.113.7; nobody of these from 10/8
    await p.locator('input[name=ip]').fill('203.0.113.0/24')
    await p.locator('button[data-action=apply]').click()
    expect(await shown(page, 1)).toEqual([idOf('Cleo Patra')])
    await error.waitFor({ state: 'detached' })
    await p.locator('input[name=ip]').fill('10.0.0.0/8')
    await p.locator('button[data-action=apply]').click()
    await waitForText(list(page).locator('[data-search-empty]'), 'No conversations match this search.')
    await waitForText(p.locator('[data-search-count]'), '0 conversations found')
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('saves a search, applies it again from the list, and deletes it', async () => {
    const page = await pages.open(1400, 900)
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/search?status=all&tags=${tag.Billing!}`)
    expect(await shown(page, 3)).toEqual([idOf('Dan Open'), idOf('Bob Builder'), idOf('Ada Lovelace')])
    const p = panel(page)
    await p.locator('details[data-saved] summary').click()
    await waitForText(p.locator('details[data-saved]'), 'No saved searches yet.')
    await p.locator('form[data-form=save-search] input[name=name]').fill('All billing')
    await p.locator('form[data-form=save-search] button[type=submit]').click()
    await waitForText(p.locator('details[data-saved] .note'), 'Saved as “All billing”.')
    await p.locator('li[data-saved-search="All billing"]').waitFor()
    // the same name again is refused, in words
    await p.locator('form[data-form=save-search] input[name=name]').fill('All billing')
    await p.locator('form[data-form=save-search] button[type=submit]').click()
    await waitForText(p.locator('details[data-saved] [role=alert]'), 'You already have a saved search with this name.')
    const stored = (await owner.request('GET', '/api/saved-searches')).body
    expect(stored.map((s: { name: string; query: string }) => [s.name, s.query])).toEqual([['All billing', `status=all&tags=${tag.Billing!}`]])
    expect((await lee.request('GET', '/api/saved-searches')).body).toEqual([])

    // Clear leaves the search for the plain Resolved list; the saved one brings it back
    await p.locator('button[data-action=clear]').first().click()
    await page.waitForURL((u) => u.hash === '#/')
    await list(page).locator('[data-search-results]').waitFor({ state: 'detached' })
    expect(await list(page).locator('[data-view=resolved]').getAttribute('aria-selected')).toBe('true')
    // the form is the same one: the saved searches are still open
    expect(await p.locator('details[data-saved]').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    await p.locator('li[data-saved-search="All billing"] a').click()
    expect(await shown(page, 3)).toEqual([idOf('Dan Open'), idOf('Bob Builder'), idOf('Ada Lovelace')])
    await p.locator('button[data-action=advanced]').click()
    expect(await p.locator('input[data-tag-filter=Billing]').isChecked()).toBe(true)
    expect(await p.locator('select[name=status]').inputValue()).toBe('all')
    await page.screenshot({ path: screenshotPath('search-saved') })
    expect(await axeViolations(page)).toEqual([])

    await p.locator('li[data-saved-search="All billing"] button[data-action=delete-saved]').click()
    await p.locator('li[data-saved-search="All billing"]').waitFor({ state: 'detached' })
    expect((await owner.request('GET', '/api/saved-searches')).body).toEqual([])
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('downloads the results as CSV with the current filters', async () => {
    const page = await pages.open(1400, 900)
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/search?q=invoice&status=resolved`)
    await shown(page, 2)
    const link = panel(page).locator('a[data-export=csv]')
    expect(await link.getAttribute('href')).toBe('/api/search/export?format=csv&q=invoice&status=resolved')
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).toMatch(/^parley-search-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8')
    const lines = csv.trim().split(/\r?\n/)
    expect(lines[0]).toStartWith('id,number,channel,status')
    expect(lines.length).toBe(3)
    expect(lines[1]).toContain(idOf('Bob Builder'))
    expect(lines[2]).toContain(idOf('Ada Lovelace'))
    expect(csv).toContain('Ada Lovelace')
    expect(csv).not.toContain(idOf('Cleo Patra'))
    expect(json(await (await page.request.get(`${srv.url}${await panel(page).locator('a[data-export=json]').getAttribute('href')}`)).text())).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('works on a 390 px phone: the search, a result in the thread, and back to the results', async () => {
    const page = await pages.open(390, 844)
    await signIn(page, OWNER)
    await page.goto(`${srv.url}/#/search?q=invoice&status=resolved&tags=${tag.Billing!}`)
    expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    const p = panel(page)
    // nothing wider than the screen
    expect(await p.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
    await page.screenshot({ path: screenshotPath('search-phone') })
    expect(await axeViolations(page)).toEqual([])
    await p.locator('button[data-action=advanced]').click()
    await p.locator('[data-advanced]').waitFor()
    expect(await p.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
    await page.screenshot({ path: screenshotPath('search-phone-advanced') })

    await list(page).locator(`li[data-conversation="${idOf('Bob Builder')}"] a`).click()
    await waitForText(page.locator('parley-thread h2 .title'), 'Bob Builder')
    await expectHidden(page, 'parley-conversation-list')
    await page.screenshot({ path: screenshotPath('search-phone-result') })
    await page.locator('parley-thread button.narrow-only').click()
    await page.waitForURL((u) => u.hash === `#/search?q=invoice&status=resolved&tags=${tag.Billing!}`)
    expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
    expect(page.errors).toEqual([])
  }, TEST_MS)

  for (const lang of LANGUAGES) {
    it(`shows the search form, its filters and saved searches in ${lang} at 1280 px and 390 px with nothing cut off`, async () => {
      const t = CATALOGS[lang]
      expect((await owner.request('PATCH', `/api/agents/${owner.agent!.id}`, { language: lang })).status).toBe(200)
      try {
        for (const [width, height] of [[1280, 900], [390, 1400]] as const) {
          const page = await pages.open(width, height)
          await signIn(page, OWNER)
          await page.goto(`${srv.url}/#/search?q=invoice&status=all&rating=good,bad&tags=${tag.Billing!}`)
          // Ada (good) and Bob (bad); Dan, open and unrated, has no rating to match
          expect(await shown(page, 2)).toEqual([idOf('Bob Builder'), idOf('Ada Lovelace')])
          const p = panel(page)
          await p.locator('button[data-action=advanced]').click()
          await p.locator('details[data-saved] summary').click()
          await waitForText(p.locator('details[data-saved]'), t['search.saved.none'])
          await waitForText(p.locator('[data-search-count]'), translator(CATALOGS, lang)('search.count', { n: 2 }))
          await waitForText(p.locator('[data-advanced]'), t['search.tagMode.all'])
          await page.screenshot({ path: screenshotPath(`search-${lang}-${width}`), fullPage: true })
          expect({ lang, width, clipped: await clippedText(page) }).toEqual({ lang, width, clipped: [] })
          expect(page.errors).toEqual([])
        }
      } finally {
        await owner.request('PATCH', `/api/agents/${owner.agent!.id}`, { language: 'en' })
      }
    }, TEST_MS)
  }
})

function json(text: string): string[] {
  return (JSON.parse(text) as { items: { id: string }[] }).items.map((i) => i.id)
}

async function expectHidden(page: Page, selector: string) {
  expect(await page.locator(selector).isVisible()).toBe(false)
}

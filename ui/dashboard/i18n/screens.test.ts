// The dashboard in each of its six languages, at 1280 px and at the narrow (phone) layout, in a
// real Chromium against a real Parley: the words the catalogs promise are on screen, no tab, pill,
// button or heading is cut off, and each screen is saved for a person to look at. The browser
// locale carries a region (de-AT, es-MX…) so formats follow it while the words follow the language.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, screenshotPath, signIn, requireDashboardBundle } from '../../testing/browser.ts'
import { clippedText } from '../../testing/clipping.ts'
import { waitForText } from '../../testing/wait.ts'
import { CATALOGS } from './index.ts'
import { LANGUAGES, type Language } from '../../shared/i18n.ts'
import { VisitorClient, cid, startWithOwner, type AgentClient, type TestServer } from '../../../server/testing/harness.ts'

const LOCALES: Record<Language, string> = { en: 'en-GB', cs: 'cs-CZ', de: 'de-AT', es: 'es-MX', hu: 'hu-HU', pl: 'pl-PL' }
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
/** Two digits in the Unassigned pill: the widest count a busy team sees. */
const WAITING = 12
const TEST_MS = 60_000

let srv: TestServer
let owner: AgentClient
let ownerId = ''
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  requireDashboardBundle()
  ;({ srv, owner } = await startWithOwner())
  ownerId = (await owner.login(OWNER.email, OWNER.password)).body.agent.id
  for (let i = 0; i < WAITING; i++) {
    const visitor = await VisitorClient.create(srv.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: i === 0 ? 'Dobrý den, máte boty velikosti 47? Potřebovala bych je do pátku.' : `Question ${i}` })
    await ws.waitFor('ack', (f) => f.clientId === clientId)
    ws.close()
    // The first one (the oldest wait, opened below) with a long name and address, as a shop's customers have.
    if (i === 0) expect((await owner.request('PATCH', `/api/visitors/${visitor.id}`, { name: 'Alžběta Nováková-Dvořáková', email: 'alzbeta.novakova-dvorakova@example.com' })).status).toBe(200)
  }
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await srv?.stop()
})

/** Interface words that end in an ellipsis (the detector spares ellipses, which names may need). */
const truncated = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent))

async function open(lang: Language, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: LOCALES[lang] })
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  await signIn(page, srv.url, OWNER)
  return page
}

describe('the dashboard in six languages', () => {
  for (const lang of LANGUAGES) {
    const t = CATALOGS[lang]
    it(`shows ${lang} at 1280 px and at the narrow layout with nothing cut off`, async () => {
      expect((await owner.request('PATCH', `/api/agents/${ownerId}`, { language: lang })).status).toBe(200)

      const wide = await open(lang, 1280, 800)
      await waitForText(wide.locator('parley-conversation-list .subtabs'), t['list.unassigned'])
      await waitForText(wide.locator('parley-conversation-list [data-count=unassigned]'), String(WAITING))
      await wide.locator('parley-conversation-list li[data-conversation] a').first().click()
      // The empty choice of the assignee select reads as one phrase with its label.
      await waitForText(wide.locator('parley-thread header'), t['thread.nobody'])
      await waitForText(wide.locator('parley-visitor-panel #note-h'), t['visitor.note'])
      await wide.screenshot({ path: screenshotPath(`i18n-dashboard-${lang}-1280`) })
      expect({ lang, width: 1280, clipped: await clippedText(wide) }).toEqual({ lang, width: 1280, clipped: [] })
      expect({ lang, truncated: await truncated(wide, 'parley-conversation-list .assignee span') }).toEqual({ lang, truncated: [] })

      const narrow = await open(lang, 390, 800)
      await waitForText(narrow.locator('parley-conversation-list .subtabs'), t['list.unassigned'])
      await narrow.screenshot({ path: screenshotPath(`i18n-dashboard-${lang}-narrow-list`) })
      expect({ lang, width: 390, view: 'list', clipped: await clippedText(narrow) }).toEqual({ lang, width: 390, view: 'list', clipped: [] })
      expect({ lang, truncated: await truncated(narrow, 'parley-conversation-list .assignee span') }).toEqual({ lang, truncated: [] })
      await narrow.locator('parley-conversation-list li[data-conversation] a').first().click()
      await waitForText(narrow.locator('parley-thread header'), t['thread.nobody'])
      await narrow.screenshot({ path: screenshotPath(`i18n-dashboard-${lang}-narrow-thread`) })
      expect({ lang, width: 390, view: 'thread', clipped: await clippedText(narrow) }).toEqual({ lang, width: 390, view: 'thread', clipped: [] })
    }, TEST_MS)
  }

  it("keeps a long visitor name whole in the thread's header at 1440 px, where the actions would fit beside a cut one", async () => {
    expect((await owner.request('PATCH', `/api/agents/${ownerId}`, { language: 'en' })).status).toBe(200)
    const page = await open('en', 1440, 800)
    // Taken by me: no Take button, so the remaining actions are narrow enough to share a line.
    const id = await page.locator('parley-conversation-list li[data-conversation]').first().getAttribute('data-conversation')
    expect((await owner.request('POST', `/api/conversations/${id}/take`)).status).toBe(200)
    await page.locator('parley-conversation-list [data-view=mine]').click()
    await page.locator(`parley-conversation-list li[data-conversation="${id}"] a`).click()
    await waitForText(page.locator('parley-thread header'), 'Resolve')
    await waitForText(page.locator('parley-thread header .who .title'), 'Alžběta Nováková-Dvořáková')
    // The actions make room for the name (they go to a line of their own), not the reverse.
    expect(await truncated(page, 'parley-thread header .who .title')).toEqual([])
    expect(await clippedText(page)).toEqual([])
  }, TEST_MS)
})

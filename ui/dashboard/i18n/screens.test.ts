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
      // Beside the list and the visitor panel the header has two lines: the name with print and
      // the panel's toggle, then the actions, all on one line (the toggle sat alone on a third).
      const header = await wide.locator('parley-thread header').evaluate((h) => {
        const top = (sel: string) => Math.round(h.querySelector(sel)!.getBoundingClientRect().top)
        return {
          toolsBesideName: Math.abs(top('.tools') - top('.who')) < 12,
          // Lines: the actions' vertical centres, sorted, and a new line wherever two are 12 px apart.
          actionLines: [...h.querySelectorAll('.actions > *')]
            .map((e) => e.getBoundingClientRect())
            .filter((r) => r.height > 0)
            .map((r) => (r.top + r.bottom) / 2)
            .sort((a, b) => a - b)
            .filter((y, i, ys) => i === 0 || y - ys[i - 1]! > 12).length,
        }
      })
      expect({ lang, ...header }).toEqual({ lang, toolsBesideName: true, actionLines: 1 })
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

/** Elements in a table that scrolls sideways inside its card are reachable: only what escapes it counts. */
const escaping = (clipped: string[]) => clipped.filter((c) => !/(runs off the screen|is cut off by div\.[\w.]*table-wrap)$/.test(c))

describe('every page on a 360 px phone and a 1366 px laptop', () => {
  const LONGEST: readonly Language[] = ['de', 'pl', 'hu']
  const PAGES = ['widget', 'email', 'messenger', 'integrations', 'canned', 'blocking', 'tags', 'groups', 'agents', 'audit', 'account']
  let threadId = ''
  beforeAll(async () => {
    // A second agent, a canned response and a blocked range, with the long names and addresses a
    // real team has: they widen the tables each page shows.
    expect((await owner.request('POST', '/api/agents', { email: 'konstantin.wolfenschiessen-brzeczyszczykiewicz@example.com', name: 'Konstantin Wolfenschießen-Brzęczyszczykiewicz', password: 'agent-password', role: 'full' })).status).toBe(201)
    expect((await owner.request('POST', '/api/canned', { scope: 'team', shortcut: 'versand', body: 'Ab 50 € liefern wir versandkostenfrei nach Deutschland, Österreich und in die Schweiz.' })).status).toBe(201)
    expect((await owner.request('POST', '/api/settings/blocking/ranges', { range: '192.0.2.0/24' })).status).toBe(201)
    const visitor = await VisitorClient.create(srv.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Wo bleibt meine Bestellung?', clientId: cid() })
    expect(r.status).toBe(201)
    threadId = r.body.conversationId ?? r.body.message?.conversationId
    expect((await owner.request('PATCH', `/api/visitors/${visitor.id}`, { email: 'alzbeta.novakova-dvorakova.von.hohenzollern@example.com' })).status).toBe(200)
  })

  for (const lang of LANGUAGES) {
    it(`fits every settings page and a thread with a long address on the screen in ${lang}`, async () => {
      expect((await owner.request('PATCH', `/api/agents/${ownerId}`, { language: lang })).status).toBe(200)
      const phone = await open(lang, 360, 740)
      // The laptop width in the languages whose words are longest (the agents' table lost its
      // last column in German); the phone in every language.
      const laptop = LONGEST.includes(lang) ? await open(lang, 1366, 768) : null
      const wideness = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth)
      const screens = laptop ? ([[phone, 360], [laptop, 1366]] as const) : ([[phone, 360]] as const)
      for (const name of PAGES) {
        for (const [page, width] of screens) {
          await page.goto(`${srv.url}/#/${name}`)
          await page.locator('main.page h1').first().waitFor()
          await page.waitForTimeout(200)
          // The whole page never pans sideways (a table's screen-reader-only header text escaped its scroller).
          expect({ lang, name, width, scrollWidth: await wideness(page) }).toEqual({ lang, name, width, scrollWidth: width })
          expect({ lang, name, width, clipped: escaping(await clippedText(page)) }).toEqual({ lang, name, width, clipped: [] })
          if (width === 360 && (lang === 'en' || lang === 'de')) await page.screenshot({ path: screenshotPath(`i18n-dashboard-${lang}-360-${name}`) })
        }
      }
      // On a laptop the agents' table needs no sideways scrolling, long names and all.
      if (laptop) {
        await laptop.goto(`${srv.url}/#/agents`)
        await laptop.locator('parley-agents-page table').waitFor()
        expect({ lang, scrolls: await laptop.locator('parley-agents-page .table-wrap').evaluate((w) => w.scrollWidth > w.clientWidth) }).toEqual({ lang, scrolls: false })
      }
      // A thread whose visitor has a long e-mail address: the header keeps to the phone's width.
      await phone.goto(`${srv.url}/#/c/${threadId}`)
      await waitForText(phone.locator('parley-thread header'), t(lang, 'thread.nobody'))
      expect({ lang, scrollWidth: await wideness(phone) }).toEqual({ lang, scrollWidth: 360 })
      expect({ lang, clipped: await clippedText(phone) }).toEqual({ lang, clipped: [] })
      await phone.screenshot({ path: screenshotPath(`i18n-dashboard-${lang}-360-thread-long-address`) })
    }, 90_000)
  }

  it('shows a shadow on the side a table too wide for a phone continues past, as the hint to swipe', async () => {
    expect((await owner.request('PATCH', `/api/agents/${ownerId}`, { language: 'en' })).status).toBe(200)
    const phone = await open('en', 360, 740)
    await phone.goto(`${srv.url}/#/agents`)
    const wrap = phone.locator('parley-agents-page .table-wrap')
    await wrap.locator('table').waitFor()
    expect(await wrap.evaluate((w) => w.scrollWidth > w.clientWidth + 40)).toBe(true)
    const start = await edgeShade(wrap)
    await phone.screenshot({ path: screenshotPath('dashboard-agents-360-table-hint') })
    await wrap.evaluate((w) => (w.scrollLeft = w.scrollWidth))
    const end = await edgeShade(wrap)
    await wrap.evaluate((w) => (w.scrollLeft = w.scrollWidth / 3))
    const middle = await edgeShade(wrap)
    console.log(`edge brightness (left, right): start ${start.left.toFixed(1)}, ${start.right.toFixed(1)}; middle ${middle.left.toFixed(1)}, ${middle.right.toFixed(1)}; end ${end.left.toFixed(1)}, ${end.right.toFixed(1)}`)
    // Drawn pixels, mean brightness of a 2 px strip at each edge (255 is the card's white): more
    // to the right at first, more to the left at the end, both ways in between.
    expect({ start: start.right < start.left - 8, end: end.left < end.right - 8, middle: middle.left < 247 && middle.right < 247 })
      .toEqual({ start: true, end: true, middle: true })
  }, TEST_MS)
})

/** The mean brightness of the 2 px strips at the left and right edges of an element, as drawn. */
async function edgeShade(el: ReturnType<Page['locator']>): Promise<{ left: number; right: number }> {
  const png = (await el.screenshot()).toString('base64')
  // Decoded by the browser itself, on a blank page (the dashboard's policy allows no data: images).
  const scratch = await browser.newPage()
  try {
    return await scratch.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.width
      canvas.height = img.height
      const g = canvas.getContext('2d')!
      g.drawImage(img, 0, 0)
      const mean = (x: number) => {
        const d = g.getImageData(x, 0, 2, img.height).data
        let sum = 0
        for (let i = 0; i < d.length; i += 4) sum += (d[i]! + d[i + 1]! + d[i + 2]!) / 3
        return sum / (d.length / 4)
      }
      return { left: mean(1), right: mean(img.width - 3) }
    }, png)
  } finally {
    await scratch.close()
  }
}

const t = (lang: Language, key: keyof (typeof CATALOGS)['en']) => CATALOGS[lang][key]

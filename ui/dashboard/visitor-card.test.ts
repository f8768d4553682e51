// The visitor card and the integrations page in a real Chromium against a real Parley (real
// Postgres, real sockets): visitors are real browsers on /demo with the real widget, agents are
// real dashboards. A trusted proxy header gives the visitors a real GeoLite2 location.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import { launchBrowser, screenshotPath, requireDashboardBundle } from '../testing/browser.ts'
import { axeViolations } from '../testing/axe.ts'
import { waitForCount, waitForText as waitForTextShot } from '../testing/wait.ts'
import { watch } from '../widget/widget.testing.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer, type TestSocket } from '../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
let owner: AgentClient
/** Keeps an agent online, so the widget offers the chat rather than the contact form. */
let ownerWs: TestSocket
const contexts: BrowserContext[] = []
/** Each test drives browsers through a whole flow; every wait inside is bounded on its own. */
const TEST_MS = 60_000
const WAIT = 8000

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }
const ALEX = { name: 'Alex Full', email: 'alex@example.com', password: 'alex-password' }
const PETRA = { name: 'Petra Dvořáková', email: 'petra@example.com', password: 'petra-password' }
/** A London address in the GeoLite2 City database (its own test range). */
const UK_IP = '81.2.69.160'
const GOOGLE = 'https://www.google.com/search?q=waterproof+hiking+boots'

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer({ trustProxy: ['127.0.0.1'] })
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password, OWNER.name)).status).toBe(201)
  for (const [who, role, language] of [
    [ALEX, 'full', 'en'],
    [PETRA, 'full', 'cs'],
  ] as const) {
    const r = await owner.request('POST', '/api/agents', { ...who, role })
    expect(r.status).toBe(201)
    if (language !== 'en') {
      const petra = new AgentClient(srv.url)
      await petra.login(who.email, who.password)
      expect((await petra.request('PATCH', `/api/agents/${petra.agent!.id}`, { language })).status).toBe(200)
    }
  }
  ownerWs = await owner.socket()
  await ownerWs.waitFor('counts')
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  ownerWs?.close()
  await srv?.stop()
})

type WatchedPage = Page & { errors: string[] }

async function newPage(opts: { width?: number; height?: number; headers?: Record<string, string>; locale?: string; userAgent?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: opts.locale ?? 'en-US',
    extraHTTPHeaders: opts.headers,
    userAgent: opts.userAgent,
  })
  contexts.push(context)
  const page = (await context.newPage()) as WatchedPage
  page.setDefaultTimeout(WAIT)
  page.errors = []
  watch(page, page.errors)
  return page
}

/**
 * A visitor: a browser on the demo shop with the widget loaded, arriving from `referer`. Headless
 * Chromium says "HeadlessChrome", which the card rightly shows as a bot, so a person's visit
 * carries the User-Agent of the same Chromium with a window; `userAgent: null` keeps the headless one.
 */
async function visitorOnDemo(opts: { referer?: string; ip?: string; userAgent?: string | null } = {}): Promise<WatchedPage> {
  const person = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`
  const userAgent = opts.userAgent === null ? undefined : (opts.userAgent ?? person)
  const page = await newPage({ headers: opts.ip ? { 'x-forwarded-for': opts.ip } : undefined, userAgent })
  await page.goto(srv.url + '/demo', opts.referer ? { referer: opts.referer } : undefined)
  await page.locator('parley-chat .launcher').waitFor({ timeout: 10_000 })
  return page
}

/** The visitor writes in the widget; resolves with the stored message as the agents saw it. */
async function visitorWrites(page: Page, body: string) {
  const from = ownerWs.frames.length
  if ((await page.locator('parley-chat .panel').count()) === 0) await page.locator('parley-chat .launcher').click()
  await page.locator('parley-chat textarea').fill(body)
  await page.locator('parley-chat textarea').press('Enter')
  return ownerWs.waitFor('message', (f) => f.message.authorType === 'visitor', 10_000, from)
}

const waitForText = (locator: Locator, text: string | RegExp, ms = WAIT) => waitForTextShot(locator, text, ms, 'visitor-card-failure')

async function waitForAttr(locator: Locator, name: string, value: string, ms = WAIT): Promise<void> {
  const deadline = Date.now() + ms
  let last: string | null = null
  for (;;) {
    last = await locator.first().getAttribute(name, { timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)
    if (last === value) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}="${value}"; last: ${JSON.stringify(last)}`)
    await Bun.sleep(50)
  }
}

/** Polls a condition on the server's side (API or database), bounded. */
async function until<T>(fn: () => Promise<T>, what: string, ms = WAIT): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await fn()
    if (last) return last as NonNullable<T>
    await Bun.sleep(50)
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`)
}

async function signIn(page: Page, who: { email: string; password: string }, hash = '') {
  await page.goto(srv.url + '/' + hash)
  await page.locator('parley-login input[name=email]').fill(who.email)
  await page.locator('parley-login input[name=password]').fill(who.password)
  await page.locator('parley-login button[type=submit]').click()
  await page.locator('parley-app nav').waitFor()
}

/** A dashboard signed in as `who` with the conversation open (through its #/c/<id> link). */
async function dashboardOn(conversationId: string, who = OWNER, opts: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const page = await newPage(opts)
  await signIn(page, who, `#/c/${conversationId}`)
  await page.locator('parley-thread .messages .msg').first().waitFor()
  await page.locator('parley-visitor-panel [data-field=name]').waitFor()
  return page
}

const card = (page: Page) => page.locator('parley-visitor-panel')

async function cardOf(visitorId: string) {
  const r = await owner.request('GET', `/api/visitors/${visitorId}`)
  expect(r.status).toBe(200)
  return r.body
}

describe('the visitor card', () => {
  it('follows a visitor through /demo live: real page loads, single-page-app navigations, referrer, location and device', async () => {
    const visitor = await visitorOnDemo({ referer: GOOGLE, ip: UK_IP })
    const first = await visitorWrites(visitor, 'Hi! Do the hiking boots run small?')
    const convId = first.conversation.id
    const dash = await dashboardOn(convId, OWNER, { height: 1900 })
    const c = card(dash)

    // Where they are now, live, with the outside page that brought them.
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo`)
    await waitForText(c.locator('#now-h'), 'On the website')
    await waitForText(c.locator('.now'), 'Now on')
    await waitForText(c.locator('[data-referrer]'), 'google.com/search?q=waterproof+hiking+boots')
    // Location from the IP (through the trusted proxy), with the data source's attribution.
    await waitForText(c.locator('[data-location]'), 'United Kingdom')
    await waitForAttr(c.locator('[data-location]'), 'data-location', 'GB')
    // A colour flag where the browser can draw one, else the country code (Windows, no emoji font).
    expect(['🇬🇧', 'GB']).toContain((await c.locator('[data-location] .flag').textContent()) ?? '')
    await waitForText(c.locator('[data-attribution]'), 'GeoLite2 data created by MaxMind')
    await waitForText(c.locator('[data-browser]'), /Chrom\w* \d+/)
    await waitForText(c.locator('[data-os]'), 'Linux')
    expect(await c.locator('dd.mono').first().textContent()).toBe(UK_IP)

    // A real page load: the product page.
    await visitor.locator('a.card[href="/demo/boots"]').click()
    await visitor.waitForURL(`${srv.url}/demo/boots`)
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo/boots`)
    await waitForText(c.locator('.now .page-title'), 'Hiking boots · Northwind Outdoor')

    // Single-page-app navigations: the tab and the size change the URL with pushState, no page load.
    await visitor.evaluate(() => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true))
    await visitor.locator('[role=tab][data-tab=sizes]').click()
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo/boots?tab=sizes`)
    await waitForText(c.locator('.now .page-title'), 'Hiking boots — Sizes · Northwind Outdoor')
    await visitor.locator('[data-size="42"]').click()
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo/boots?size=42`)
    await waitForText(c.locator('.now .page-title'), 'Hiking boots, size 42 · Northwind Outdoor')
    expect(await visitor.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true)
    await visitor.screenshot({ path: screenshotPath('demo-product-page') })
    // Back is a popstate navigation, reported too.
    await visitor.goBack()
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo/boots?tab=sizes`)

    // The browsing history, newest first, with titles and times; the referrer is still Google.
    const rows = c.locator('[data-history] li')
    await waitForCount(rows, 5)
    expect(await rows.evaluateAll((li) => li.map((e) => e.getAttribute('data-page')))).toEqual([
      `${srv.url}/demo/boots?tab=sizes`,
      `${srv.url}/demo/boots?size=42`,
      `${srv.url}/demo/boots?tab=sizes`,
      `${srv.url}/demo/boots`,
      `${srv.url}/demo`,
    ])
    await waitForText(rows.nth(1), 'Hiking boots, size 42')
    await waitForText(rows.nth(1), '/demo/boots?size=42')
    expect(await rows.first().locator('time').textContent()).toMatch(/\d{1,2}:\d{2}/)
    await waitForText(c.locator('[data-referrer]'), 'google.com')
    // The current page is a link to the page, opening in a new tab.
    const link = c.locator('.now a.page-title')
    expect(await link.getAttribute('href')).toBe(`${srv.url}/demo/boots?tab=sizes`)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')

    // The shop tells who this is: the demo's "signed-in customer" button and a verified identity.
    await visitor.locator('button[data-demo=customer]').click()
    await waitForText(c.locator('[data-customer]'), 'Trail club')
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const hash = createHmac('sha256', secret).update('shop-user-1042').digest('hex')
    await visitor.evaluate((hash) => (window as unknown as { parley: (...a: unknown[]) => void }).parley('identify', { id: 'shop-user-1042', hash }), hash)
    await waitForText(c.locator('[data-external-id]'), 'shop-user-1042')
    await waitForText(c.locator('.head h2'), 'Karel Novák')
    await waitForText(c.locator('[data-email-reach]'), 'Your website gave this address')

    await dash.locator('parley-conversation-list').click({ position: { x: 5, y: 5 } })
    await c.screenshot({ path: screenshotPath('visitor-card-full') })
    // The full card (location, device, history, customer info, verified) meets WCAG 2.2 AA.
    expect(await axeViolations(dash)).toEqual([])

    // The history folds away and back.
    await c.locator('button.toggle').click()
    expect(await c.locator('#history').isVisible()).toBe(false)
    expect(await c.locator('button.toggle').getAttribute('aria-expanded')).toBe('false')
    await c.locator('button.toggle').click()
    await c.locator('[data-history]').waitFor({ state: 'visible' })

    // The visitor leaves: offline, and the last page stays.
    await visitor.context().close()
    await waitForText(c.locator('.now'), 'Last page')
    await waitForCount(c.locator('.now .dot.on'), 0)
    // Gone a moment ago: said in words, not "last seen now".
    await waitForText(c.locator('.head'), 'left the website just now')
    expect(dash.errors).toEqual([])
    expect(visitor.errors).toEqual([])
  }, TEST_MS)

  it('names an in-app browser by its app and a bot as a bot, in the agent’s language', async () => {
    const instagram = await visitorOnDemo({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.34.111 (iPhone15,2; iOS 17_1; cs_CZ; cs; scale=3.00; 1179x2556; 549445925)',
    })
    const fromInstagram = await visitorWrites(instagram, 'Viděla jsem boty na Instagramu, máte velikost 38?')
    const headless = await visitorOnDemo({ userAgent: null })
    const fromBot = await visitorWrites(headless, 'ping')

    const petra = await dashboardOn(fromInstagram.conversation.id, PETRA, { height: 1200 })
    const c = card(petra)
    await waitForText(c.locator('[data-browser]'), 'Prohlížeč v aplikaci Instagram 312.0.0.34.111')
    await waitForText(c.locator('[data-os]'), 'iOS 17.1')
    await petra.locator('parley-conversation-list').click({ position: { x: 5, y: 5 } })
    await c.screenshot({ path: screenshotPath('visitor-card-in-app-browser-cs') })

    await petra.evaluate((id) => (location.hash = `#/c/${id}`), fromBot.conversation.id)
    await waitForText(c.locator('[data-browser]'), 'Robot: HeadlessChrome')
    await waitForText(c.locator('[data-os]'), 'Nezjištěno')
    await c.screenshot({ path: screenshotPath('visitor-card-bot-cs') })
    expect(await cardOf(fromBot.conversation.visitor.id)).toMatchObject({ browser: { name: 'Bot: HeadlessChrome', version: null }, os: null })
    for (const p of [petra, instagram, headless]) {
      expect(p.errors).toEqual([])
      await p.context().close()
    }
  }, TEST_MS)

  it('edits name, e-mail, phone and the note: a bad value is refused, the good one saved, live in a second dashboard', async () => {
    const v = await VisitorClient.create(srv.url)
    const sent = await v.request('POST', '/api/widget/messages', { body: 'Where is my parcel?', clientId: cid() })
    expect(sent.status).toBe(201)
    const convId = sent.body.conversation.id as string
    const a = await dashboardOn(convId, OWNER)
    const b = await dashboardOn(convId, ALEX)
    const ca = card(a)
    const cb = card(b)
    await waitForText(cb.locator('[data-email-reach]'), 'No e-mail address is known')
    // Marks this document: the second dashboard must show the changes without reloading.
    await b.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))

    await ca.locator('[data-field=name]').click()
    await ca.locator('input[name=name]').fill('Jana Nováková')
    await ca.locator('input[name=name]').press('Enter')
    await waitForText(ca.locator('[data-field=name]'), 'Jana Nováková')
    await waitForText(cb.locator('[data-field=name]'), 'Jana Nováková')
    await waitForText(cb.locator('.head h2'), 'Jana Nováková')

    // A bad e-mail: refused with a message, nothing stored, nothing shown elsewhere.
    await ca.locator('[data-field=email]').click()
    await ca.locator('input[name=email]').fill('jana@')
    await ca.locator('input[name=email]').press('Enter')
    await waitForText(ca.locator('.error'), 'Enter a valid e-mail address.')
    expect(await ca.locator('input[name=email]').getAttribute('aria-invalid')).toBe('true')
    expect((await cardOf(v.id)).email).toBeNull()
    await waitForText(cb.locator('[data-field=email]'), 'Add')
    await ca.locator('input[name=email]').fill('jana@example.cz')
    await ca.locator('input[name=email]').press('Enter')
    await waitForText(ca.locator('[data-field=email]'), 'jana@example.cz')
    await waitForText(cb.locator('[data-field=email]'), 'jana@example.cz')
    await waitForText(cb.locator('[data-email-reach]'), 'Yes. An agent entered this address.')
    await waitForAttr(cb.locator('[data-email-reach]'), 'data-email-reach', 'agent')

    await ca.locator('[data-field=phone]').click()
    await ca.locator('input[name=phone]').fill('601 23')
    await ca.locator('input[name=phone]').press('Enter')
    await waitForText(ca.locator('.error'), 'Enter an international number')
    expect((await cardOf(v.id)).phone).toBeNull()
    await ca.locator('input[name=phone]').fill('+420 601 234 567')
    await ca.locator('input[name=phone]').press('Enter')
    await waitForText(ca.locator('[data-field=phone]'), '+420601234567')
    await waitForText(cb.locator('[data-field=phone]'), '+420601234567')

    // The note: a note that is too long is refused; the good one reaches the other agent.
    await ca.locator('textarea').fill('x'.repeat(5001))
    await ca.locator('button[data-action=save-note]').click()
    await waitForText(ca.locator('.error'), /too long|not valid/)
    expect((await cardOf(v.id)).note).toBe('')
    await ca.locator('textarea').fill('Parcel 2024-1187 is stuck in the Brno depot. Courier called.')
    await ca.locator('button[data-action=save-note]').click()
    await waitForText(ca.locator('.note-meta'), OWNER.name)
    await until(async () => (await cb.locator('textarea').inputValue()) === 'Parcel 2024-1187 is stuck in the Brno depot. Courier called.', 'the note in the second dashboard')
    await waitForText(cb.locator('.note-meta'), `last edited by ${OWNER.name}`)

    expect(await cardOf(v.id)).toMatchObject({
      name: 'Jana Nováková',
      email: 'jana@example.cz',
      emailSource: 'agent',
      phone: '+420601234567',
      note: 'Parcel 2024-1187 is stuck in the Brno depot. Courier called.',
    })
    expect(await b.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
  }, TEST_MS)

  it("shows customer info and an e-mail the site sends through the JS API as labelled fields 'from the site'", async () => {
    const visitor = await visitorOnDemo()
    const first = await visitorWrites(visitor, 'Can I change my order?')
    const dash = await dashboardOn(first.conversation.id)
    const c = card(dash)
    await waitForText(c.locator('[data-email-reach]'), 'No e-mail address is known')
    expect(await c.locator('[data-customer]').count()).toBe(0)

    // The site's own script, while the agent looks at the card.
    await visitor.evaluate(() => {
      const parley = (window as unknown as { parley: (...a: unknown[]) => void }).parley
      parley('email', 'karel@example.com')
      parley('variables', { plan: { label: 'Plan', value: 'Trail club' }, orders: { label: 'Orders so far', value: 7 }, vip: { label: 'VIP', value: true } })
    })
    const info = c.locator('[data-customer]')
    await waitForText(info, 'Trail club')
    await waitForText(c.locator('#customer-h'), 'Customer info')
    await waitForText(c.locator('#customer-h'), 'from the site')
    expect(await info.locator('dt[data-key=plan]').textContent()).toBe('Plan')
    expect(await info.locator('dd[data-key=plan]').textContent()).toBe('Trail club')
    expect(await info.locator('dt[data-key=orders]').textContent()).toBe('Orders so far')
    expect(await info.locator('dd[data-key=orders]').textContent()).toBe('7')
    expect(await info.locator('dd[data-key=vip]').textContent()).toBe('true')
    await waitForText(c.locator('[data-field=email]'), 'karel@example.com')
    await waitForText(c.locator('[data-email-reach]'), 'Yes. Your website gave this address for a signed-in customer.')
    await waitForAttr(c.locator('[data-email-reach]'), 'data-email-reach', 'site')

    // A bad value from the site is refused and changes nothing.
    const warnings: string[] = []
    visitor.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()))
    await visitor.evaluate(() => {
      const parley = (window as unknown as { parley: (...a: unknown[]) => void }).parley
      parley('variables', { plan: { label: 'Plan', value: 'x'.repeat(2000) } })
    })
    await until(async () => warnings.some((w) => w.includes('variables.plan.value')), 'the widget to warn about the value')
    expect(await info.locator('dd[data-key=plan]').textContent()).toBe('Trail club')
    expect((await cardOf(first.conversation.visitor.id)).variables.plan.value).toBe('Trail club')
    expect(dash.errors).toEqual([])
  }, TEST_MS)

  it('shows the verified badge and the user id after a valid identify, and nothing after a wrong hash', async () => {
    const visitor = await visitorOnDemo()
    const first = await visitorWrites(visitor, 'I am signed in, can you see my orders?')
    const visitorId = first.conversation.visitor.id
    const dash = await dashboardOn(first.conversation.id)
    const c = card(dash)
    const warnings: string[] = []
    visitor.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()))
    const identify = (id: string, hash: string, name: string) =>
      visitor.evaluate(
        ([id, hash, name]) => (window as unknown as { parley: (...a: unknown[]) => void }).parley('identify', { id, hash, name }),
        [id, hash, name],
      )

    // A wrong hash: refused, nothing changes, no badge.
    await identify('user-77', 'f'.repeat(64), 'Mallory Impostor')
    await until(async () => warnings.some((w) => w.includes('identity hash does not match')), 'the widget to report the refused identity')
    expect(await cardOf(visitorId)).toMatchObject({ externalId: null, name: null })
    expect(await c.locator('[data-verified]').count()).toBe(0)
    expect(await c.locator('[data-external-id]').count()).toBe(0)
    expect(await c.locator('.head h2').textContent()).toMatch(/^Visitor #\d+$/)

    // The site's back end computes the hash with the secret from the settings.
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const hash = createHmac('sha256', secret).update('user-77').digest('hex')
    await identify('user-77', hash, 'Eva Svobodová')
    await c.locator('[data-verified]').waitFor()
    await waitForText(c.locator('[data-verified]'), 'Verified')
    await waitForText(c.locator('[data-external-id]'), 'user-77')
    await waitForText(c.locator('.head h2'), 'Eva Svobodová')
    expect(await cardOf(visitorId)).toMatchObject({ externalId: 'user-77', name: 'Eva Svobodová' })
    expect(dash.errors).toEqual([])
  }, TEST_MS)

  it('lists earlier conversations newest first, from other devices too, and opens a resolved one', async () => {
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const hash = createHmac('sha256', secret).update('user-88').digest('hex')
    const say = async (v: VisitorClient, body: string) => {
      const r = await v.request('POST', '/api/widget/messages', { body, clientId: cid() })
      expect(r.status).toBe(201)
      return r.body.conversation.id as string
    }
    // The laptop: signed in, asks, the agent answers and resolves.
    const laptop = await VisitorClient.create(srv.url)
    expect((await laptop.request('POST', '/api/widget/identify', { id: 'user-88', hash, name: 'Tomáš Král' })).status).toBe(200)
    const oldest = await say(laptop, 'Order 1187 came in the wrong size.')
    expect((await owner.request('POST', `/api/conversations/${oldest}/messages`, { body: 'Sorry! A new pair is on its way.', clientId: cid() })).status).toBe(201)
    expect((await owner.request('POST', `/api/conversations/${oldest}/resolve`)).status).toBe(200)
    // The phone and then the tablet: they write first, then sign in, which brings them together.
    const phone = await VisitorClient.create(srv.url)
    const middle = await say(phone, 'Hello from my phone: do you sell laces?')
    expect((await phone.request('POST', '/api/widget/identify', { id: 'user-88', hash })).body.switched).toBe(true)
    const tablet = await VisitorClient.create(srv.url)
    const newest = await say(tablet, 'And one more from the tablet: gift wrapping?')
    expect((await tablet.request('POST', '/api/widget/identify', { id: 'user-88', hash })).body.switched).toBe(true)

    const dash = await dashboardOn(newest)
    const c = card(dash)
    const earlier = c.locator('[data-earlier] a')
    await waitForCount(earlier, 2)
    expect(await earlier.evaluateAll((a) => a.map((e) => e.getAttribute('data-conversation')))).toEqual([middle, oldest])
    await waitForText(earlier.nth(0), 'do you sell laces?')
    await waitForText(earlier.nth(0), 'Open')
    await waitForText(earlier.nth(1), 'A new pair is on its way.')
    await waitForText(earlier.nth(1), 'Resolved')
    await waitForText(c.locator('#earlier-h'), '2')

    // Opening the resolved one shows it in the thread; the card now lists the other two.
    await earlier.nth(1).click()
    await dash.waitForURL(`${srv.url}/#/c/${oldest}`)
    const thread = dash.locator('parley-thread')
    await waitForText(thread.locator('.messages'), 'Order 1187 came in the wrong size.')
    await waitForText(thread.locator('.badge'), 'Resolved')
    await until(
      async () => JSON.stringify(await earlier.evaluateAll((a) => a.map((e) => e.getAttribute('data-conversation')))) === JSON.stringify([newest, middle]),
      'the card to list the other two',
    )
    // And back, through the card again.
    await earlier.first().click()
    await waitForText(thread.locator('.messages'), 'gift wrapping?')
    expect(dash.errors).toEqual([])
  }, TEST_MS)

  it('never lets a card number typed in the widget reach the database unmasked', async () => {
    const visitor = await visitorOnDemo()
    const seen = await visitorWrites(visitor, 'Please charge my card 4111 1111 1111 1111, exp 12/27.')
    const masked = 'Please charge my card •••• •••• •••• 1111, exp 12/27.'
    expect(seen.message.body).toBe(masked)
    await visitor.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    const [row] = await srv.db.sql`select body from messages where id = ${seen.message.id}`
    expect(row!.body).toBe(masked)
    const [conv] = await srv.db.sql`select last_message_preview from conversations where id = ${seen.conversation.id}`
    expect(conv!.lastMessagePreview).toContain('•••• 1111')
    // Nowhere in the tables a visitor's text can reach.
    const dump = JSON.stringify(
      await srv.db.sql`select m.body, c.last_message_preview, v.name, v.note, v.variables from messages m
        join conversations c on c.id = m.conversation_id join visitors v on v.id = c.visitor_id`,
    )
    expect(dump).not.toMatch(/4111[\s-]?1111[\s-]?1111[\s-]?1111/)
    // The agent sees the masked text too.
    const dash = await dashboardOn(seen.conversation.id)
    await waitForText(dash.locator('parley-thread .messages'), '•••• •••• •••• 1111')
    expect(await dash.locator('parley-thread .messages').textContent()).not.toContain('4111 1111')
    expect(visitor.errors).toEqual([])
  }, TEST_MS)

  it('speaks Czech on the card, with the location and history in Czech too', async () => {
    const visitor = await visitorOnDemo({ referer: GOOGLE, ip: UK_IP })
    const first = await visitorWrites(visitor, 'Dobrý den, máte tyto boty i ve velikosti 46?')
    await visitor.locator('a.card[href="/demo/socks"]').click()
    await visitor.locator('[role=tab][data-tab=sizes]').click()
    await visitor.locator('[data-size="L"]').click()
    await visitor.evaluate(() => {
      const parley = (window as unknown as { parley: (...a: unknown[]) => void }).parley
      parley('name', 'Jan Novák')
      parley('email', 'jan.novak@example.cz')
      parley('variables', { plan: { label: 'Věrnostní program', value: 'Zlatý' }, orders: { label: 'Objednávky', value: 12 } })
    })
    const dash = await dashboardOn(first.conversation.id, PETRA, { height: 1700 })
    const c = card(dash)
    await waitForAttr(c.locator('[data-current-page]'), 'data-current-page', `${srv.url}/demo/socks?size=L`)
    await waitForText(c.locator('#customer-h'), 'Údaje o zákazníkovi')
    await waitForText(c.locator('#customer-h'), 'z webu')
    await waitForText(c.locator('[data-location]'), 'Spojené království')
    await waitForText(c.locator('[data-email-reach]'), 'Ano. Adresu předal váš web u přihlášeného zákazníka.')
    await waitForText(c.locator('#history-h'), 'Historie procházení')
    await waitForText(c.locator('.now'), 'Právě na stránce')
    await waitForText(c.locator('#earlier-h'), 'Předchozí konverzace')
    await waitForText(c.locator('parley-visitor-conversations .empty-line'), 'Žádné. Toto je první konverzace.')
    // Every text in the card, through the shadow roots of the elements inside it.
    const text = await c.evaluate((el) => {
      const texts: string[] = []
      const walk = (root: ShadowRoot) => {
        texts.push(root.textContent ?? '')
        for (const n of root.querySelectorAll('*')) if (n.shadowRoot) walk(n.shadowRoot)
      }
      walk(el.shadowRoot!)
      return texts.join(' ')
    })
    for (const english of ['Browsing history', 'Customer info', 'Location', 'Came from', 'Earlier conversations', 'Can we e-mail them?', 'Unknown', 'Now on']) {
      expect(text).not.toContain(english)
    }
    await dash.locator('parley-conversation-list').click({ position: { x: 5, y: 5 } })
    await c.screenshot({ path: screenshotPath('visitor-card-czech') })
    expect(dash.errors).toEqual([])
  }, TEST_MS)
})

describe('the integrations page', () => {
  it('shows, copies and rotates the identity secret, and creates, lists and revokes API keys', async () => {
    const page = await newPage({ height: 1000 })
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url })
    await signIn(page, OWNER)
    await page.locator('parley-app nav a[href="#/integrations"]').click()
    const p = page.locator('parley-integrations-page')
    const secretBox = p.locator('[data-secret]')
    const before = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    await waitForText(secretBox, '••••')
    expect(await secretBox.textContent()).not.toContain(before.slice(8))

    await p.locator('button[data-action=reveal]').click()
    await waitForText(secretBox, before)
    await p.locator('button[data-action=reveal]').click()
    await waitForText(secretBox, '••••')
    await p.locator('button[data-action=copy-secret]').click()
    await waitForText(p.locator('button[data-action=copy-secret]'), 'Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(before)

    // Rotating asks first; saying no keeps the secret.
    page.once('dialog', (d) => void d.dismiss())
    await p.locator('button[data-action=rotate]').click()
    await Bun.sleep(200)
    expect((await owner.request('GET', '/api/settings/identity')).body.secret).toBe(before)
    let question = ''
    page.once('dialog', (d) => {
      question = d.message()
      void d.accept()
    })
    await p.locator('button[data-action=rotate]').click()
    await waitForText(p.locator('.notice'), 'A new secret is in place')
    expect(question).toContain('stop working at once')
    const after = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    expect(after).not.toBe(before)
    await p.locator('button[data-action=reveal]').click()
    await waitForText(secretBox, after)

    // API keys: a name is required; the key is shown once, with a warning, and works.
    await p.locator('form.create button[type=submit]').click()
    await waitForText(p.locator('#key-name-error'), 'Fill this in.')
    await p.locator('input[name=keyName]').fill('Shop back end')
    await p.locator('form.create button[type=submit]').click()
    const newKey = p.locator('input[data-new-key]')
    await newKey.waitFor()
    const key = await newKey.inputValue()
    expect(key).toMatch(/^pk_/)
    await waitForText(p.locator('.new-key'), 'shown only this once')
    await waitForText(p.locator('.new-key h3'), 'Shop back end')
    await p.locator('button[data-action=copy-key]').click()
    await waitForText(p.locator('button[data-action=copy-key]'), 'Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key)
    const row = p.locator('tbody tr').filter({ hasText: 'Shop back end' })
    await waitForText(row, key.slice(0, 7) + '…')
    await waitForText(row, 'Never')
    expect((await p.locator('tbody').textContent())!).not.toContain(key.slice(7))
    await p.locator('.new-key').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('integrations-page') })

    const use = () => fetch(`${srv.url}/api/v1/visitors?externalId=user-77`, { headers: { authorization: `Bearer ${key}` } })
    expect((await use()).status).toBe(200)
    await p.locator('button[data-action=dismiss-key]').click()
    await waitForCount(p.locator('.new-key'), 0)
    // After a reload the key itself is gone for good, and its last use is listed.
    await page.reload()
    await waitForText(p.locator('tbody tr').filter({ hasText: 'Shop back end' }), key.slice(0, 7))
    expect(await p.locator('input[data-new-key]').count()).toBe(0)
    expect(await p.locator('tbody tr').filter({ hasText: 'Shop back end' }).textContent()).not.toContain('Never')

    page.once('dialog', (d) => void d.accept())
    await p.locator('tbody tr').filter({ hasText: 'Shop back end' }).locator('button[data-action=revoke]').click()
    await waitForText(p.locator('tbody tr').filter({ hasText: 'Shop back end' }), 'Revoked')
    expect((await use()).status).toBe(401)
    await page.screenshot({ path: screenshotPath('integrations-page-revoked') })

    // Only the owner sees the page.
    const alex = await newPage()
    await signIn(alex, ALEX)
    expect(await alex.locator('parley-app nav a[href="#/integrations"]').count()).toBe(0)
    expect(page.errors).toEqual([])
  }, TEST_MS)
})

// The widget on other people's pages, as a developer pastes the snippet into a shop: the host
// pages come from a second loopback origin (localhost on its own port; Parley is 127.0.0.1), so
// everything is cross-origin and cross-site as in production. A strict Content-Security-Policy, a
// right-to-left page with aggressive CSS, a transformed <body>, and a Parley that was unreachable
// when the page loaded must each leave the widget usable, in the site's colour, in its corner.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { AgentClient, startWithOwner, type TestServer } from '../../server/testing/harness.ts'
import { snippet } from '../../server/http/static.ts'
import { launchBrowser, screenshotPath } from '../testing/browser.ts'
import { settled, until, watch } from './widget.testing.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
let site: ReturnType<typeof Bun.serve>
let SITE: string
const pages = new Map<string, { body: string; headers?: Record<string, string> }>()
const contexts: BrowserContext[] = []

/** The site's colour in the widget settings, as the launcher's computed background shows it. */
const COLOR = '#d14900'
const COLOR_RGB = 'rgb(209, 73, 0)'
const VIEWPORT = { width: 1280, height: 720 }

/** The documented snippet's script text (without its <script> tags, so a page can add a nonce). */
const snippetCode = () => snippet(srv.url).replace(/^<script>\n?|<\/script>$/g, '')

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  expect((await owner.request('PUT', '/api/settings/widget', { color: COLOR })).status).toBe(200)
  site = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const page = pages.get(new URL(req.url).pathname)
      if (!page) return new Response('not found', { status: 404 })
      return new Response(page.body, { headers: { 'content-type': 'text/html; charset=utf-8', ...page.headers } })
    },
  })
  SITE = `http://localhost:${site.port}`
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  site?.stop(true)
  await srv?.stop()
})

/** Opens a host page in a fresh browser; `errors` collects uncaught errors, console errors and CSP violations. */
async function visit(path: string, prepare?: (context: BrowserContext) => Promise<void>): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' })
  contexts.push(context)
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`))
  })
  await prepare?.(context)
  const page = await context.newPage()
  const errors: string[] = []
  watch(page, errors)
  await page.goto(SITE + path)
  await page.locator('parley-chat .launcher').waitFor({ timeout: 10_000 })
  return { page, errors }
}

const launcherBackground = (page: Page) => page.locator('parley-chat .launcher').evaluate((b) => getComputedStyle(b).backgroundColor)

/** Opens the chat, writes `body` and waits until the server has stored it. */
async function write(page: Page, body: string) {
  if (!(await page.locator('parley-chat textarea').count())) await page.locator('parley-chat .launcher').click()
  const composer = page.locator('parley-chat textarea')
  await composer.fill(body)
  await composer.press('Enter')
  await page.locator('parley-chat .row.visitor[data-state=sent]', { hasText: body }).waitFor({ timeout: 15_000 })
}

describe('the widget on a host page of another origin', () => {
  it('shows the site colour and chats under a strict Content-Security-Policy that allows only what the README asks for', async () => {
    const ws = srv.url.replace(/^http/, 'ws')
    pages.set('/csp', {
      body: `<!doctype html><html lang="en"><head><title>Strict shop</title></head><body><h1>Strict shop</h1>
<script nonce="r4nd0m">${snippetCode()}</script></body></html>`,
      headers: {
        'content-security-policy': `default-src 'self'; script-src 'nonce-r4nd0m' ${srv.url}; connect-src ${srv.url} ${ws}; style-src 'self'; img-src 'self'`,
      },
    })
    const { page, errors } = await visit('/csp')
    await until(async () => (await launcherBackground(page)) === COLOR_RGB, 'the launcher in the site colour')
    // The recorder too (recording is on by default): it watches the composer growing as the
    // visitor types, a style change it records.
    await until(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/assets/parley-recorder.'))), 'the recorder', 15_000)
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)))
    await write(page, 'Hello from a strict page')
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)))
    // The visitor's own bubble is in the site colour too.
    expect(await page.locator('parley-chat .row.visitor .bubble').first().evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(COLOR_RGB)
    await page.screenshot({ path: screenshotPath('host-page-strict-csp') })
    expect(errors).toEqual([])
  }, 40_000)

  it('stays left to right, in its corner and usable on a right-to-left page with aggressive CSS and an overlay', async () => {
    pages.set('/hostile', {
      body: `<!doctype html><html dir="rtl" lang="ar"><head><title>متجر</title><style>
* { all: unset } head, script, style, title { display: none }
div { display: none !important } html { font-size: 64px !important }
*, *::before, *::after { box-sizing: content-box !important }
parley-chat { display: none !important; opacity: 0 !important; transform: scale(.2) !important }
button { background: red !important } textarea { display: none !important }
.overlay { display: block !important; position: fixed; inset: 0; z-index: 99999; background: rgba(0, 0, 0, .2) }
</style></head><body><p>مرحبا بكم في متجرنا</p><section class="overlay"></section><script>${snippetCode()}</script></body></html>`,
    })
    const { page, errors } = await visit('/hostile')
    const launcher = page.locator('parley-chat .launcher')
    await until(async () => (await launcherBackground(page)) === COLOR_RGB, 'the launcher in the site colour')
    // In the bottom-right corner (the default side), above the page's overlay.
    const box = (await launcher.boundingBox())!
    expect(VIEWPORT.width - (box.x + box.width)).toBeLessThan(40)
    expect(VIEWPORT.height - (box.y + box.height)).toBeLessThan(40)
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.localName, [box.x + box.width / 2, box.y + box.height / 2])).toBe('parley-chat')
    await write(page, 'Hello from the right-to-left page')
    // The widget speaks left-to-right languages: the page's direction does not mirror it. The
    // visitor's bubble is on the right, the greeting on the left, the composer's text starts left.
    const visitorBox = (await page.locator('parley-chat .row.visitor .bubble').first().boundingBox())!
    const greetingBox = (await page.locator('parley-chat .row.greeting .bubble').boundingBox())!
    expect(visitorBox.x).toBeGreaterThan(greetingBox.x)
    expect(await page.locator('parley-chat textarea').evaluate((t) => getComputedStyle(t).direction)).toBe('ltr')
    // Right-to-left text keeps its own direction in a left-to-right widget: the visitor's Arabic,
    // as typed and as sent, and an agent's Arabic reply read from their right edge, the question
    // mark at the sentence's end (on its left).
    const arabic = 'هل تشحنون إلى برنو؟'
    await page.locator('parley-chat textarea').fill(arabic)
    expect(await page.locator('parley-chat textarea').evaluate((t) => getComputedStyle(t).direction)).toBe('rtl')
    await page.locator('parley-chat textarea').press('Enter')
    const sent = page.locator('parley-chat .row.visitor[data-state=sent] .bubble', { hasText: arabic })
    await sent.waitFor({ timeout: 15_000 })
    expect(await sent.evaluate((b) => getComputedStyle(b).direction)).toBe('rtl')
    const listed = (await owner.request('GET', '/api/conversations?view=unassigned&limit=50')).body as { items: { id: string; lastMessage: { preview: string } }[] }
    const conversationId = listed.items.find((c) => c.lastMessage.preview === arabic)!.id
    expect((await owner.request('POST', `/api/conversations/${conversationId}/messages`, { body: 'نعم، خلال يومين.', clientId: crypto.randomUUID() })).status).toBe(201)
    const reply = page.locator('parley-chat .row.agent .bubble', { hasText: 'نعم' })
    await reply.waitFor({ timeout: 10_000 })
    expect(await reply.evaluate((b) => getComputedStyle(b).direction)).toBe('rtl')
    await page.screenshot({ path: screenshotPath('host-page-rtl-hostile-css') })
    expect(errors).toEqual([])
  }, 40_000)

  it('keeps the launcher in view on a long page whose <body> is transformed', async () => {
    pages.set('/transformed', {
      body: `<!doctype html><html lang="en"><head><title>Smooth shop</title><style>body { transform: translateZ(0) } .tall { height: 3000px }</style></head>
<body><div class="tall">A long page</div><script>${snippetCode()}</script></body></html>`,
    })
    const { page, errors } = await visit('/transformed')
    await settled(page)
    const box = (await page.locator('parley-chat .launcher').boundingBox())!
    expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height)
    expect(box.y).toBeGreaterThan(VIEWPORT.height - 120)
    await page.mouse.wheel(0, 1000)
    await until(async () => (await page.evaluate(() => scrollY)) > 500, 'the page scrolled')
    const after = (await page.locator('parley-chat .launcher').boundingBox())!
    expect(after.y).toBe(box.y)
    expect(errors).toEqual([])
  }, 40_000)

  it("shows the team's real status and colour once Parley is back after being unreachable when the page loaded", async () => {
    pages.set('/later', {
      body: `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1><script>${snippetCode()}</script></body></html>`,
    })
    // The bundles are in the browser's cache; Parley's API and socket do not answer.
    let down = true
    const { page, errors } = await visit('/later', async (context) => {
      await context.route(`${srv.url}/api/**`, (r) => (down ? r.abort('connectionrefused') : r.continue()))
      await context.routeWebSocket(/\/ws\/visitor/, (ws) => (down ? ws.close() : ws.connectToServer()))
    })
    await page.locator('parley-chat .launcher').click()
    await page.locator('parley-chat textarea').fill('Are you there?')
    await page.locator('parley-chat textarea').press('Enter')
    await page.locator('parley-chat .row.visitor[data-state=sending]').waitFor()
    // Meanwhile the widget does not claim the team is there: the dot is grey, and a banner says
    // the connection is being re-established and the message will go then.
    await page.locator('parley-chat .banner', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat header .dot.off').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('host-page-parley-unreachable') })
    down = false
    await page.locator('parley-chat .row.visitor[data-state=sent]').waitFor({ timeout: 20_000 })
    await page.locator('parley-chat .banner').waitFor({ state: 'detached', timeout: 10_000 })
    // Nobody is signed in to the dashboard: the panel, still open, says so without being reopened.
    await page.locator('parley-chat header .dot.off').waitFor({ timeout: 5000 })
    expect(await launcherBackground(page)).toBe(COLOR_RGB)
    expect(errors).toEqual([])
  }, 40_000)
})

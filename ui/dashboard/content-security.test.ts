// The dashboard and the API docs under their real Content-Security-Policy in Chromium: every
// page an owner can open renders, and the browser reports no violation (a blocked script or
// style would show here before a user ever saw a broken screen).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotPath } from '../testing/browser.ts'
import { axeViolations } from '../testing/axe.ts'
import { waitForCount } from '../testing/wait.ts'
import { startWithOwner, VisitorClient, cid, type AgentClient, type TestServer } from '../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  const visitor = await VisitorClient.create(srv.url)
  await visitor.request('POST', '/api/widget/messages', { body: 'Is the CSP strict?', clientId: cid() })
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

/** A page that records what the browser refused under the policy, and uncaught errors. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const cookie = owner.cookie.split('=')
  await context.addCookies([{ name: cookie[0]!, value: cookie.slice(1).join('='), url: srv.url }])
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
  })
  page.on('pageerror', (e) => violations.push(`page error: ${e}`))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load (CSP): ${e.violatedDirective} ${e.blockedURI}`))
  })
  return { page, violations }
}

describe('the content security policy', () => {
  it('lets every owner page of the dashboard render with nothing refused', async () => {
    const { page, violations } = await watchedPage()
    await page.goto(srv.url + '/')
    await waitForCount(page.locator('parley-conversation-list li[data-conversation]'), 1)
    for (const [hash, element] of [
      ['#/agents', 'parley-agents-page'],
      ['#/widget', 'parley-widget-settings'],
      ['#/email', 'parley-email-settings'],
      ['#/messenger', 'parley-messenger-settings'],
      ['#/integrations', 'parley-integrations-page'],
      ['#/canned', 'parley-canned-settings'],
      ['#/blocking', 'parley-blocking-settings'],
      ['#/tags', 'parley-tags-settings'],
      ['#/groups', 'parley-groups-settings'],
      ['#/account', 'parley-account-page'],
      ['#/audit', 'parley-audit-page'],
      ['#/', 'parley-conversation-list'],
    ] as const) {
      await page.goto(`${srv.url}/${hash}`)
      await page.locator(element).waitFor()
      await page.waitForLoadState('networkidle')
    }
    await page.screenshot({ path: screenshotPath('csp-dashboard') })
    // The accessibility audit runs under this same policy, and trips none of it.
    expect(await axeViolations(page)).toEqual([])
    expect(violations).toEqual([])
  }, 60_000)

  it('renders the API docs from Parley under the same policy', async () => {
    const { page, violations } = await watchedPage()
    // Swagger UI is a 1.5 MB script: roomy bounds for a busy machine.
    await page.goto(srv.url + '/api/docs', { timeout: 30_000 })
    // The first section's operations; then, scrolling down (Swagger UI draws the sections as they
    // come into view), the last routes' paths.
    await page.waitForFunction(() => document.querySelectorAll('.opblock').length >= 8, null, { timeout: 30_000 })
    const atEnd = () => page.evaluate(() => (document.querySelector('#docs')?.textContent ?? '').includes('/webhooks/messenger/'))
    for (let i = 0; i < 100 && !(await atEnd()); i++) {
      await page.mouse.wheel(0, 4000)
      await page.waitForTimeout(100)
    }
    expect(await atEnd()).toBe(true)
    await page.screenshot({ path: screenshotPath('api-docs') })
    expect(violations).toEqual([])
  }, 60_000)
})

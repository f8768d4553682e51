// The printable transcript (#16) in a real browser: the page renders under its own
// Content-Security-Policy (no blocked style, no script), reads well on screen and in print.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../testing/harness.ts'
import { Pages, launchBrowser, screenshotPath } from '../../ui/testing/browser.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const pages = new Pages(() => browser)

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  browser = await launchBrowser()
})
afterAll(async () => {
  await pages.close()
  await browser.close()
  await srv.stop()
})

describe('the printable transcript', () => {
  it('shows the conversation’s facts, messages and events under its policy, on screen and in print', async () => {
    await owner.request('PATCH', '/api/agents/' + owner.agent!.id, { language: 'cs' })
    const tag = (await owner.request('POST', '/api/tags', { name: 'Reklamace', color: 'red' })).body.id
    const visitor = await VisitorClient.create(srv.url)
    const first = await visitor.request('POST', '/api/widget/messages', { body: 'Dobrý den, přišel mi rozbitý hrnek <script>alert(1)</script>', clientId: cid() })
    const id = first.body.conversation.id
    await owner.request('PATCH', `/api/visitors/${visitor.id}`, { name: 'Jana Nováková', email: 'jana@firma.cz' })
    await owner.request('POST', `/api/conversations/${id}/messages`, { body: 'Dobrý den, to nás mrzí. Pošleme nový hrnek ještě dnes.\nObjednávka: 2026-1187', clientId: cid() })
    await visitor.request('POST', '/api/widget/messages', { conversationId: id, body: 'Děkuji!', clientId: cid() })
    await owner.request('POST', `/api/conversations/${id}/notes`, { body: 'interní poznámka', clientId: cid() })
    await owner.request('POST', `/api/conversations/${id}/tags`, { tagId: tag })
    await owner.request('POST', `/api/conversations/${id}/resolve`)
    await visitor.request('POST', `/api/widget/conversations/${id}/rating`, { score: 1 })

    const page = await pages.open(900, 900)
    const violations: string[] = []
    page.on('console', (m) => {
      // (the browser's own request for /favicon.ico is not the page's)
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) violations.push(m.text())
    })
    const [name, value] = owner.cookie.split('=') as [string, string]
    await page.context().addCookies([{ name, value, url: srv.url }])
    const r = await page.goto(`${srv.url}/api/conversations/${id}/transcript`)
    expect(r!.status()).toBe(200)
    expect(await page.locator('h1').textContent()).toMatch(/^Konverzace č\. \d+$/)
    expect(await page.locator('dd').allTextContents()).toContain('Jana Nováková <jana@firma.cz>')
    expect(await page.locator('li.msg').count()).toBe(3)
    expect(await page.locator('li.msg .body').first().textContent()).toContain('<script>alert(1)</script>')
    expect(await page.locator('body').textContent()).not.toContain('interní poznámka')
    expect(await page.locator('li.event').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('převzal(a) konverzaci'), expect.stringContaining('vyřešil(a) konverzaci'), expect.stringContaining('ohodnotil: Dobré')]),
    )
    // the <style> applied: the facts are a grid, not a plain list
    expect(await page.locator('dl').evaluate((el) => getComputedStyle(el).display)).toBe('grid')
    expect(violations).toEqual([])
    expect(page.errors).toEqual([])
    await page.screenshot({ path: screenshotPath('search-transcript-screen'), fullPage: true })
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.msg').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgba(0, 0, 0, 0)')
    await page.screenshot({ path: screenshotPath('search-transcript-print'), fullPage: true })
  })
})

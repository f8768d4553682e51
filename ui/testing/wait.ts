// Bounded waits on what a person sees, for the browser tests.
import type { Locator } from 'playwright-core'
import { screenshotPath } from './browser.ts'

/** Polls until the locator's text contains `text`; on time-out saves `<failureShot>.png` and throws. */
export async function waitForText(locator: Locator, text: string | RegExp, ms = 8000, failureShot = 'dashboard-failure'): Promise<void> {
  const deadline = Date.now() + ms
  let last = ''
  for (;;) {
    last = (await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => '')) ?? ''
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return
    if (Date.now() > deadline) {
      await locator.page().screenshot({ path: screenshotPath(failureShot) }).catch(() => {})
      throw new Error(`timed out waiting for ${JSON.stringify(String(text))}; last text: ${JSON.stringify(last)}`)
    }
    await Bun.sleep(50)
  }
}

/** Polls until the locator matches exactly `n` elements. */
export async function waitForCount(locator: Locator, n: number, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const c = await locator.count()
    if (c === n) return
    if (Date.now() > deadline) throw new Error(`expected ${n} elements, found ${c}`)
    await Bun.sleep(50)
  }
}

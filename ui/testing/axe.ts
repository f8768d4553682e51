// The accessibility audit of the browser tests: axe-core (WCAG 2.x A and AA rules, 2.2 included)
// run inside the page as it is, shadow roots included. Serious and critical findings fail the test.
import type { Locator, Page } from 'playwright-core'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const AXE_SOURCE = readFileSync(resolve(import.meta.dir, '../../node_modules/axe-core/axe.min.js'), 'utf8')

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
/**
 * Best-practice rules held to as strictly as WCAG's: a page without a level-one heading leaves a
 * screen-reader user no place to start (axe rates it moderate, so the impact filter would drop it).
 */
const ALWAYS = ['page-has-heading-one']

interface Violation {
  id: string
  tags: string[]
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

/**
 * The serious and critical WCAG A/AA violations on the page, one line per element, e.g.
 * `color-contrast: parley-app › .avatar — Fix any of the following: …`. A test expects [].
 *
 * The source is evaluated through the DevTools protocol rather than added as a <script>: the
 * dashboard's Content-Security-Policy forbids inline script, and the product's policy is what
 * the tests should run under.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(
    async ({ tags, always }) => {
      const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Violation[] }> } }).axe
      // WCAG's rules, plus the best-practice ones held to (not all of best-practice, whose other
      // findings were dropped below anyway).
      const rules = Object.fromEntries(always.map((id) => [id, { enabled: true }]))
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] })
      return result.violations.map((v) => ({ id: v.id, tags: v.tags, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }))
    },
    { tags: WCAG, always: ALWAYS },
  )
  return violations
    .filter((v) => ALWAYS.includes(v.id) || ((v.impact === 'serious' || v.impact === 'critical') && v.tags.some((t) => WCAG.includes(t))))
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.map((t) => (Array.isArray(t) ? t.join(' › ') : String(t))).join(' ')} — ${(n.failureSummary ?? v.help).replace(/\s+/g, ' ')}`))
}

/**
 * The contrast ratio of each matched element's text against its own background, for text axe
 * leaves out (aria-hidden avatar initials are still text a sighted person must read). Colours are
 * resolved by the browser (oklch, color-mix and all) through a canvas.
 */
export function ownContrast(locator: Locator): Promise<number[]> {
  return locator.evaluateAll((els) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
    const rgb = (color: string) => {
      ctx.clearRect(0, 0, 1, 1)
      ctx.fillStyle = color
      ctx.fillRect(0, 0, 1, 1)
      return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)]
    }
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    return els.map((el) => {
      const s = getComputedStyle(el)
      const [a, b] = [lum(rgb(s.color)), lum(rgb(s.backgroundColor))].sort((x, y) => y - x)
      return Math.round(((a! + 0.05) / (b! + 0.05)) * 100) / 100
    })
  })
}

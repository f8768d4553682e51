// Finds interface text a person cannot read in full: a control or heading wider than its own box,
// cut off sideways by a scrolling or clipping ancestor, or two controls drawn over each other
// (shadow roots included). Text that ends in a deliberate ellipsis (names, message previews) is
// left alone.
import type { Page } from 'playwright-core'

const CANDIDATES = 'button, [role=tab], a, label, h1, h2, h3, th, select, option:checked, .count, .subtab, .assign, .badge, .pill, .status, .state, .hint, p'

/** `within`: only the shadow tree of this element (the widget floats over a page it does not own). */
export function clippedText(page: Page, within?: string): Promise<string[]> {
  return page.evaluate(([selector, within]) => {
    const out: string[] = []
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null)
    const check = (el: Element) => {
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) return
      // Text for screen readers only (a 1 px box clipped on purpose, like the inbox's h1) is not read on screen.
      if (r.width <= 1 && r.height <= 1) return
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)
      if (text === '') return
      const style = getComputedStyle(el)
      if (style.textOverflow === 'ellipsis') return
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') out.push(`${name(el)} "${text}" overflows its own box`)
      if (r.right > innerWidth + 1 || r.left < -1) out.push(`${name(el)} "${text}" runs off the screen`)
      for (let a = parentOf(el); a && a !== document.documentElement; a = parentOf(a)) {
        const s = getComputedStyle(a)
        if (s.overflowX === 'visible') continue
        if (getComputedStyle(a).textOverflow === 'ellipsis') return
        const ar = a.getBoundingClientRect()
        if (r.right > ar.right + 1 || r.left < ar.left - 1) {
          out.push(`${name(el)} "${text}" is cut off by ${name(a)}`)
          return
        }
      }
    }
    const controls: Element[] = []
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot)
        if (el.matches(selector)) check(el)
        if (el.matches('button, a[href], select, input, textarea, [role=tab]') && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) controls.push(el)
      }
    }
    const host = within ? document.querySelector(within) : null
    if (within && !host?.shadowRoot) throw new Error(`no shadow root at ${within}`)
    walk(host?.shadowRoot ?? document)
    const contains = (a: Element, b: Element) => {
      for (let x: Element | null = b; x; x = parentOf(x)) if (x === a) return true
      return false
    }
    for (let i = 0; i < controls.length; i++) {
      const a = controls[i]!.getBoundingClientRect()
      if (a.width === 0 || a.height === 0) continue
      for (let j = i + 1; j < controls.length; j++) {
        const b = controls[j]!.getBoundingClientRect()
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left)
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
        // One box wholly inside the other is a design (a button on a row that is a link), not a collision.
        const inside = (p: DOMRect, q: DOMRect) => q.left >= p.left - 1 && q.right <= p.right + 1 && q.top >= p.top - 1 && q.bottom <= p.bottom + 1
        if (inside(a, b) || inside(b, a)) continue
        if (w > 2 && h > 2 && !contains(controls[i]!, controls[j]!) && !contains(controls[j]!, controls[i]!)) {
          const label = (el: Element) => (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30)
          out.push(`${name(controls[i]!)} "${label(controls[i]!)}" and ${name(controls[j]!)} "${label(controls[j]!)}" overlap`)
        }
      }
    }
    return out
  }, [CANDIDATES, within] as const)
}

// scripts/build-ui.ts changes a few lines of rrweb's recorder to make its full snapshot cheaper.
// Here, in Chromium, the patched recorder and rrweb's own snapshot the same pages, and their
// snapshots must be the same, node for node: the patches may change what a snapshot costs, never
// what it says.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { browserBuild } from '../../../scripts/build-ui.ts'
import { launchBrowser } from '../../testing/browser.ts'

let browser: Browser
const bundles: Record<'patched' | 'own', string> = { patched: '', own: '' }

beforeAll(async () => {
  const entry = join(import.meta.dir, 'rrweb.testing.ts')
  for (const kind of ['patched', 'own'] as const) {
    const out = await Bun.build(browserBuild(entry, { minify: false, patches: kind === 'patched' }))
    if (!out.success) throw new Error(out.logs.join('\n'))
    bundles[kind] = await out.outputs[0]!.text()
  }
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** A page with what the patched lines decide on: classes and none, the block class, custom elements and their shadow roots, form fields, SVG, styles, comments, and a scrolled box. */
const PAGE = `<!doctype html><html><head><title>t</title><style>.box{height:40px;overflow:auto} x-card{display:block}</style>
<meta name="description" content="d"><link rel="preload" as="script" href="/x.js"></head><body>
<!-- a comment -->
<main class="a b"><h1>Title</h1><p>Text <b>bold</b> and <i class="rr-block">blocked by class</i> and <span>plain</span></p>
<div data-parley-ignore><span>ignored by selector</span></div>
<ul>${Array.from({ length: 40 }, (_, i) => `<li${i % 3 ? '' : ' class="odd"'}><span>item ${i}</span> <em>${'4111 1111 1111 1111'.slice(0, i % 20)}</em></li>`).join('')}</ul>
<x-card><span slot="s">slotted</span></x-card><my-widget></my-widget>
<form><input name="n" value="Ann"><input type="password" value="pw"><textarea>typed</textarea><select><option>a</option><option selected>b</option></select></form>
<svg width="10" height="10"><circle class="dot" r="4" cx="5" cy="5"></circle></svg>
<div class="box" id="scroller"><div style="height:200px">tall</div></div>
</main>
<script>
customElements.define('x-card', class extends HTMLElement { constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<b class="in-shadow">shadow</b><slot name="s"></slot>' } })
document.getElementById('scroller').scrollTop = 30
</script></body></html>`

/** The full snapshot each recorder takes of the page, its time left out. */
async function snapshotWith(kind: 'patched' | 'own', beforeScripts = ''): Promise<unknown> {
  const context = await browser.newContext()
  if (beforeScripts) await context.addInitScript(beforeScripts)
  const page = await context.newPage()
  await page.setContent(PAGE)
  await page.addScriptTag({ content: bundles[kind], type: 'module' })
  await page.waitForFunction(() => 'window' in globalThis && (window as unknown as { __record?: unknown }).__record !== undefined)
  const snapshot = await page.evaluate(() => {
    const events: { type: number; data: unknown }[] = []
    const record = (window as unknown as { __record: (o: unknown) => () => void }).__record
    const stop = record({
      emit: (e: { type: number; data: unknown }) => events.push(e),
      blockSelector: '[data-parley-ignore]',
      maskTextSelector: '*',
      maskTextFn: (t: string) => t.toUpperCase(),
      maskAllInputs: true,
      slimDOMOptions: 'all',
      inlineStylesheet: true,
    })
    stop()
    return events.find((e) => e.type === 2)!.data
  })
  await context.close()
  return snapshot
}

describe("rrweb's recorder with the build's patches", () => {
  it('takes the same snapshot as rrweb unchanged', async () => {
    const patched = await snapshotWith('patched')
    const own = await snapshotWith('own')
    const text = JSON.stringify(patched)
    // the page's parts are in it (so the comparison compares something)
    for (const part of ['ITEM 39', '"class":"in-shadow"', '"isCustom":true', '"isShadowHost":true', '"rr_scrollTop":30', 'rr_width', '"isSVG":true']) {
      expect(text).toContain(part)
    }
    expect(text).not.toContain('BLOCKED BY CLASS')
    expect(text).not.toContain('IGNORED BY SELECTOR')
    expect(patched).toEqual(own)
  })

  it('takes the same snapshot on a page that replaced a DOM method (the hidden iframe path)', async () => {
    const taint = `const own = Element.prototype.querySelector; Element.prototype.querySelector = function (s) { return own.call(this, s) }`
    expect(await snapshotWith('patched', taint)).toEqual(await snapshotWith('own', taint))
  })
})

// Bundles the UI with Bun.build into dist/ui (each bundle under its stable name and a content-hashed
// one, precompressed with gzip and brotli, and dist/ui/manifest.json naming them) and prints each
// bundle's gzipped and brotli size against its budget. `--quiet` prints only problems (npm start uses it).
import { mkdirSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { constants, gzipSync, brotliCompressSync } from 'node:zlib'
import { resolve, join } from 'node:path'

const root = resolve(import.meta.dir, '..')
export const OUT_DIR = join(root, 'dist/ui')
const quiet = process.argv.includes('--quiet')

interface Bundle {
  name: string
  entry: string
  /** The stable file name under dist/ui, served at /assets/<out>; a content-hashed copy beside it. */
  out: string
  /** Gzipped budget in bytes, or null for none. */
  budget: number | null
}

// In build order: a bundle that loads another is built after it, with that one's hashed name
// compiled in (the recorder before the widget, which loads it; the widget before the loader).
export const BUNDLES: Bundle[] = [
  // Loaded only on pages that may be recorded, after the page is idle (ui/widget/recorder/gate.ts).
  { name: 'recorder', entry: 'ui/widget/recorder/recorder.ts', out: 'parley-recorder.js', budget: 30 * 1024 },
  { name: 'widget', entry: 'ui/widget/parley-chat.ts', out: 'parley-chat.js', budget: 35 * 1024 },
  // The one file sites embed by its name (the snippet): never renamed, cached for minutes only.
  { name: 'loader', entry: 'ui/widget/loader.ts', out: 'loader.js', budget: 3 * 1024 },
  { name: 'dashboard', entry: 'ui/dashboard/index.ts', out: 'dashboard.js', budget: null },
  // The replay page's bundle (rrweb's replayer), loaded only when an agent opens a recording.
  { name: 'replay', entry: 'ui/dashboard/replay/replay-page.ts', out: 'replay.js', budget: 100 * 1024 },
  // The dashboard's service worker (Web Push), served at /sw.js so its scope is the whole dashboard.
  { name: 'sw', entry: 'ui/dashboard/alerts/sw.ts', out: 'sw.js', budget: 2 * 1024 },
]

/**
 * Exact text changes to rrweb's recorder (`@rrweb/record/dist/record.js`) that make its full
 * snapshot cheaper without changing what it records. The snapshot is one long task on the
 * visitor's page, proportional to the page's nodes; on a 9,000-node page on this project's machine
 * it took 240–280 ms. Each change was measured alone in Chromium (`record()` on that page, medians
 * of 5 loads by turns; docs/benchmarks.md, session 16). One more keeps it working under a site's
 * strict Content-Security-Policy. The build stops when a text is not found, so an rrweb upgrade is
 * looked at again.
 */
const RRWEB_RECORD_PATCHES: { why: string; find: string; replace: string }[] = [
  {
    // rrweb reads DOM properties through getters it has checked are the browser's own; when a
    // check fails it takes the getters of a fresh hidden iframe. Its list for Element names
    // `querySelector` and `querySelectorAll` among the getters, but they are methods, so the check
    // always failed: every `shadowRoot` read went through another realm's getter, ~10 µs per
    // element (250 → 160 ms, session 13). Checked as methods, as rrweb's pull request #1802 does; a
    // page that really replaced them still gets the iframe.
    why: 'Element methods checked as methods',
    find: 'Element: ["shadowRoot", "querySelector", "querySelectorAll"],',
    replace: 'Element: ["shadowRoot"],',
  },
  {
    why: 'Element methods checked as methods (the methods list)',
    find: '  Element: [],\n  MutationObserver: ["constructor"]',
    replace: '  Element: ["querySelector", "querySelectorAll"],\n  MutationObserver: ["constructor"]',
  },
  {
    // `Array.from` of every element's NodeList goes through the iterator protocol and a new array;
    // the indexed loop reads the same children (a node appended meanwhile is not visited, as with
    // the copy). 251 → 234 ms.
    why: 'children read by index',
    find: 'for (const childN of Array.from(index.childNodes(n))) {\n        const serializedChildNode',
    replace: 'for (let children = index.childNodes(n), count = children.length, i = 0; i < count; i++) {\n        const childN = children[i];\n        if (!childN) break;\n        const serializedChildNode',
  },
  {
    // `delete` turns each serialized node into a slow dictionary object; an undefined property is
    // left out by JSON.stringify just the same. 251 → 243 ms.
    why: 'needBlock cleared, not deleted',
    find: 'delete serializedNode.needBlock;',
    replace: 'serializedNode.needBlock = void 0;',
  },
  {
    // `classList` makes a DOMTokenList for every element; one without a class attribute has no
    // class to match. 251 → 241 ms.
    why: 'block class looked for only on elements with a class',
    find: '      if (element.classList.contains(blockClass)) {',
    replace: '      if (element.hasAttribute("class") && element.classList.contains(blockClass)) {',
  },
  {
    // Not a patch for speed: on a site whose Content-Security-Policy has no 'unsafe-inline' in
    // style-src, setting a style attribute is blocked even on this detached element, and each of
    // the page's own style changes made a CSP violation (a console error, and a report to the
    // site's report-uri) and an old style of nothing. The CSSOM is not restricted and parses the
    // same text the same way.
    why: 'old inline style read through the CSSOM',
    find: 'old.setAttribute("style", m.oldValue);',
    replace: 'old.style.cssText = m.oldValue;',
  },
  {
    // A custom element's name always holds a hyphen; `customElements.get` of any other name is
    // undefined.
    why: 'custom elements looked up only for names with a hyphen',
    find: 'if (customElements.get(tagName)) isCustomElement = true;',
    replace: 'if (tagName.includes("-") && customElements.get(tagName)) isCustomElement = true;',
  },
]

export const RRWEB_RECORD_PLUGIN: Bun.BunPlugin = {
  name: 'rrweb-record-patches',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
      let text = await Bun.file(args.path).text()
      for (const p of RRWEB_RECORD_PATCHES) {
        if (text.split(p.find).length !== 2) {
          throw new Error(`${args.path}: the text for "${p.why}" is not found once; look at RRWEB_RECORD_PATCHES in scripts/build-ui.ts again`)
        }
        text = text.replace(p.find, p.replace)
      }
      return { contents: text, loader: 'js' }
    })
  },
}

/**
 * How every UI bundle is built: for the browser, one ES module, rrweb's recorder patched. `buildUi`
 * minifies and adds the asset names; the recorder's snapshot test (`patches: false` for rrweb as
 * shipped) and scripts/bench/profile-snapshot.ts build the same way, unminified.
 */
export function browserBuild(entry: string, o: { minify?: boolean; patches?: boolean; define?: Record<string, string> } = {}): Bun.BuildConfig {
  return {
    entrypoints: [entry],
    target: 'browser',
    format: 'esm',
    minify: o.minify ?? true,
    sourcemap: 'none',
    plugins: o.patches === false ? [] : [RRWEB_RECORD_PLUGIN],
    // Lit (and others) ship a development build with console warnings unless told otherwise.
    define: { 'process.env.NODE_ENV': '"production"', ...o.define },
  }
}

/** What the server reads: each stable name's content hash and hashed file name. */
export type Manifest = Record<string, { hash: string; file: string }>
export const MANIFEST = 'manifest.json'

/** The names other bundles are compiled with: `__PARLEY_ASSET_<stable name>__`, dots and dashes as _. */
const defineKey = (out: string) => `__PARLEY_ASSET_${out.replace(/[.-]/g, '_')}__`

export async function buildUi(): Promise<{ name: string; bytes: number; gzip: number; brotli: number; budget: number | null }[]> {
  mkdirSync(OUT_DIR, { recursive: true })
  const present = BUNDLES.filter((b) => existsSync(join(root, b.entry)))
  if (present.length === 0) return []
  const manifest: Manifest = {}
  const define: Record<string, string> = {}
  const sizes: { name: string; bytes: number; gzip: number; brotli: number; budget: number | null }[] = []
  // One build per bundle: each is self-contained (the widget must not share chunks with the
  // dashboard). Each is written under its stable name and under a content-hashed name, each with
  // its gzip and brotli forms beside it, which the server picks by Accept-Encoding.
  for (const b of present) {
    const result = await Bun.build(browserBuild(join(root, b.entry), { define }))
    if (!result.success) {
      for (const log of result.logs) console.error(log)
      throw new Error('UI build failed')
    }
    const code = Buffer.from(await result.outputs[0]!.arrayBuffer())
    const hash = new Bun.CryptoHasher('sha256').update(code).digest('hex').slice(0, 16)
    const hashed = b.out.replace(/\.js$/, `.${hash}.js`)
    const gzip = gzipSync(code, { level: 9 })
    const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } })
    for (const name of [b.out, hashed]) {
      writeFileSync(join(OUT_DIR, name), code)
      writeFileSync(join(OUT_DIR, `${name}.gz`), gzip)
      writeFileSync(join(OUT_DIR, `${name}.br`), brotli)
    }
    manifest[b.out] = { hash, file: hashed }
    define[defineKey(b.out)] = JSON.stringify(hashed)
    sizes.push({ name: b.name, bytes: code.length, gzip: gzip.length, brotli: brotli.length, budget: b.budget })
  }
  writeFileSync(join(OUT_DIR, MANIFEST), JSON.stringify(manifest, null, 2))
  // Hashed files of earlier builds go (a build is the whole set).
  const keep = new Set(Object.values(manifest).flatMap((m) => [m.file, `${m.file}.gz`, `${m.file}.br`]))
  for (const f of readdirSync(OUT_DIR)) if (/\.[0-9a-f]{16}\.js(\.gz|\.br)?$/.test(f) && !keep.has(f)) rmSync(join(OUT_DIR, f))
  return sizes
}

if (import.meta.main) {
  const sizes = await buildUi()
  let over = false
  for (const s of sizes) {
    const bad = s.budget !== null && s.gzip > s.budget
    over ||= bad
    if (!quiet || bad) {
      const kb = (n: number) => (n / 1024).toFixed(1) + ' KB'
      console.log(
        `${s.name.padEnd(10)} ${kb(s.bytes).padStart(9)} raw ${kb(s.gzip).padStart(8)} gzip ${kb(s.brotli).padStart(8)} brotli` +
          (s.budget !== null ? `   budget ${kb(s.budget)} gzip ${bad ? 'EXCEEDED' : 'ok'}` : ''),
      )
    }
  }
  if (over) process.exit(1)
}

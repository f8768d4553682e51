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
 * rrweb's recorder reads every DOM property through getters it has checked are the browser's own;
 * when a check fails it takes the getters of a fresh hidden iframe instead. Its list for Element
 * names `querySelector` and `querySelectorAll` among the getters, but they are methods, so the
 * check always failed: every `shadowRoot` read of a snapshot went through another realm's getter,
 * about 10 µs per element in Chromium (a 9,000-node page's snapshot: 250 → 160 ms). Checking them as
 * methods (as rrweb's pull request #1802 does) keeps the iframe for pages that really replaced
 * them. The build stops if the text is not found, so an rrweb upgrade is looked at again.
 */
export const RRWEB_ELEMENT_CHECK: Bun.BunPlugin = {
  name: 'rrweb-element-check',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
      const text = await Bun.file(args.path).text()
      const accessors = 'Element: ["shadowRoot", "querySelector", "querySelectorAll"],'
      const methods = '  Element: [],\n  MutationObserver: ["constructor"]'
      if (!text.includes(accessors) || !text.includes(methods)) {
        throw new Error(`${args.path}: rrweb's untainted-prototype lists changed; look at RRWEB_ELEMENT_CHECK in scripts/build-ui.ts again`)
      }
      return {
        contents: text
          .replace(accessors, 'Element: ["shadowRoot"],')
          .replace(methods, '  Element: ["querySelector", "querySelectorAll"],\n  MutationObserver: ["constructor"]'),
        loader: 'js',
      }
    })
  },
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
  const define: Record<string, string> = { 'process.env.NODE_ENV': '"production"' }
  const sizes: { name: string; bytes: number; gzip: number; brotli: number; budget: number | null }[] = []
  // One build per bundle: each is self-contained (the widget must not share chunks with the
  // dashboard). Each is written under its stable name and under a content-hashed name, each with
  // its gzip and brotli forms beside it, which the server picks by Accept-Encoding.
  for (const b of present) {
    const result = await Bun.build({
      entrypoints: [join(root, b.entry)],
      target: 'browser',
      format: 'esm',
      minify: true,
      sourcemap: 'none',
      plugins: [RRWEB_ELEMENT_CHECK],
      // Lit (and others) ship a development build with console warnings unless told otherwise.
      define: { ...define },
    })
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

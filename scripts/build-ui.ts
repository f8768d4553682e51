// Bundles the UI with Bun.build into dist/ui and prints each bundle's gzipped and brotli size
// against its budget. `--quiet` prints only problems (npm start uses it).
import { mkdirSync, readFileSync, existsSync } from 'node:fs'
import { gzipSync, brotliCompressSync } from 'node:zlib'
import { resolve, join } from 'node:path'

const root = resolve(import.meta.dir, '..')
export const OUT_DIR = join(root, 'dist/ui')
const quiet = process.argv.includes('--quiet')

interface Bundle {
  name: string
  entry: string
  /** The file name under dist/ui, as server/http/static.ts serves it at /assets/<out>. */
  out: string
  /** Gzipped budget in bytes, or null for none. */
  budget: number | null
}

export const BUNDLES: Bundle[] = [
  { name: 'loader', entry: 'ui/widget/loader.ts', out: 'loader.js', budget: 3 * 1024 },
  { name: 'widget', entry: 'ui/widget/parley-chat.ts', out: 'parley-chat.js', budget: 35 * 1024 },
  { name: 'dashboard', entry: 'ui/dashboard/index.ts', out: 'dashboard.js', budget: null },
  // Loaded only on pages that may be recorded, after the page is idle (ui/widget/recorder/gate.ts).
  { name: 'recorder', entry: 'ui/widget/recorder/recorder.ts', out: 'parley-recorder.js', budget: 30 * 1024 },
  // The replay page's bundle (rrweb's replayer), loaded only when an agent opens a recording.
  { name: 'replay', entry: 'ui/dashboard/replay/replay-page.ts', out: 'replay.js', budget: 100 * 1024 },
  // The dashboard's service worker (Web Push), served at /sw.js so its scope is the whole dashboard.
  { name: 'sw', entry: 'ui/dashboard/alerts/sw.ts', out: 'sw.js', budget: 2 * 1024 },
]

export async function buildUi(): Promise<{ name: string; bytes: number; gzip: number; brotli: number; budget: number | null }[]> {
  mkdirSync(OUT_DIR, { recursive: true })
  const present = BUNDLES.filter((b) => existsSync(join(root, b.entry)))
  if (present.length === 0) return []
  // One build per bundle: each is self-contained (the widget must not share chunks with the
  // dashboard) and is named for the URL it is served at.
  const results = await Promise.all(
    present.map((b) =>
      Bun.build({
        entrypoints: [join(root, b.entry)],
        outdir: OUT_DIR,
        target: 'browser',
        format: 'esm',
        minify: true,
        naming: b.out,
        sourcemap: 'none',
        // Lit (and others) ship a development build with console warnings unless told otherwise.
        define: { 'process.env.NODE_ENV': '"production"' },
      }),
    ),
  )
  for (const result of results) {
    if (!result.success) {
      for (const log of result.logs) console.error(log)
      throw new Error('UI build failed')
    }
  }
  return present.map((b) => {
    const code = readFileSync(join(OUT_DIR, b.out))
    return { name: b.name, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli: brotliCompressSync(code).length, budget: b.budget }
  })
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

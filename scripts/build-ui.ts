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
  /** Gzipped budget in bytes, or null for none. */
  budget: number | null
}

export const BUNDLES: Bundle[] = [
  { name: 'loader', entry: 'ui/widget/loader.ts', budget: 3 * 1024 },
  { name: 'widget', entry: 'ui/widget/parley-chat.ts', budget: 35 * 1024 },
  { name: 'dashboard', entry: 'ui/dashboard/index.ts', budget: null },
]

export async function buildUi(): Promise<{ name: string; bytes: number; gzip: number; brotli: number; budget: number | null }[]> {
  mkdirSync(OUT_DIR, { recursive: true })
  const present = BUNDLES.filter((b) => existsSync(join(root, b.entry)))
  if (present.length === 0) return []
  const result = await Bun.build({
    entrypoints: present.map((b) => join(root, b.entry)),
    outdir: OUT_DIR,
    target: 'browser',
    format: 'esm',
    minify: true,
    naming: '[name].[ext]',
    splitting: false,
    sourcemap: 'none',
  })
  if (!result.success) {
    for (const log of result.logs) console.error(log)
    throw new Error('UI build failed')
  }
  return present.map((b) => {
    const file = join(OUT_DIR, b.entry.split('/').pop()!.replace(/\.ts$/, '.js'))
    const code = readFileSync(file)
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

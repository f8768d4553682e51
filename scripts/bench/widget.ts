// Widget weight: the loader and the chat bundle as a browser downloads them, gzipped (level 9)
// and brotli (quality 11), beside the published sizes of Chatwoot's and Crisp's widgets.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { ROOT, log } from './lib.ts'

export interface BundleSize {
  name: string
  file: string
  present: boolean
  raw: number
  gzip: number
  brotli: number
  budgetGzip: number
}

export interface WidgetResult {
  built: boolean
  note: string
  bundles: BundleSize[]
}

/** Published anchors (not measured here): bytes transferred when their widget loads. */
export const ANCHORS = [
  { name: "Chatwoot's widget", kb: 170 },
  { name: "Crisp's widget", kb: 130 },
]

export async function runWidget(): Promise<WidgetResult> {
  let built = false
  let note = ''
  try {
    const { buildUi } = await import('../build-ui.ts')
    await buildUi()
    built = true
  } catch (e) {
    note = `UI build failed (${e instanceof Error ? e.message : String(e)}); measured the files already in dist/ui`
    log(note)
  }
  const dist = join(ROOT, 'dist/ui')
  const bundles: BundleSize[] = [
    { name: 'loader', file: 'loader.js', budgetGzip: 3 * 1024 },
    { name: 'chat widget', file: 'parley-chat.js', budgetGzip: 35 * 1024 },
  ].map((b) => {
    const path = join(dist, b.file)
    if (!existsSync(path)) return { ...b, present: false, raw: NaN, gzip: NaN, brotli: NaN }
    const code = readFileSync(path)
    return {
      ...b,
      present: true,
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    }
  })
  return { built, note, bundles }
}

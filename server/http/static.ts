// The UI: the dashboard shell at / and the bundles under /assets/ (the widget's loader and chat
// bundle are fetched cross-origin by the sites that embed them).
import { Elysia } from 'elysia'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { assetPath } from '../shared/assets.ts'

export const UI_DIR = assetPath('ui')

/**
 * What scripts/build-ui.ts wrote: each bundle's stable name (dashboard.js) with its content hash
 * and hashed file name (dashboard.<hash>.js). Read again when the build changes it.
 */
interface Asset {
  path: string
  hash: string
  cache: string
}
let known: { mtimeMs: number; byName: Map<string, Asset>; hashed: Map<string, string> } | null = null

function assets(): NonNullable<typeof known> {
  const file = join(UI_DIR, 'manifest.json')
  // -1: no manifest (embedded files in the binary have an mtime of 0).
  const mtimeMs = existsSync(file) ? statSync(file).mtimeMs : -1
  if (known && known.mtimeMs === mtimeMs) return known
  const manifest: Record<string, { hash: string; file: string }> = mtimeMs >= 0 ? JSON.parse(readFileSync(file, 'utf8')) : {}
  const byName = new Map<string, Asset>()
  const hashed = new Map<string, string>()
  for (const [stable, { hash, file: hashedFile }] of Object.entries(manifest)) {
    // A hashed name never changes its bytes: cached for a year. The loader is the one name sites
    // embed, so it is cached for minutes; the other stable names are revalidated every time.
    byName.set(hashedFile, { path: join(UI_DIR, hashedFile), hash, cache: 'public, max-age=31536000, immutable' })
    byName.set(stable, { path: join(UI_DIR, stable), hash, cache: stable === 'loader.js' ? 'public, max-age=300' : 'no-cache' })
    hashed.set(stable, hashedFile)
  }
  known = { mtimeMs, byName, hashed }
  return known
}

/** The URL of a bundle by its stable name: its content-hashed file once the UI is built. */
export const assetUrl = (stable: string): string => `/assets/${assets().hashed.get(stable) ?? stable}`

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const

/** The encodings an Accept-Encoding header allows (q=0 refuses one). */
function acceptedEncodings(header: string | null): Set<string> {
  const out = new Set<string>()
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim())
    const q = params.find((p) => p.startsWith('q='))
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name)
  }
  return out
}

/** A bundle, precompressed as the browser accepts (brotli, gzip, or plain), with an ETag per form. */
function serveAsset(request: Request, name: string): Response | null {
  const asset = assets().byName.get(name)
  if (!asset || !existsSync(asset.path)) return null
  const accepted = acceptedEncodings(request.headers.get('accept-encoding'))
  const encoding = ENCODINGS.find((e) => accepted.has(e.name) && existsSync(asset.path + e.suffix))
  const etag = `"${asset.hash}${encoding ? `-${encoding.name}` : ''}"`
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'access-control-allow-origin': '*',
    'cache-control': asset.cache,
    vary: 'accept-encoding',
    etag,
  }
  const match = request.headers.get('if-none-match')
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return new Response(null, { status: 304, headers })
  if (encoding) headers['content-encoding'] = encoding.name
  return new Response(Bun.file(asset.path + (encoding?.suffix ?? '')), { headers })
}

/** The shell's one inline style; the Content-Security-Policy allows it by its hash. */
export const DASHBOARD_STYLE = 'html,body{margin:0;height:100%;background:#f6f7f9}'

const dashboardHtml = (src: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E%3Cpath d='M8 10h16v10H14l-4 4v-4H8z' fill='white'/%3E%3C/svg%3E">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<parley-app></parley-app>
<script type="module" src="${src}"></script>
</body>
</html>`

/** A value written into an inline script: JSON, with `<` escaped so no text in it can end the script. */
export const scriptValue = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c')

export function snippet(serverUrl: string): string {
  return `<script>
(function(w,d,u){w.parley=w.parley||function(){(w.parley.q=w.parley.q||[]).push(arguments)};
var s=d.createElement('script');s.async=true;s.src=u+'/assets/loader.js';s.setAttribute('data-parley-server',u);
d.head.appendChild(s)})(window,document,${scriptValue(serverUrl)});
</script>`
}

export const html = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })

export const staticRoutes = () =>
  new Elysia()
    .get('/', () => html(dashboardHtml(assetUrl('dashboard.js'))), { detail: { hide: true } })
    .get(
      '/assets/:file',
      ({ request, params, set }) => {
        const res = serveAsset(request, params.file)
        if (res) return res
        set.status = 404
        return { error: { code: 'asset.not_found', message: `no asset ${params.file}; run npm run build` } }
      },
      { detail: { hide: true } },
    )

// The UI: the dashboard shell at /, the bundles under /assets/ (the widget's loader and chat
// bundle are fetched cross-origin by the sites that embed them), and a demo site at /demo.
import { Elysia } from 'elysia'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AppDeps } from '../deps.ts'

export const UI_DIR = resolve(import.meta.dir, '../../dist/ui')

const ASSETS = new Set(['dashboard.js', 'loader.js', 'parley-chat.js'])

const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E%3Cpath d='M8 10h16v10H14l-4 4v-4H8z' fill='white'/%3E%3C/svg%3E">
<style>html,body{margin:0;height:100%;background:#f6f7f9}</style>
</head>
<body>
<parley-app></parley-app>
<script type="module" src="/assets/dashboard.js"></script>
</body>
</html>`

export function snippet(serverUrl: string): string {
  return `<script>
(function(w,d,u){w.parley=w.parley||function(){(w.parley.q=w.parley.q||[]).push(arguments)};
var s=d.createElement('script');s.async=true;s.src=u+'/assets/loader.js';s.setAttribute('data-parley-server',u);
d.head.appendChild(s)})(window,document,${JSON.stringify(serverUrl)});
</script>`
}

function demoHtml(serverUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo shop</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937;background:#fff}
header{background:#111827;color:#fff;padding:1rem 2rem}
main{max-width:46rem;margin:2rem auto;padding:0 1.5rem}
.card{border:1px solid #e5e7eb;border-radius:.75rem;padding:1rem 1.25rem;margin:1rem 0}
</style>
</head>
<body>
<header><strong>Demo shop</strong> · a page with the Parley widget on it</header>
<main>
<h1>Try both sides</h1>
<p>Open the chat button in the corner and write something. Then open the
<a href="/" target="_blank">dashboard</a> in another window, sign in, and answer.</p>
<div class="card"><h2>Hiking boots</h2><p>Waterproof, sizes 36–47. €129</p></div>
<div class="card"><h2>Trail socks</h2><p>Merino wool, pack of three. €24</p></div>
</main>
${snippet(serverUrl)}
</body>
</html>`
}

function baseUrl(deps: AppDeps, request: Request): string {
  if (deps.config.publicUrl) return deps.config.publicUrl.replace(/\/$/, '')
  const u = new URL(request.url)
  return `${u.protocol}//${request.headers.get('host') ?? u.host}`
}

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } })

export const staticRoutes = (deps: AppDeps) =>
  new Elysia()
    .get('/', () => html(DASHBOARD_HTML), { detail: { hide: true } })
    .get('/demo', ({ request }) => html(demoHtml(baseUrl(deps, request))), { detail: { hide: true } })
    .get(
      '/assets/:file',
      ({ params, set }) => {
        const path = join(UI_DIR, params.file)
        if (!ASSETS.has(params.file) || !existsSync(path)) {
          set.status = 404
          return { error: { code: 'asset.not_found', message: `no asset ${params.file}; run npm run build` } }
        }
        return new Response(Bun.file(path), {
          headers: {
            'content-type': 'text/javascript; charset=utf-8',
            'access-control-allow-origin': '*',
            // Bundles are not content-hashed yet: let browsers revalidate.
            'cache-control': 'no-cache',
          },
        })
      },
      { detail: { hide: true } },
    )

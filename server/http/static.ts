// The UI: the dashboard shell at / and the bundles under /assets/ (the widget's loader and chat
// bundle are fetched cross-origin by the sites that embed them).
import { Elysia } from 'elysia'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const UI_DIR = resolve(import.meta.dir, '../../dist/ui')

const ASSETS = new Set(['dashboard.js', 'loader.js', 'parley-chat.js', 'parley-recorder.js', 'replay.js'])

/** The shell's one inline style; the Content-Security-Policy allows it by its hash. */
export const DASHBOARD_STYLE = 'html,body{margin:0;height:100%;background:#f6f7f9}'

const DASHBOARD_HTML = `<!doctype html>
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

export const html = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })

export const staticRoutes = () =>
  new Elysia()
    .get('/', () => html(DASHBOARD_HTML), { detail: { hide: true } })
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

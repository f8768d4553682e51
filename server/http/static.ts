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

// The demo site: a plain shop page with the snippet, exactly as a customer would paste it, plus
// a panel that drives the widget's JS API and logs its events, so both sides can be tried at once.
function demoHtml(serverUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Outdoor · Parley demo</title>
<style>
*{box-sizing:border-box}
body{font:16px/1.55 Georgia,'Times New Roman',serif;margin:0;color:#1c1917;background:#faf7f2}
header{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:1rem 2rem;background:#1c3d2e;color:#f5f0e6}
header strong{font-size:1.25rem;letter-spacing:.02em}
header nav a{color:#f5f0e6;margin-left:1.25rem;text-decoration:none;font-size:.95rem}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem 6rem}
.hero{padding:2.5rem 0 1.5rem}
.hero h1{font-size:2.2rem;line-height:1.2;margin:0 0 .5rem}
.hero p{margin:0;color:#57534e;max-width:36rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1.25rem;margin:2rem 0}
.card{background:#fff;border:1px solid #e7e0d5;border-radius:.75rem;padding:1.25rem}
.card h2{font-size:1.15rem;margin:.25rem 0}
.card p{margin:0;color:#57534e}
.price{display:block;margin-top:.75rem;font-weight:bold;color:#1c3d2e}
.api{background:#fff;border:1px dashed #c9bfae;border-radius:.75rem;padding:1.25rem 1.5rem;font-family:system-ui,sans-serif;font-size:.95rem}
.api h2{font-size:1.05rem;margin:0 0 .75rem}
.api button,.api select{font:inherit;padding:.4rem .8rem;margin:0 .4rem .4rem 0;border:1px solid #c9bfae;border-radius:.5rem;background:#faf7f2;cursor:pointer}
.api code{background:#f3efe7;padding:.1rem .35rem;border-radius:.3rem}
#log{list-style:none;margin:.75rem 0 0;padding:0;font:13px/1.5 ui-monospace,monospace;color:#44403c;max-height:10rem;overflow:auto}
</style>
</head>
<body>
<header><strong>Northwind Outdoor</strong><nav><a href="/demo">Shop</a><a href="/demo?page=about">About</a><a href="/" target="_blank" rel="noopener">Parley dashboard ↗</a></nav></header>
<main>
<section class="hero">
<h1>Gear for long walks</h1>
<p>This is a demo shop with the Parley widget on it. Open the chat in the corner and write something,
then answer from the <a href="/" target="_blank" rel="noopener">dashboard</a> in another window.</p>
</section>
<div class="grid">
<div class="card"><h2>Hiking boots</h2><p>Waterproof leather, sizes 36–47.</p><span class="price">€129</span></div>
<div class="card"><h2>Trail socks</h2><p>Merino wool, pack of three.</p><span class="price">€24</span></div>
<div class="card"><h2>Rain shell</h2><p>Packs into its own pocket.</p><span class="price">€89</span></div>
</div>
<section class="api" aria-labelledby="api-title">
<h2 id="api-title">The widget's JavaScript API</h2>
<button type="button" onclick="parley('chat:open')"><code>parley('chat:open')</code></button>
<button type="button" onclick="parley('chat:close')"><code>parley('chat:close')</code></button>
<label>Language
<select id="lang" onchange="parley('language', this.value)">
<option value="">browser default</option><option value="en">English</option><option value="cs">Čeština</option><option value="de">Deutsch</option>
<option value="es">Español</option><option value="hu">Magyar</option><option value="pl">Polski</option>
</select></label>
<ul id="log" aria-label="Widget events"></ul>
</section>
</main>
${snippet(serverUrl)}
<script>
['message_received','message_sent','chat_opened','chat_closed'].forEach(function (name) {
  parley('on', name, function (data) {
    var li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + name + (data && data.body ? ': ' + data.body : '');
    document.getElementById('log').prepend(li);
  });
});
</script>
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

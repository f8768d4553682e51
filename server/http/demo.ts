import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { html, scriptValue, snippet } from './static.ts'
import { serverBaseUrl } from './request.ts'

// The demo site: a small shop with the snippet on every page, exactly as a customer would paste
// it, plus a panel that drives the widget's JS API and logs its events, so both sides can be
// tried at once. Product pages are real page loads (/demo/boots); their tabs and size buttons are
// single-page-app navigations (history.pushState to /demo/boots?size=42), so the visitor card's
// browsing history shows both kinds.
interface Product {
  slug: string
  name: string
  blurb: string
  price: string
  details: string
  sizes: string[]
}

const PRODUCTS: Product[] = [
  {
    slug: 'boots',
    name: 'Hiking boots',
    blurb: 'Waterproof leather, sizes 36–47.',
    price: '€129',
    details: 'Full-grain leather with a breathable membrane and a Vibram sole. Resoleable; about 1.3 kg a pair.',
    sizes: ['38', '40', '42', '44', '46'],
  },
  {
    slug: 'socks',
    name: 'Trail socks',
    blurb: 'Merino wool, pack of three.',
    price: '€24',
    details: 'Cushioned merino blend that stays warm when wet and does not itch. Machine washable at 40 °C.',
    sizes: ['S', 'M', 'L', 'XL'],
  },
  {
    slug: 'shell',
    name: 'Rain shell',
    blurb: 'Packs into its own pocket.',
    price: '€89',
    details: 'Three-layer shell with taped seams, pit zips and a hood that fits over a helmet. 280 g.',
    sizes: ['XS', 'S', 'M', 'L', 'XL'],
  },
]

const SHOP = 'Northwind Outdoor'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const DEMO_CSS = `*{box-sizing:border-box}
body{font:16px/1.55 Georgia,'Times New Roman',serif;margin:0;color:#1c1917;background:#faf7f2}
header{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:1rem 2rem;background:#1c3d2e;color:#f5f0e6}
header strong a{color:inherit;text-decoration:none;font-size:1.25rem;letter-spacing:.02em}
header nav{display:flex;flex-wrap:wrap;justify-content:flex-end;column-gap:1.25rem;row-gap:.25rem}
header nav a{color:#f5f0e6;text-decoration:none;font-size:.95rem;white-space:nowrap}
@media (max-width:40rem){header{flex-direction:column;align-items:flex-start;padding:1rem 1.25rem}header nav{justify-content:flex-start}}
header nav a[aria-current=page]{text-decoration:underline;text-underline-offset:.3em}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem 6rem}
.hero{padding:2.5rem 0 1.5rem}
.hero h1,.product h1{font-size:2.2rem;line-height:1.2;margin:0 0 .5rem}
.hero p{margin:0;color:#57534e;max-width:36rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1.25rem;margin:2rem 0}
.card{display:block;background:#fff;border:1px solid #e7e0d5;border-radius:.75rem;padding:1.25rem;color:inherit;text-decoration:none}
a.card:hover{border-color:#1c3d2e}
.card h2{font-size:1.15rem;margin:.25rem 0}
.card p{margin:0;color:#57534e}
.price{display:block;margin-top:.75rem;font-weight:bold;color:#1c3d2e}
.crumbs{font:14px system-ui,sans-serif;color:#57534e;margin:0 0 1rem}
.crumbs a{color:#1c3d2e}
.product{background:#fff;border:1px solid #e7e0d5;border-radius:.75rem;padding:1.5rem 1.75rem;margin-bottom:2rem}
.product .price{font-size:1.2rem;margin:0 0 1rem}
[role=tablist]{display:flex;gap:.25rem;border-bottom:1px solid #e7e0d5;margin:1rem 0}
[role=tab]{font:15px system-ui,sans-serif;padding:.5rem .9rem;border:0;border-bottom:2px solid transparent;background:none;color:#57534e;cursor:pointer}
[role=tab][aria-selected=true]{color:#1c3d2e;border-bottom-color:#1c3d2e;font-weight:600}
.sizes{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.sizes a{font:15px system-ui,sans-serif;min-width:3rem;text-align:center;padding:.45rem .7rem;border:1px solid #c9bfae;border-radius:.5rem;color:#1c1917;text-decoration:none;background:#faf7f2}
.sizes a[aria-current=true]{background:#1c3d2e;border-color:#1c3d2e;color:#fff}
.api{background:#fff;border:1px dashed #c9bfae;border-radius:.75rem;padding:1.25rem 1.5rem;font-family:system-ui,sans-serif;font-size:.95rem}
.api h2{font-size:1.05rem;margin:0 0 .75rem}
.api button,.api select{font:inherit;padding:.4rem .8rem;margin:0 .4rem .4rem 0;border:1px solid #c9bfae;border-radius:.5rem;background:#faf7f2;cursor:pointer}
.api code{background:#f3efe7;padding:.1rem .35rem;border-radius:.3rem}
.order{font:15px system-ui,sans-serif;display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem 1rem;margin-top:1.5rem;padding-top:1.25rem;border-top:1px solid #e7e0d5}
.order h2{grid-column:1/-1;font:bold 1.05rem Georgia,serif;margin:0}
.order label{display:grid;gap:.25rem;color:#57534e;font-size:.9rem}
.order input{font:inherit;padding:.45rem .6rem;border:1px solid #c9bfae;border-radius:.5rem;background:#fff}
.order button{font:inherit;justify-self:start;align-self:end;padding:.5rem 1rem;border:0;border-radius:.5rem;background:#1c3d2e;color:#fff;cursor:pointer}
.order p{grid-column:1/-1;margin:0;color:#57534e;font-size:.85rem}
#log{list-style:none;margin:.75rem 0 0;padding:0;font:13px/1.5 ui-monospace,monospace;color:#44403c;max-height:10rem;overflow:auto}`

function demoLayout(serverUrl: string, opts: { title: string; current: string; body: string; script?: string }): string {
  const nav = [
    ['/demo', 'Shop'],
    ...PRODUCTS.map((p) => [`/demo/${p.slug}`, p.name]),
    ['/demo?page=about', 'About'],
  ]
    .map(([href, label]) => `<a href="${href}"${href === opts.current ? ' aria-current="page"' : ''}>${label}</a>`)
    .join('')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>
${DEMO_CSS}
</style>
</head>
<body>
<header><strong><a href="/demo">${SHOP}</a></strong><nav>${nav}<a href="/" target="_blank" rel="noopener">Parley dashboard ↗</a></nav></header>
<main>
${opts.body}
<section class="api" aria-labelledby="api-title">
<h2 id="api-title">The widget's JavaScript API</h2>
<button type="button" onclick="parley('chat:open')"><code>parley('chat:open')</code></button>
<button type="button" onclick="parley('chat:close')"><code>parley('chat:close')</code></button>
<label>Language
<select id="lang" onchange="parley('language', this.value)">
<option value="">browser default</option><option value="en">English</option><option value="cs">Čeština</option><option value="de">Deutsch</option>
<option value="es">Español</option><option value="hu">Magyar</option><option value="pl">Polski</option>
</select></label>
<div>
<button type="button" data-demo="customer" onclick="parley('name', 'Karel Novák'); parley('email', 'karel@example.com'); parley('variables', { plan: { label: 'Plan', value: 'Trail club' }, orders: { label: 'Orders', value: 7 } })"><code>parley('variables', …)</code> as a signed-in customer</button>
</div>
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
${opts.script ?? ''}
</body>
</html>`
}

function demoHtml(serverUrl: string): string {
  const cards = PRODUCTS.map(
    (p) => `<a class="card" href="/demo/${p.slug}"><h2>${p.name}</h2><p>${p.blurb}</p><span class="price">${p.price}</span></a>`,
  ).join('\n')
  return demoLayout(serverUrl, {
    title: `${SHOP} · Parley demo`,
    current: '/demo',
    body: `<section class="hero">
<h1>Gear for long walks</h1>
<p>This is a demo shop with the Parley widget on it. Open the chat in the corner and write something,
then answer from the <a href="/" target="_blank" rel="noopener">dashboard</a> in another window. Browse the
products: the visitor card shows every page, also the tabs inside a product page.</p>
</section>
<div class="grid">
${cards}
</div>`,
  })
}

function aboutHtml(serverUrl: string): string {
  return demoLayout(serverUrl, {
    title: `About · ${SHOP}`,
    current: '/demo?page=about',
    body: `<section class="hero">
<h1>About ${SHOP}</h1>
<p>A made-up shop for trying Parley: every page carries the widget snippet exactly as a real site would
paste it. Nothing here is for sale, and what you type in the chat goes only to this Parley server.</p>
</section>`,
  })
}

// A product page; its tabs and sizes change the URL with history.pushState, like a single-page app.
function productHtml(serverUrl: string, p: Product): string {
  const sizes = p.sizes.map((s) => `<a href="/demo/${p.slug}?size=${s}" data-size="${s}">${s}</a>`).join('')
  const script = `<script>
(function () {
  var product = ${scriptValue({ slug: p.slug, name: p.name })};
  var tabs = { details: 'Details', sizes: 'Sizes', reviews: 'Reviews' };
  function state() {
    var q = new URLSearchParams(location.search);
    var size = q.get('size');
    var tab = size ? 'sizes' : (tabs[q.get('tab')] ? q.get('tab') : 'details');
    return { tab: tab, size: size };
  }
  function render() {
    var s = state();
    document.querySelectorAll('[role=tab]').forEach(function (b) {
      var on = b.dataset.tab === s.tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    });
    document.querySelectorAll('[role=tabpanel]').forEach(function (panel) { panel.hidden = panel.id !== 'panel-' + s.tab; });
    document.querySelectorAll('[data-size]').forEach(function (a) { a.setAttribute('aria-current', String(a.dataset.size === s.size)); });
    document.getElementById('chosen').textContent = s.size ? 'Size ' + s.size + ' is in stock and ships tomorrow.' : 'Pick a size.';
    document.title = product.name + (s.size ? ', size ' + s.size : s.tab !== 'details' ? ' — ' + tabs[s.tab] : '') + ' · ${SHOP}';
  }
  // In-page navigation, as a single-page app does it: a new URL without a page load.
  function go(url) {
    history.pushState(null, '', url);
    render();
  }
  document.querySelectorAll('[role=tab]').forEach(function (b) {
    b.addEventListener('click', function () { go(b.dataset.tab === 'details' ? location.pathname : '?tab=' + b.dataset.tab); });
  });
  document.querySelectorAll('[data-size]').forEach(function (a) {
    a.addEventListener('click', function (e) { e.preventDefault(); go(a.getAttribute('href')); });
  });
  addEventListener('popstate', render);
  render();
})();
</script>`
  return demoLayout(serverUrl, {
    title: `${p.name} · ${SHOP}`,
    current: `/demo/${p.slug}`,
    body: `<p class="crumbs"><a href="/demo">Shop</a> › ${p.name}</p>
<article class="product">
<h1>${p.name}</h1>
<p class="price">${p.price}</p>
<div role="tablist" aria-label="${p.name}">
<button type="button" role="tab" id="tab-details" data-tab="details" aria-controls="panel-details">Details</button>
<button type="button" role="tab" id="tab-sizes" data-tab="sizes" aria-controls="panel-sizes">Sizes</button>
<button type="button" role="tab" id="tab-reviews" data-tab="reviews" aria-controls="panel-reviews">Reviews</button>
</div>
<div role="tabpanel" id="panel-details" aria-labelledby="tab-details"><p>${p.details}</p></div>
<div role="tabpanel" id="panel-sizes" aria-labelledby="tab-sizes" hidden><div class="sizes">${sizes}</div><p id="chosen"></p></div>
<div role="tabpanel" id="panel-reviews" aria-labelledby="tab-reviews" hidden><p>★★★★★ “Worn them across the Tatras, still dry.” — Marta</p><p>★★★★☆ “Comfortable from day one.” — Tomáš</p></div>
<form class="order" onsubmit="return false">
<h2>Quick order</h2>
<label>Name <input name="name" autocomplete="name"></label>
<label>Card number <input name="card" inputmode="numeric" autocomplete="cc-number"></label>
<label>Password <input name="password" type="password" autocomplete="new-password"></label>
<button type="submit">Order</button>
<p>A demo: nothing is charged. Session recordings mask what is typed here.</p>
</form>
</article>`,
    script,
  })
}

export const demoRoutes = (deps: AppDeps) =>
  new Elysia()
    .get(
      '/demo',
      ({ request, query }) => html((query.page === 'about' ? aboutHtml : demoHtml)(serverBaseUrl(deps.config, request))),
      { detail: { hide: true } },
    )
    .get(
      '/demo/:product',
      ({ request, params }) => {
        const product = PRODUCTS.find((p) => p.slug === params.product)
        if (!product) {
          const body = '<section class="hero"><h1>Not found</h1><p><a href="/demo">Back to the shop</a></p></section>'
          return html(demoLayout(serverBaseUrl(deps.config, request), { title: `Not found · ${SHOP}`, current: '', body }), 404)
        }
        return html(productHtml(serverBaseUrl(deps.config, request), product))
      },
      { detail: { hide: true } },
    )

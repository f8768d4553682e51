// The API documentation page: Swagger UI from the swagger-ui-dist package, served by Parley
// itself (an installation may have no internet, and a CDN would see who reads the docs). The
// page carries no inline script, so it runs under the same strict Content-Security-Policy as
// the dashboard (http/security.ts). The OpenAPI document is at /api/docs/json.
import { Elysia } from 'elysia'
import { assetPath } from '../shared/assets.ts'

const FILES: Record<string, { path: string; type: string }> = {
  'swagger-ui.css': { path: assetPath('swaggerCss'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { path: assetPath('swaggerJs'), type: 'text/javascript; charset=utf-8' },
}

const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/api/docs/json', dom_id: '#docs', deepLinking: true, defaultModelsExpandDepth: 0 })
})
`

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>`

export const docsRoutes = () =>
  new Elysia()
    .get('/api/docs', () => new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } }), { detail: { hide: true } })
    .get(
      '/api/docs/assets/:file',
      ({ params, set }) => {
        if (params.file === 'init.js') return new Response(INIT_JS, { headers: { 'content-type': 'text/javascript; charset=utf-8' } })
        const file = FILES[params.file]
        if (!file) {
          set.status = 404
          return { error: { code: 'asset.not_found', message: `no asset ${params.file}` } }
        }
        return new Response(Bun.file(file.path), { headers: { 'content-type': file.type, 'cache-control': 'public, max-age=86400' } })
      },
      { detail: { hide: true } },
    )

/** The OpenAPI version the document declares (@elysiajs/openapi's default). */
const OPENAPI_VERSION = '3.1.2'

/**
 * The OpenAPI document at /api/docs/json: `documentation`'s info and tags, and the paths and
 * schemas of every route. The module that builds it from the routes is loaded on the first
 * request, not at start (the plugin that served it before, with a document viewer Parley does
 * not use, weighed about 2 MB of a server at rest). Built once: the routes are all in place
 * before the server takes its first request.
 */
export function specRoutes(documentation: { info: object; tags: object[] }) {
  const plugin = new Elysia({ name: 'parley-openapi' })
  let doc: object | null = null
  return plugin.get(
    '/api/docs/json',
    async () => {
      if (doc) return doc
      const { toOpenAPISchema } = await import('@elysiajs/openapi/openapi')
      const { paths, components } = toOpenAPISchema(plugin, undefined, undefined, undefined, OPENAPI_VERSION)
      return (doc = { ...documentation, openapi: OPENAPI_VERSION, paths, components: { schemas: components.schemas } })
    },
    { detail: { hide: true } },
  )
}

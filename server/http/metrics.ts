// GET /metrics: Prometheus's text format. Behind METRICS_TOKEN (a bearer token) when it is set;
// what it shows is counts and timings only, never a message, an address or an id.
import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { bearer, sameSecret } from './request.ts'

export const metricsRoutes = (deps: AppDeps) =>
  new Elysia().get(
    '/metrics',
    async ({ request }) => {
      const token = deps.config.metricsToken
      if (token !== null && !sameSecret(bearer(request), token)) throw new AppError('metrics.unauthorized', 401, 'send METRICS_TOKEN as a bearer token')
      return new Response(await deps.metrics.registry.render(), {
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
      })
    },
    { detail: { summary: 'Prometheus metrics (bearer METRICS_TOKEN when set)', tags: ['system'] } },
  )

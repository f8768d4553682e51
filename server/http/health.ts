import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'

export const healthRoutes = (deps: AppDeps) =>
  new Elysia().get(
    '/healthz',
    async ({ set }) => {
      if (!deps.state.migrated) {
        set.status = 503
        return { status: 'starting', database: 'not migrated' }
      }
      if (deps.state.database === 'restarting') {
        set.status = 503
        return { status: 'unavailable', database: 'restarting' }
      }
      try {
        await Promise.race([
          deps.sql`select 1`,
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
        ])
        return { status: 'ok' }
      } catch {
        set.status = 503
        return { status: 'unavailable', database: 'unreachable' }
      }
    },
    { detail: { summary: 'Liveness and readiness: 200 once the database is reachable and migrated', tags: ['system'] } },
  )

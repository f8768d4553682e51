// E-mail notification settings: each agent's own choice, the team's defaults (owner), and whether
// mail can be sent at all (without SMTP the page says notifications cannot go out).
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import {
  notificationDefaults,
  notificationSettings,
  setNotificationDefaults,
  setNotificationPrefs,
} from '../domain/notifications/notifications.usecases.ts'
import { requireAgent } from './guards.ts'

const tags = ['settings']
const Choice = t.Optional(t.Nullable(t.Boolean()))

export const notificationRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/settings/notifications' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('', async ({ actor }) => ({ ...(await notificationSettings(deps, actor)), canSend: await deps.mail.canSend() }), {
      detail: { summary: "My e-mail notifications (offline message, missed conversation), the team's defaults, and whether mail can be sent", tags },
    })
    .put('', async ({ actor, body }) => ({ ...(await setNotificationPrefs(deps, actor, body)), canSend: await deps.mail.canSend() }), {
      body: t.Object({ offlineMessage: Choice, missedConversation: Choice }, { additionalProperties: false }),
      detail: { summary: "Set my e-mail notifications; null follows the team's default", tags },
    })
    .get('/defaults', () => notificationDefaults(deps), { detail: { summary: "The team's default e-mail notifications", tags } })
    .put('/defaults', ({ actor, body }) => setNotificationDefaults(deps, actor, body), {
      body: t.Object({ offlineMessage: t.Optional(t.Boolean()), missedConversation: t.Optional(t.Boolean()) }, { additionalProperties: false }),
      detail: { summary: "Set the team's default e-mail notifications (owner only)", tags },
    })

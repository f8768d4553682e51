// The HTTP routes every channel shares, mounted once by the registry: each channel's status for
// the dashboard, and the download of an attachment that came with a visitor's message.
import { Elysia } from 'elysia'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { ChannelHttp, ChannelRegistry } from '../channel.ts'
import { attachmentResponse, getAttachment } from './channel-tables.ts'

export const sharedChannelRoutes = (registry: ChannelRegistry, deps: { sql: Sql; bus: EventBus }, http: ChannelHttp) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await http.requireAgent(request)) }))
    .get('/channels/status', () => registry.statuses(), {
      detail: { summary: 'Per channel: off, configured, connected or failing, with the last error', tags: ['settings'] },
    })
    .get(
      '/conversations/:id/messages/:messageId/attachments/:attachmentId',
      async ({ params }) => attachmentResponse(await getAttachment(deps, params.id, params.messageId, params.attachmentId)),
      { detail: { summary: "Download an attachment of a visitor's message (always as a file, never shown in the page)", tags: ['conversations'] } },
    )

// The HTTP routes every channel shares, mounted once by the registry: each channel's status for
// the dashboard, and the attachments that came with visitors' messages (listed, downloaded).
import { Elysia } from 'elysia'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { ChannelHttp, ChannelRegistry } from '../channel.ts'
import { attachmentResponse, getAttachment, listAttachments } from './channel-tables.ts'

export const sharedChannelRoutes = (registry: ChannelRegistry, deps: { sql: Sql; bus: EventBus }, http: ChannelHttp) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await http.requireAgent(request)) }))
    .get('/channels/status', () => registry.statuses(), {
      detail: { summary: 'Per channel: off, configured, connected or failing, with the last error', tags: ['settings'] },
    })
    .get('/conversations/:id/attachments', ({ params }) => listAttachments(deps, params.id), {
      detail: { summary: "The files that came with the visitor's messages of a conversation (names, types, sizes; each downloaded on its own)", tags: ['conversations'] },
    })
    .get(
      '/conversations/:id/messages/:messageId/attachments/:attachmentId',
      async ({ params }) => attachmentResponse(await getAttachment(deps, params.id, params.messageId, params.attachmentId)),
      { detail: { summary: "Download an attachment of a visitor's message (always as a file, never shown in the page)", tags: ['conversations'] } },
    )

// Blocking (#16): a visitor from the visitor card (any agent), IP ranges and the list of all
// blocks in settings (owner only).
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { blockRange, blockVisitor, listBlocks, MAX_REASON, unblockRange, unblockVisitor, visitorBlock } from '../domain/blocking/blocking.usecases.ts'
import { requireAgent } from './guards.ts'
import { idOr404 } from './request.ts'

const tags = ['blocking']
const Reason = t.Optional(t.Nullable(t.String({ maxLength: MAX_REASON })))

export const blockingRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api' })
    .derive(async ({ request }) => ({ ...(await requireAgent(deps, request)) }))
    .get('/visitors/:id/block', async ({ params }) => ({ block: await visitorBlock(deps, idOr404(params.id, 'visitor')) }), {
      detail: { summary: "Whether the visitor is blocked: { block: null } or who blocked them, when and why", tags },
    })
    .put(
      '/visitors/:id/block',
      async ({ actor, params, body }) => ({ block: await blockVisitor(deps, actor, idOr404(params.id, 'visitor'), body ?? {}) }),
      {
        body: t.Optional(t.Object({ reason: Reason })),
        detail: {
          summary: "Block the visitor (any agent): their widget shows no chat, their sockets close on every process, their messages are refused on every channel. Nothing is deleted",
          tags,
        },
      },
    )
    .delete(
      '/visitors/:id/block',
      async ({ actor, params }) => {
        await unblockVisitor(deps, actor, idOr404(params.id, 'visitor'))
        return { unblocked: true }
      },
      { detail: { summary: 'Undo the visitor\'s block (any agent)', tags } },
    )
    .get('/settings/blocking', ({ actor }) => listBlocks(deps, actor), {
      detail: { summary: 'Blocked visitors and IP ranges, newest first, with who blocked them, when and why (owner only)', tags },
    })
    .post(
      '/settings/blocking/ranges',
      async ({ actor, body, set }) => {
        const range = await blockRange(deps, actor, body)
        set.status = 201
        return range
      },
      {
        body: t.Object({ range: t.String({ maxLength: 100 }), reason: Reason }),
        detail: {
          summary:
            'Block an IPv4 or IPv6 range in CIDR notation, or one address (owner only). /0, a prefix beyond the family\'s width, or host bits set after the prefix give 400 blocking.invalid_range; an IPv4-mapped IPv6 range is stored as IPv4; the same range twice gives 409',
          tags,
        },
      },
    )
    .delete(
      '/settings/blocking/ranges/:id',
      async ({ actor, params }) => {
        await unblockRange(deps, actor, params.id)
        return { unblocked: true }
      },
      { detail: { summary: 'Undo a range\'s block (owner only)', tags } },
    )

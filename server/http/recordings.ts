// Recordings over HTTP: the widget uploads chunks (bearer token, its own body limit, binary gzip
// bodies); agents list a visitor's recordings, read a recording's events for the replay (with the
// conversation's messages for the timeline) and the owner sets the switches.
import { Elysia, t } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { isUuid } from '../shared/ids.ts'
import * as recordings from '../domain/recordings/recordings.usecases.ts'
import { getRecordingSettings, updateRecordingSettings } from '../domain/settings/recording-settings.usecases.ts'
import { getVisitor } from '../domain/visitors/visitors.usecases.ts'
import { listVisitorConversations } from '../domain/conversations/conversations.usecases.ts'
import { listMessages } from '../domain/messages/messages.usecases.ts'
import { requireAgent, requireVisitor } from './guards.ts'
import { clientIp, idOr404 } from './request.ts'
import { assetUrl } from './static.ts'
import { assertNotBlocked } from '../domain/blocking/blocking.usecases.ts'

const recordingId = (id: string) => {
  if (!isUuid(id)) throw new AppError('recording.not_found', 404, 'no such recording')
  return id
}

/** Reads at most `limit` bytes of the body, refusing a larger one without reading it all. */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > limit) throw new AppError('recording.too_large', 413, `a chunk is limited to ${limit} bytes compressed`)
  if (!request.body) return new Uint8Array(0)
  // A declared length is what the server reads, no more: the body is taken whole (the widget
  // always declares one). Without one (chunked), it is counted as it arrives.
  if (Number.isSafeInteger(declared) && declared >= 0) return new Uint8Array(await request.arrayBuffer())
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += part.byteLength
    if (size > limit) throw new AppError('recording.too_large', 413, `a chunk is limited to ${limit} bytes compressed`)
    parts.push(part)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

export const recordingWidgetRoutes = (deps: AppDeps) =>
  new Elysia({ prefix: '/api/widget/recordings' }).post(
    '/:id/chunks/:seq',
    async ({ request, params, set, server }) => {
      const visitor = await requireVisitor(deps, request)
      const ip = clientIp(deps.config, request, server)
      // A blocked visitor's page records nothing either (#16).
      await assertNotBlocked(deps, { visitorId: visitor.id, ip })
      deps.limits.check('recordingChunks', ip, visitor.id)
      const seq = /^\d{1,7}$/.test(params.seq) ? Number(params.seq) : -1
      const body = await readBody(request, recordings.MAX_CHUNK_BYTES)
      const id = recordingId(params.id)
      const result = await recordings.ingestChunk(deps, visitor.id, id, seq, body)
      if (!result.duplicate) deps.bus.emit('recording.chunk', { recordingId: id, seq, bytes: result.bytes })
      set.status = result.duplicate ? 200 : 201
      return result
    },
    {
      // The body is gzip bytes, read by the route itself under its own limit.
      parse: 'none',
      detail: {
        summary: 'Upload one chunk of a session recording: a gzip-compressed JSON array of rrweb events, numbered by seq (idempotent)',
        tags: ['widget'],
      },
    },
  )

const tags = ['recordings']

/** A live stream ends after this long and the browser's EventSource opens it again, signed in anew. */
const LIVE_STREAM_MS = 60_000
const LIVE_HEARTBEAT_MS = 20_000

/**
 * The live replay's push: a server-sent event `chunk` (data: the chunk's seq) each time a chunk of
 * this recording is stored on any process; the page then fetches the events after its last seq.
 * The stream closes after a minute and when the agent's session ends (the browser reconnects and
 * is checked again), so a signed-out agent's stream does not outlive the session.
 */
function liveStream(deps: AppDeps, request: Request, id: string, sessionId: string): Response {
  const encoder = new TextEncoder()
  let stop = () => {}
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true
      const send = (text: string) => {
        if (!open) return
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          stop()
        }
      }
      const unwatch = deps.hub.watchRecording(id, (seq) => send(`event: chunk\ndata: ${seq}\n\n`))
      const session = { end: () => stop() }
      deps.hub.trackSession(sessionId, session)
      const heartbeat = setInterval(() => send(': still here\n\n'), LIVE_HEARTBEAT_MS)
      const timeout = setTimeout(() => stop(), LIVE_STREAM_MS)
      stop = () => {
        if (!open) return
        open = false
        unwatch()
        deps.hub.untrackSession(sessionId, session)
        clearInterval(heartbeat)
        clearTimeout(timeout)
        try {
          controller.close()
        } catch {}
      }
      request.signal.addEventListener('abort', () => stop())
      // retry: how soon the browser opens the stream again once it closed.
      send('retry: 1000\nevent: ready\ndata: \n\n')
    },
    cancel() {
      stop()
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } })
}

const replayHtml = (src: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley replay</title>
</head>
<body>
<script type="module" src="${src}"></script>
</body>
</html>`

/**
 * The replay page's own policy, looser than the dashboard's only where a replay needs it: the
 * recorded page's styles are inline <style> elements and attributes, and its images and fonts
 * come from the recorded site. Scripts stay 'self' only (rrweb's iframe is sandboxed without
 * scripts, and recorded scripts are not replayed); only the dashboard may frame it.
 */
const REPLAY_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self' data: http: https:",
  "media-src 'none'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ')

export const recordingRoutes = (deps: AppDeps) =>
  new Elysia()
    .get(
      '/replay',
      () =>
        new Response(replayHtml(assetUrl('replay.js')), {
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': REPLAY_CSP, 'x-frame-options': 'SAMEORIGIN', 'cache-control': 'no-store' },
        }),
      { detail: { hide: true } },
    )
    .get(
      '/api/visitors/:id/recordings',
      async ({ request, params }) => {
        await requireAgent(deps, request)
        const id = idOr404(params.id, 'visitor')
        await getVisitor(deps, id)
        return recordings.listRecordings(deps, id)
      },
      { detail: { summary: "The visitor's recordings, newest first ('live' while the visitor may still be on the site)", tags } },
    )
    .get(
      '/api/recordings/:id/events',
      async ({ request, params, query }) => {
        await requireAgent(deps, request)
        const { json } = await recordings.readEvents(deps, recordingId(params.id), query.afterSeq ?? -1)
        return new Response(json, { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } })
      },
      {
        query: t.Object({ afterSeq: t.Optional(t.Integer({ minimum: -1, maximum: recordings.MAX_SEQ })) }),
        detail: { summary: 'The events of a recording after a chunk sequence number (the live view asks again with lastSeq)', tags },
      },
    )
    .get(
      '/api/recordings/:id/live',
      async ({ request, params }) => {
        const { session } = await requireAgent(deps, request)
        const rec = await recordings.getRecording(deps, recordingId(params.id))
        return liveStream(deps, request, rec.id, session.id)
      },
      { detail: { summary: 'Server-sent events for the live view: `chunk` (data: its seq) whenever a chunk of this recording is stored', tags } },
    )
    .get(
      '/api/recordings/:id/messages',
      async ({ request, params }) => {
        await requireAgent(deps, request)
        const rec = await recordings.getRecording(deps, recordingId(params.id))
        // Messages from a minute before the recording to its end (a live one: until now), for
        // the timeline's markers.
        const from = Date.parse(rec.startedAt) - 60_000
        const to = rec.status === 'live' ? Infinity : Date.parse(rec.endedAt) + 60_000
        const out: { id: string; conversationId: string; authorType: string; authorName: string | null; body: string; at: number }[] = []
        for (const c of await listVisitorConversations(deps, rec.visitorId)) {
          if (c.lastMessage.at.getTime() < from || c.createdAt.getTime() > to) continue
          // The newest 500 of a conversation are enough for a recording of one visit.
          for (const m of await listMessages(deps, c.id, { limit: 500 })) {
            const at = m.createdAt.getTime()
            if (at >= from && at <= to) out.push({ id: m.id, conversationId: c.id, authorType: m.authorType, authorName: m.authorName, body: m.body, at })
          }
        }
        return out.sort((a, b) => a.at - b.at)
      },
      { detail: { summary: "The conversation's messages during a recording, for the replay's timeline", tags } },
    )
    .get(
      '/api/settings/recordings',
      async ({ request }) => {
        await requireAgent(deps, request)
        return { ...(await getRecordingSettings(deps)), usage: await recordings.recordingUsage(deps) }
      },
      { detail: { summary: 'Recording settings and the storage recordings use', tags: ['settings'] } },
    )
    .put(
      '/api/settings/recordings',
      async ({ request, body }) => {
        const { actor } = await requireAgent(deps, request)
        return updateRecordingSettings(deps, actor, body)
      },
      {
        body: t.Object({
          enabled: t.Optional(t.Boolean()),
          requireConsent: t.Optional(t.Boolean()),
          honorGpc: t.Optional(t.Boolean()),
          recordMobile: t.Optional(t.Boolean()),
          recordInputs: t.Optional(t.Boolean()),
          finalizeAfterMinutes: t.Optional(t.Integer({ minimum: 1, maximum: 60 })),
          retentionDays: t.Optional(t.Integer({ minimum: 1, maximum: 365 })),
        }),
        detail: { summary: 'Change the recording settings (owner only)', tags: ['settings'] },
      },
    )

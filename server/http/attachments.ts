// Agents' files over HTTP. An agent uploads each file on its own, before the reply (raw bytes as
// the body, the type as Content-Type, the name percent-encoded in X-Filename), under this route's
// own body limit (10 MB; the global limit for every other request stays 1 MB); the reply then
// names the uploads (attachmentIds) and claims them in its transaction. The widget downloads the
// files of its own conversations with the visitor's bearer token (never a public URL).
import { Elysia } from 'elysia'
import type { AppDeps } from '../deps.ts'
import { AppError } from '../shared/errors.ts'
import { decodePercent } from '../shared/text.ts'
import * as attachments from '../domain/attachments/attachments.usecases.ts'
import { requireAgent, requireVisitor } from './guards.ts'
import { idOr404 } from './request.ts'
import { CORS_HEADERS } from './widget.ts'

/** The path of the upload route, which alone may carry a body larger than the global limit. */
export const UPLOAD_PATH = /^\/api\/conversations\/[^/]+\/uploads$/
/** Largest body the upload route reads. */
export const MAX_UPLOAD_BODY = attachments.MAX_ATTACHMENT_BYTES

const tooLarge = () =>
  new AppError('attachment.too_large', 413, `files are limited to ${attachments.MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each`, { max: attachments.MAX_ATTACHMENT_BYTES })

/** Reads at most `limit` bytes of the body, refusing a larger one without reading it all. */
async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > limit) throw tooLarge()
  if (!request.body) return new Uint8Array(0)
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += part.byteLength
    if (size > limit) throw tooLarge()
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

function filenameOf(request: Request): string | null {
  const raw = request.headers.get('x-filename')
  if (raw === null) return null
  const name = decodePercent(raw)
  if (name === null) throw new AppError('attachment.no_name', 400, 'X-Filename must be the percent-encoded UTF-8 file name')
  return name
}

const checkId = (id: string) => idOr404(id, 'conversation')

export const attachmentRoutes = (deps: AppDeps) =>
  new Elysia()
    .post(
      '/api/conversations/:id/uploads',
      async ({ request, params, set }) => {
        const { actor } = await requireAgent(deps, request)
        const id = checkId(params.id)
        const content = await readBounded(request, MAX_UPLOAD_BODY)
        const upload = await attachments.uploadFile(deps, actor, id, { filename: filenameOf(request), contentType: request.headers.get('content-type'), content })
        set.status = 201
        return upload
      },
      {
        // The body is the file's bytes, read by the route itself under its own limit.
        parse: 'none',
        detail: {
          summary:
            'Upload a file for a reply (raw bytes, Content-Type its type, X-Filename its percent-encoded name; 10 MB at most); send it by naming its id in the reply\'s attachmentIds within an hour',
          tags: ['conversations'],
        },
      },
    )
    .delete(
      '/api/conversations/:id/uploads/:uploadId',
      async ({ request, params, set }) => {
        const { actor } = await requireAgent(deps, request)
        await attachments.discardUpload(deps, actor, params.id, params.uploadId)
        set.status = 204
        return null
      },
      { detail: { summary: 'Remove an uploaded file that has not been sent', tags: ['conversations'] } },
    )
    .get(
      '/api/widget/conversations/:id/attachments/:attachmentId',
      async ({ request, params }) => {
        const visitor = await requireVisitor(deps, request)
        const file = await attachments.visitorFile(deps, visitor.id, checkId(params.id), params.attachmentId)
        return new Response(new Uint8Array(file.content), { headers: { ...attachments.downloadHeaders(file), ...CORS_HEADERS } })
      },
      { detail: { summary: "Download a file of one of the visitor's conversations (bearer token; always as a download)", tags: ['widget'] } },
    )

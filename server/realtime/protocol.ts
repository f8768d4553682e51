// Validation of client frames: every frame a client sends is checked against this schema, which
// also bounds its sizes. The frames themselves are described in wire.ts, and the schema must
// describe exactly the same union (checked below), so the UIs and the server cannot drift apart.
// A frame that creates data carries a client id and is acknowledged only after commit; a
// reconnecting client resumes a conversation from the last sequence number it saw.
import { t } from 'elysia'
import { checkTextDeep } from '../shared/text.ts'
import { isAppError } from '../shared/errors.ts'
import { MAX_SEQ } from '../domain/messages/messages.usecases.ts'
import { LANGUAGES } from '../domain/shared/validate.ts'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { Static } from '@sinclair/typebox'
import type * as Wire from './wire.ts'
import type { Assert, Same } from './wire.check.ts'

/** Frames larger than this are refused with an error frame; the socket stays open. */
export const MAX_FRAME_BYTES = 64 * 1024

// A pattern rather than format: 'uuid', so the compiled check is one regular expression.
const Uuid = t.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' })
const ClientId = t.String({ minLength: 1, maxLength: 100 })

export const ClientFrameSchema = t.Union([
  t.Object({
    type: t.Literal('message.send'),
    clientId: ClientId,
    conversationId: t.Optional(t.Union([Uuid, t.Null()])),
    body: t.String({ maxLength: 20_000 }),
    // agents only: e-mail a copy to a web visitor who has left (default true)
    alsoEmail: t.Optional(t.Boolean()),
    // agents only: uploaded files this reply carries
    attachmentIds: t.Optional(t.Array(Uuid, { maxItems: 10 })),
    // visitors: the widget's UI language when it was written (search stems by it)
    language: t.Optional(t.Union(LANGUAGES.map((l) => t.Literal(l)))),
  }),
  t.Object({ type: t.Literal('resume'), conversationId: Uuid, afterSeq: t.Integer({ minimum: 0, maximum: MAX_SEQ }) }),
  t.Object({ type: t.Literal('typing'), conversationId: Uuid, typing: t.Boolean() }),
  t.Object({ type: t.Literal('viewing'), conversationId: t.Union([Uuid, t.Null()]), hello: t.Optional(t.Boolean()) }),
  t.Object({ type: t.Literal('delivered'), conversationId: Uuid, seq: t.Integer({ minimum: 0, maximum: MAX_SEQ }) }),
  t.Object({ type: t.Literal('status.set'), status: t.Union([t.Literal('online'), t.Literal('away'), t.Literal('offline')]) }),
  t.Object({ type: t.Literal('page.state'), state: t.Union([t.Literal('visible'), t.Literal('hidden'), t.Literal('closing')]) }),
  t.Object({
    type: t.Literal('page.view'),
    url: t.String({ maxLength: 2048 }),
    title: t.Optional(t.String({ maxLength: 1000 })),
    referrer: t.Optional(t.Union([t.String({ maxLength: 2048 }), t.Null()])),
  }),
  t.Object({ type: t.Literal('ping') }),
])
export type ClientFrame = Wire.ClientFrame

// A schema that accepts a frame the wire type does not describe, or the other way round, fails here.
type SchemaIsWire = Assert<Same<Static<typeof ClientFrameSchema>, Wire.ClientFrame>>

const check = TypeCompiler.Compile(ClientFrameSchema)

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; code: string; message: string; ref?: string }

/** Turns raw socket data into a valid frame, or says exactly what is wrong with it. */
export function parseFrame(raw: string | Buffer): ParseResult {
  if (typeof raw !== 'string') return { ok: false, code: 'frame.binary', message: 'binary frames are not accepted; send JSON text' }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long frames need counting.
  if (raw.length * 3 > MAX_FRAME_BYTES && Buffer.byteLength(raw) > MAX_FRAME_BYTES) {
    return { ok: false, code: 'frame.too_large', message: `frames are limited to ${MAX_FRAME_BYTES} bytes` }
  }
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return { ok: false, code: 'frame.not_json', message: 'frames must be JSON objects' }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, code: 'frame.not_json', message: 'frames must be JSON objects' }
  }
  const ref = typeof (data as { clientId?: unknown }).clientId === 'string' ? ((data as { clientId: string }).clientId) : undefined
  if (!check.Check(data)) {
    const first = check.Errors(data).First()
    const type = (data as { type?: unknown }).type
    const known = ['message.send', 'resume', 'typing', 'viewing', 'delivered', 'status.set', 'page.state', 'page.view', 'ping']
    if (typeof type !== 'string' || !known.includes(type)) {
      return { ok: false, code: 'frame.unknown_type', message: `unknown frame type ${JSON.stringify(type ?? null)}`, ref }
    }
    return { ok: false, code: 'frame.invalid', message: `${type}: ${first ? `${first.path || '/'} ${first.message}` : 'invalid frame'}`, ref }
  }
  // Text PostgreSQL cannot store as sent (a NUL, a lone surrogate) is refused here, once for every
  // frame type, instead of failing a statement later.
  try {
    checkTextDeep(data, (data as { type: string }).type)
  } catch (e) {
    if (isAppError(e)) return { ok: false, code: 'frame.invalid_text', message: e.message, ref }
    throw e
  }
  return { ok: true, frame: data as ClientFrame }
}

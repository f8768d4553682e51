// Response and shared request schemas, so the OpenAPI document describes real shapes.
import { t } from 'elysia'
import { MAX_SEQ } from '../domain/messages/messages.usecases.ts'
import { DELIVERY_CODES } from '../domain/messages/messages.types.ts'

export const Uuid = t.String({ format: 'uuid' })
export const Email = t.String({ maxLength: 254 })
export const Password = t.String({ maxLength: 256 })
export const Name = t.String({ maxLength: 100 })
export const Language = t.Union(['en', 'cs', 'de', 'es', 'hu', 'pl'].map((l) => t.Literal(l)))
export const Role = t.Union([t.Literal('owner'), t.Literal('full'), t.Literal('limited')])
export const Status = t.Union([t.Literal('online'), t.Literal('away'), t.Literal('offline')])

export const Agent = t.Object({
  id: t.String(),
  email: t.String(),
  name: t.String(),
  role: Role,
  active: t.Boolean(),
  status: Status,
  presence: Status,
  language: t.String(),
  createdAt: t.Date(),
})

export const Conversation = t.Object({
  id: t.String(),
  channel: t.Union([t.Literal('web'), t.Literal('email'), t.Literal('messenger')]),
  status: t.Union([t.Literal('open'), t.Literal('resolved')]),
  visitor: t.Object({ id: t.String(), number: t.Number(), name: t.Nullable(t.String()), email: t.Nullable(t.String()) }),
  assignee: t.Nullable(t.Object({ id: t.String(), name: t.String() })),
  lastSeq: t.Integer(),
  lastMessage: t.Object({
    preview: t.String(),
    at: t.Date(),
    author: t.Nullable(t.String()),
    agent: t.Nullable(t.Object({ id: t.String(), name: t.String() })),
  }),
  waitingSince: t.Nullable(t.Date()),
  createdAt: t.Date(),
  resolvedAt: t.Nullable(t.Date()),
  resolvedBy: t.Nullable(t.String()),
  rating: t.Nullable(t.Object({ scale: t.Union([t.Literal('thumbs'), t.Literal('stars')]), score: t.Integer() })),
})

export const Message = t.Object({
  id: t.String(),
  conversationId: t.String(),
  seq: t.Integer(),
  authorType: t.Union([t.Literal('visitor'), t.Literal('agent'), t.Literal('system')]),
  authorId: t.Nullable(t.String()),
  authorName: t.Nullable(t.String()),
  body: t.String(),
  clientId: t.Nullable(t.String()),
  channel: t.String(),
  deliveryStatus: t.String(),
  /** Why a reply failed: the API docs list the closed vocabulary a client words. */
  deliveryCode: t.Nullable(t.Union(DELIVERY_CODES.map((c) => t.Literal(c)))),
  deliveryError: t.Nullable(t.String()),
  createdAt: t.Date(),
  attachments: t.Array(t.Object({ id: t.String(), filename: t.String(), contentType: t.String(), size: t.Integer() })),
})

export const MessageResult = t.Object({ message: Message, conversation: Conversation, duplicate: t.Boolean() })

export const ErrorBody = t.Object({
  error: t.Object({ code: t.String(), message: t.String(), details: t.Optional(t.Record(t.String(), t.Unknown())) }),
})

/** Message bodies are limited in bytes by the domain (16 KB); this bounds the JSON string first. */
export const MessageBody = t.String({ maxLength: 20_000 })
export const ClientId = t.String({ minLength: 1, maxLength: 100 })

export const SeqAfter = t.Integer({ minimum: 0, maximum: MAX_SEQ })
export const SeqBefore = t.Integer({ minimum: 1, maximum: MAX_SEQ })

/** Customer info: `{ key: { label, value } }`; bounds (50 keys, 1 KB values) are checked by the domain. */
export const Variables = t.Record(t.String({ maxLength: 64 }), t.Object({ label: t.Optional(t.String({ maxLength: 100 })), value: t.Union([t.String({ maxLength: 4096 }), t.Number(), t.Boolean()]) }), { maxProperties: 200 })

export const SiteInfo = {
  name: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))),
  phone: t.Optional(t.Nullable(t.String({ maxLength: 40 }))),
  variables: t.Optional(Variables),
}

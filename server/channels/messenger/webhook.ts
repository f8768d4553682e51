// A webhook delivery from Meta, read into events. Meta batches: entry[] per page, messaging[] per
// event. Everything is read defensively: an unknown event type, an unknown field or a field of the
// wrong shape is skipped, never an error, so one odd event never fails a delivery (Meta would
// retry it for hours and then turn the webhook off). Ids are strings: page-scoped ids exceed 2^53.
import { maskCardNumbers } from '../../domain/privacy/privacy.rules.ts'

export interface InboundAttachment {
  type: string
  url: string | null
  stickerId: string | null
}

export type MessengerEvent =
  | { kind: 'message'; pageId: string; psid: string; mid: string; text: string | null; attachments: InboundAttachment[]; at: Date }
  | { kind: 'echo'; pageId: string; psid: string; mid: string; appId: string | null; text: string | null; attachments: InboundAttachment[]; at: Date }
  | { kind: 'postback'; pageId: string; psid: string; id: string; title: string; at: Date }
  | { kind: 'referral'; pageId: string; psid: string; at: Date }
  | { kind: 'read'; pageId: string; psid: string; watermark: Date }
  | { kind: 'delivery'; pageId: string; psid: string; mids: string[]; watermark: Date | null }

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const id = (v: unknown): string | null => (typeof v === 'string' && /^[0-9]{1,32}$/.test(v) ? v : null)
const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null)
const time = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? new Date(v) : null)

/** The texts a delivery carries, masked (card numbers), before the delivery is stored anywhere. */
export function maskDelivery(body: unknown): unknown {
  for (const entry of arr(obj(body)?.entry)) {
    for (const e of arr(obj(entry)?.messaging)) {
      const m = obj(obj(e)?.message)
      if (m && typeof m.text === 'string') m.text = maskCardNumbers(m.text)
      const qr = obj(m?.quick_reply)
      if (qr && typeof qr.payload === 'string') qr.payload = maskCardNumbers(qr.payload)
      const p = obj(obj(e)?.postback)
      if (p && typeof p.title === 'string') p.title = maskCardNumbers(p.title)
      if (p && typeof p.payload === 'string') p.payload = maskCardNumbers(p.payload)
    }
  }
  return body
}

export function eventsOf(body: unknown): MessengerEvent[] {
  const out: MessengerEvent[] = []
  const root = obj(body)
  if (!root || root.object !== 'page') return out
  for (const rawEntry of arr(root.entry)) {
    const entry = obj(rawEntry)
    const pageId = id(entry?.id)
    if (!entry || !pageId) continue
    for (const raw of arr(entry.messaging)) {
      const e = obj(raw)
      if (!e) continue
      const sender = id(obj(e.sender)?.id)
      const recipient = id(obj(e.recipient)?.id)
      const at = time(e.timestamp) ?? new Date()
      const message = obj(e.message)
      if (message) {
        const mid = str(message.mid, 400)
        if (!mid) continue
        const text = str(message.text, 100_000)
        const attachments = arr(message.attachments).flatMap((a): InboundAttachment[] => {
          const o = obj(a)
          const type = str(o?.type, 40)
          if (!o || !type) return []
          const payload = obj(o.payload)
          const url = str(payload?.url, 4000)
          const stickerId = payload?.sticker_id === undefined ? null : String(payload.sticker_id).slice(0, 40)
          return [{ type, url: url && /^https?:\/\//i.test(url) ? url : null, stickerId }]
        })
        if (message.is_echo === true) {
          if (!recipient) continue
          out.push({ kind: 'echo', pageId, psid: recipient, mid, appId: message.app_id === undefined || message.app_id === null ? null : String(message.app_id), text, attachments, at })
        } else {
          if (!sender) continue
          out.push({ kind: 'message', pageId, psid: sender, mid, text, attachments, at })
        }
        continue
      }
      if (!sender) continue
      const postback = obj(e.postback)
      if (postback) {
        const title = str(postback.title, 1000)
        if (!title) continue
        // A postback has a mid in current versions; older ones are keyed by who and when.
        out.push({ kind: 'postback', pageId, psid: sender, id: str(postback.mid, 400) ?? `postback:${sender}:${at.getTime()}`, title, at })
        continue
      }
      if (obj(e.referral)) {
        out.push({ kind: 'referral', pageId, psid: sender, at })
        continue
      }
      const read = obj(e.read)
      if (read) {
        const watermark = time(read.watermark)
        if (watermark) out.push({ kind: 'read', pageId, psid: sender, watermark })
        continue
      }
      const delivery = obj(e.delivery)
      if (delivery) {
        const mids = arr(delivery.mids).flatMap((m) => (typeof m === 'string' && m.length <= 400 ? [m] : []))
        out.push({ kind: 'delivery', pageId, psid: sender, mids, watermark: time(delivery.watermark) })
      }
      // reactions, optins, handovers…: nothing to show
    }
  }
  return out
}

// What an agent's file must be to be stored: bounded, with a plain type/subtype, a name that is
// safe to offer as a download name, card numbers masked in that name (it is stored text like a
// message), and, for the image types the dashboard and the widget show inline, bytes that really
// are that image: a file claiming to be a PNG that is not one is refused, so an inline preview only
// ever hands an image decoder what it expects.
import { AppError } from '../../shared/errors.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'

/** Largest file (the attachments table refuses larger ones too). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
/** Files one reply may carry. */
export const MAX_FILES_PER_MESSAGE = 10
/** Uploads an agent may have waiting for a reply at once. */
export const MAX_PENDING_UPLOADS = 30
/** An upload no reply claimed within this long is deleted. */
export const UPLOAD_TTL_SECONDS = 3600

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** The only types shown inline (as <img>), and only after their bytes were checked. */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v)

/** The inline image type these bytes are, by their signature; null for anything else. */
export function sniffImage(b: Uint8Array): (typeof INLINE_IMAGE_TYPES)[number] | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif'
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  return null
}

const bad = (code: string, message: string) => new AppError(`attachment.${code}`, 400, message)

/**
 * The type to store: the browser's type when it has the type/subtype shape (parameters dropped,
 * lower case), none given → application/octet-stream; a malformed one is refused. A file that
 * claims an inline image type must be that image; one whose bytes are an image but that came
 * untyped is stored as the image it is.
 */
export function checkContentType(raw: string | null, bytes: Uint8Array): string {
  const given = (raw ?? '').split(';')[0]!.trim().toLowerCase()
  const sniffed = sniffImage(bytes)
  if (given === '' || given === 'application/octet-stream') return sniffed ?? 'application/octet-stream'
  if (!CONTENT_TYPE.test(given)) throw bad('bad_type', 'the file type is not a valid type/subtype')
  const claimsImage = (INLINE_IMAGE_TYPES as readonly string[]).includes(given)
  if (claimsImage && sniffed !== given) throw bad('type_mismatch', `the file says it is ${given}, but its content is not`)
  return given
}

/** A stored file name: no control characters or path separators, bounded, card numbers masked. */
export function checkFilename(raw: string | null): string {
  const name = maskCardNumbers((raw ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()).slice(0, 255)
  if (!name) throw bad('no_name', 'the file needs a name')
  return name
}

export function checkSize(size: number): void {
  if (size === 0) throw bad('empty', 'the file is empty')
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new AppError('attachment.too_large', 413, `files are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each`, { max: MAX_ATTACHMENT_BYTES })
  }
}

/** What Messenger's Send API calls a file of this type. */
export function messengerKind(contentType: string): 'image' | 'video' | 'audio' | 'file' {
  if ((INLINE_IMAGE_TYPES as readonly string[]).includes(contentType)) return 'image'
  if (contentType.startsWith('video/')) return 'video'
  if (contentType.startsWith('audio/')) return 'audio'
  return 'file'
}

/**
 * JavaScript (the MIME Sniffing standard's list) and CSS: a <script src> or <link> of Parley's
 * origin runs or applies such a response whatever its Content-Disposition, and the dashboard's
 * policy trusts that origin (script-src 'self'), so a sender's file served as one would be a
 * script the policy lets in.
 */
const SCRIPT_OR_STYLE = /^(?:(?:application|text)\/(?:x-)?(?:java|ecma)script|text\/(?:javascript1\.[0-5]|jscript|livescript|css))$/i

/**
 * The headers a file is served with, to agents and visitors alike: always a download, never
 * rendered in Parley's origin (an HTML or SVG file could script it), never sniffed into something
 * else, never a script or stylesheet. An <img> still shows an inline image type from such a response.
 */
export function downloadHeaders(a: { filename: string; contentType: string; size: number }): Record<string, string> {
  const ascii = a.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const type = CONTENT_TYPE.test(a.contentType) && !SCRIPT_OR_STYLE.test(a.contentType) ? a.contentType : 'application/octet-stream'
  return {
    'content-type': type,
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
    'cache-control': 'private, no-store',
    'content-length': String(a.size),
  }
}

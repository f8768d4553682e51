// An agent's file on its way to the server, before the reply: XMLHttpRequest rather than fetch,
// because only it reports upload progress. The server's answer is the upload the reply names.
import type { Attachment } from '../../../server/realtime/wire.ts'

/** The server refuses larger files too (413); checked here first so nothing is sent in vain. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024
export const MAX_FILES = 10

export class UploadError extends Error {
  constructor(readonly code: string) {
    super(code)
  }
}

export interface UploadHandle {
  done: Promise<Attachment>
  abort(): void
}

/** Uploads one file for a reply in this conversation; `progress` gets 0…1. */
export function uploadFile(o: { base: string; csrfToken: string; conversationId: string; file: File; progress: (fraction: number) => void }): UploadHandle {
  const xhr = new XMLHttpRequest()
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open('POST', `${o.base}/api/conversations/${encodeURIComponent(o.conversationId)}/uploads`)
    xhr.withCredentials = true
    xhr.setRequestHeader('x-csrf-token', o.csrfToken)
    xhr.setRequestHeader('x-filename', encodeURIComponent(o.file.name || 'file'))
    // the browser's type; the server checks its shape (and an image's bytes)
    xhr.setRequestHeader('content-type', o.file.type || 'application/octet-stream')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) o.progress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {}
      if (xhr.status === 201 && body && typeof body === 'object') resolve(body as Attachment)
      else reject(new UploadError((body as { error?: { code?: string } } | null)?.error?.code ?? `http.${xhr.status}`))
    }
    xhr.onerror = () => reject(new UploadError('network'))
    xhr.onabort = () => reject(new UploadError('aborted'))
    xhr.send(o.file)
  })
  return { done, abort: () => xhr.abort() }
}

import { describe, expect, it } from 'bun:test'
import { downloadHeaders } from './attachments.rules.ts'

const served = (contentType: string) => downloadHeaders({ filename: 'f', contentType, size: 1 })['content-type']

describe('the headers a file is served with', () => {
  // The dashboard's policy trusts its own origin for scripts and stylesheets (script-src 'self',
  // style-src-elem 'self'): a file a sender chose, served as JavaScript or CSS, would be a script
  // or stylesheet that policy lets any injected <script src> or <link> load.
  it('never serves a file as a type a page would run as a script or apply as a stylesheet', () => {
    for (const type of ['text/javascript', 'application/javascript', 'application/x-javascript', 'text/ecmascript', 'application/x-ecmascript', 'text/jscript', 'text/livescript', 'text/javascript1.5', 'text/css', 'TEXT/JavaScript']) {
      expect(served(type)).toBe('application/octet-stream')
    }
  })

  it('keeps every other type as stored, and a malformed one as octet-stream', () => {
    for (const type of ['application/pdf', 'image/png', 'text/plain', 'text/html', 'image/svg+xml', 'application/json', 'text/csv']) expect(served(type)).toBe(type)
    expect(served('text/html<script>')).toBe('application/octet-stream')
  })
})

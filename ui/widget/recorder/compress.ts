// A chunk's JSON gzip-compressed in the visitor's browser without one long task: the text is
// encoded and compressed a slice at a time, and the page's own tasks run between slices. Done in
// one go (a Blob of the text, piped through CompressionStream), a 9,000-node page's first chunk,
// 860 kB of JSON, was a 53–81 ms task on this project's machine (docs/benchmarks.md, session 16).

/** Characters encoded and compressed at a time. */
const PIECE_CHARS = 32 * 1024
/** Work between two yields to the page (a long task is one past 50 ms). */
const SLICE_MS = 8

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export async function gzipText(text: string, opts: { pieceChars?: number; sliceMs?: number } = {}): Promise<Uint8Array> {
  const piece = opts.pieceChars ?? PIECE_CHARS
  const sliceMs = opts.sliceMs ?? SLICE_MS
  const compressor = new CompressionStream('gzip')
  const writer = compressor.writable.getWriter()
  const result = new Response(compressor.readable).arrayBuffer()
  const encoder = new TextEncoder()
  let since = performance.now()
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + piece)
    // A surrogate pair stays in one slice: each half alone would be encoded as U+FFFD.
    const last = text.charCodeAt(end - 1)
    if (end < text.length && end - 1 > at && last >= 0xd800 && last <= 0xdbff) end--
    await writer.write(encoder.encode(text.slice(at, end)))
    at = end
    if (performance.now() - since >= sliceMs) {
      await yieldToPage()
      since = performance.now()
    }
  }
  await writer.close()
  return new Uint8Array(await result)
}

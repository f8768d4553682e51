import { describe, expect, test } from 'bun:test'
import { gunzipSync } from 'node:zlib'
import { gzipText } from './compress.ts'

const inflate = (bytes: Uint8Array) => gunzipSync(bytes).toString('utf8')

describe('gzipText', () => {
  test('gives back the text exactly, however it is sliced', async () => {
    const text = JSON.stringify(Array.from({ length: 5_000 }, (_, i) => ({ type: 3, timestamp: 1_700_000_000_000 + i, data: { text: `řádek ${i} 😀 ${'x'.repeat(i % 50)}` } })))
    for (const pieceChars of [2, 7, 1024, 32 * 1024, text.length + 1]) {
      expect(inflate(await gzipText(text, { pieceChars }))).toBe(text)
    }
    expect(inflate(await gzipText(''))).toBe('')
  })

  test('keeps a surrogate pair that falls on a slice boundary whole', async () => {
    // the emoji's two halves sit at positions 3 and 4: a slice of 4 would end between them
    const text = 'abc😀def😀'
    for (const pieceChars of [2, 3, 4, 5]) expect(inflate(await gzipText(text, { pieceChars }))).toBe(text)
    // a lone high surrogate at the very end is the text's own; it is encoded as the platform does
    expect(inflate(await gzipText('ab\ud83d', { pieceChars: 3 }))).toBe(new TextDecoder().decode(new TextEncoder().encode('ab\ud83d')))
  })

  test('lets the page run between slices', async () => {
    const text = 'y'.repeat(64 * 1024)
    let ticks = 0
    let running = true
    const tick = () => {
      ticks++
      if (running) setTimeout(tick, 0)
    }
    setTimeout(tick, 0)
    await gzipText(text, { pieceChars: 4 * 1024, sliceMs: 0 })
    running = false
    // 16 slices, a yield after each: the page's timer ran between them
    expect(ticks).toBeGreaterThanOrEqual(15)
  })
})

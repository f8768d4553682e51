import { describe, expect, it } from 'bun:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { checkChunk, maskStrings, mayHoldCard } from './recordings.rules.ts'

describe('the rules of a recording chunk', () => {
  it('masks a card number however deep it sits, without overflowing the stack', () => {
    let node: Record<string, unknown> = { textContent: '4111 1111 1111 1111' }
    for (let i = 0; i < 100_000; i++) node = { childNodes: [node] }
    expect(maskStrings(node)).toBe(1)
    let inner: unknown = node
    while ((inner as { childNodes?: unknown[] }).childNodes) inner = (inner as { childNodes: unknown[] }).childNodes[0]
    expect(inner).toEqual({ textContent: '•••• •••• •••• 1111' })
  })

  it('leaves phone numbers, prices, ids and Luhn-invalid runs as they are', () => {
    const value = { a: '+420 777 123 456', b: '€1,299.00', id: 123456789012, c: '4111 1111 1111 1112', d: ['ORD-4111111111111111'] }
    const copy = structuredClone(value)
    expect(maskStrings(value)).toBe(0)
    expect(value).toEqual(copy)
  })

  it('sends a chunk through the full walk exactly when the walk would mask something, whatever digit a run starts with', () => {
    // A Luhn-valid run of `length` digits starting with `lead` (the last digit makes the sum).
    const luhn = (lead: number, length: number) => {
      const body = String(lead) + '7'.repeat(length - 2)
      for (let check = 0; check <= 9; check++) {
        const d = body + check
        let sum = 0
        for (let i = 0; i < d.length; i++) {
          let n = Number(d[d.length - 1 - i])
          if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2
          sum += n
        }
        if (sum % 10 === 0) return d
      }
      throw new Error('unreachable')
    }
    for (let lead = 0; lead <= 9; lead++) {
      for (const length of [13, 16, 19]) {
        for (const value of [[{ text: luhn(lead, length) }], [{ n: Number(luhn(lead, length).slice(0, 15)) }]]) {
          const walk = maskStrings(structuredClone(value)) > 0
          expect({ lead, length, value, scan: mayHoldCard(JSON.stringify(value)) || !walk }).toEqual({ lead, length, value, scan: true })
        }
      }
    }
    expect(mayHoldCard(JSON.stringify([{ timestamp: Date.now(), text: luhn(1, 16) }]))).toBe(false)
    expect(mayHoldCard(JSON.stringify([{ timestamp: Date.now(), text: luhn(4, 16) }]))).toBe(true)
  })

  it('never misses what the walk would mask, on thousands of generated chunks', () => {
    // A seeded generator, so a failure repeats: strings of digits, separators, escapes, quotes,
    // dots and exponent letters, numbers whole, fractional and with exponents, in canonical JSON
    // and spaced out.
    let seed = 20261130
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
    const atoms = ['4111', '1111', '5555', '4444', '1700000000000', '0', '7', '9', '.', ' ', '-', '\u00a0', '\u202f', 'e', 'E', ':', ',', '[', '"', '\\', 'u', 'a', 'em;', '\u0034']
    const text = () => Array.from({ length: 1 + Math.floor(rand() * 12) }, () => pick(atoms)).join('')
    const number = () =>
      pick([() => Math.floor(rand() * 1e16), () => rand() * 1000, () => Number(`${Math.floor(rand() * 1e15)}e${Math.floor(rand() * 5)}`), () => -rand() * 1e12, () => 4111111111111111, () => 419.4111111111111])()
    let walked = 0
    for (let i = 0; i < 4000; i++) {
      const value = [{ type: 3, timestamp: 1700000000000 + i, data: { text: text(), x: number(), [text()]: pick([text(), number()]), list: [number(), text()] } }]
      for (const raw of [JSON.stringify(value), JSON.stringify(value, null, 1)]) {
        const quick = mayHoldCard(raw)
        const masks = maskStrings(JSON.parse(raw)) > 0
        if (masks) walked++
        if (masks && !quick) throw new Error(`missed a card in ${raw}`)
      }
    }
    // The generator does make cards the walk masks (the check above is not empty).
    expect(walked).toBeGreaterThan(100)
  })

  it("keeps the browser's bytes when nothing needed masking, and re-compresses the masked text when something did", () => {
    const now = Date.now()
    const clean = new Uint8Array(gzipSync(JSON.stringify([{ type: 3, timestamp: now, data: { text: 'hello' } }])))
    expect(checkChunk(clean, now).data).toBe(clean)
    const dirty = new Uint8Array(gzipSync(JSON.stringify([{ type: 3, timestamp: now, data: { text: '4111111111111111' } }])))
    const checked = checkChunk(dirty, now)
    expect(checked.masked).toBe(1)
    expect(gunzipSync(checked.data).toString()).toBe(JSON.stringify([{ type: 3, timestamp: now, data: { text: '••••••••••••1111' } }]))
  })

  it('counts page loads and single-page-app navigations as pages', () => {
    const now = Date.now()
    const events = [
      { type: 4, timestamp: now, data: { href: 'https://shop.test/' } },
      { type: 5, timestamp: now + 1, data: { tag: 'parley.page', payload: { href: 'https://shop.test/?tab=2' } } },
      { type: 5, timestamp: now + 2, data: { tag: 'other', payload: {} } },
    ]
    expect(checkChunk(new Uint8Array(gzipSync(JSON.stringify(events))), now).pages).toBe(2)
  })
  it('stores nothing that reads as a card when the card hides behind an escape, an exponent or a duplicate key', () => {
    const now = Date.now()
    const stored = (text: string) => gunzipSync(checkChunk(new Uint8Array(gzipSync(text)), now).data).toString()
    const escaped = stored(`[{"type":3,"timestamp":${now},"data":{"text":"\\u0034111 1111 1111 1111"}}]`)
    expect(escaped).toContain('•••• •••• •••• 1111')
    expect(escaped).not.toContain('4111')
    const separator = stored(`[{"type":3,"timestamp":${now},"data":{"text":"4111\\u00a01111\\u00a01111\\u00a01111"}}]`)
    expect(separator).toContain('••••\u00a0••••\u00a0••••\u00a01111')
    const exponent = stored(`[{"type":3,"timestamp":${now},"data":{"n":41111111111111.11e2}}]`)
    expect(JSON.parse(exponent)[0].data.n).toBe('••••••••••••1111')
    const duplicate = stored(`[{"type":3,"timestamp":${now},"data":{"text":"4111111111111111","text":"hello"}}]`)
    expect(duplicate).toBe(JSON.stringify([{ type: 3, timestamp: now, data: { text: 'hello' } }]))
  })

  it('sees a possible card in raw text only where one could be, not in colours, prices or short numbers', () => {
    expect(mayHoldCard('[{"type":3,"timestamp":1700000000000,"data":{"style":"color:#1e3a5f","price":"1,299.00 €","x":1.5e0}}]')).toBe(true)
    expect(mayHoldCard('[{"type":3,"timestamp":1700000000000,"data":{"style":"color:#1e3a5f","price":"1,299.00 €","x":1.5}}]')).toBe(false)
    expect(mayHoldCard('{"text":"5555-5555-5555-4444"}')).toBe(true)
    expect(mayHoldCard('{"text":"phone 777 123 456"}')).toBe(false)
  })

  it('reads an exponent only outside strings: a stylesheet\'s "0.02em" in a snapshot is text, not a number', () => {
    const css = 'h1 { font-size: 1.25rem; letter-spacing: 0.02em; margin:.5em 0 2E3px }'
    expect(mayHoldCard(JSON.stringify([{ type: 2, timestamp: 1700000000000, data: { node: { textContent: css } } }]))).toBe(false)
    // An escaped quote does not end the string; an escaped backslash at its end does not keep it open.
    expect(mayHoldCard('[{"t":"say \\"hi\\" at 0.02em"}]')).toBe(false)
    expect(mayHoldCard('[{"t":"C:\\\\","x":4.111111111111111e15}]')).toBe(true)
    // A fraction's digits are no card (a mouse position); the same digits in text may be.
    expect(mayHoldCard('[{"x":419.4111111111111111}]')).toBe(false)
    expect(mayHoldCard('[{"t":"419.4111111111111111"}]')).toBe(true)
    expect(mayHoldCard('[{"x":4111111111111111.5}]')).toBe(true)
    // Whatever the scan says, what is stored never holds a card.
    const now = Date.now()
    const hidden = JSON.stringify([{ type: 3, timestamp: now, data: { style: 'letter-spacing:0.02em', x: 4111111111111111 } }]).replace('4111111111111111', '4.111111111111111e15')
    const stored = gunzipSync(checkChunk(new TextEncoder().encode(hidden), now).data).toString('utf8')
    expect(stored).not.toContain('4111111111111111')
    expect(stored).not.toContain('e15')
  })

  it('stores the page-hide chunk (plain JSON) compressed as it came when it holds no card', () => {
    const now = Date.now()
    const text = `[{"type":3,"timestamp":${now},"data":{"text":"hello"}}]`
    const checked = checkChunk(new TextEncoder().encode(text), now)
    expect(checked.data[0]).toBe(0x1f)
    expect(gunzipSync(checked.data).toString()).toBe(text)
  })
})

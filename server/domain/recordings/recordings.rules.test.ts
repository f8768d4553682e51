import { describe, expect, it } from 'bun:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { MAX_EVENTS_PER_CHUNK, checkChunk, checkParsed, maskStrings, scanChunk } from './recordings.rules.ts'

const NOW = Date.now()
/** Whether the one-pass scan declines the text (so it is parsed and walked). */
const declined = (text: string) => scanChunk(text, NOW) === null
/** A chunk of one event whose data is `data`. */
const event = (data: unknown) => JSON.stringify([{ type: 3, timestamp: NOW, data }])
/** Raw data text inside one event (for texts JSON.stringify would not write). */
const rawEvent = (data: string) => `[{"type":3,"timestamp":${NOW},"data":${data}}]`

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
        for (const value of [{ text: luhn(lead, length) }, { n: Number(luhn(lead, length).slice(0, 15)) }]) {
          const walk = maskStrings(structuredClone(value)) > 0
          expect({ lead, length, value, scan: declined(event(value)) || !walk }).toEqual({ lead, length, value, scan: true })
        }
      }
    }
    expect(declined(event({ text: luhn(1, 16) }))).toBe(false)
    expect(declined(event({ text: luhn(4, 16) }))).toBe(true)
  })

  it('never misses what the walk would mask, on thousands of generated chunks', () => {
    // A seeded generator, so a failure repeats: strings of digits, separators, escapes, quotes,
    // dots and exponent letters, numbers whole, fractional and with exponents, in canonical JSON
    // and spaced out.
    let seed = 20261130
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
    const atoms = ['4111', '1111', '5555', '4444', '1700000000000', '0', '7', '9', '.', ' ', '-', '\u00a0', '\u202f', 'e', 'E', ':', ',', '[', '"', '\\', 'u', 'a', 'em;', '\u0034', '+', '%20', '%2D', '%', '%31']
    const text = () => Array.from({ length: 1 + Math.floor(rand() * 12) }, () => pick(atoms)).join('')
    const number = () =>
      pick([() => Math.floor(rand() * 1e16), () => rand() * 1000, () => Number(`${Math.floor(rand() * 1e15)}e${Math.floor(rand() * 5)}`), () => -rand() * 1e12, () => 4111111111111111, () => 419.4111111111111])()
    let walked = 0
    let vouched = 0
    for (let i = 0; i < 4000; i++) {
      const value = [{ type: 3, timestamp: NOW + i, data: { text: text(), x: number(), [text()]: pick([text(), number()]), list: [number(), text()] } }]
      for (const raw of [JSON.stringify(value), JSON.stringify(value, null, 1)]) {
        const quick = declined(raw)
        const masks = maskStrings(JSON.parse(raw)) > 0
        if (masks) walked++
        if (!quick) vouched++
        if (masks && !quick) throw new Error(`missed a card in ${raw}`)
      }
    }
    // The generator does make cards the walk masks, and chunks the scan vouches for (neither
    // side of the check above is empty).
    expect(walked).toBeGreaterThan(100)
    expect(vouched).toBeGreaterThan(1000)
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
    // The data's own tag counts, the last one when it is there twice, whatever is nested below it.
    const custom = (data: string) => `[{"type":5,"timestamp":${now},"data":${data}}]`
    const pagesOf = (text: string) => checkChunk(new TextEncoder().encode(text), now).pages
    expect(pagesOf(custom('{"tag":"parley.page"}'))).toBe(1)
    expect(pagesOf(custom('{"payload":{"tag":"parley.page"},"tag":"x"}'))).toBe(0)
    expect(pagesOf(custom('{"tag":"parley.page","tag":1}'))).toBe(0)
    expect(pagesOf(custom('{"tag":"parley.page","tag":{"tag":"parley.page"}}'))).toBe(0)
    expect(pagesOf(custom('{"tag":1,"tag":"parley.page"}'))).toBe(1)
    expect(pagesOf(`[{"data":{"tag":"parley.page"},"timestamp":${now},"type":5}]`)).toBe(1)
    expect(pagesOf(`[{"type":3,"timestamp":${now},"data":{"tag":"parley.page"}}]`)).toBe(0)
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

  it("masks a card in a page's address where a GET form wrote it with '+', %20 or encoded digits", () => {
    const now = Date.now()
    const stored = (text: string) => gunzipSync(checkChunk(new Uint8Array(gzipSync(text)), now).data).toString()
    const cases: [string, string][] = [
      ['https://shop.test/pay?cc=4111+1111+1111+1111&x=1', 'https://shop.test/pay?cc=••••+••••+••••+1111&x=1'],
      ['https://shop.test/pay?cc=4111%201111%201111%201111', 'https://shop.test/pay?cc=••••%20••••%20••••%201111'],
      ['https://shop.test/pay?cc=4111-1111-%31111-1111', 'https://shop.test/pay?cc=••••-••••-••••-1111'],
    ]
    for (const [href, kept] of cases) {
      const text = JSON.stringify([{ type: 4, timestamp: now, data: { href, width: 800, height: 600 } }])
      expect(declined(text)).toBe(true)
      expect(JSON.parse(stored(text))[0].data.href).toBe(kept)
    }
    // A URL whose numbers are no card goes the fast way, and is kept as it came.
    const plain = JSON.stringify([{ type: 4, timestamp: now, data: { href: 'https://shop.test/?q=size+xl&page=2&w=50%25+off', width: 800, height: 600 } }])
    expect(declined(plain)).toBe(false)
    expect(stored(plain)).toBe(plain)
  })

  it('sees a possible card in raw text only where one could be, not in colours, prices or short numbers', () => {
    expect(declined(rawEvent('{"style":"color:#1e3a5f","price":"1,299.00 €","x":1.5e0}'))).toBe(true)
    expect(declined(rawEvent('{"style":"color:#1e3a5f","price":"1,299.00 €","x":1.5}'))).toBe(false)
    expect(declined(event({ text: '5555-5555-5555-4444' }))).toBe(true)
    expect(declined(event({ text: 'phone 777 123 456' }))).toBe(false)
  })

  it('reads an exponent only outside strings: a stylesheet\'s "0.02em" in a snapshot is text, not a number', () => {
    const css = 'h1 { font-size: 1.25rem; letter-spacing: 0.02em; margin:.5em 0 2E3px }'
    expect(declined(event({ node: { textContent: css } }))).toBe(false)
    // An escaped quote does not end the string; an escaped backslash at its end does not keep it open.
    expect(declined(rawEvent('{"t":"say \\"hi\\" at 0.02em"}'))).toBe(false)
    expect(declined(rawEvent('{"t":"C:\\\\","x":4.111111111111111e15}'))).toBe(true)
    // A fraction's digits are no card (a mouse position); the same digits in text may be.
    expect(declined(rawEvent('{"x":419.4111111111111111}'))).toBe(false)
    expect(declined(rawEvent('{"t":"419.4111111111111111"}'))).toBe(true)
    expect(declined(rawEvent('{"x":4111111111111111.5}'))).toBe(true)
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

  it('vouches only for strict JSON of well-formed events: every mistake goes to the full check, which refuses it', () => {
    // Not wrong, only unusual: an escape, space around the array, a field twice (the last counts).
    const unusual = [
      ' ' + event({}), event({}) + ' ', rawEvent('{"a":"\\u0041"}'), `[{"typ\\u0065":3,"timestamp":${NOW},"data":{}}]`,
      `[{"type":3,"type":3,"timestamp":${NOW},"data":{}}]`,
    ]
    const mistakes = [
      '[]', '[{}]', '[1]', '["x"]', '[[]]', event({}).slice(0, -1),
      rawEvent('{"a":1,}'), rawEvent('{"a":[1,]}'), rawEvent('{"a":01}'), rawEvent('{"a":+1}'), rawEvent('{"a":.5}'),
      rawEvent('{"a":1.}'), rawEvent('{"a":-}'), rawEvent("{'a':1}"), rawEvent('{"a":NaN}'), rawEvent('{"a":tru}'),
      rawEvent('{"a" 1}'), rawEvent('{"a":1 "b":2}'), rawEvent('{"a":"\\x41"}'),
      rawEvent('{"a":"tab\there"}'), rawEvent('{"a":"line\nbreak"}'),
      rawEvent('{"a":[1 2]}'), rawEvent('{"a":{"b":1}}}'), rawEvent('"x"'), rawEvent('[]'), rawEvent('null'),
      `[{"type":3,"timestamp":${NOW}}]`, `[{"type":3,"data":{}}]`, `[{"timestamp":${NOW},"data":{}}]`,
      `[{"type":3,"timestamp":${NOW},"data":{},"x":1}]`,
      `[{"type":7,"timestamp":${NOW},"data":{}}]`, `[{"type":2.5,"timestamp":${NOW},"data":{}}]`, `[{"type":"3","timestamp":${NOW},"data":{}}]`,
      `[{"type":3,"timestamp":${NOW - 25 * 3_600_000},"data":{}}]`, `[{"type":3,"timestamp":${NOW + 600_000},"data":{}}]`,
      `[{"type":3,"timestamp":${NOW},"data":{}},{"type":3,"timestamp":${NOW - 1},"data":{}}]`,
      `[{"type":3,"timestamp":${NOW - 20 * 60_000},"data":{}},{"type":3,"timestamp":${NOW},"data":{}}]`,
      `[{"type":3,"timestamp":1e12,"data":{}}]`,
    ]
    for (const text of [...unusual, ...mistakes]) {
      expect({ text, scan: scanChunk(text, NOW) }).toEqual({ text, scan: null })
    }
    // What the scan declined, the full check decides: it takes the unusual and refuses the mistakes.
    for (const text of unusual) expect(checkParsed(text, new Uint8Array(0), false, NOW).events).toBe(1)
    for (const text of mistakes) expect(() => checkParsed(text, new Uint8Array(0), false, NOW)).toThrow()
    // Deeper than the scan follows, and more events than a chunk may hold: the full check decides.
    let deep: unknown = 'leaf'
    for (let i = 0; i < 600; i++) deep = [deep]
    expect(declined(event({ deep }))).toBe(true)
    expect(checkChunk(new TextEncoder().encode(event({ deep })), NOW).events).toBe(1)
    const many = JSON.stringify(Array.from({ length: MAX_EVENTS_PER_CHUNK + 1 }, () => ({ type: 3, timestamp: NOW, data: {} })))
    expect(declined(many)).toBe(true)
    expect(() => checkChunk(new Uint8Array(gzipSync(many)), NOW)).toThrow('at most')
  })

  it('finds what the full check finds whenever it vouches, on thousands of mutated recordings', () => {
    // A chunk like the recorder's: a meta event, a snapshot with nested nodes, a stylesheet,
    // escapes, mouse positions with fractions, an input, a navigation and another custom event.
    const base = JSON.stringify([
      { type: 4, timestamp: NOW - 5000, data: { href: 'https://shop.test/demo', width: 1280, height: 720 } },
      { type: 2, timestamp: NOW - 4990, data: { node: { type: 0, id: 1, childNodes: [
        { type: 2, tagName: 'style', id: 2, attributes: {}, childNodes: [{ type: 3, id: 3, textContent: 'h1{letter-spacing:0.02em;color:#4f46e5} p::after{content:"\\201C"}' }] },
        { type: 2, tagName: 'p', id: 4, attributes: { class: 'price', 'data-x': '' }, childNodes: [{ type: 3, id: 5, textContent: 'Boots – €1,299.00, order 2024-11-30, "tab"\there\n' }] },
        { type: 2, tagName: 'input', id: 6, attributes: { value: '****', checked: true, hidden: false, title: null }, childNodes: [] },
      ] }, initialOffset: { left: 0, top: -0.5 } } },
      { type: 3, timestamp: NOW - 4000, data: { source: 1, positions: [{ x: 419.4200134277344, y: 88, id: 4, timeOffset: -120 }, { x: 0, y: 1e-3 * 0, id: 4, timeOffset: 0 }] } },
      { type: 3, timestamp: NOW - 3000, data: { source: 5, text: '****', isChecked: false, id: 6 } },
      { type: 5, timestamp: NOW - 2000, data: { tag: 'parley.page', payload: { href: 'https://shop.test/demo/boots' } } },
      { type: 5, timestamp: NOW - 1000, data: { tag: 'other', payload: { tag: 'parley.page' } } },
    ])
    expect(scanChunk(base, NOW)).toEqual({ events: 6, firstAt: NOW - 5000, lastAt: NOW - 1000, pages: 2 })
    let seed = 20261202
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const pieces = ['"', '\\', '\\u0034', ',', ':', '[', ']', '{', '}', ' ', '\n', '-', '.', 'e', 'E', '0', '1', '4', '9', '4111 1111 1111 1111', '4111111111111111',
      'true', 'null', '"tag"', '"parley.page"', '"type"', '"data"', '"timestamp"', '\u00a0', '\u0001', 'é', '€']
    let vouched = 0
    let declinedCount = 0
    for (let k = 0; k < 6000; k++) {
      let text = base
      for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) {
        const at = Math.floor(rand() * text.length)
        const op = rand()
        const piece = pieces[Math.floor(rand() * pieces.length)]!
        text = op < 0.4 ? text.slice(0, at) + piece + text.slice(at) : op < 0.7 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 3)) : text.slice(0, at) + piece + text.slice(at + piece.length)
      }
      const fast = scanChunk(text, NOW)
      if (fast === null) {
        declinedCount++
        continue
      }
      vouched++
      let full: ReturnType<typeof checkParsed>
      try {
        full = checkParsed(text, new Uint8Array(0), false, NOW)
      } catch (e) {
        throw new Error(`vouched for what the full check refuses (${(e as Error).message}): ${text}`)
      }
      expect({ text, ...fast, masked: 0 }).toEqual({ text, events: full.events, firstAt: full.firstAt, lastAt: full.lastAt, pages: full.pages, masked: full.masked })
    }
    // Both sides are exercised: many mutations keep the chunk valid, many break it.
    expect(vouched).toBeGreaterThan(500)
    expect(declinedCount).toBeGreaterThan(500)
  })
})

import { describe, expect, it } from 'bun:test'
import { segments } from './links.ts'

describe('links in a message', () => {
  it('cuts a message into its text and its http and https addresses', () => {
    expect(segments('see https://example.com/a?b=1#c and http://x.test now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
      { kind: 'text', text: ' now' },
    ])
  })

  it("leaves the sentence's punctuation and an enclosing bracket outside the link", () => {
    expect(segments('Try https://example.com/shop.')).toEqual([
      { kind: 'text', text: 'Try ' },
      { kind: 'link', text: 'https://example.com/shop', href: 'https://example.com/shop' },
      { kind: 'text', text: '.' },
    ])
    expect(segments('(https://example.com/x), ok')[1]).toEqual({ kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' })
  })

  it('keeps a bracket that belongs to the address', () => {
    expect(segments('https://en.wikipedia.org/wiki/Parley_(film)!')[0]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Parley_(film)',
      href: 'https://en.wikipedia.org/wiki/Parley_(film)',
    })
  })

  it('leaves javascript:, data: and markup as text', () => {
    for (const body of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://evil.test">x</a>', 'ftp://files.test/a']) {
      const s = segments(body)
      expect(s.every((p) => p.kind === 'text' || p.href.startsWith('https://evil.test'))).toBe(true)
      expect(s.map((p) => p.text).join('')).toBe(body)
    }
  })

  it('does not link a bare scheme with nothing after it', () => {
    expect(segments('https:// is how it starts')).toEqual([{ kind: 'text', text: 'https:// is how it starts' }])
  })

  it('gives back the whole text, piece by piece', () => {
    const body = 'a https://one.test b https://two.test/x?y=(1) c'
    expect(segments(body).map((p) => p.text).join('')).toBe(body)
  })
})

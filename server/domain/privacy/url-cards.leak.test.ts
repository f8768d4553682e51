// A card number in a page address is as private as one in a message. Browsers percent-encode
// what a visitor typed into a GET form (`?card=4111+1111+…` or `4111%201111%20…`), so a card in
// a checkout page's URL arrives with its spaces written as `+` or `%20`: it must be masked as
// surely as one written with plain spaces, before the page view is stored or shown.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import { maskCardNumbersInUrl } from './privacy.rules.ts'

const inUrl = (url: string): string => maskCardNumbersInUrl(url)

describe('card numbers in URLs', () => {
  it('masks a card whose groups are joined by +, %20, %2D or an encoded no-break space, keeping the encoding', () => {
    expect(inUrl('https://shop.test/pay?cc=4111+1111+1111+1111&x=1')).toBe('https://shop.test/pay?cc=••••+••••+••••+1111&x=1')
    expect(inUrl('https://shop.test/pay?cc=4111%201111%201111%201111')).toBe('https://shop.test/pay?cc=••••%20••••%20••••%201111')
    expect(inUrl('https://shop.test/pay?cc=5555%2d5555%2D5555%2D4444')).toBe('https://shop.test/pay?cc=••••%2d••••%2D••••%2D4444')
    expect(inUrl('https://shop.test/pay?cc=4111%C2%A01111%C2%A01111%C2%A01111')).toBe('https://shop.test/pay?cc=••••%C2%A0••••%C2%A0••••%C2%A01111')
    // digits a client percent-encoded are digits all the same
    expect(inUrl('https://shop.test/pay?cc=%34111111111111111')).toBe('https://shop.test/pay?cc=••••••••••••1111')
    // plain ones as before
    expect(inUrl('https://shop.test/pay?cc=4111111111111111')).toBe('https://shop.test/pay?cc=••••••••••••1111')
  })

  it('leaves an address without a card as it was, escapes and all', () => {
    for (const url of ['https://shop.test/search?q=50%25+off&page=2', 'https://shop.test/o/2027%2012%2031?ref=a+b', 'https://shop.test/?phone=%2B420+601+234+567', 'https://shop.test/%E2%82%AC%20100'])
      expect(inUrl(url)).toBe(url)
  })
})

let srv: TestServer
let owner: AgentClient
beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
})
afterAll(() => srv?.stop())

const PLUS = 'https://shop.test/checkout?cardnumber=4111+1111+1111+1111&exp=03%2F29'
const ENCODED = 'https://shop.test/pay?card=5555%205555%205555%204444'
const REFERRER = 'https://pay.test/back?cc=4012%208888%208888%201881'
/** Any of the three cards' first twelve digits, however the groups are joined. */
const CLEAR = /4111(\+|%20| )?1111(\+|%20| )?1111|5555(\+|%20| )?5555(\+|%20| )?5555|4012(\+|%20| )?8888(\+|%20| )?8888/

describe('page views that carry a card in their URL', () => {
  it('stores and shows the page addresses with the card masked, sent over HTTP or the socket', async () => {
    const v = await VisitorClient.create(srv.url)
    expect((await v.request('POST', '/api/widget/pages', { url: PLUS, title: 'Checkout', referrer: REFERRER })).status).toBe(204)
    const ws = await v.socket()
    await ws.waitFor('hello')
    ws.send({ type: 'page.view', url: ENCODED, title: 'Pay', referrer: null })
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: 'is my payment through?' })
    const ack = await ws.waitFor('ack', (f) => f.clientId === clientId)
    ws.close()

    const pages = await owner.request('GET', `/api/visitors/${v.id}/pages`)
    expect(pages.status).toBe(200)
    expect(pages.body.map((p: { url: string }) => p.url).sort()).toEqual(['https://shop.test/checkout?cardnumber=••••+••••+••••+1111&exp=03%2F29', 'https://shop.test/pay?card=••••%20••••%20••••%204444'])
    const card = await owner.request('GET', `/api/visitors/${v.id}`)
    expect(JSON.stringify(card.body)).not.toMatch(CLEAR)

    const sql = srv.db.sql
    const stored = JSON.stringify([
      await sql`select url, referrer from page_views where visitor_id = ${v.id}`,
      await sql`select current_url, referrer from visitors where id = ${v.id}`,
      await sql`select start_url from conversations where id = ${ack.conversationId}`,
    ])
    expect(stored).toContain('••••')
    expect(stored).not.toMatch(CLEAR)
  })
})

// Full-text search per language (#16): each message is indexed in its own language's
// configuration (the language its channel reported, else the writing agent's, else the assigned
// agent's, else `simple`), and a search reads the words in every configuration, so a German
// plural finds the singular whatever language the searcher speaks.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../testing/harness.ts'
import type { Actor } from '../agents/agents.usecases.ts'
import { receiveInbound, sendReply } from '../messages/messages.usecases.ts'
import { search } from './search.usecases.ts'
import { COMMON_SHARE, estimatedMatches, searchPage, TEXT_PROBE, textHits } from './search.repo.ts'
import { parseSearch } from './search.rules.ts'

let srv: TestServer
let owner: AgentClient
let me: Actor
const agents: Record<string, Actor> = {}

beforeAll(async () => {
  ;({ srv, owner } = await startWithOwner())
  me = { id: owner.agent!.id, role: 'owner', name: owner.agent!.name }
  for (const language of ['en', 'cs', 'de', 'es', 'hu', 'pl']) {
    const r = await owner.request('POST', '/api/agents', { email: `${language}@example.com`, name: `Agent ${language}`, password: 'agent-password', role: 'full', language })
    expect(r.status).toBe(201)
    agents[language] = { id: r.body.id, role: 'full', name: r.body.name }
  }
})
afterAll(() => srv.stop())

async function newVisitor(): Promise<string> {
  const r = await fetch(`${srv.url}/api/widget/visitors`, { method: 'POST' })
  return (await r.json()).visitor.id
}

/** A conversation whose visitor wrote `visitor` (in `language`, when the channel knew it) and an agent of `agentLanguage` answered `reply`. */
async function thread(o: { visitor: string; language?: string; agentLanguage?: string; reply?: string }): Promise<string> {
  const deps = srv.running.deps
  const first = await receiveInbound(deps, { channel: 'web', visitorId: await newVisitor(), body: o.visitor, clientId: cid(), language: o.language ?? null })
  const id = first.conversation.id
  if (o.reply) await sendReply(deps, agents[o.agentLanguage!]!, { conversationId: id, body: o.reply, clientId: cid() })
  return id
}

const finds = async (q: string, status = 'open'): Promise<string[]> =>
  (await search(srv.running.deps, me, { q, status, limit: '100' })).items.map((i) => i.id)

const languagesOf = async (id: string) =>
  (await srv.db.sql<{ lang: string }[]>`select lang::text from messages where conversation_id = ${id} order by seq`).map((r) => r.lang)

describe('full text in the six languages', () => {
  it('finds a German singular from its plural, and the plural from the singular', async () => {
    const agentSaid = await thread({ visitor: 'Hallo', agentLanguage: 'de', reply: 'Wir haben das Haus gestern geprüft.' })
    const visitorSaid = await thread({ visitor: 'Die Häuser am See sind wunderschön', language: 'de' })
    expect(await languagesOf(agentSaid)).toEqual(['simple', 'german'])
    expect(await languagesOf(visitorSaid)).toEqual(['german'])
    expect(await finds('Häuser')).toContain(agentSaid)
    expect(await finds('Haus')).toContain(visitorSaid)
    const hit = (await search(srv.running.deps, me, { q: 'Häuser', status: 'open' })).items.find((i) => i.id === agentSaid)!
    expect(hit.match).toMatchObject({ seq: 2 })
    expect(hit.match!.snippet).toContain('Haus')
  })

  it("indexes a web visitor's message in the widget's language, sent over the socket or HTTP", async () => {
    const visitor = await VisitorClient.create(srv.url)
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    const clientId = cid()
    ws.send({ type: 'message.send', clientId, body: 'Meine Schuhe sind zu klein', language: 'de' })
    const { conversationId } = await ws.waitFor('ack', (f) => f.clientId === clientId)
    ws.close()
    const r = await visitor.request('POST', '/api/widget/messages', { conversationId, body: 'Tengo dos gatos', clientId: cid(), language: 'es' })
    expect(r.status).toBe(201)
    expect((await visitor.request('POST', '/api/widget/messages', { conversationId, body: 'x', clientId: cid(), language: 'klingon' })).status).toBe(400)
    expect(await languagesOf(conversationId)).toEqual(['german', 'spanish'])
    expect(await finds('Schuh')).toContain(conversationId)
    expect(await finds('gato')).toContain(conversationId)
  })

  it('finds an English stem from another form ("running" finds "run")', async () => {
    const id = await thread({ visitor: 'Hi', agentLanguage: 'en', reply: 'We run the backup every night.' })
    expect(await languagesOf(id)).toEqual(['simple', 'english'])
    expect(await finds('running')).toContain(id)
  })

  it('finds Hungarian and Spanish words by their stems', async () => {
    const hu = await thread({ visitor: 'Szia', agentLanguage: 'hu', reply: 'Elküldtük a számlát e-mailben.' })
    const es = await thread({ visitor: 'Tengo dos gatos y necesito ayuda', language: 'es' })
    expect(await languagesOf(hu)).toEqual(['simple', 'hungarian'])
    expect(await finds('számla')).toContain(hu)
    expect(await finds('gato')).toContain(es)
  })

  it('finds Czech and Polish words exactly (PostgreSQL has no stemmer for them: simple)', async () => {
    const cs = await thread({ visitor: 'Dobrý den, potřebuji fakturu za objednávku', language: 'cs' })
    const pl = await thread({ visitor: 'Ahoj', agentLanguage: 'pl', reply: 'Dziękujemy za zamówienie, przesyłka już jedzie' })
    expect(await languagesOf(cs)).toEqual(['simple'])
    expect(await languagesOf(pl)).toEqual(['simple', 'simple'])
    expect(await finds('fakturu')).toContain(cs)
    expect(await finds('objednávku')).toContain(cs)
    expect(await finds('przesyłka')).toContain(pl)
    // no stemming: another form of the word is another word
    expect(await finds('faktura')).not.toContain(cs)
  })

  it('indexes a visitor’s later messages in the assigned agent’s language when the channel does not say', async () => {
    const id = await thread({ visitor: 'Guten Tag', agentLanguage: 'de', reply: 'Wie kann ich helfen?' })
    const visitorId = (await srv.db.sql<{ visitorId: string }[]>`select visitor_id from conversations where id = ${id}`)[0]!.visitorId
    await receiveInbound(srv.running.deps, { channel: 'web', visitorId, conversationId: id, body: 'Meine Bestellungen fehlen', clientId: cid() })
    expect(await languagesOf(id)).toEqual(['simple', 'german', 'german'])
    expect(await finds('Bestellung')).toContain(id)
  })

  it('finds nothing for words nobody wrote, and ignores search syntax it cannot read', async () => {
    await thread({ visitor: 'plain words only', language: 'en' })
    expect(await finds('xylophonist')).toEqual([])
    // websearch syntax never fails: quotes, a lone minus, operators as words
    for (const q of ['"plain words', '-', 'plain & | ! words', "o'clock", '(((']) {
      expect(Array.isArray(await finds(q))).toBe(true)
    }
    expect(await finds('"plain words"')).not.toEqual([])
  })

  it('finds the same conversations for a rare word (looked up by id) and a common one (checked one by one)', async () => {
    await thread({ visitor: 'Wo sind meine Häuser?', language: 'de' })
    await thread({ visitor: 'Hallo', agentLanguage: 'de', reply: 'Das Haus ist unterwegs.' })
    // Found by the visitor's name or e-mail only: by the visitors' ids, or (many visitors match)
    // each conversation's visitor checked along the page.
    const named = await thread({ visitor: 'Dobrý den', language: 'cs' })
    await srv.db.sql`update visitors set name = 'Jana Nováková', email = 'jana.novakova@firma.cz' where id = (select visitor_id from conversations where id = ${named})`
    for (const q of ['firma.cz', 'Jana']) {
      const s = parseSearch({ q, status: 'all', limit: '100' })
      for (const visitors of [(await textHits(srv.db.sql, q)).visitors, null]) {
        expect((await searchPage(srv.db.sql, s, 100, null, { text: { conversations: null, visitors }, facets: null })).map((r) => r.id)).toContain(named)
      }
      const page = await search(srv.running.deps, me, { q, status: 'all', limit: '100' })
      expect(page.items.find((i) => i.id === named)?.match).toBeNull()
    }
    for (const q of ['Haus', 'running', 'fakturu', 'Jana', 'firma.cz', 'xylophonist']) {
      const s = parseSearch({ q, status: 'all', limit: '100' })
      const hits = await textHits(srv.db.sql, q)
      expect(hits.conversations).not.toBeNull()
      expect(hits.visitors).not.toBeNull()
      const byId = (await searchPage(srv.db.sql, s, 100, null, { text: hits, facets: null })).map((r) => r.id)
      const oneByOne = (await searchPage(srv.db.sql, s, 100, null, { text: { conversations: null, visitors: null }, facets: null })).map((r) => r.id)
      const rareWordManyNames = (await searchPage(srv.db.sql, s, 100, null, { text: { ...hits, visitors: null }, facets: null })).map((r) => r.id)
      expect(rareWordManyNames).toEqual(byId)
      expect(oneByOne).toEqual(byId)
    }
    expect((await searchPage(srv.db.sql, parseSearch({ q: 'Haus', status: 'all' }), 100, null, { text: { conversations: null, visitors: null }, facets: null })).length).toBeGreaterThanOrEqual(3)
  })

  it('does not look a common word up (by the statistics, no rows read), and still finds it page by page', async () => {
    const id = await thread({ visitor: 'Wo ist mein Paket?', language: 'de' })
    await srv.db.sql`
      insert into messages (id, conversation_id, seq, author_type, body, channel, delivery_status, lang)
      select gen_random_uuid(), ${id}, 1 + i, 'visitor', 'Paket Nummer ' || i, 'web', 'received', 'german'
      from generate_series(1, ${TEXT_PROBE + 500}) i`
    await srv.db.sql`analyze messages`
    const common = await estimatedMatches(srv.db.sql, 'Pakete')
    expect(common.matches).toBeGreaterThanOrEqual(TEXT_PROBE)
    expect(common.matches).toBeGreaterThanOrEqual(common.messages * COMMON_SHARE)
    // a word the statistics do not know gets PostgreSQL's fixed guess, a small share
    const unknown = await estimatedMatches(srv.db.sql, 'xylophonist')
    expect(unknown.matches).toBeLessThan(unknown.messages * COMMON_SHARE)
    expect((await textHits(srv.db.sql, 'xylophonist')).conversations).toEqual([])
    expect((await textHits(srv.db.sql, 'Pakete')).conversations).toBeNull()
    expect((await textHits(srv.db.sql, 'Häuser')).conversations).not.toBeNull()
    expect(await finds('Pakete')).toContain(id)
  })
})

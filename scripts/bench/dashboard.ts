// Dashboard at scale: seed N conversations and 10·N messages in SQL (generate_series), then time
// the queries the dashboard makes, through Parley's own repository functions (the exact SQL it
// sends), and show each one's EXPLAIN ANALYZE.
import postgres from 'postgres'
import { createSql, type Sql } from '../../server/db/client.ts'
import { migrate } from '../../server/db/migrate.ts'
import { listView, openCounts, decodeCursor, encodeCursor } from '../../server/domain/conversations/conversations.repo.ts'
import { listLatest } from '../../server/domain/messages/messages.repo.ts'
import { search } from '../../server/domain/search/search.usecases.ts'
import { searchPage, hits } from '../../server/domain/search/search.repo.ts'
import { parseSearch } from '../../server/domain/search/search.rules.ts'
import { ALL_CPUS, SERVER_CPUS, percentile, log, type Cluster } from './lib.ts'

export interface DashboardOptions {
  conversations: number
  messagesPerConversation: number
  iterations: number
  runs: number
}

export interface QueryResult {
  name: string
  /** Median over runs of each run's p95, p50 (ms). */
  p95: number[]
  p50: number[]
  rows: number
  plan: string
}

export interface DashboardResult {
  conversations: number
  messages: number
  seedSeconds: number
  vacuumSeconds: number
  queries: QueryResult[]
}

const AGENTS = 10
const GROUPS = 5
const TAGS = 20
const FIRST_NAMES = ['Jana', 'Petr', 'Anna', 'Tomáš', 'Eva', 'Lukas', 'Maria', 'Sofia', 'Jan', 'Katarzyna', 'Piotr', 'Zsófia', 'László', 'Lucía', 'Carlos', 'Emma', 'Oliver', 'Hannah', 'Jonas', 'Noah']
const LAST_NAMES = ['Nováková', 'Svoboda', 'Müller', 'Schmidt', 'García', 'López', 'Kowalski', 'Nowak', 'Nagy', 'Kovács', 'Smith', 'Brown', 'Dvořák', 'Wagner', 'Fernández', 'Wiśniewska', 'Tóth', 'Taylor', 'Fischer', 'Horváth']
const pgArray = (xs: string[]) => `(array[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')}])`
const FIRST = pgArray(FIRST_NAMES)
const FIRST_ASCII = pgArray(FIRST_NAMES.map((n) => n.normalize('NFD').replace(/[^A-Za-z]/g, '')))
const LAST = pgArray(LAST_NAMES)
const FIRST_N = FIRST_NAMES.length
const LAST_N = LAST_NAMES.length
const DOMAINS = pgArray(['example.com', 'firma.cz', 'beispiel.de', 'ejemplo.es', 'pelda.hu', 'przyklad.pl', 'mail.example'])
/** Messages of each language: a sentence about an order, and its text search configuration. */
const BODIES = pgArray([
  'Hello, I have a question about my order and its delivery, it is running late.',
  'Hallo, ich habe eine Frage zu meiner Bestellung und der Lieferung der Häuser-Poster.',
  'Hola, tengo una pregunta sobre mi pedido y su entrega, los paquetes no llegan.',
  'Szia, kérdésem van a rendelésemről és a számlák szállításáról.',
  'Dobrý den, mám dotaz k objednávce a doručení zásilky.',
  'Dzień dobry, mam pytanie o zamówienie i dostawę przesyłki.',
])
const CONFIGS = pgArray(['english', 'german', 'spanish', 'hungarian', 'simple', 'simple'])
/** Share of conversations still open (the rest are resolved), and of the open ones unassigned. */
const OPEN_SHARE = 0.02
const UNASSIGNED_SHARE = 0.25

// UUIDv7-shaped ids built from a millisecond timestamp and a unique counter. PostgreSQL's own
// uuidv7()/gen_random_uuid() cost ~5 µs each with the embedded build (a /dev/urandom read per
// call), which alone would take a minute for 11 million rows.
// ('0' || 11 hex digits of milliseconds: right until the year 2527; the tail's top bit is the variant.)
const ID = (ms: string, u: string) => `('0' || to_hex((${ms})::bigint) || '7000' || to_hex((${u})::bigint - 9223372036854775807 - 1))::uuid`
const TS = (ms: string) => `to_timestamp((${ms}) / 1000.0)`

export async function seed(url: string, n: number, perConv: number): Promise<void> {
  const open = Math.max(50, Math.round(n * OPEN_SHARE))
  const visitors = Math.max(1, Math.floor(n / 2))
  const year = 365 * 24 * 3600 * 1000
  const base = Date.now() - year - 3600_000
  // Conversation i starts at cMs(i); visitor j arrived at vMs(j). Everything is derived from the
  // numbers, so the three tables are generated without joins and in parallel.
  const cMs = (i: string) => `(${base}::bigint + (${i})::bigint * ${Math.floor(year / n)})`
  const vMs = (j: string) => `(${base}::bigint - 86400000 + (${j})::bigint * ${Math.floor(year / visitors)})`
  const visitorOf = (i: string) => `(1 + ((${i}) % ${visitors}))`
  const isOpen = (i: string) => `((${i}) > ${n - open})`
  const unassigned = (i: string) => `(${isOpen(i)} and (${i}) % 4 = 0)`
  let agentArray = ''
  const agentOf = (i: string) => `(${agentArray}::uuid[])[1 + (${i}) % ${AGENTS}]`
  let groupArray = ''
  let tagArray = ''
  let searchIndexes: { name: string; definition: string }[] = []
  // 60% of conversations in one of the groups
  const groupOf = (i: string) => `case when (${i}) % 13 < 8 then (${groupArray}::uuid[])[1 + (${i}) % ${GROUPS}] end`
  // 80% web, 15% e-mail, 5% Messenger; only web conversations have an address and a start page
  const CHANNEL = (i: string) => `(case when (${i}) % 20 < 16 then 'web' when (${i}) % 20 < 19 then 'email' else 'messenger' end)`
  const web = (i: string) => `(${i}) % 20 < 16`
  // IPv4 spread over 10.0.0.0/8 and a few public /16s, one in 50 IPv6
  const IP = (i: string) => `case when not ${web(i)} then null
    when (${i}) % 50 = 0 then ('2001:db8:' || to_hex((${i}) % 65536) || '::' || to_hex((${i}) % 4093 + 1))::inet
    else ((array[10, 10, 10, 81, 185, 93])[1 + (${i}) % 6] || '.' || (${i}) % 251 || '.' || ((${i}) / 251) % 256 || '.' || (${i}) % 254 + 1)::inet end`
  const URL_OF = (i: string) => `case when ${web(i)} then 'https://shop.example/' ||
    (array['pricing', 'checkout', 'cart', 'help/shipping', 'blog/post-' || (${i}) % 400, 'product/' || (${i}) % 5000, 'account', 'product/' || (${i}) % 5000 || '?ref=mail'])[1 + (${i}) % 8] end`
  // Tags on about 29% of conversations (one or two), ratings on about 36% of the resolved ones
  // (thumbs or stars): moduli prime to the others', so filters combine as in life. The
  // conversations row carries copies of both (migration 00020; the seed bypasses its triggers).
  const TAGS_OF = (i: string) => `case when (${i}) % 7 in (0, 1) then array(select distinct (${tagArray}::uuid[])[1 + t]
    from unnest(array[(${i}) % ${TAGS}, case when (${i}) % 7 = 0 then ((${i}) / 7) % ${TAGS} end]) t where t is not null) else '{}' end`
  const rated = (i: string) => `((${i}) % 11 < 4 and not ${isOpen(i)})`
  const RATING_SCALE = (i: string) => `(case when (${i}) % 2 = 0 then 'thumbs' else 'stars' end)`
  const RATING_SCORE = (i: string) => `(case when (${i}) % 2 = 0 then ((${i}) / 11) % 2 else 1 + ((${i}) / 11) % 5 end)::smallint`
  // each conversation is in one of the six languages (index into BODIES / CONFIGS)
  const LANGUAGE_OF = (i: string) => `(1 + (${i}) % 6)`
  const sessions = Array.from({ length: 2 }, () => createSql(url, { max: 1 }))
  try {
    for (const s of sessions) {
      // Set-up only: no fsync wait per statement, and no per-row foreign-key triggers (the rows
      // are consistent by construction).
      await s.unsafe('set synchronous_commit = off')
      await s.unsafe('set session_replication_role = replica')
    }
    const [a, b] = sessions as [Sql, Sql]
    await a.unsafe(`
      insert into agents (id, email, name, role, password_hash)
      select ${ID(`${base - 2 * 86400000}::bigint`, 'i')}, 'agent' || i || '@bench.example', 'Agent ' || i,
        case when i = 1 then 'owner' else 'full' end, 'x'
      from generate_series(1, ${AGENTS}) i`)
    const ids = await a.unsafe<{ id: string }[]>(`select id from agents order by email`)
    agentArray = `'{${ids.map((r) => r.id).join(',')}}'`
    await a.unsafe(`
      insert into groups (id, key, name) select ${ID(`${base - 2 * 86400000}::bigint`, '100 + i')}, 'group' || i, 'Group ' || i
      from generate_series(1, ${GROUPS}) i`)
    groupArray = `'{${(await a.unsafe<{ id: string }[]>(`select id from groups order by key`)).map((r) => r.id).join(',')}}'`
    await a.unsafe(`
      insert into tags (id, name, color) select ${ID(`${base - 2 * 86400000}::bigint`, '200 + i')}, 'Tag ' || i, 'blue'
      from generate_series(1, ${TAGS}) i`)
    tagArray = `'{${(await a.unsafe<{ id: string }[]>(`select id from tags order by name`)).map((r) => r.id).join(',')}}'`
    // The search's GIN and GiST indexes are built once after the bulk insert (set-up speed; a
    // running server adds to them row by row).
    searchIndexes = await a.unsafe<{ name: string; definition: string }[]>(`
      select indexname as name, indexdef as definition from pg_indexes
      where indexname in ('messages_text', 'visitors_name_trgm', 'visitors_email_trgm', 'conversations_resolved_ip', 'conversations_resolved_url',
        'conversations_resolved_facets')`)
    for (const ix of searchIndexes) await a.unsafe(`drop index ${ix.name}`)
    const halves = (lo: number, hi: number): [number, number][] => {
      const mid = Math.floor((lo + hi) / 2)
      return [[lo, mid], [mid + 1, hi]]
    }
    await Promise.all(
      halves(1, visitors).map(([lo, hi], k) =>
        sessions[k]!.unsafe(`
          insert into visitors (id, name, email, created_at, last_seen_at)
          select ${ID(vMs('j'), 'j')}, ${FIRST}[1 + j % ${FIRST_N}] || ' ' || ${LAST}[1 + (j / ${FIRST_N}) % ${LAST_N}],
            case when j % 3 = 0 then lower(${FIRST_ASCII}[1 + j % ${FIRST_N}]) || '.' || j || '@' || ${DOMAINS}[1 + j % 7] end,
            ${TS(vMs('j'))}, ${TS(vMs('j'))}
          from generate_series(${lo}, ${hi}) j`),
      ),
    )
    await Promise.all(
      halves(1, n).map(([lo, hi], k) =>
        sessions[k]!.unsafe(`
          insert into conversations (id, visitor_id, channel, status, assignee_id, last_seq, last_message_at,
            last_message_preview, last_message_author, waiting_since, created_at, updated_at, resolved_at, resolved_by,
            group_id, ip, start_url, tag_ids, rating_scale, rating_score)
          select ${ID(cMs('i'), 'i')}, ${ID(vMs(visitorOf('i')), visitorOf('i'))}, ${CHANNEL('i')}::channel_kind,
            (case when ${isOpen('i')} then 'open' else 'resolved' end)::conversation_status,
            case when ${unassigned('i')} then null else ${agentOf('i')} end,
            ${perConv}, ${TS(cMs('i') + ` + ${perConv} * 60000`)}, 'Thanks, that answers it', 'visitor',
            case when ${unassigned('i')} then ${TS(cMs('i') + ' + 60000')} end,
            ${TS(cMs('i'))}, ${TS(cMs('i') + ` + ${perConv} * 60000`)},
            case when ${isOpen('i')} then null else ${TS(cMs('i') + ' + 1800000 + (i % 997) * 1000')} end,
            case when ${isOpen('i')} then null else ${agentOf('i')} end,
            ${groupOf('i')}, ${IP('i')}, ${URL_OF('i')},
            ${TAGS_OF('i')}, case when ${rated('i')} then ${RATING_SCALE('i')} end, case when ${rated('i')} then ${RATING_SCORE('i')} end
          from generate_series(${lo}, ${hi}) i`),
      ),
    )
    // Visitor and agent turns alternate (an unassigned conversation has only the visitor's);
    // bodies of everyday length. Four slices, two at a time.
    const quarters = halves(1, n).flatMap(([lo, hi]) => halves(lo, hi))
    const messageSql = ([lo, hi]: [number, number]) => {
      const agentTurn = `(k % 2 = 0 and not c.unassigned)`
      // offset 0 keeps the per-conversation ids computed once per conversation, not per message.
      return `
        insert into messages (id, conversation_id, seq, author_type, author_id, body, client_id, channel, delivery_status, created_at, lang)
        select ${ID('c.ms + k * 60000', `c.i * ${perConv + 1} + k`)}, c.id, k,
          (case when ${agentTurn} then 'agent' else 'visitor' end)::author_kind,
          case when ${agentTurn} then c.agent else c.visitor end,
          -- one sentence of the conversation's language, an item number (a long tail of words),
          -- and a rare word in about one message in 200,000
          ${BODIES}[c.language] || ' (#' || k || ', item sku' || (c.i * 7 + k) % 50000 || ')'
            || case when (c.i * 7 + k) % 200003 = 0 then ' zeppelin' else '' end,
          null, ${CHANNEL('c.i')}::channel_kind,
          (case when ${agentTurn} then 'delivered' else 'received' end)::delivery_status,
          ${TS('c.ms + k * 60000')}, ${CONFIGS}[c.language]::regconfig
        from (
          select i::bigint as i, ${cMs('i')} as ms, ${ID(cMs('i'), 'i')} as id, ${ID(vMs(visitorOf('i')), visitorOf('i'))} as visitor,
            ${agentOf('i')} as agent, ${unassigned('i')} as unassigned, ${LANGUAGE_OF('i')} as language
          from generate_series(${lo}, ${hi}) i offset 0
        ) c cross join generate_series(1, ${perConv}) k`
    }
    await Promise.all([a.unsafe(messageSql(quarters[0]!)), b.unsafe(messageSql(quarters[2]!))])
    await Promise.all([a.unsafe(messageSql(quarters[1]!)), b.unsafe(messageSql(quarters[3]!))])
    // The tags and ratings themselves (the conversations rows got their copies above).
    await Promise.all([
      a.unsafe(`
        insert into conversation_tags (conversation_id, tag_id, added_at)
        select ${ID(cMs('i'), 'i')}, t, ${TS(cMs('i'))}
        from generate_series(1, ${n}) i
        cross join lateral unnest(${TAGS_OF('i')}) t`),
      b.unsafe(`
        insert into conversation_ratings (conversation_id, visitor_id, scale, score, created_at, updated_at)
        select ${ID(cMs('i'), 'i')}, ${ID(vMs(visitorOf('i')), visitorOf('i'))},
          ${RATING_SCALE('i')}, ${RATING_SCORE('i')}, ${TS(cMs('i') + ' + 3600000')}, ${TS(cMs('i') + ' + 3600000')}
        from generate_series(1, ${n}) i
        where ${rated('i')}`),
    ])
    for (const ix of searchIndexes) await a.unsafe(ix.definition)
  } finally {
    for (const s of sessions) await s.end()
  }
}

/** The SQL text and parameters a repository function sends, caught with postgres.js's debug hook. */
function capturing(url: string): { sql: Sql; last: () => { query: string; params: unknown[] } | null; end: () => Promise<void> } {
  let last: { query: string; params: unknown[] } | null = null
  const sql = postgres(url, {
    max: 1,
    transform: postgres.camel,
    onnotice: () => {},
    debug: (_conn, query, params) => {
      last = { query, params: params as unknown[] }
    },
  }) as unknown as Sql
  return { sql, last: () => last, end: () => sql.end() }
}

export async function runDashboard(cluster: Cluster, o: DashboardOptions): Promise<DashboardResult> {
  const url = await cluster.createDatabase('bench_dashboard')
  const sql = createSql(url, { max: 2 })
  await migrate(sql)
  // Seeding is set-up, not the benchmark: let PostgreSQL use both cores for it.
  cluster.pin(ALL_CPUS)
  log(`dashboard: seeding ${o.conversations.toLocaleString()} conversations, ${(o.conversations * o.messagesPerConversation).toLocaleString()} messages`)
  const t0 = performance.now()
  await seed(url, o.conversations, o.messagesPerConversation)
  const seedSeconds = (performance.now() - t0) / 1000
  const t1 = performance.now()
  await sql.unsafe('vacuum (analyze) agents, visitors, conversations, messages, conversation_tags, conversation_ratings, tags, groups')
  await sql.unsafe('checkpoint')
  const vacuumSeconds = (performance.now() - t1) / 1000
  log(`dashboard: seeded in ${seedSeconds.toFixed(1)} s, vacuum analyze ${vacuumSeconds.toFixed(1)} s`)
  cluster.pin(SERVER_CPUS)

  const agents = await sql<{ id: string }[]>`select id from agents order by email`
  const [{ count: messages } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from messages`
  const [{ count: total } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from conversations`
  // A deep page of Resolved: the keyset cursor of the row halfway down the list.
  const half = Math.floor((total * (1 - OPEN_SHARE)) / 2)
  const [mid] = await sql<{ sortKey: string; id: string }[]>`
    select resolved_at::text as sort_key, id from conversations where status = 'resolved'
    order by resolved_at desc, id desc offset ${half} limit 1`
  const deepCursor = mid ? decodeCursor(encodeCursor([mid.sortKey, mid.id])) : null
  const sampleConversations = (await sql<{ id: string }[]>`
    select id from conversations tablesample system (1) limit 200`).map((r) => r.id)
  if (sampleConversations.length === 0) sampleConversations.push(...(await sql<{ id: string }[]>`select id from conversations limit 20`).map((r) => r.id))
  const groups = (await sql<{ id: string }[]>`select id from groups order by key`).map((r) => r.id)
  const tags = (await sql<{ id: string }[]>`select id from tags order by name`).map((r) => r.id)
  const [{ newest } = { newest: new Date() }] = await sql<{ newest: Date }[]>`select max(resolved_at) as newest from conversations`
  const day = (d: Date) => d.toISOString().slice(0, 10)
  // a week of resolved conversations, a month before the newest
  const weekTo = new Date(newest.getTime() - 30 * 86_400_000)
  const weekFrom = new Date(weekTo.getTime() - 6 * 86_400_000)
  await sql.end()

  const PAGE = 30 // what the dashboard asks for (ui/dashboard/store.ts)
  const THREAD = 100
  const agentAt = (i: number) => agents[1 + (i % (agents.length - 1))]!.id
  // explain: the statement whose plan is shown, when it is not the last one `run` sends
  const queries: { name: string; run: (db: Sql, i: number) => Promise<number>; explain?: (db: Sql) => Promise<unknown> }[] = [
    { name: 'Open › Unassigned, first page', run: async (db) => (await listView(db, 'unassigned', agentAt(0), PAGE, null)).items.length },
    { name: 'Open › Mine, first page', run: async (db, i) => (await listView(db, 'mine', agentAt(i), PAGE, null)).items.length },
    { name: 'Open › Others, first page', run: async (db, i) => (await listView(db, 'others', agentAt(i), PAGE, null)).items.length },
    { name: 'Open counts (all three tabs)', run: async (db) => Object.keys((await openCounts(db)).byAssignee).length + 1 },
    { name: 'Resolved, first page', run: async (db, i) => (await listView(db, 'resolved', agentAt(i), PAGE, null)).items.length },
    { name: 'Resolved, deep page (keyset, middle)', run: async (db, i) => (await listView(db, 'resolved', agentAt(i), PAGE, deepCursor)).items.length },
    { name: "One conversation's messages", run: async (db, i) => (await listLatest(db, sampleConversations[i % sampleConversations.length]!, THREAD)).length },
  ]
  // Search (#16): GET /api/search's use case, as the API calls it (checks, page, matches).
  const actor = { id: agents[0]!.id, role: 'owner' as const, name: 'Agent 1' }
  const searches: [string, (i: number) => Record<string, string>][] = [
    ['Search: resolved, no filter', () => ({})],
    ['Search: rating good', () => ({ rating: 'good' })],
    ['Search: rating 1–2 stars', () => ({ rating: '1,2' })],
    ['Search: agent', (i) => ({ agent: agentAt(i) })],
    ['Search: agent none (never assigned)', () => ({ agent: 'none' })],
    ['Search: group', (i) => ({ group: groups[i % groups.length]! })],
    ['Search: tag (any)', (i) => ({ tags: tags[i % tags.length]! })],
    ['Search: two tags, all', (i) => ({ tags: `${tags[i % 7]!},${tags[7 + (i % 7)]!}`, tagMode: 'all' })],
    ['Search: page URL contains', () => ({ url: 'checkout' })],
    ['Search: page URL contains (rare)', (i) => ({ url: `product/${1000 + (i % 3000)}?ref` })],
    ['Search: IP exact', (i) => ({ ip: `10.${i % 251}.0.${(i % 251) + 1}` })],
    ['Search: IP /16 range', (i) => ({ ip: `81.${i % 251}.0.0/16` })],
    ['Search: IPv6 /32 range', () => ({ ip: '2001:db8::/32' })],
    ['Search: channel messenger', () => ({ channel: 'messenger' })],
    ['Search: status open', () => ({ status: 'open' })],
    ['Search: status all', () => ({ status: 'all' })],
    ['Search: one week', () => ({ from: day(weekFrom), to: day(weekTo) })],
    ['Search: rating bad + agent', (i) => ({ rating: 'bad', agent: agentAt(i) })],
    ['Search: tag + group + channel web', (i) => ({ tags: tags[i % tags.length]!, group: groups[i % groups.length]!, channel: 'web' })],
    ['Search: IP /8 + URL + one week', () => ({ ip: '10.0.0.0/8', url: 'pricing', from: day(weekFrom), to: day(weekTo) })],
    ['Search: full text, common word', () => ({ q: 'order' })],
    ['Search: full text, German plural', () => ({ q: 'Bestellungen' })],
    ['Search: full text, rare word', () => ({ q: 'zeppelin' })],
    ['Search: name prefix', () => ({ q: 'Jan' })],
    ['Search: e-mail part', () => ({ q: 'firma.cz' })],
  ]
  for (const [name, params] of searches) {
    queries.push({
      name,
      run: async (db, i) => (await search({ sql: db }, actor, { ...params(i), limit: String(PAGE) })).items.length,
      // the page's statement (with q, the last one is the matches of the page)
      explain: async (db) => {
        const s = parseSearch(params(0))
        return searchPage(db, s, PAGE, null, await hits(db, s, PAGE))
      },
    })
  }

  const cap = capturing(url)
  const results: QueryResult[] = []
  for (const q of queries) {
    const rows = await q.run(cap.sql, 0)
    if (q.explain) await q.explain(cap.sql)
    const captured = cap.last()
    let plan = ''
    if (captured) {
      const lines = await cap.sql.unsafe(`explain (analyze, buffers, costs off, summary on) ${captured.query}`, captured.params as never[])
      plan = lines.map((l: Record<string, string>) => Object.values(l)[0]).join('\n')
    }
    results.push({ name: q.name, p95: [], p50: [], rows, plan })
  }
  for (let r = 0; r < o.runs; r++) {
    for (let qi = 0; qi < queries.length; qi++) {
      const q = queries[qi]!
      const times = new Float64Array(o.iterations)
      for (let i = 0; i < o.iterations; i++) {
        const s = performance.now()
        await q.run(cap.sql, i + 1)
        times[i] = performance.now() - s
      }
      times.sort()
      results[qi]!.p95.push(percentile(times, 95))
      results[qi]!.p50.push(percentile(times, 50))
    }
  }
  await cap.end()
  return { conversations: total, messages, seedSeconds, vacuumSeconds, queries: results }
}

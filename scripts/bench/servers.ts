// Starting the three servers the way a user would run them, pinned to the server core.
import postgres from 'postgres'
import { join } from 'node:path'
import { BUN, NODE, ROOT, SERVER_CPUS, freePort, pinned, spawnChild, waitHttp200, type Child } from './lib.ts'

export type Kind = 'parley' | 'bun' | 'sio' | 'batched'
/** The servers of the idle and storm benchmarks (the batched peer differs from raw Bun only on the chat path). */
export const KINDS: Kind[] = ['parley', 'sio', 'bun']
/** The chat benchmark's: the three, and raw Bun with group commit — the ceiling of that path. */
export const CHAT_KINDS: Kind[] = ['parley', 'sio', 'bun', 'batched']
export const LABEL: Record<Kind, string> = {
  parley: 'Parley',
  sio: 'Socket.IO 4 + pg (Node)',
  bun: 'raw Bun.serve + postgres.js',
  batched: 'raw Bun.serve + postgres.js, group commit',
}
const PEER_FILE: Record<Exclude<Kind, 'parley'>, string> = {
  sio: 'scripts/bench/peers/socketio.mjs',
  bun: 'scripts/bench/peers/bun-raw.ts',
  batched: 'scripts/bench/peers/bun-raw-batched.ts',
}

export interface Server {
  kind: Kind
  url: string
  child: Child
  pid: number
  stop(): Promise<void>
}

export const OWNER = { email: 'bench-owner@example.com', password: 'bench-owner-password' }

/** Parley through its real entry (`bun server/main.ts`), configured by environment. */
/** BENCH_PARLEY_MAIN points the benchmarks at another copy of the server (to A/B a change). */
export const PARLEY_MAIN = process.env.BENCH_PARLEY_MAIN || join(ROOT, 'server/main.ts')

/**
 * Parley's runtime flags: by default the ones `npm start` and the Dockerfile use (`--smol`);
 * BENCH_PARLEY_BUN_ARGS replaces them ('' for none).
 */
const EXTRA_BUN_ARGS = (process.env.BENCH_PARLEY_BUN_ARGS ?? '--smol').split(' ').filter(Boolean)

/** `port`: start on this one (a restart on the same address); otherwise a free one. */
export async function startParley(env: Record<string, string>, fdLimit = 0, bunArgs: string[] = [], main = PARLEY_MAIN, port = 0): Promise<Server> {
  port ||= await freePort()
  const child = spawnChild(pinned(SERVER_CPUS, [BUN, ...EXTRA_BUN_ARGS, ...bunArgs, main]), {
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PARLEY_OWNER_EMAIL: OWNER.email,
      PARLEY_OWNER_PASSWORD: OWNER.password,
      // The load comes from one address at many times a person's pace: limits that it never
      // reaches, so the benchmark measures the path, with the limits' checks still on it.
      LIMIT_MESSAGES_PER_VISITOR: '1000000/1',
      LIMIT_MESSAGES_PER_IP: '1000000/1',
      LIMIT_VISITORS_PER_IP: '1000000/1',
      LIMIT_PAGE_VIEWS_PER_VISITOR: '1000000/1',
      LIMIT_PAGE_VIEWS_PER_IP: '1000000/1',
      LIMIT_SOCKETS_PER_IP: '1000000',
      LIMIT_RECORDING_CHUNKS_PER_VISITOR: '1000000/1',
      LIMIT_UPDATES_PER_VISITOR: '1000000/1',
      LIMIT_UPDATES_PER_IP: '1000000/1',
      LIMIT_SIGNALS_PER_VISITOR: '1000000/1',
      LIMIT_SIGNALS_PER_IP: '1000000/1',
      ...env,
    },
    fdLimit,
  })
  const url = `http://127.0.0.1:${port}`
  await waitHttp200(`${url}/healthz`, 60_000, child)
  return { kind: 'parley', url, child, pid: child.pid, stop: () => child.stop('SIGTERM', 15_000) }
}

export async function startPeer(kind: Exclude<Kind, 'parley'>, databaseUrl: string, fdLimit = 0, port = 0): Promise<Server> {
  port ||= await freePort()
  const argv = [kind === 'sio' ? NODE : BUN, join(ROOT, PEER_FILE[kind])]
  const child = spawnChild(pinned(SERVER_CPUS, argv), {
    // BENCH_PEER_CONVERSATIONS=1: the group-commit peer also upserts a conversation row per batch.
    env: { DATABASE_URL: databaseUrl, PORT: String(port), PEER_CONVERSATIONS: process.env.BENCH_PEER_CONVERSATIONS ?? '' },
    fdLimit,
  })
  await child.waitLine((l) => l.includes('"ready"'), 30_000)
  const url = `http://127.0.0.1:${port}`
  return { kind, url, child, pid: child.pid, stop: () => child.stop('SIGTERM', 10_000) }
}

/** Widget visitors the way the widget makes them: POST /api/widget/visitors. */
export async function createParleyVisitors(url: string, n: number): Promise<string[]> {
  const tokens: string[] = []
  const batch = 32
  for (let i = 0; i < n; i += batch) {
    const got = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async () => {
        const r = await fetch(`${url}/api/widget/visitors`, { method: 'POST' })
        if (r.status !== 201) throw new Error(`visitor creation failed: ${r.status} ${await r.text()}`)
        return ((await r.json()) as { token: string }).token
      }),
    )
    tokens.push(...got)
  }
  return tokens
}

/** Signs the owner in `n` times: one session cookie per dashboard. */
export async function parleyAgentCookies(url: string, n: number): Promise<string[]> {
  const cookies: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify(OWNER),
    })
    const set = r.headers.get('set-cookie')
    if (r.status !== 200 || !set) throw new Error(`login failed: ${r.status} ${await r.text()}`)
    cookies.push(set.split(';')[0]!)
  }
  return cookies
}

/** The peers' visitors: `n` rows with tokens `tok-1` … `tok-n`. */
export async function seedPeerVisitors(databaseUrl: string, n: number): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await sql`create table if not exists visitors (id uuid primary key, token text not null unique)`
    await sql`
      insert into visitors (id, token)
      select gen_random_uuid(), 'tok-' || i from generate_series(1, ${n}) i
      on conflict (token) do nothing`
  } finally {
    await sql.end()
  }
  return Array.from({ length: n }, (_, i) => `tok-${i + 1}`)
}

/** How many of `clientIds` are stored, and how many client ids are stored more than once. */
export async function checkStored(databaseUrl: string, clientIds: string[], tag: string): Promise<{ found: number; duplicates: number; rows: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    let found = 0
    for (let i = 0; i < clientIds.length; i += 5000) {
      const chunk = clientIds.slice(i, i + 5000)
      const [r] = await sql<{ n: number }[]>`select count(distinct client_id)::int as n from messages where client_id = any(${chunk}::text[])`
      found += r?.n ?? 0
    }
    const [d] = await sql<{ n: number }[]>`
      select count(*)::int as n from (select client_id from messages where client_id like ${tag + '.%'} group by client_id having count(*) > 1) x`
    const [all] = await sql<{ n: number }[]>`select count(*)::int as n from messages where client_id like ${tag + '.%'}`
    return { found, duplicates: d?.n ?? 0, rows: all?.n ?? 0 }
  } finally {
    await sql.end()
  }
}

import { describe, expect, it } from 'bun:test'
import { configError } from './testing/harness.ts'
import { resolve } from 'node:path'
import { loadConfig } from './config.ts'


describe('configuration', () => {
  it('has typed defaults when nothing is set', () => {
    const c = loadConfig({})
    expect(c.port).toBe(8080)
    expect(c.dataDir).toBe('./data')
    expect(c.databaseUrl).toBeNull()
    expect(c.trustProxy).toEqual([])
    expect(c.logLevel).toBe('info')
  })

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATA_DIR: '/srv/parley',
      DATABASE_URL: 'postgres://u:p@db:5432/parley',
      PUBLIC_URL: 'https://chat.example.com',
      TRUST_PROXY: '127.0.0.1, ::1',
      LOG_LEVEL: 'WARN',
      PARLEY_OWNER_EMAIL: 'o@example.com',
      PARLEY_OWNER_PASSWORD: 'long-enough',
      PARLEY_OWNER_NAME: 'Olga',
      SESSION_DAYS: '7',
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_IP: '10',
      LOGIN_WINDOW_SECONDS: '60',
    })
    expect(c).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/srv/parley',
      publicUrl: 'https://chat.example.com',
      trustProxy: ['127.0.0.1', '::1'],
      logLevel: 'warn',
      ownerName: 'Olga',
      sessionDays: 7,
      loginMaxFailuresPerEmail: 3,
      loginMaxFailuresPerIp: 10,
      loginWindowSeconds: 60,
    })
  })

  it('names the variable when a value is wrong', () => {
    expect(configError({ PORT: 'eighty' })).toStartWith('PORT: expected a whole number')
    expect(configError({ PORT: '70000' })).toStartWith('PORT: expected a number from 0 to 65535')
    expect(configError({ DATABASE_URL: 'mysql://x' })).toStartWith('DATABASE_URL:')
    expect(configError({ LOG_LEVEL: 'loud' })).toStartWith('LOG_LEVEL: expected one of')
    expect(configError({ TRUST_PROXY: 'proxy.local' })).toStartWith('TRUST_PROXY:')
    expect(configError({ PARLEY_OWNER_EMAIL: 'o@example.com' })).toStartWith('PARLEY_OWNER_PASSWORD:')
    expect(configError({ PARLEY_OWNER_EMAIL: 'o@example.com', PARLEY_OWNER_PASSWORD: 'short' })).toStartWith('PARLEY_OWNER_PASSWORD:')
    expect(configError({ PARLEY_OWNER_EMAIL: 'o@example.com', PARLEY_OWNER_PASSWORD: 'shortpw1' })).toBe('PARLEY_OWNER_PASSWORD: must be at least 10 characters')
  })

  it('reads the widget limits as requests per seconds, with defaults a busy site stays under', () => {
    const d = loadConfig({}).limits
    expect(d.messagesPerVisitor).toEqual({ burst: 30, seconds: 15 })
    expect(d.socketsPerIp).toBe(200)
    const c = loadConfig({ LIMIT_MESSAGES_PER_VISITOR: '5/60', LIMIT_VISITORS_PER_IP: '100/60s', LIMIT_SOCKETS_PER_IP: '50' }).limits
    expect(c.messagesPerVisitor).toEqual({ burst: 5, seconds: 60 })
    expect(c.visitorsPerIp).toEqual({ burst: 100, seconds: 60 })
    expect(c.socketsPerIp).toBe(50)
    expect(configError({ LIMIT_MESSAGES_PER_VISITOR: '20' })).toStartWith('LIMIT_MESSAGES_PER_VISITOR: expected requests/seconds')
    expect(configError({ LIMIT_PAGE_VIEWS_PER_IP: '0/60' })).toStartWith('LIMIT_PAGE_VIEWS_PER_IP:')
    expect(configError({ LIMIT_CONTACTS_PER_IP: '5/0' })).toStartWith('LIMIT_CONTACTS_PER_IP:')
    expect(configError({ LIMIT_SOCKETS_PER_IP: '0' })).toStartWith('LIMIT_SOCKETS_PER_IP:')
  })

  it('stops start-up with one line naming the variable', async () => {
    const proc = Bun.spawn([process.execPath, resolve(import.meta.dir, 'main.ts')], {
      env: { ...process.env, PORT: 'abc', DATABASE_URL: '' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const code = await proc.exited
    const err = (await new Response(proc.stderr).text()).trim()
    expect(code).toBe(2)
    expect(err.split('\n')).toHaveLength(1)
    expect(err).toContain('PORT: expected a whole number, got "abc"')
  })
})

describe('MESSENGER_RETRY_DELAYS', () => {
  it('reads seconds before each retry of a Messenger reply, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).messenger.retryDelaysMs).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000])
    expect(loadConfig({ MESSENGER_RETRY_DELAYS: '1, 2.5' }).messenger.retryDelaysMs).toEqual([1_000, 2_500])
    expect(configError({ MESSENGER_RETRY_DELAYS: '5,soon' })).toContain('MESSENGER_RETRY_DELAYS')
    expect(configError({ MESSENGER_RETRY_DELAYS: '-1' })).toContain('MESSENGER_RETRY_DELAYS')
  })
})

describe('the README', () => {
  it("documents every environment variable config.ts reads, in its Configuration table", async () => {
    const source = await Bun.file(resolve(import.meta.dir, 'config.ts')).text()
    const readme = await Bun.file(resolve(import.meta.dir, '../README.md')).text()
    const names = [...new Set([...source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!))]
    expect(names.length).toBeGreaterThan(40)
    // a row's first cell names one variable or several (`IMAP_USER`, `IMAP_PASSWORD`)
    const rows = new Set([...readme.matchAll(/^\| (`[A-Z][A-Z0-9_]+`(?:, `[A-Z][A-Z0-9_]+`)*) \|/gm)].flatMap((m) => m[1]!.match(/[A-Z][A-Z0-9_]+/g)!))
    expect(names.filter((n) => !rows.has(n))).toEqual([])
  })
})

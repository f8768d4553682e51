import { describe, expect, it } from 'bun:test'
import { configError } from '../../testing/harness.ts'
import { loadConfig } from '../../config.ts'
import { createTestDb } from '../../db/testing.ts'
import { SecretBox } from '../../shared/secrets.ts'
import { loadEmailSettings, resolveImap, saveEmailSettings } from './settings.usecases.ts'


describe('e-mail settings from the environment', () => {
  it('reads SMTP_* and IMAP_* for unattended installs', () => {
    const c = loadConfig({
      SMTP_HOST: 'smtp.example.com',
      SMTP_TLS: 'tls',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      SMTP_FROM: 'support@example.com',
      SMTP_FROM_NAME: 'Acme',
      SMTP_RETRY_DELAYS: '1, 2.5',
      IMAP_HOST: 'imap.example.com',
      IMAP_USER: 'support',
      IMAP_PASSWORD: 'secret',
      IMAP_PLUS_ADDRESSING: 'yes',
      IMAP_POLL_SECONDS: '30',
    })
    expect(c.email).toEqual({
      smtp: { host: 'smtp.example.com', port: 465, tls: 'tls', user: 'u', password: 'p', fromName: 'Acme', fromAddress: 'support@example.com' },
      imap: { host: 'imap.example.com', port: 993, tls: 'tls', user: 'support', password: 'secret', mailbox: 'INBOX' },
      plusAddressing: true,
      retryDelaysMs: [1000, 2500],
      imapPollMs: 30_000,
    })
    expect(loadConfig({}).email.smtp).toBeNull()
  })

  it('names the variable when one is wrong or missing', () => {
    expect(configError({ SMTP_HOST: 'smtp.example.com' })).toStartWith('SMTP_FROM:')
    expect(configError({ SMTP_FROM: 'not an address' })).toStartWith('SMTP_FROM: expected an e-mail address')
    expect(configError({ SMTP_TLS: 'ssl' })).toStartWith('SMTP_TLS: expected one of none, starttls, tls')
    expect(configError({ IMAP_HOST: 'imap.example.com', IMAP_USER: 'x' })).toStartWith('IMAP_PASSWORD:')
    expect(configError({ SMTP_RETRY_DELAYS: '1,soon' })).toStartWith('SMTP_RETRY_DELAYS:')
  })

  it('lets settings saved in the dashboard take precedence over the environment, keeping a password left out', async () => {
    const db = await createTestDb()
    try {
      const env = loadConfig({ SMTP_HOST: 'env.example.com', SMTP_FROM: 'env@example.com' }).email
      const deps = { sql: db.sql, config: { email: env }, secrets: new SecretBox('a key of this test file, long enough to be one') }
      expect(await loadEmailSettings(deps)).toMatchObject({ source: 'env', smtp: { host: 'env.example.com' }, imap: null })
      const [agent] = await db.sql<{ id: string }[]>`
        insert into agents (id, email, name, role, password_hash) values (${Bun.randomUUIDv7()}, 'o@example.com', 'O', 'owner', 'x') returning id`
      const owner = { id: agent!.id, role: 'owner' as const, name: 'O' }
      const imap = { host: 'imap.example.com', tls: 'tls' as const, user: 'support', password: 'first' }
      await saveEmailSettings(deps, owner, { smtp: null, imap })
      const { password: _omit, ...withoutPassword } = imap
      const s = await saveEmailSettings(deps, owner, { smtp: null, imap: withoutPassword })
      expect(s).toMatchObject({ source: 'saved', smtp: null, imap: { host: 'imap.example.com', password: 'first', port: 993 } })
      // The saved password goes only to the server and user it was saved for.
      for (const changed of [{ host: 'imap.attacker.example' }, { port: 143, tls: 'none' as const }, { user: 'someone-else' }]) {
        await expect(saveEmailSettings(deps, owner, { smtp: null, imap: { ...withoutPassword, ...changed } })).rejects.toMatchObject({
          code: 'email.password_required',
          details: { field: 'imap.password' },
        })
        expect(() => resolveImap({ ...withoutPassword, ...changed }, s.imap)).toThrow('enter the IMAP password again')
      }
      expect(resolveImap({ ...withoutPassword, host: 'IMAP.example.com' }, s.imap).password).toBe('first')
      expect(resolveImap({ ...withoutPassword, host: 'imap.attacker.example', password: 'typed again' }, s.imap).password).toBe('typed again')
      await expect(saveEmailSettings(deps, { ...owner, role: 'full' }, { smtp: null, imap: null })).rejects.toMatchObject({ code: 'settings.forbidden' })
    } finally {
      await db.drop()
    }
  })
})

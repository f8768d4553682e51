// E-mail settings: what the dashboard saved, else what SMTP_* / IMAP_* provide, else nothing
// (the channel is off and says so). Passwords go in and are used, never come back out.
import type { Sql } from '../../db/client.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import type { EmailEnv, TlsMode } from '../../config.ts'
import { AppError } from '../../shared/errors.ts'
import type { Actor } from '../../domain/agents/agents.usecases.ts'
import * as repo from './settings.repo.ts'

export interface SmtpSettings {
  host: string
  port: number
  tls: TlsMode
  user: string | null
  password: string | null
  fromName: string | null
  fromAddress: string
}

export interface ImapSettings {
  host: string
  port: number
  tls: TlsMode
  user: string
  password: string
  mailbox: string
}

export interface EmailSettings {
  smtp: SmtpSettings | null
  imap: ImapSettings | null
  plusAddressing: boolean
  /** Where these came from: saved in the dashboard, the environment, or nowhere. */
  source: 'saved' | 'env' | 'none'
  /** Changes whenever the settings change, so long-running jobs know to reconnect. */
  version: string
}

export interface SettingsDeps {
  sql: Sql
  config: { email: EmailEnv }
  /** The saved passwords are stored sealed with it. */
  secrets: SecretBox
}

export async function loadEmailSettings(deps: SettingsDeps): Promise<EmailSettings> {
  const row = await repo.readSettings(deps.sql)
  if (!row) {
    const env = deps.config.email
    const source = env.smtp || env.imap ? 'env' : 'none'
    return { smtp: env.smtp, imap: env.imap, plusAddressing: env.plusAddressing, source, version: source }
  }
  return {
    smtp:
      row.smtpHost && row.fromAddress
        ? {
            host: row.smtpHost,
            port: row.smtpPort ?? defaultPort('smtp', row.smtpTls),
            tls: row.smtpTls,
            user: row.smtpUser,
            password: deps.secrets.openOptional(row.smtpPassword),
            fromName: row.fromName,
            fromAddress: row.fromAddress,
          }
        : null,
    imap:
      row.imapHost && row.imapUser && row.imapPassword !== null
        ? {
            host: row.imapHost,
            port: row.imapPort ?? defaultPort('imap', row.imapTls),
            tls: row.imapTls,
            user: row.imapUser,
            password: deps.secrets.open(row.imapPassword),
            mailbox: row.imapMailbox,
          }
        : null,
    plusAddressing: row.plusAddressing,
    source: 'saved',
    version: `saved:${row.updatedAt.getTime()}`,
  }
}

export function defaultPort(kind: 'smtp' | 'imap', tls: TlsMode): number {
  if (kind === 'smtp') return tls === 'tls' ? 465 : 587
  return tls === 'tls' ? 993 : 143
}

/** The settings as the owner's settings page shows them: everything but the passwords. */
export interface PublicEmailSettings {
  smtp: (Omit<SmtpSettings, 'password'> & { hasPassword: boolean }) | null
  imap: (Omit<ImapSettings, 'password'> & { hasPassword: boolean }) | null
  plusAddressing: boolean
  source: EmailSettings['source']
}

export function redact(s: EmailSettings): PublicEmailSettings {
  return {
    smtp: s.smtp ? { ...without(s.smtp, 'password'), hasPassword: !!s.smtp.password } : null,
    imap: s.imap ? { ...without(s.imap, 'password'), hasPassword: !!s.imap.password } : null,
    plusAddressing: s.plusAddressing,
    source: s.source,
  }
}

function without<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const copy = { ...o }
  delete copy[key]
  return copy
}

export interface SmtpInput {
  host: string
  port?: number | null
  tls: TlsMode
  user?: string | null
  /** Omitted: keep the saved password. */
  password?: string | null
  fromName?: string | null
  fromAddress: string
}

export interface ImapInput {
  host: string
  port?: number | null
  tls: TlsMode
  user: string
  password?: string | null
  mailbox?: string | null
}

export interface SettingsInput {
  smtp: SmtpInput | null
  imap: ImapInput | null
  plusAddressing?: boolean
}

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/
const HOST = /^[a-z0-9.\-:\[\]]+$/i

export function requireOwner(actor: Actor): void {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change the e-mail settings')
}

const blank = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v.trim())

/**
 * The password to use when the form left it out: the saved one, but only for the server, port and
 * user it was saved for. Otherwise "test connection" could send a saved password to any host a
 * visitor of the settings page types in; after such a change it must be entered again.
 */
function keptPassword(
  which: 'smtp' | 'imap',
  given: string | null | undefined,
  saved: { host: string; port: number; user: string | null; password: string | null } | null,
  target: { host: string; port: number; user: string | null },
): string | null {
  if (given !== undefined) return blank(given)
  if (!saved?.password) return null
  if (saved.host.toLowerCase() !== target.host.toLowerCase() || saved.port !== target.port || saved.user !== target.user) {
    throw new AppError(
      'email.password_required',
      400,
      `enter the ${which.toUpperCase()} password again: the saved one is used only with the server and user it was saved for`,
      { field: `${which}.password` },
    )
  }
  return saved.password
}

/** Validates SMTP input; a missing password means the saved one. */
export function resolveSmtp(input: SmtpInput, saved: SmtpSettings | null): SmtpSettings {
  const host = blank(input.host)
  if (!host || !HOST.test(host)) throw new AppError('email.invalid_host', 400, 'enter the SMTP server host name', { field: 'smtp.host' })
  const fromAddress = blank(input.fromAddress)
  if (!fromAddress || !ADDRESS.test(fromAddress)) {
    throw new AppError('email.invalid_address', 400, 'enter the address mail is sent from', { field: 'smtp.fromAddress' })
  }
  if (fromAddress.includes('+')) {
    throw new AppError('email.invalid_address', 400, 'the from address may not contain "+": Parley adds +c_… for replies itself', { field: 'smtp.fromAddress' })
  }
  const user = blank(input.user)
  const port = input.port ?? defaultPort('smtp', input.tls)
  return {
    host,
    port,
    tls: input.tls,
    user,
    password: keptPassword('smtp', input.password, saved, { host, port, user }),
    fromName: blank(input.fromName),
    fromAddress,
  }
}

export function resolveImap(input: ImapInput, saved: ImapSettings | null): ImapSettings {
  const host = blank(input.host)
  if (!host || !HOST.test(host)) throw new AppError('email.invalid_host', 400, 'enter the IMAP server host name', { field: 'imap.host' })
  const user = blank(input.user)
  if (!user) throw new AppError('email.invalid_user', 400, 'enter the IMAP user name', { field: 'imap.user' })
  const port = input.port ?? defaultPort('imap', input.tls)
  const password = keptPassword('imap', input.password, saved, { host, port, user })
  if (password === null) throw new AppError('email.invalid_password', 400, 'enter the IMAP password', { field: 'imap.password' })
  return { host, port, tls: input.tls, user, password, mailbox: blank(input.mailbox) ?? 'INBOX' }
}

export async function saveEmailSettings(deps: SettingsDeps, actor: Actor, input: SettingsInput): Promise<EmailSettings> {
  requireOwner(actor)
  const current = await loadEmailSettings(deps)
  const smtp = input.smtp ? resolveSmtp(input.smtp, current.smtp) : null
  const imap = input.imap ? resolveImap(input.imap, current.imap) : null
  await repo.writeSettings(
    deps.sql,
    {
      smtpHost: smtp?.host ?? null,
      smtpPort: smtp?.port ?? null,
      smtpTls: smtp?.tls ?? 'starttls',
      smtpUser: smtp?.user ?? null,
      smtpPassword: deps.secrets.sealOptional(smtp?.password ?? null),
      fromName: smtp?.fromName ?? null,
      fromAddress: smtp?.fromAddress ?? null,
      imapHost: imap?.host ?? null,
      imapPort: imap?.port ?? null,
      imapTls: imap?.tls ?? 'tls',
      imapUser: imap?.user ?? null,
      imapPassword: deps.secrets.sealOptional(imap?.password ?? null),
      imapMailbox: imap?.mailbox ?? 'INBOX',
      plusAddressing: input.plusAddressing ?? current.plusAddressing,
    },
    actor.id,
  )
  return loadEmailSettings(deps)
}

/**
 * Passwords saved before they were encrypted, or under an older key, are sealed again with the
 * current key; run at every start, so none stays readable in the database.
 */
export async function resealEmailSecrets(deps: Pick<SettingsDeps, 'sql' | 'secrets'>): Promise<boolean> {
  const row = await repo.readSettings(deps.sql)
  if (!row) return false
  const stale = [row.smtpPassword, row.imapPassword].filter((p): p is string => p !== null && deps.secrets.needsReseal(p))
  if (stale.length === 0) return false
  await repo.writePasswords(deps.sql, {
    smtpPassword: deps.secrets.sealOptional(deps.secrets.openOptional(row.smtpPassword)),
    imapPassword: deps.secrets.sealOptional(deps.secrets.openOptional(row.imapPassword)),
  })
  return true
}

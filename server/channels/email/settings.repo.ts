// The one row of e-mail settings the owner saved in the dashboard.
import type { Db } from '../../db/client.ts'
import type { TlsMode } from '../../config.ts'

export interface SettingsRow {
  smtpHost: string | null
  smtpPort: number | null
  smtpTls: TlsMode
  smtpUser: string | null
  smtpPassword: string | null
  fromName: string | null
  fromAddress: string | null
  imapHost: string | null
  imapPort: number | null
  imapTls: TlsMode
  imapUser: string | null
  imapPassword: string | null
  imapMailbox: string
  plusAddressing: boolean
  updatedAt: Date
}

export async function readSettings(db: Db): Promise<SettingsRow | null> {
  const [row] = await db<SettingsRow[]>`
    select smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password, from_name, from_address,
           imap_host, imap_port, imap_tls, imap_user, imap_password, imap_mailbox, plus_addressing, updated_at
    from email_settings where id`
  return row ?? null
}

export async function writeSettings(db: Db, s: Omit<SettingsRow, 'updatedAt'>, by: string): Promise<void> {
  await db`
    insert into email_settings ${db({ id: true, ...s, updatedBy: by } as never)}
    on conflict (id) do update set
      smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, smtp_tls = excluded.smtp_tls,
      smtp_user = excluded.smtp_user, smtp_password = excluded.smtp_password,
      from_name = excluded.from_name, from_address = excluded.from_address,
      imap_host = excluded.imap_host, imap_port = excluded.imap_port, imap_tls = excluded.imap_tls,
      imap_user = excluded.imap_user, imap_password = excluded.imap_password, imap_mailbox = excluded.imap_mailbox,
      plus_addressing = excluded.plus_addressing, updated_at = now(), updated_by = excluded.updated_by`
}

/** Rewrites only the passwords (sealed again under another key), leaving who saved the settings and when. */
export async function writePasswords(db: Db, p: { smtpPassword: string | null; imapPassword: string | null }): Promise<void> {
  await db`update email_settings set smtp_password = ${p.smtpPassword}, imap_password = ${p.imapPassword} where id`
}

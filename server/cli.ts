#!/usr/bin/env bun
// The `parley` command line: `parley` or `parley start` runs the server (as `npm start` does); the
// other subcommands do one thing against the same database (DATABASE_URL, or the embedded
// PostgreSQL in DATA_DIR, which they start and leave as they found it) and exit.
import { loadConfig, ConfigError, DEFAULT_OWNER_NAME, type Config } from './config.ts'
import { createSql, type Sql } from './db/client.ts'
import { migrate, readMigrations, MigrationError } from './db/migrate.ts'
import { startEmbeddedPostgres } from './db/embedded.ts'
import { EventBus } from './events/bus.ts'
import { createLogger } from './shared/logger.ts'
import { isAppError } from './shared/errors.ts'
import { createOwner, resetPassword, setupNeeded } from './domain/agents/agents.usecases.ts'
import { backup, restore, BackupError } from './db/backup.ts'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { secretKeyIds } from './shared/secrets.ts'
import packageJson from '../package.json'

const USAGE = `usage: parley [command]

  start                      run Parley (the default)
  migrate                    apply the database migrations and exit
  create-owner --email E --name N
                             make the owner account of a new install; the password is read from
                             PARLEY_OWNER_PASSWORD or, without it, from the first line of stdin
                             (PARLEY_OWNER_NAME stands in for --name, and PARLEY_OWNER_EMAIL for
                             --email when PARLEY_OWNER_PASSWORD is set too)
  reset-password EMAIL       set an agent's password (the owner's too) and end their sessions;
                             the password is read from PARLEY_NEW_PASSWORD or the first line of stdin
  backup FILE                write a consistent backup of the whole database (conversations,
                             attachments, recordings, settings) to FILE (gzip); Parley may keep running
  restore FILE [--force]     restore a backup into an empty database, then migrate it to this
                             Parley's schema; --force replaces a database that holds data. Stop
                             Parley first. Stored secrets (mail passwords) need the same
                             DATA_DIR/secret.key or PARLEY_SECRET_KEY as when the backup was made
  check                      check the configuration and that the database is reachable and migrated
  version                    the version of this Parley (also --version)
  help                       this text

Configuration is the same environment as the server's (see the README).`

class UsageError extends Error {}

/** The value after `--name` in args, or null. */
function option(args: string[], name: string): string | null {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : null
}

/** A password from the environment or the first line of stdin (never from the command line, which `ps` shows). */
async function password(envName: string): Promise<string> {
  const fromEnv = process.env[envName]
  if (fromEnv) return fromEnv
  const line = await firstLine()
  if (!line) throw new UsageError(`no password: set ${envName} or write it on stdin`)
  return line
}

/**
 * The first line of stdin, without waiting for the end of the input (a person at a terminal
 * presses Enter, not Ctrl-D). At a terminal it asks, and what is typed is not echoed.
 */
function firstLine(): Promise<string> {
  const stdin = process.stdin
  const tty = stdin.isTTY === true
  if (tty) {
    // Echo off before the prompt: what is typed as soon as it shows must not be echoed.
    stdin.setRawMode(true)
    process.stderr.write('password: ')
  }
  return new Promise<string>((resolve, reject) => {
    let line = ''
    const finish = (error?: unknown) => {
      stdin.off('data', onData).off('end', onEnd).off('error', finish)
      if (tty) {
        stdin.setRawMode(false)
        process.stderr.write('\n')
      }
      stdin.pause()
      if (error) reject(error)
      else resolve(line)
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === '\n' || ch === '\r' || (tty && ch === '\u0004')) return finish()
        if (tty && ch === '\u0003') {
          finish()
          process.exit(130) // Ctrl-C: raw mode turned it into a character
        }
        if (tty && (ch === '\u007f' || ch === '\b')) line = Array.from(line).slice(0, -1).join('')
        else line += ch
      }
    }
    const onEnd = () => finish()
    stdin.on('data', onData).on('end', onEnd).on('error', finish)
    stdin.resume()
  })
}

/** Opens the configured database for one command and closes it (and an embedded server it started) after. */
async function withDatabase<T>(config: Config, run: (sql: Sql) => Promise<T>, max = 2): Promise<T> {
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel)
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, log, avoidPorts: [config.port], oneOff: true })
  const sql = createSql(config.databaseUrl ?? embedded!.socketUrl, { max, applicationName: 'parley-cli' })
  try {
    return await run(sql)
  } finally {
    await sql.end({ timeout: 2 })
    // A cluster that a running Parley also uses is left running (embedded.ts).
    await embedded?.stop()
  }
}

const agentDeps = (config: Config, sql: Sql) => ({
  sql,
  bus: new EventBus(createLogger('silent')),
  auth: {
    sessionDays: config.sessionDays,
    loginMaxFailuresPerEmail: config.loginMaxFailuresPerEmail,
    loginMaxFailuresPerIp: config.loginMaxFailuresPerIp,
    loginWindowSeconds: config.loginWindowSeconds,
  },
})

/**
 * For the commands that read an existing database: DATA_DIR holds no embedded PostgreSQL yet (a
 * mistyped DATA_DIR, or run in another folder), so starting one would make a new, empty database
 * and report on that, or back it up, instead of Parley's. Null when there is one, or DATABASE_URL.
 */
function noDatabase(config: Config): string | null {
  const dir = resolve(config.dataDir)
  if (config.databaseUrl || existsSync(join(dir, 'postgres', 'PG_VERSION'))) return null
  return `no Parley database in DATA_DIR (${dir}): set DATA_DIR to the folder Parley runs with (default ./data of the folder it is started in), or DATABASE_URL`
}

const HELP_FLAGS = ['--help', '-h']
const HELP = ['help', ...HELP_FLAGS]

export async function runCli(args: string[]): Promise<number> {
  const [command = 'start', ...rest] = args
  // `parley COMMAND --help` asks, it does not run the command (start, migrate, check take no arguments).
  if (HELP.includes(command) || rest.some((a) => HELP_FLAGS.includes(a))) {
    console.log(USAGE)
    return 0
  }
  if (command === 'version' || command === '--version' || command === '-v') {
    console.log(`parley ${packageJson.version}`)
    return 0
  }
  if (['start', 'migrate', 'check'].includes(command) && rest.length) throw new UsageError(`${command} takes no arguments (got ${rest.join(' ')})`)
  if (command === 'start') {
    await import('./main.ts')
    return -1 // the server runs on; main.ts owns the process from here
  }
  const config = loadConfig()
  switch (command) {
    case 'migrate':
      return withDatabase(config, async (sql) => {
        const { applied, current } = await migrate(sql)
        console.log(applied.length ? `applied migrations ${applied.join(', ')}; schema is at ${current}` : `schema is up to date at ${current}`)
        return 0
      })
    case 'create-owner': {
      // The same variables as a first start's (PARLEY_OWNER_*), or the options and stdin.
      const email = option(rest, 'email') ?? config.ownerEmail
      const name = option(rest, 'name') ?? config.ownerName ?? (config.ownerEmail ? DEFAULT_OWNER_NAME : null)
      if (!email || !name) throw new UsageError('create-owner needs --email and --name')
      const secret = config.ownerPassword ?? (await password('PARLEY_OWNER_PASSWORD'))
      return withDatabase(config, async (sql) => {
        await migrate(sql)
        const deps = agentDeps(config, sql)
        if (!(await setupNeeded(deps))) throw new Error('Parley already has its owner; use reset-password to change a password')
        const owner = await createOwner(deps, { email, name, password: secret })
        console.log(`owner ${owner.email} created; sign in at the dashboard`)
        return 0
      })
    }
    case 'reset-password': {
      const email = rest[0]
      if (!email || email.startsWith('--')) throw new UsageError('reset-password needs the agent’s e-mail address')
      const missing = noDatabase(config)
      if (missing) throw new Error(missing)
      const secret = await password('PARLEY_NEW_PASSWORD')
      return withDatabase(config, async (sql) => {
        await migrate(sql)
        const agent = await resetPassword(agentDeps(config, sql), email, secret)
        console.log(`password of ${agent.email} changed; their sessions have ended`)
        return 0
      })
    }
    case 'backup': {
      const file = rest[0]
      if (!file || file.startsWith('--')) throw new UsageError('backup needs the file to write')
      const missing = noDatabase(config)
      if (missing) throw new Error(missing)
      // Said before a database is started, and in words rather than as the temporary file's ENOENT.
      if (!existsSync(dirname(resolve(file)))) throw new Error(`cannot write ${file}: there is no folder ${dirname(resolve(file))}`)
      // One connection: the backup is one transaction; a running Parley keeps its own.
      return withDatabase(
        config,
        async (sql) => {
          const t0 = performance.now()
          const r = await backup(sql, resolve(file), { secretKeyId: secretKeyIds({ secretKey: config.secretKey, previousKeys: config.previousSecretKeys, dataDir: config.dataDir })?.[0] ?? null })
          console.log(
            `backup written to ${file}: ${r.tables} tables, ${r.rows} rows, schema at migration ${r.level}, ` +
              `${(r.bytes / 1024 / 1024).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
          )
          return 0
        },
        1,
      )
    }
    case 'restore': {
      const file = rest.find((a) => !a.startsWith('--'))
      if (!file) throw new UsageError('restore needs the backup file to read')
      const unknown = rest.filter((a) => a.startsWith('--') && a !== '--force')
      if (unknown.length) throw new UsageError(`restore does not know ${unknown.join(' ')}`)
      // Before a fresh DATA_DIR gets a database made for it.
      if (!existsSync(resolve(file))) throw new Error(`${file}: no such file`)
      return withDatabase(
        config,
        async (sql) => {
          const r = await restore(sql, resolve(file), {
            force: rest.includes('--force'),
            secretKeyIds: secretKeyIds({ secretKey: config.secretKey, previousKeys: config.previousSecretKeys, dataDir: config.dataDir }),
            note: (text) => console.error(`parley: ${text}`),
          })
          console.log(
            `restored ${file}: ${r.tables} tables, ${r.rows} rows at migration ${r.level}` +
              (r.migratedTo > r.level ? `, then migrated forward to ${r.migratedTo}` : ''),
          )
          return 0
        },
        1,
      )
    }
    case 'check': {
      const missing = noDatabase(config)
      if (missing) {
        console.log(`configuration: ok`)
        console.log(`database: none in DATA_DIR (${resolve(config.dataDir)}) yet; the first start (or \`parley migrate\`) makes it. Is DATA_DIR the folder Parley runs with?`)
        return 1
      }
      return withDatabase(config, async (sql) => {
        const version = (await sql<{ version: string }[]>`select current_setting('server_version') as version`)[0]!.version
        const files = readMigrations()
        const exists = (await sql<{ t: string | null }[]>`select to_regclass('schema_migrations')::text as t`)[0]!.t !== null
        const applied = exists ? Number((await sql<{ n: number }[]>`select coalesce(max(version), 0)::int as n from schema_migrations`)[0]!.n) : 0
        console.log(`configuration: ok`)
        console.log(`database: reachable (PostgreSQL ${version}${config.databaseUrl ? '' : `, embedded in ${config.dataDir}`})`)
        if (applied > files.length) {
          console.log(`migrations: the database is at ${applied}, newer than this Parley (${files.length}); run the newer Parley`)
          return 1
        }
        console.log(applied === files.length ? `migrations: up to date (${applied})` : `migrations: ${files.length - applied} to apply (at ${applied} of ${files.length}); they run at the next start, or with \`parley migrate\``)
        return 0
      })
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

if (import.meta.main) {
  let code: number
  try {
    code = await runCli(process.argv.slice(2))
  } catch (e) {
    if (e instanceof UsageError) console.error(`parley: ${e.message}\n\n${USAGE}`)
    else if (e instanceof ConfigError) console.error(`parley: configuration error: ${e.message}`)
    else if (e instanceof MigrationError) console.error(`parley: migration error: ${e.message}`)
    else if (e instanceof BackupError) console.error(`parley: ${e.message}`)
    else if (isAppError(e)) console.error(`parley: ${e.message}`)
    else console.error(`parley: ${e instanceof Error ? e.message : String(e)}`)
    code = e instanceof UsageError ? 64 : e instanceof ConfigError ? 2 : 1
  }
  if (code >= 0) process.exit(code)
}

// Messenger settings: the Graph API's base URL and version, and the connected pages. A page's
// access token and app secret go in and are used, never come back out; the verify token is made
// by Parley and shown (the owner pastes it into the Meta app). All three are stored sealed.
import type { Sql } from '../../db/client.ts'
import type { SecretBox } from '../../shared/secrets.ts'
import { AppError } from '../../shared/errors.ts'
import { newSecret } from '../../shared/ids.ts'
import type { Actor } from '../../domain/agents/agents.usecases.ts'
import { DEFAULT_GRAPH, GraphError, graphRequest, type GraphTarget } from './graph.ts'
import * as repo from './messenger.repo.ts'

export interface MessengerDeps {
  sql: Sql
  secrets: SecretBox
}

/** A page with its secrets open, for sending and checking signatures. */
export interface Page {
  pageId: string
  name: string | null
  appId: string | null
  accessToken: string
  appSecret: string
  verifyToken: string
  humanAgent: boolean
  state: repo.PageState
  lastError: string | null
}

export async function graphTarget(deps: Pick<MessengerDeps, 'sql'>): Promise<GraphTarget> {
  const row = await repo.readSettings(deps.sql)
  return row ? { baseUrl: row.graphBaseUrl, version: row.graphVersion } : DEFAULT_GRAPH
}

const open = (deps: MessengerDeps, row: repo.PageRow): Page => ({
  pageId: row.pageId,
  name: row.name,
  appId: row.appId,
  accessToken: deps.secrets.open(row.accessToken),
  appSecret: deps.secrets.open(row.appSecret),
  verifyToken: deps.secrets.open(row.verifyToken),
  humanAgent: row.humanAgent,
  state: row.state,
  lastError: row.lastError,
})

export async function loadPage(deps: MessengerDeps, pageId: string): Promise<Page | null> {
  if (!PAGE_ID.test(pageId)) return null
  const row = await repo.findPage(deps.sql, pageId)
  return row ? open(deps, row) : null
}

export async function loadPages(deps: MessengerDeps): Promise<Page[]> {
  return (await repo.listPages(deps.sql)).map((r) => open(deps, r))
}

/** A page as the owner's settings page shows it: no access token, no app secret. */
export interface PublicPage {
  pageId: string
  name: string | null
  appId: string | null
  verifyToken: string
  webhookUrl: string
  humanAgent: boolean
  hasAccessToken: true
  hasAppSecret: true
  state: repo.PageState
  lastError: string | null
}

export async function settingsView(deps: MessengerDeps, base: string) {
  const target = await graphTarget(deps)
  const pages = await loadPages(deps)
  return {
    graphBaseUrl: target.baseUrl,
    graphVersion: target.version,
    pages: pages.map(
      (p): PublicPage => ({
        pageId: p.pageId,
        name: p.name,
        appId: p.appId,
        verifyToken: p.verifyToken,
        webhookUrl: webhookUrl(base, p.pageId),
        humanAgent: p.humanAgent,
        hasAccessToken: true,
        hasAppSecret: true,
        state: p.state,
        lastError: p.lastError,
      }),
    ),
  }
}

export const webhookUrl = (base: string, pageId: string) => `${base.replace(/\/+$/, '')}/webhooks/messenger/${pageId}`

export function requireOwner(actor: Actor): void {
  if (actor.role !== 'owner') throw new AppError('settings.forbidden', 403, 'only the owner can change the Messenger settings')
}

const PAGE_ID = /^[0-9]{1,32}$/
const VERSION = /^v[0-9]{1,3}\.[0-9]{1,3}$/
// Page access tokens are long opaque strings of letters and digits; app secrets are 32 hex digits.
const TOKEN = /^[A-Za-z0-9_\-.|]{10,1000}$/
const APP_SECRET = /^[A-Za-z0-9]{8,200}$/

export async function saveGraphSettings(deps: MessengerDeps, actor: Actor, input: { graphBaseUrl: string; graphVersion: string }): Promise<void> {
  requireOwner(actor)
  const base = input.graphBaseUrl.trim().replace(/\/+$/, '')
  let url: URL | null = null
  try {
    url = new URL(base)
  } catch {}
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash || /\s/.test(base)) {
    throw new AppError('messenger.invalid_graph_url', 400, 'enter the Graph API address, such as https://graph.facebook.com', { field: 'graphBaseUrl' })
  }
  const version = input.graphVersion.trim()
  if (!VERSION.test(version)) throw new AppError('messenger.invalid_version', 400, 'enter a Graph API version such as v24.0', { field: 'graphVersion' })
  // The pages' tokens go to this address with every call: a saved token is used only with the
  // Graph API it was saved for (as the e-mail passwords are with their server), so a changed
  // address, by mistake or from a stolen owner session, cannot collect them.
  const saved = await graphTarget(deps)
  if (new URL(saved.baseUrl).origin !== url.origin && (await repo.listPages(deps.sql)).length > 0) {
    throw new AppError(
      'messenger.pages_connected',
      409,
      'remove the connected pages before changing the Graph API address: their tokens are used only with the address they were saved for',
      { field: 'graphBaseUrl' },
    )
  }
  await repo.writeSettings(deps.sql, { graphBaseUrl: base, graphVersion: version }, actor.id)
}

export interface PageInput {
  pageId: string
  accessToken?: string | null
  appSecret?: string | null
  appId?: string | null
  humanAgent?: boolean
}

function checkToken(v: string | null | undefined, field: 'accessToken' | 'appSecret', required: boolean): string | null {
  const s = v?.trim() || null
  if (s === null) {
    if (required) throw new AppError(`messenger.${field === 'accessToken' ? 'token_required' : 'secret_required'}`, 400, field === 'accessToken' ? 'enter the page access token' : 'enter the app secret', { field })
    return null
  }
  if (!(field === 'accessToken' ? TOKEN : APP_SECRET).test(s)) {
    throw new AppError('messenger.invalid_secret', 400, field === 'accessToken' ? 'this does not look like a page access token' : 'this does not look like an app secret', { field })
  }
  return s
}

function checkAppId(v: string | null | undefined): string | null {
  const s = v?.trim() || null
  if (s !== null && !PAGE_ID.test(s)) throw new AppError('messenger.invalid_app_id', 400, 'the app id is a number, as the Meta app dashboard shows it', { field: 'appId' })
  return s
}

export async function addPage(deps: MessengerDeps, actor: Actor, input: PageInput): Promise<Page> {
  requireOwner(actor)
  const pageId = input.pageId.trim()
  if (!PAGE_ID.test(pageId)) throw new AppError('messenger.invalid_page_id', 400, 'the page id is a number, as the page\'s "About" section shows it', { field: 'pageId' })
  const accessToken = checkToken(input.accessToken, 'accessToken', true)!
  const appSecret = checkToken(input.appSecret, 'appSecret', true)!
  const inserted = await repo.insertPage(deps.sql, {
    pageId,
    appId: checkAppId(input.appId),
    accessToken: deps.secrets.seal(accessToken),
    appSecret: deps.secrets.seal(appSecret),
    verifyToken: deps.secrets.seal(newSecret()),
    humanAgent: input.humanAgent ?? false,
  })
  if (!inserted) throw new AppError('messenger.page_exists', 409, 'this page is connected already', { field: 'pageId' })
  return (await loadPage(deps, pageId))!
}

/** Changes a page; a token or secret left out keeps the saved one. */
export async function changePage(deps: MessengerDeps, actor: Actor, pageId: string, input: Omit<PageInput, 'pageId'>): Promise<Page> {
  requireOwner(actor)
  const row = PAGE_ID.test(pageId) ? await repo.findPage(deps.sql, pageId) : null
  if (!row) throw new AppError('messenger.page_not_found', 404, 'no such page')
  const accessToken = checkToken(input.accessToken, 'accessToken', false)
  const appSecret = checkToken(input.appSecret, 'appSecret', false)
  await repo.updatePage(deps.sql, pageId, {
    appId: input.appId === undefined ? row.appId : checkAppId(input.appId),
    accessToken: accessToken === null ? row.accessToken : deps.secrets.seal(accessToken),
    appSecret: appSecret === null ? row.appSecret : deps.secrets.seal(appSecret),
    humanAgent: input.humanAgent ?? row.humanAgent,
  })
  return (await loadPage(deps, pageId))!
}

export async function removePage(deps: MessengerDeps, actor: Actor, pageId: string): Promise<void> {
  requireOwner(actor)
  if (!PAGE_ID.test(pageId) || !(await repo.deletePage(deps.sql, pageId))) throw new AppError('messenger.page_not_found', 404, 'no such page')
}

/** Asks the Graph API for the page with its token: connected (and its name), expired, or failing with Meta's error. */
export async function checkPage(deps: MessengerDeps, pageId: string): Promise<void> {
  const page = await loadPage(deps, pageId)
  if (!page) return
  try {
    const me = await graphRequest<{ id?: string; name?: string }>(await graphTarget(deps), pageId, { token: page.accessToken, query: { fields: 'id,name' } })
    await repo.setPageState(deps.sql, pageId, 'connected', null, typeof me.name === 'string' ? me.name.slice(0, 200) : null)
  } catch (e) {
    await notePageError(deps, pageId, e)
  }
}

/** Records what went wrong talking to Meta for a page: error 190 means its token expired. */
export async function notePageError(deps: Pick<MessengerDeps, 'sql'>, pageId: string, e: unknown): Promise<void> {
  const error = e instanceof GraphError ? e : new GraphError(e instanceof Error ? e.message : String(e), null, null, null, true)
  await repo.setPageState(deps.sql, pageId, error.tokenExpired ? 'expired' : 'failing', error.describe().slice(0, 1000))
}

export const notePageWorks = (deps: Pick<MessengerDeps, 'sql'>, pageId: string) => repo.setPageState(deps.sql, pageId, 'connected', null)

/** Secrets sealed under an older key are sealed again with the current one (run at every start). */
export async function resealMessengerSecrets(deps: MessengerDeps): Promise<boolean> {
  let any = false
  for (const row of await repo.listPages(deps.sql)) {
    if (![row.accessToken, row.appSecret, row.verifyToken].some((s) => deps.secrets.needsReseal(s))) continue
    await repo.rewriteSecrets(deps.sql, row.pageId, {
      accessToken: deps.secrets.seal(deps.secrets.open(row.accessToken)),
      appSecret: deps.secrets.seal(deps.secrets.open(row.appSecret)),
      verifyToken: deps.secrets.seal(deps.secrets.open(row.verifyToken)),
    })
    any = true
  }
  return any
}

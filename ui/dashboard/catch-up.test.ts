// The dashboard in Chromium on one of two Parley processes sharing a database, while that process
// cannot hear the other for a moment (its listening connection ended, as a PostgreSQL restart or a
// cut connection would do). A visitor who starts a conversation on the other process meanwhile is
// announced to no one here; once the process hears again it asks its sockets to catch up, and the
// dashboard, reconnecting, shows the conversation without the agent reloading the page.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn, requireDashboardBundle } from '../testing/browser.ts'
import { waitForText } from '../testing/wait.ts'
import { VisitorClient, cid } from '../../server/testing/harness.ts'
import { CLUSTER_OWNER, endListening, twoProcessesForFile } from '../../server/testing/process.ts'

const nodes = twoProcessesForFile()
let browser: Browser
const pages = new Pages(() => browser, 8000)

beforeAll(async () => {
  requireDashboardBundle()
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
})

describe('a dashboard on a process that could not hear the other', () => {
  it('shows a conversation started on the other process meanwhile, once its process catches up', async () => {
    const page = await pages.open()
    await signIn(page, nodes.b.url, CLUSTER_OWNER)
    const unassigned = page.locator('parley-conversation-list [data-count=unassigned]')
    await waitForText(unassigned, '0')
    // The process's id, for its listening connection among PostgreSQL's backends.
    const probe = await VisitorClient.create(nodes.b.url)
    const probeWs = await probe.socket()
    const { nodeId } = await probeWs.waitFor('hello')
    probeWs.close()

    expect(await endListening(nodes.db.sql, nodeId)).toEqual([true])
    const visitor = await VisitorClient.create(nodes.a.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Do you deliver on Saturdays?', clientId: cid() })
    expect(r.status).toBe(201)
    const row = page.locator(`parley-conversation-list li[data-conversation="${r.body.conversation.id}"]`)

    // Nothing reached this dashboard; within a few seconds its process catches up and it does.
    await waitForText(row, 'Do you deliver on Saturdays?', 15_000)
    await waitForText(unassigned, '1')
    await page.screenshot({ path: screenshotPath('dashboard-caught-up') })
    expect(nodes.b.log()).toContain('cluster relay: listening again after a silence; its sockets reconnect to catch up')
    expect(page.errors).toEqual([])
  }, 60_000)
})

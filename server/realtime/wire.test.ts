// wire.ts is read by the browser bundles as well as the server; it must stay types only, so that
// importing it can never pull server code (or anything at all) into the widget or the dashboard.
import { describe, expect, it } from 'bun:test'
import { resolve } from 'node:path'

describe('wire types', () => {
  it('compile to nothing: wire.ts has no run-time code, imports or exports', async () => {
    const ts = new Bun.Transpiler({ loader: 'ts' })
    const source = await Bun.file(resolve(import.meta.dir, 'wire.ts')).text()
    expect(ts.transformSync(source).trim()).toBe('')
    expect(ts.scan(source)).toEqual({ exports: [], imports: [] })
  })
})

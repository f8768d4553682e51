// The UI's bundles: content-hashed names cached for a year, precompressed forms chosen by
// Accept-Encoding, ETags and 304s, the loader (the one name sites embed) cached for minutes.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { UI_DIR } from './static.ts'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

const manifest = (): Record<string, { hash: string; file: string }> => JSON.parse(readFileSync(join(UI_DIR, 'manifest.json'), 'utf8'))
const get = (path: string, headers: Record<string, string> = {}) => fetch(srv.url + path, { headers, decompress: false } as RequestInit)

describe('the UI bundles', () => {
  it('names the hashed dashboard bundle in the page and serves it for a year, in the form the browser accepts', async () => {
    const { file } = manifest()['dashboard.js']!
    const page = await (await get('/')).text()
    expect(page).toContain(`src="/assets/${file}"`)
    const plain = readFileSync(join(UI_DIR, 'dashboard.js'))

    const br = await get(`/assets/${file}`, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.status).toBe(200)
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(br.headers.get('vary')).toBe('accept-encoding')
    expect(Buffer.compare(brotliDecompressSync(Buffer.from(await br.arrayBuffer())), plain)).toBe(0)

    const gz = await get(`/assets/${file}`, { 'accept-encoding': 'gzip, br;q=0' })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(Buffer.compare(gunzipSync(Buffer.from(await gz.arrayBuffer())), plain)).toBe(0)

    const none = await get(`/assets/${file}`, { 'accept-encoding': 'identity' })
    expect(none.headers.get('content-encoding')).toBeNull()
    expect(Buffer.compare(Buffer.from(await none.arrayBuffer()), plain)).toBe(0)
    // Each form has its own tag.
    expect(new Set([br.headers.get('etag'), gz.headers.get('etag'), none.headers.get('etag')]).size).toBe(3)
  })

  it('answers 304 to a tag it gave, and the full bundle when the tag is another form’s or old', async () => {
    const { file } = manifest()['parley-chat.js']!
    const first = await get(`/assets/${file}`, { 'accept-encoding': 'br' })
    const etag = first.headers.get('etag')!
    const again = await get(`/assets/${file}`, { 'accept-encoding': 'br', 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect((await again.arrayBuffer()).byteLength).toBe(0)
    expect((await get(`/assets/${file}`, { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200)
    expect((await get(`/assets/${file}`, { 'if-none-match': '"0000000000000000"' })).status).toBe(200)
  })

  it('keeps the loader’s name, caches it for minutes, and has it load the hashed chat bundle, which loads the hashed recorder', async () => {
    const m = manifest()
    const loader = await get('/assets/loader.js', { 'accept-encoding': 'identity' })
    expect(loader.status).toBe(200)
    expect(loader.headers.get('cache-control')).toBe('public, max-age=300')
    expect(loader.headers.get('access-control-allow-origin')).toBe('*')
    expect(await loader.text()).toContain(m['parley-chat.js']!.file)
    const chat = await get(`/assets/${m['parley-chat.js']!.file}`, { 'accept-encoding': 'identity' })
    expect(await chat.text()).toContain(m['parley-recorder.js']!.file)
    expect((await get(`/assets/${m['parley-recorder.js']!.file}`)).status).toBe(200)
    // The old stable names still answer (a page that loaded an older loader), revalidated each time.
    const stable = await get('/assets/parley-chat.js')
    expect(stable.status).toBe(200)
    expect(stable.headers.get('cache-control')).toBe('no-cache')
  })

  it('serves nothing else from the folder: not the manifest, not a compressed file by name, not a path outside', async () => {
    for (const path of ['/assets/manifest.json', '/assets/dashboard.js.br', '/assets/nothing.js', '/assets/..%2Fmanifest.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const res = await get(path)
      expect({ path, status: res.status }).toEqual({ path, status: 404 })
    }
  })
})

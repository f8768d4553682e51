// A door between a test and its PostgreSQL: a loopback TCP relay to the database's address that
// can be shut. Shut, it cuts every connection through it and refuses new ones, as a stopped or
// restarting server does; open again, it relays as before. The database itself never stops, so
// a test can take PostgreSQL away from one Parley for exactly as long as it wants.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

export interface DbDoor {
  /** `databaseUrl` with its host and port replaced by the door's. */
  url: string
  shut(): Promise<void>
  open(): Promise<void>
  close(): Promise<void>
}

export async function openDbDoor(databaseUrl: string): Promise<DbDoor> {
  const target = new URL(databaseUrl)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  let port = 0
  let listening = false
  const listen = () =>
    new Promise<void>((done, fail) => {
      server.once('error', fail)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail)
        port = (server.address() as AddressInfo).port
        listening = true
        done()
      })
    })
  const shut = () => {
    for (const s of sockets) s.destroy()
    sockets.clear()
    if (!listening) return Promise.resolve()
    listening = false
    return new Promise<void>((done) => server.close(() => done()))
  }
  await listen()
  const url = new URL(databaseUrl)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return { url: url.toString(), shut, open: () => (listening ? Promise.resolve() : listen()), close: shut }
}

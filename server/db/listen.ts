// A connection of its own that LISTENs: the cluster relay's ear. postgres.js's sql.listen()
// shares one hidden connection per pool and re-listens by itself when it drops, but after a
// PostgreSQL restart that re-LISTEN can hang for good (the connect attempt made while the server
// was starting up never settles), and every later listen() of the same channel waits on it.
// Here the caller owns the connection: when it hears nothing it closes it and opens a new one.
// https://github.com/porsager/postgres/blob/master/src/index.js (listen, onclose)
import postgres from 'postgres'
import { connectionOf } from './client.ts'

export interface Listening {
  /** Closes the connection at once; notifications stop. Never throws. */
  close(): Promise<void>
}

/**
 * Opens one connection, LISTENs to each channel and hands every notification on them to
 * `onNotify`. Rejects (and closes the connection) when the server cannot be reached or refuses.
 */
export async function listenOn(databaseUrl: string, channels: string[], onNotify: (channel: string, payload: string) => void): Promise<Listening> {
  // onnotify is an option postgres.js reads (src/connection.js, NotificationResponse) but does
  // not declare in its types; a named object passes it without an excess-property complaint.
  const { url, host } = connectionOf(databaseUrl)
  const options = {
    host,
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: 5,
    fetch_types: false,
    onnotice: () => {},
    onnotify: onNotify,
    connection: { application_name: 'parley-listen' },
  }
  const client = postgres(url, options)
  const close = () => client.end({ timeout: 0 }).catch(() => {})
  try {
    // client(name) quotes the channel as an identifier.
    for (const channel of channels) await client`listen ${client(channel)}`
  } catch (error) {
    await close()
    throw error
  }
  return { close }
}

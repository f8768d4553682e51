// Run by `npm install` (package.json "postinstall"; the Dockerfile copies it before `npm ci`):
// fixes what a pinned dependency gets wrong, in place, until its release carries the fix. Plain
// Node, no dependencies. Idempotent; a dependency whose text no longer matches is reported and
// left as it is (the tests of server/db/postgres-*.test.ts then fail if the fault is still there).
//
// Each patch carries a mark of its own, so a copy patched by an older version of this script
// gets the patches it lacks.
//
// postgres.js 3.4.9, six faults of a connection:
//
// 1. Rows after an error. A connection counts the rows of the answer being read and resets the
//    count only when a statement completes. A statement that fails after sending rows (a
//    constraint checked at the end, a killed backend) leaves the count standing, and the
//    connection's next answer begins with that many empty places: a silent wrong result
//    (`const [row] = …` reads nothing). https://github.com/porsager/postgres/issues/1119 and
//    /issues/1181. The count is reset when an error ends the answer and when the connection closes.
//
// 2. A closed connection keeps the query it was running and that query's error. The connection
//    opened again for the next query then takes that old error for the new query's: its first
//    ReadyForQuery rejects the new query with it (a query of a process that did nothing wrong
//    fails with "terminating connection due to administrator command" after a restarted or
//    failed-over PostgreSQL, or an administrator's pg_terminate_backend). Worse when the
//    connection was lost while it read the array types (fetch_types): the rejected query was the
//    one the types are read for, so they are not read, and until one connection of the pool has
//    read them the pool sends a JavaScript array as `a,b`, which PostgreSQL refuses ("malformed
//    array literal") — for good (seen in server/db/shared-cluster.test.ts's killed postmaster:
//    the cluster relay failed each second from then on). https://github.com/porsager/postgres/
//    issues/1223. Now a closed connection fails what it was running (also when it closed with a
//    socket error, which 3.4.9 left to the socket's 'error' event; failing it twice is harmless)
//    and then forgets it.
//
// 3. A closed connection keeps the bytes it had not sent yet and the timer that was to send them
//    (the timer is cancelled, but still counts as set). The connection opened again appends its
//    StartupMessage to those bytes and waits for a timer that never runs: nothing is sent, and it
//    fails with CONNECT_TIMEOUT after the whole connect_timeout (10 s in Parley) though
//    PostgreSQL is up — seen whenever backends were ended under load. A closed connection now
//    drops both.
//
// 4. The array types' read is started without anyone waiting for its promise: when the
//    connection fails under it, the rejection is unhandled (and Parley's process handler has to
//    tell it from a real fault). The connection's own close and reconnect deal with that failure,
//    so the rejection is caught where the read starts.
//
// 5. A closed connection still takes statements. A transaction keeps its connection to the end,
//    so when that connection is cut (a PostgreSQL restart, a lost network) the statement under
//    way fails, and the transaction's ROLLBACK is then given to the closed connection. Its bytes
//    wait for a socket that is gone: a timer throws "null is not an object (evaluating
//    'socket.write')" outside any promise, and the ROLLBACK, so the whole transaction, never
//    settles — in Parley, whatever awaited it waits for good (a socket's frames, handled one
//    after another, would wait behind it). A closed connection now fails such a statement at once
//    (CONNECTION_CLOSED), and says it can take more, so the pool does not count it as busy.
//
// 6. A COPY TO that ends while its socket is paused leaves it paused. A row larger than the
//    stream's buffer, read before anyone listens, pauses the socket, and the stream's read()
//    resumes it. When the COPY's end came in the same read from the socket (it follows the last
//    row at once), the stream has ended, read() is never called again, and the socket stays
//    paused: the connection's next statement never gets its answer (`parley backup` of a
//    database with a 200 KB file waited for good after the files' table, seen in
//    scripts/build-binary.test.ts). The end of a COPY now resumes the socket.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const CONNECTION = ['node_modules/postgres/src/connection.js', 'node_modules/postgres/cjs/src/connection.js']
const ROWS = '/* parley: rows reset */'
const FORGET = '/* parley: a closed connection forgets its query */'
const UNSENT = '/* parley: a closed connection drops what it had not sent */'
const TYPES = '/* parley: the types read fails with its connection */'
const CLOSED = '/* parley: a closed connection fails what it is given */'
const COPY_END = '/* parley: a COPY TO that ends resumes its socket */'

const patches = [
  {
    name: 'resets its row count after an error',
    mark: ROWS,
    files: CONNECTION,
    edits: [
      ['  function ErrorResponse(x) {\n', `  function ErrorResponse(x) {\n    rows = 0 ${ROWS}\n`],
      ['    incoming = Buffer.alloc(0)\n    remaining = 0\n', `    incoming = Buffer.alloc(0)\n    remaining = 0\n    rows = 0 ${ROWS}\n`],
    ],
  },
  {
    name: 'forgets the query of a closed connection (its error is not the next query\'s)',
    mark: FORGET,
    files: CONNECTION,
    edits: [
      [
        '    if (initial)\n      return reconnect()\n\n    !hadError && (query || sent.length) && error(Errors.connection(\'CONNECTION_CLOSED\', options, socket))\n',
        `    if (initial) {\n      query = errorResponse = null ${FORGET}\n      return reconnect()\n    }\n\n    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket)) ${FORGET}\n    query = errorResponse = null\n`,
      ],
    ],
  },
  {
    name: 'drops the unsent bytes of a closed connection (the next one sends its own)',
    mark: UNSENT,
    files: CONNECTION,
    edits: [
      [
        "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
        `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null ${UNSENT}\n    socket.removeListener('data', data)\n`,
      ],
    ],
  },
  {
    name: 'catches the array types\' read that fails with its connection',
    mark: TYPES,
    files: CONNECTION,
    edits: [['        return fetchArrayTypes()\n', `        return fetchArrayTypes().catch(() => {}) ${TYPES}\n`]],
  },
  {
    name: 'fails a statement given to a closed connection (a cut transaction\'s rollback)',
    mark: CLOSED,
    files: CONNECTION,
    edits: [
      [
        "      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n\n    if (stream)\n",
        `      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n\n    if (!socket) ${CLOSED}\n      return queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true\n\n    if (stream)\n`,
      ],
    ],
  },
  {
    name: 'resumes the socket when a COPY TO ends (a paused one never answered the next statement)',
    mark: COPY_END,
    files: CONNECTION,
    edits: [['  function CopyDone() {\n    stream && stream.push(null)\n    stream = null\n', `  function CopyDone() {\n    stream && stream.push(null)\n    stream = null\n    socket.resume() ${COPY_END}\n`]],
  },
]

const done = []
for (const { name, mark, files, edits } of patches) {
  let ok = true
  for (const rel of files) {
    const file = join(ROOT, rel)
    if (!existsSync(file)) continue
    let text = readFileSync(file, 'utf8')
    if (text.includes(mark)) continue
    for (const [from, to] of edits) {
      if (text.split(from).length !== 2) {
        console.warn(`patch-deps: ${rel} has changed (no single "${from.trim().split('\n')[0]}"): left as it is`)
        ok = false
        break
      }
      text = text.replace(from, to)
    }
    if (ok) writeFileSync(file, text)
  }
  if (ok) done.push(name)
}
for (const name of done) console.log(`patch-deps: postgres.js ${name}`)

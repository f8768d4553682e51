// Run by `npm install` (package.json "postinstall"; the Dockerfile copies it before `npm ci`):
// fixes what a pinned dependency gets wrong, in place, until its release carries the fix. Plain
// Node, no dependencies. Idempotent; a dependency whose text no longer matches is reported and
// left as it is (server/db/postgres-rows.test.ts then fails if the fault is still there).
//
// postgres.js 3.4.9: a connection counts the rows of the answer being read and resets the count
// only when a statement completes. A statement that fails after sending rows (a constraint
// checked at the end, a killed backend) leaves the count standing, and the connection's next
// answer begins with that many empty places: a silent wrong result (`const [row] = …` reads
// nothing). https://github.com/porsager/postgres/issues/1119 and /issues/1181 (open).
// The count is reset when an error ends the answer and when the connection closes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const MARK = '/* parley: rows reset */'

const patches = [
  {
    files: ['node_modules/postgres/src/connection.js', 'node_modules/postgres/cjs/src/connection.js'],
    edits: [
      ['  function ErrorResponse(x) {\n', `  function ErrorResponse(x) {\n    rows = 0 ${MARK}\n`],
      ['    incoming = Buffer.alloc(0)\n    remaining = 0\n', `    incoming = Buffer.alloc(0)\n    remaining = 0\n    rows = 0 ${MARK}\n`],
    ],
  },
]

let failed = false
for (const { files, edits } of patches) {
  for (const rel of files) {
    const file = join(ROOT, rel)
    if (!existsSync(file)) continue
    let text = readFileSync(file, 'utf8')
    if (text.includes(MARK)) continue
    for (const [from, to] of edits) {
      if (text.split(from).length !== 2) {
        console.warn(`patch-deps: ${rel} has changed (no single "${from.trim().split('\n')[0]}"): left as it is`)
        failed = true
        break
      }
      text = text.replace(from, to)
    }
    if (!failed) writeFileSync(file, text)
  }
}
if (!failed) console.log('patch-deps: postgres.js resets its row count after an error')

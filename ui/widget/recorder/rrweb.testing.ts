// rrweb's recorder alone, on window.__record: rrweb-patches.test.ts builds it with and without the
// build's patches and compares their snapshots.
import { record } from '@rrweb/record'

;(window as unknown as { __record: typeof record }).__record = record

// Forgetting to mask is a type error: `tsc --noEmit` (run by `npm test`) fails if any of the
// expected errors below goes away, i.e. if this repository ever accepts plain text again.
import { describe, expect, it } from 'bun:test'
import type { Db } from '../../db/client.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import type { MaskedText } from '../privacy/privacy.types.ts'
import { appendMessages, setDelivery } from './messages.repo.ts'
import type { AppendItem } from './messages.types.ts'

const plain = 'Paid by 4111 1111 1111 1111'

/** Never called: it exists for the type checker. */
function refusesPlainText(db: Db, item: AppendItem) {
  // @ts-expect-error a message body must be masked
  void appendMessages(db, [{ ...item, body: plain }])
  // @ts-expect-error a message preview must be masked
  void appendMessages(db, [{ ...item, preview: plain }])
  // @ts-expect-error a delivery error must be masked
  void setDelivery(db, item.id, 'failed', plain)
  // @ts-expect-error a string cannot pose as MaskedText without the masking function
  const forged: MaskedText = plain
  void forged
  // What the masking function returns is accepted.
  void appendMessages(db, [{ ...item, body: maskCardNumbers(plain), preview: maskCardNumbers(plain) }])
}

describe('the messages repository', () => {
  it('stores only masked text (checked by tsc); the masked text is the text itself at run time', () => {
    expect(typeof refusesPlainText).toBe('function')
    expect<string>(maskCardNumbers(plain)).toBe('Paid by •••• •••• •••• 1111')
  })
})

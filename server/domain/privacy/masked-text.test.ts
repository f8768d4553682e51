// Forgetting to mask is a type error: `tsc --noEmit` (run by `npm test`) fails if any of the
// expected errors below goes away, i.e. if a repository ever accepts plain text again.
import { describe, expect, it } from 'bun:test'
import type { Db } from '../../db/client.ts'
import { appendMessages, setDelivery } from '../messages/messages.repo.ts'
import type { AppendItem } from '../messages/messages.types.ts'
import { addPageView, insertVisitor, mergeVariables, updateVisitor } from '../visitors/visitors.repo.ts'
import { maskCardNumbers } from './card-mask.ts'
import type { MaskedText } from './privacy.types.ts'

const plain = 'Paid by 4111 1111 1111 1111'

/** Never called: it exists for the type checker. */
function repositoriesRefusePlainText(db: Db, item: AppendItem) {
  // @ts-expect-error a message body must be masked
  void appendMessages(db, [{ ...item, body: plain }])
  // @ts-expect-error a message preview must be masked
  void appendMessages(db, [{ ...item, preview: plain }])
  // @ts-expect-error a delivery error must be masked
  void setDelivery(db, item.id, 'failed', plain)
  // @ts-expect-error a visitor's name must be masked
  void insertVisitor(db, { id: item.id, tokenHash: null, name: plain })
  // @ts-expect-error a note must be masked
  void updateVisitor(db, item.id, { note: plain })
  // @ts-expect-error custom data must be masked
  void mergeVariables(db, item.id, { plan: { label: 'Plan', value: plain } })
  // @ts-expect-error a page title must be masked
  void addPageView(db, item.id, { url: maskCardNumbers('https://shop.example/'), title: plain, referrer: null, visitReferrer: null })
  // @ts-expect-error a string cannot pose as MaskedText without the masking function
  const forged: MaskedText = plain
  void forged
  // What the masking function returns is accepted.
  void updateVisitor(db, item.id, { note: maskCardNumbers(plain) })
}

describe('MaskedText', () => {
  it('is made only by the masking function, and is the masked text itself at run time', () => {
    expect(typeof repositoriesRefusePlainText).toBe('function')
    const masked: MaskedText = maskCardNumbers(plain)
    expect<string>(masked).toBe('Paid by •••• •••• •••• 1111')
  })
})

// Forgetting to mask is a type error: `tsc --noEmit` (run by `npm test`) fails if any of the
// expected errors below goes away, i.e. if this repository ever accepts plain text again.
import { describe, expect, it } from 'bun:test'
import type { Db } from '../../db/client.ts'
import { maskCardNumbers } from '../privacy/privacy.rules.ts'
import { addPageView, insertVisitor, mergeVariables, updateVisitor } from './visitors.repo.ts'

const plain = 'Paid by 4111 1111 1111 1111'

/** Never called: it exists for the type checker. */
function refusesPlainText(db: Db, id: string) {
  // @ts-expect-error a visitor's name must be masked
  void insertVisitor(db, { id, tokenHash: null, name: plain })
  // @ts-expect-error a name given later must be masked
  void updateVisitor(db, id, { name: plain })
  // @ts-expect-error a note must be masked
  void updateVisitor(db, id, { note: plain })
  // @ts-expect-error custom data must be masked
  void mergeVariables(db, id, { plan: { label: 'Plan', value: plain } })
  // @ts-expect-error a page title must be masked
  void addPageView(db, id, { url: maskCardNumbers('https://shop.example/'), title: plain, referrer: null, visitReferrer: null })
  // @ts-expect-error a page address must be masked
  void addPageView(db, id, { url: 'https://shop.example/?card=4111111111111111', title: maskCardNumbers(''), referrer: null, visitReferrer: null })
  // What the masking function returns is accepted.
  void updateVisitor(db, id, { name: maskCardNumbers(plain), note: maskCardNumbers(plain) })
}

describe('the visitors repository', () => {
  it('stores only masked free text (checked by tsc)', () => {
    expect(typeof refusesPlainText).toBe('function')
  })
})

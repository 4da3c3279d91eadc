import assert from 'node:assert/strict';
import { isRef, refOrderKey } from '../../domain/refs';
import { naturalRef } from '../../services/planQueries';

/**
 * The rag| index (storage/pagedIndexes.ts) keys open actions by refOrderKey so a range read comes
 * back in the order lists show; a page is cut from its first rows, so the two orders must agree
 * for every ref the grammar allows, or a page would skip or repeat an action.
 */
const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('refOrderKey sorts refs as lists show them', () => {
  const refs = [
    '1', '2', '10', '1.1', '1.2', '1.10', '1.1.1', '1.1.1b', '1.1.2', '1.3.6', '2.4', '2.10', '2.10a', '2.10b', '3.1', '3.10.1', '12.1',
    '1a', '1b', '1.2a', '1.2A', 'SH-1.2a', 'SH-1.10', 'SH-2.1', 'sh-3.1', 'LA-Misc.1', 'LA-Misc.2', 'LA-Misc.10', 'AB-CD-1.1', 'AB-1.1',
    'ASC01', 'ASC02', 'ASC10', 'ASC1.2', 'C01', 'C1', 'C2', 'QS2', 'QS10', 'M1', 'M10', 'M2', 'P1-2.3', 'X9.9.9.9', '999.999',
  ];

  it('every test ref is one the grammar allows', () => {
    for (const r of refs) assert.ok(isRef(r), r);
  });

  it('orders every pair as naturalRef does, by plain code-unit comparison as Table Storage orders keys', () => {
    const wrong: string[] = [];
    for (const a of refs)
      for (const b of refs) {
        const natural = Math.sign(naturalRef({ ref: a }, { ref: b }));
        const keyed = codeUnitOrder(refOrderKey(a), refOrderKey(b));
        // Same ref but for case ("1.2a" / "1.2A") is one action (refs compare without case): no order to keep.
        if (a.toLowerCase() === b.toLowerCase()) continue;
        if (natural !== keyed) wrong.push(`${a} vs ${b}: natural ${natural}, key ${keyed}`);
      }
    assert.deepEqual(wrong, []);
  });

  it('sorts a shuffled list into natural order', () => {
    const shuffled = [...refs].reverse();
    const byKey = [...shuffled].sort((a, b) => codeUnitOrder(refOrderKey(a), refOrderKey(b)));
    const byNatural = [...shuffled].sort((a, b) => naturalRef({ ref: a }, { ref: b }));
    const fold = (l: string[]) => l.map((r) => r.toLowerCase());
    assert.deepEqual(fold(byKey), fold(byNatural));
  });
});

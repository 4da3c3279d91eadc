import assert from 'node:assert/strict';
import { actionKept, historyEntity, historyOf, keptOf, keptWith, seedFrom } from '../storage/historyRows';
import type { HistoryEntry } from '../domain/planItem';

/** The kept copy of an item row's latest changes (storage/historyRows.ts), without storage. */
const PLAN = 'p';
let clock = Date.parse('2026-03-16T09:00:00Z');

function change(seq: number | undefined, version: number, text = `change ${version}`, at = (clock += 1000)): ReturnType<typeof historyEntity> {
  const h: HistoryEntry = { planId: PLAN, ref: '2.4', seq, at: new Date(at).toISOString(), by: 'u', byName: 'Una', source: 'card', changes: [{ field: 'RAG', from: 'green', to: 'amber' }], commentary: text };
  return historyEntity(h, version);
}

describe('kept changes on an item row', () => {
  it('keeps the newest five, newest first, and only the history row\'s own fields', () => {
    let kept = keptWith(undefined, []);
    assert.equal(kept, '[]', 'a new row keeps an empty copy: it has no changes yet, which is known');
    for (let v = 1; v <= 7; v++) kept = keptWith(change(undefined, v), keptOf({ recentJson: kept })!);
    const entries = JSON.parse(kept) as { commentary: string; partitionKey?: string }[];
    assert.deepEqual(entries.map((e) => e.commentary), ['change 7', 'change 6', 'change 5', 'change 4', 'change 3']);
    assert.ok(entries.every((e) => e.partitionKey === undefined));
    const read = { ...change(2, 1), etag: 'W/"x"', timestamp: '2026-03-16T09:00:00Z' };
    assert.deepEqual(Object.keys(seedFrom([read], 2)[0]).sort(), ['at', 'by', 'byName', 'changesJson', 'commentary', 'ref', 'rowKey', 'seq', 'source']);
  });

  it('keeps none when five changes would not fit a table property', () => {
    let kept = '[]';
    for (let v = 1; v <= 5 && kept; v++) kept = keptWith(change(undefined, v, 'x'.repeat(8000)), keptOf({ recentJson: kept })!);
    assert.equal(kept, '', 'too large for one property: the row keeps none, and the card reads hist| instead');
    assert.equal(keptOf({ recentJson: kept }), undefined);
    assert.equal(keptOf({}), undefined, 'a row written before the copy existed keeps none either');
  });

  it('merges an action\'s rows in history-row order, and knows nothing if any row keeps nothing', () => {
    const same = clock + 1000;
    // Two rows changed in the same millisecond: the row key's inverted version decides, as listHistory reads.
    const action = keptWith(change(undefined, 3, 'on the action', same), []);
    const milestone = keptWith(change(1, 7, 'on milestone 1', same), []);
    const older = keptWith(change(2, 2, 'older, on milestone 2', same - 5000), []);
    const merged = actionKept([{ recentJson: action }, { recentJson: milestone }, { recentJson: older }]);
    assert.ok(merged);
    assert.deepEqual(historyOf(PLAN, merged).map((h) => h.commentary), ['on milestone 1', 'on the action', 'older, on milestone 2']);
    assert.equal(actionKept([{ recentJson: action }, { recentJson: '' }]), undefined);
    assert.equal(actionKept([{ recentJson: action }, {}]), undefined);
    const written = change(2, 3, 'just written', same + 1000);
    assert.equal(historyOf(PLAN, merged, written)[0].commentary, 'just written');
  });
});

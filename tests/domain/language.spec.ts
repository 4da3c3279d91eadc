import assert from 'node:assert/strict';
import { isRef, refsInText, refKey } from '../../domain/refs';
import { readWindow, readDate } from '../../domain/language/dates';
import { editDistance, looseKey, normalise } from '../../domain/language/text';

describe('one ref grammar (domain/refs.ts)', () => {
  it('accepts every scheme the import writes, and nothing that is not a ref', () => {
    for (const r of ['3.10', '1.3.6', '2.1.3', '1.1.1b', 'SH-1.2a', 'LA-Misc.1', 'LA-Education.4', '12']) assert.ok(isRef(r), r);
    for (const r of ['', 'x y', '2.4 amber', '-1.2', '1..2', 'a'.repeat(60), '[2.4](x)']) assert.ok(!isRef(r), r);
    assert.equal(refKey('SH-1.2A'), refKey('sh-1.2a'));
  });

  it('finds refs in running text without taking numbers or words for refs', () => {
    assert.deepEqual(refsInText('tell me about la-misc.3 and 3.10').map((r) => r.ref), ['la-misc.3', '3.10']);
    assert.deepEqual(refsInText('show sh-1.2a please').map((r) => r.ref), ['sh-1.2a']);
    for (const t of ['due in 14 days', 'priority 3', 'kpi c056', 'in.2 weeks', 'cp2']) assert.deepEqual(refsInText(t), [], t);
  });
});

describe('British date windows (domain/language/dates.ts), against a given today only', () => {
  const today = '2021-11-15'; // a Monday
  const w = (s: string) => readWindow(s, today);
  it('reads named windows against the given today', () => {
    assert.deepEqual(w('due in january')?.ok && w('due in january'), { ok: true, window: { kind: 'range', from: '2022-01-01', to: '2022-01-31', label: 'in January 2022' }, words: 'in january' });
    assert.deepEqual(w('due before friday'), { ok: true, window: { kind: 'range', from: '2021-11-15', to: '2021-11-18', label: 'before 19 Nov 2021' }, words: 'before friday' });
    assert.deepEqual(w('due 31/1'), { ok: true, window: { kind: 'range', from: '2022-01-31', to: '2022-01-31', label: 'on 31 Jan 2022' }, words: '31/1' });
    assert.deepEqual(w('due in the next fortnight'), { ok: true, window: { kind: 'days', days: 14 }, words: 'in the next fortnight' });
    assert.equal(w('due this quarter')?.ok && (w('due this quarter') as { window: { to: string } }).window.to, '2021-12-31');
    assert.equal(w('due by the end of march')?.ok && (w('due by the end of march') as { window: { to: string } }).window.to, '2022-03-31');
  });

  it('moves with the clock it is given (no wall clock)', () => {
    const later = readWindow('due in january', '2026-02-10');
    assert.ok(later?.ok);
    assert.deepEqual(later.window, { kind: 'range', from: '2027-01-01', to: '2027-01-31', label: 'in January 2027' });
  });

  it('says a window it cannot read is unread instead of guessing', () => {
    assert.deepEqual(readWindow('due between now and christmas', today), { ok: false, words: 'between now and christmas' });
    assert.equal(readWindow('due soon', today), undefined);
    assert.equal(readWindow('due in january', undefined)?.ok, false);
  });

  it('reads one date day-first, month-only as the end of the month', () => {
    assert.equal(readDate('31 Jan 2027', today), '2027-01-31');
    assert.equal(readDate('1/2/2027', today), '2027-02-01');
    assert.equal(readDate('March 2027', today), '2027-03-31');
    assert.equal(readDate('the twelfth of never', today), undefined);
  });
});

describe('normalising and typo distance (domain/language/text.ts)', () => {
  it('strips zero-width characters and punctuation, keeps refs', () => {
    assert.equal(normalise('Overdue for HoS (LD)\u200b?'), 'overdue for hos ld');
    assert.equal(normalise('show 1.3.6.'), 'show 1.3.6');
    assert.equal(looseKey('HoS (RB)'), looseKey('hos rb'));
  });
  it('counts a swap of two letters once and stops early past its cap', () => {
    assert.equal(editDistance('dunn', 'dnun'), 1);
    assert.equal(editDistance('x'.repeat(5000), 'overdue', 2), 3);
  });
});

import assert from 'node:assert/strict';
import { parseKpiValueText, resolvePeriod, checkWrittenUnit } from '../../domain/kpiValueText';
import { formatPeriod, shortPeriod, periodDueDate, calendarQuarterOf, checkValue, gapToTarget } from '../../domain/kpi';
import { dueNow } from '../../services/kpiReminders';

const TODAY = '2026-12-02';
const monthly = { code: 'c056', frequency: 'monthly', unit: '%' };
const quarterly = { code: 'a2', frequency: 'quarterly', unit: 'days' };

describe('KPI values typed in chat', () => {
  const read: [string, { period?: string; value: number; unit: string; reason?: string }][] = [
    ['kpi c056 nov 2026 85.1%', { period: '2026-11', value: 85.1, unit: 'percent' }],
    ['kpi c056 November 2026 85.1 %', { period: '2026-11', value: 85.1, unit: 'percent' }],
    ['kpi c056 85.1 for Oct', { period: '2026-10', value: 85.1, unit: 'none' }],
    ['c056 sept 2026 84', { period: '2026-09', value: 84, unit: 'none' }],
    ['kpi c056 2026-10 84', { period: '2026-10', value: 84, unit: 'none' }],
    ['kpi c056 nov 2026 85.1%: figure restated by the data team', { period: '2026-11', value: 85.1, unit: 'percent', reason: 'figure restated by the data team' }],
  ];
  for (const [typed, want] of read) {
    it(`reads "${typed}"`, () => {
      const p = parseKpiValueText(typed, TODAY);
      assert.ok(p?.ok, JSON.stringify(p));
      const r = resolvePeriod(monthly, p.period, TODAY);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual({ period: r.period, value: p.value, unit: p.unit, ...(p.reason ? { reason: p.reason } : {}) }, want);
    });
  }

  it('a month without a year is the latest one that has ended; an old one asks for the year', () => {
    const nov = parseKpiValueText('c162 13 for November', TODAY);
    assert.ok(nov?.ok);
    assert.deepEqual(resolvePeriod(monthly, nov.period, TODAY), { ok: true, period: '2026-11' });
    const dec = parseKpiValueText('c162 13 for December', TODAY);
    assert.ok(dec?.ok);
    assert.deepEqual(resolvePeriod(monthly, dec.period, TODAY), { ok: false, message: 'Which December? Say the year, for example “Dec 2025”.' });
  });

  it('financial-year quarters: Q3 2026/27 is Oct–Dec 2026, stored as the calendar quarter 2026-Q4', () => {
    assert.equal(calendarQuarterOf(3, 2026), '2026-Q4');
    assert.equal(calendarQuarterOf(4, 2026), '2027-Q1');
    const p = parseKpiValueText('kpi a2 Q2 26/27 180 days', '2026-12-02');
    assert.ok(p?.ok);
    assert.deepEqual(resolvePeriod(quarterly, p.period, TODAY), { ok: true, period: '2026-Q3' });
    assert.equal(formatPeriod('2026-Q3'), 'Q2 2026/27 (Jul–Sep 2026)');
    assert.equal(shortPeriod('2026-Q1'), 'Q4 25/26');
    assert.equal(shortPeriod('2025-11'), 'Nov 25');
  });

  it('names the word it could not read, and never guesses between two readings', () => {
    const bad = parseKpiValueText('kpi c056 nov 2026 8x5', TODAY);
    assert.deepEqual(bad && !bad.ok && bad.message.startsWith('I couldn\'t read "8x5"'), true);
    const two = parseKpiValueText('kpi c056 nov 2026 85 90', TODAY);
    assert.ok(two && !two.ok && /two values, "85" and "90"/.test(two.message));
    const date = parseKpiValueText('c162 13 November', TODAY);
    assert.ok(date && !date.ok && /I read "13 November" as a date/.test(date.message));
    const fy = parseKpiValueText('kpi a2 Q3 2026/28 180', TODAY);
    assert.ok(fy && !fy.ok && /is not a financial year/.test(fy.message));
    assert.equal(parseKpiValueText('kpi c056', TODAY), undefined, 'a question, not a value');
  });

  it('checks the written unit and the plausible range against the KPI', () => {
    assert.match(checkWrittenUnit({ code: 'c162', unit: 'count' }, 'percent', '13%') ?? '', /"13%" is a percentage, but c162 is a count/);
    assert.equal(checkWrittenUnit({ code: 'c056', unit: '%' }, 'percent', '85%'), undefined);
    assert.deepEqual(checkValue({ code: 'c056', unit: '%' }, 100, '100'), { ok: true });
    assert.equal(checkValue({ code: 'c056', unit: '%' }, 100.1, '100.1').ok, false);
    assert.equal(checkValue({ code: 'c002', unit: 'rate per 10000' }, -1, '-1').ok, false);
    assert.equal(checkValue({ code: 'c162', unit: 'count' }, 3.5, '3.5').ok, false);
    assert.equal(gapToTarget({ polarity: 'lower', target: 8 }, 13), -5);
    assert.equal(gapToTarget({ polarity: 'higher', target: 87 }, 85.1), -1.9);
  });

  it('reminders: due five working days after the period ends, a nudge five days later, nothing once recorded', () => {
    const def = { code: 'c056', name: 'x', unit: '%', polarity: 'higher' as const, target: 87, tolerance: 3, frequency: 'monthly' };
    // November 2026 ends on a Monday; five working days later is Monday 7 December.
    assert.equal(periodDueDate('2026-11', 5), '2026-12-07');
    assert.equal(dueNow(def, '2026-10', '2026-12-04', 5, 5), undefined);
    assert.deepEqual(dueNow(def, '2026-10', '2026-12-07', 5, 5), { period: '2026-11', stage: 'due', dueDate: '2026-12-07' });
    assert.deepEqual(dueNow(def, '2026-10', '2026-12-12', 5, 5), { period: '2026-11', stage: 'nudge', dueDate: '2026-12-07' });
    assert.equal(dueNow(def, '2026-11', '2026-12-12', 5, 5), undefined);
  });
});

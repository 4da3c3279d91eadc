import assert from 'node:assert/strict';
import { parseKpiValueText, resolvePeriod, checkWrittenUnit } from '../../domain/kpiValueText';
import { formatPeriod, shortPeriod, periodDueDate, calendarQuarterOf, checkValue, gapToTarget, periodKind, typedPeriod, kindOfPeriod, shiftPeriodBy } from '../../domain/kpi';
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

describe('KPI periods: weekly, termly and annual', () => {
  const termly = { code: 'att1', frequency: 'termly' };
  const weekly = { code: 'c162', frequency: 'weekly' };
  const calendar = { code: 'fc1', frequency: 'annually' };
  const financial = { code: 'bud1', frequency: 'annually (financial year)' };
  const academic = { code: 'cl1', frequency: 'annually (academic year)' };
  const resolve = (def: { code: string; frequency: string }, typed: string) => {
    const p = parseKpiValueText(typed, TODAY);
    assert.ok(p?.ok, JSON.stringify(p));
    return { value: p.value, ...resolvePeriod(def, p.period, TODAY) };
  };

  it('reads the frequency as a kind of period; six-monthly is not recorded in chat', () => {
    assert.deepEqual(
      ['Weekly', 'termly', 'annually', 'Annually (financial year)', 'annual (academic year)', 'six_monthly', ''].map(periodKind),
      ['weekly', 'termly', 'annual', 'financialYear', 'academicYear', undefined, undefined],
    );
  });

  it('terms: the calendar year the term falls in, or the academic year; without a year the latest ended', () => {
    assert.deepEqual(resolve(termly, 'kpi att1 summer term 2026 91.5%'), { value: 91.5, ok: true, period: '2025-T3' });
    assert.deepEqual(resolve(termly, 'kpi att1 spring 2025/26 90'), { value: 90, ok: true, period: '2025-T2' });
    assert.deepEqual(resolve(termly, 'kpi att1 autumn term 2025 89'), { value: 89, ok: true, period: '2025-T1' });
    assert.deepEqual(resolve(termly, 'att1 spring term 88'), { value: 88, ok: true, period: '2025-T2' });
    assert.deepEqual(resolve(termly, 'kpi att1 autumn term 2026 85%'), {
      value: 85,
      ok: false,
      message: 'Autumn term 2026/27 (Sep–Dec 2026) has not ended yet (it ends 31 Dec 2026), so it has no value to record.',
    });
  });

  it('weeks: "w/c" and a day of it (no year needed), a week number, or the Monday', () => {
    assert.deepEqual(resolve(weekly, 'c162 13 for w/c 2 Nov'), { value: 13, ok: true, period: '2026-11-02' });
    assert.deepEqual(resolve(weekly, 'c162 11 week commencing 16 November 2026'), { value: 11, ok: true, period: '2026-11-16' });
    assert.deepEqual(resolve(weekly, 'c162 12 week 46 2026'), { value: 12, ok: true, period: '2026-11-09' });
    assert.deepEqual(resolve(weekly, 'kpi c162 2026-11-23 9'), { value: 9, ok: true, period: '2026-11-23' });
    assert.deepEqual(resolve(weekly, 'c162 9 for w/c 30 Nov'), { value: 9, ok: false, message: 'w/c 30 Nov 2026 has not ended yet (it ends 6 Dec 2026), so it has no value to record.' });
    const bad = parseKpiValueText('c162 week 54 2026 3', TODAY);
    assert.ok(bad && !bad.ok && /"week 54 2026" is not a week/.test(bad.message));
  });

  it('years: calendar "2025", financial and academic "2025/26"; a bare year for a financial KPI is asked about', () => {
    assert.deepEqual(resolve(calendar, 'kpi fc1 2025 27'), { value: 27, ok: true, period: '2025' });
    assert.deepEqual(resolve(financial, 'kpi bud1 2025/26 40'), { value: 40, ok: true, period: 'FY2025-26' });
    assert.deepEqual(resolve(financial, 'kpi bud1 FY 2024-25 41'), { value: 41, ok: true, period: 'FY2024-25' });
    assert.deepEqual(resolve(academic, 'kpi cl1 2025/26 38'), { value: 38, ok: true, period: 'AY2025-26' });
    assert.deepEqual(resolve(financial, 'kpi bud1 2026 40'), {
      value: 40,
      ok: false,
      message: 'bud1 is reported annually (financial year), and "2026" could be 2025/26 or 2026/27. Say which, for example “2026/27”.',
    });
    assert.deepEqual(resolve(financial, 'kpi bud1 2026/27 40'), { value: 40, ok: false, message: '2026/27 (financial year) has not ended yet (it ends 31 Mar 2027), so it has no value to record.' });
    const lone = parseKpiValueText('kpi fc1 2025', TODAY);
    assert.ok(lone?.ok && lone.value === 2025 && lone.period === undefined, 'a lone number is the value');
  });

  it('a period of the wrong shape names the words and the shape to write', () => {
    assert.equal(resolve(termly, 'kpi att1 nov 2026 85').ok, false);
    assert.deepEqual(resolve(termly, 'kpi att1 nov 2025 85'), { value: 85, ok: false, message: 'att1 is reported termly, but "nov 2025" is a month. Say the term and its year, for example “Autumn term 2025/26”.' });
    assert.deepEqual(resolve(calendar, 'kpi fc1 2025/26 27'), { value: 27, ok: false, message: 'fc1 is reported annually (calendar year), but "2025/26" is a financial or academic year. Say the calendar year, for example “2025”.' });
    assert.deepEqual(resolve(academic, 'kpi cl1 fy 2025/26 38'), { value: 38, ok: false, message: 'cl1 is reported annually (academic year), but "fy 2025/26" is a financial year. Say the academic year, for example “2025/26”.' });
    assert.deepEqual(resolve(weekly, 'c162 13 for Q2 2026/27'), { value: 13, ok: false, message: 'c162 is reported weekly, but "Q2 2026/27" is a quarter. Say the week as “w/c” and its Monday, or “week” and its number, for example “w/c 28 Sep 2026”.' });
    assert.deepEqual(resolve(monthly, 'kpi c056 summer term 2026 84'), { value: 84, ok: false, message: 'c056 is reported monthly, but "summer term 2026" is a school term. Say the month, for example “Nov 2026”.' });
  });

  it('labels: long for sentences, typed back without brackets, short for the chart', () => {
    const periods = ['2026-11-02', '2025-T1', '2025-T2', '2025-T3', '2025', 'FY2025-26', 'AY2025-26'];
    assert.deepEqual(periods.map(formatPeriod), [
      'w/c 2 Nov 2026',
      'Autumn term 2025/26 (Sep–Dec 2025)',
      'Spring term 2025/26 (Jan–Apr 2026)',
      'Summer term 2025/26 (May–Aug 2026)',
      '2025',
      '2025/26 (financial year)',
      '2025/26 (academic year)',
    ]);
    assert.deepEqual(periods.map(typedPeriod), ['w/c 2 Nov 2026', 'Autumn term 2025/26', 'Spring term 2025/26', 'Summer term 2025/26', '2025', '2025/26', '2025/26']);
    assert.deepEqual(periods.map(shortPeriod), ['2 Nov', 'Aut 25', 'Spr 26', 'Sum 26', '2025', '25/26', '25/26']);
    assert.deepEqual(periods.map(kindOfPeriod), ['weekly', 'termly', 'termly', 'termly', 'annual', 'financialYear', 'academicYear']);
    assert.deepEqual(['2025-T3', 'FY2025-26', '2025', 'AY2025-26', '2026-11-02'].map((p) => shiftPeriodBy(p, 1)), ['2026-T1', 'FY2026-27', '2026', 'AY2026-27', '2026-11-09']);
  });

  it('due and reminded when the period closes: five working days after a term or year ends', () => {
    // The Autumn term 2025 ended on Wednesday 31 December; five working days on is Wednesday 7 January.
    assert.equal(periodDueDate('2025-T1', 5), '2026-01-07');
    // The financial year 2025/26 ended on Tuesday 31 March 2026.
    assert.equal(periodDueDate('FY2025-26', 5), '2026-04-07');
    const def = { code: 'att1', name: 'x', unit: '%', polarity: 'higher' as const, target: 92, tolerance: 2, frequency: 'termly' };
    assert.equal(dueNow(def, '2025-T2', '2026-09-04', 5, 5), undefined, 'Summer ended 31 Aug; due Monday 7 September');
    assert.deepEqual(dueNow(def, '2025-T2', '2026-09-07', 5, 5), { period: '2025-T3', stage: 'due', dueDate: '2026-09-07' });
    assert.deepEqual(dueNow(def, '2025-T2', '2026-09-14', 5, 5), { period: '2025-T3', stage: 'nudge', dueDate: '2026-09-07' });
    const fin = { ...def, code: 'bud1', frequency: 'annually (financial year)' };
    assert.deepEqual(dueNow(fin, 'FY2024-25', '2026-04-07', 5, 5), { period: 'FY2025-26', stage: 'due', dueDate: '2026-04-07' });
    assert.equal(dueNow(fin, 'FY2025-26', '2026-12-02', 5, 5), undefined);
    const wk = { ...def, code: 'c162', frequency: 'weekly' };
    // The week of Monday 23 November ends Sunday 29th; due Friday 4 December.
    assert.deepEqual(dueNow(wk, '2026-11-16', '2026-12-04', 5, 5), { period: '2026-11-23', stage: 'due', dueDate: '2026-12-04' });
  });
});

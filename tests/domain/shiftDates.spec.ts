import assert from 'node:assert/strict';
import { monthsToShift, shiftIsoByMonths, shiftPeriod, shiftPlan } from '../../domain/shiftDates';
import type { ParsedPlan } from '../../domain/model';

describe('shifting demo dates by whole months', () => {
  const cases: [string, number, string][] = [
    ['2021-09-30', 2, '2021-11-30'],
    ['2021-10-31', 1, '2021-11-30'],
    ['2021-11-30', 1, '2021-12-31'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2016-11-01', 60, '2021-11-01'],
    ['2021-03-15', -3, '2020-12-15'],
  ];
  for (const [from, months, to] of cases) it(`${from} + ${months} months = ${to}`, () => assert.equal(shiftIsoByMonths(from, months), to));

  it('moves monthly and quarterly KPI periods', () => {
    assert.equal(shiftPeriod('2022-09', 50), '2026-11');
    assert.equal(shiftPeriod('2022-Q3', 3), '2022-Q4');
  });

  it('puts the middle fixed due date the requested months after today, leaving recurring work alone', () => {
    const plan: ParsedPlan = {
      priorities: [],
      actions: [
        { ref: '1.1', title: 'a', outcomes: [], due: { kind: 'date', date: '2021-12-31' }, status: 'on_track', rag: 'green', kpiCodes: [], milestones: [], extra: {}, sourceRow: 2 },
        { ref: '1.2', title: 'b', outcomes: [], due: { kind: 'recurring', recurrence: 'monthly' }, status: 'bau', rag: 'none', kpiCodes: [], milestones: [], extra: {}, sourceRow: 3 },
      ],
    };
    const months = monthsToShift(plan, '2026-11-22', 3);
    assert.equal(months, 62);
    const shifted = shiftPlan(plan, months);
    assert.deepEqual(shifted.actions[0].due, { kind: 'date', date: '2027-02-28' });
    assert.deepEqual(shifted.actions[1].due, { kind: 'recurring', recurrence: 'monthly' });
  });
});

import assert from 'node:assert/strict';
import { monthsToShift, pinDue, shiftIsoByMonths, shiftPeriod, shiftPlan } from '../../domain/shiftDates';
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

describe('pinning demo due dates', () => {
  const base = { priorityRef: '1', title: 't', outcomes: [] as string[], status: 'not_started' as const, rag: 'none' as const, kpiCodes: [] as string[], extra: {}, sourceRow: 2 };
  const plan: ParsedPlan = {
    priorities: [],
    actions: [
      { ...base, ref: '1.1', due: { kind: 'date', date: '2021-10-31' }, milestones: [] },
      {
        ...base,
        ref: '1.2',
        due: { kind: 'date', date: '2021-12-31' },
        milestones: [
          { seq: 1, text: 'a', due: { kind: 'date', date: '2021-11-30' }, status: 'not_started', rag: 'none' },
          { seq: 2, text: 'b', due: { kind: 'date', date: '2021-12-31' }, status: 'not_started', rag: 'none' },
        ],
      },
    ],
  };

  it('sets an action date, or a milestone date and its action falls due with the latest milestone', () => {
    const pinned = pinDue(plan, [
      { ref: '1.1', date: '2026-12-06' },
      { ref: '1.2', seq: 2, date: '2026-12-03' },
    ]);
    assert.deepEqual(pinned.actions[0].due, { kind: 'date', date: '2026-12-06' });
    assert.deepEqual(pinned.actions[1].milestones.map((m) => m.due), [
      { kind: 'date', date: '2021-11-30' },
      { kind: 'date', date: '2026-12-03' },
    ]);
    assert.deepEqual(pinned.actions[1].due, { kind: 'date', date: '2026-12-03' });
    assert.deepEqual(plan.actions[0].due, { kind: 'date', date: '2021-10-31' }, 'the input is not changed');
  });
});

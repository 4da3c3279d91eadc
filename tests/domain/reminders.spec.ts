import assert from 'node:assert/strict';
import { reminderStage, nudgeStage } from '../../domain/reminders';
import { isWorkingTime, localTime, previousWorkingDay } from '../../domain/workingTime';
import type { ItemState } from '../../domain/planItem';

const item = (due: string, extra: Partial<ItemState> = {}): ItemState => ({
  planId: 'p',
  ref: '2.4',
  kind: 'action',
  title: 't',
  due: { kind: 'date', date: due },
  status: 'on_track',
  rag: 'green',
  version: 1,
  updatedAt: '2026-10-01T09:00:00Z',
  updatedBy: 'import',
  ...extra,
});

describe('reminder stages', () => {
  // 2026-11-30 is a Monday.
  const table: [string, string, string | undefined][] = [
    ['2026-11-30', '2026-11-20', undefined],
    ['2026-11-30', '2026-11-23', 'week-ahead'],
    ['2026-11-30', '2026-11-26', 'week-ahead'],
    ['2026-11-30', '2026-11-27', 'day-before'], // Friday before a Monday deadline
    ['2026-11-30', '2026-11-28', undefined], // Saturday: nothing is sent
    ['2026-11-30', '2026-11-30', 'due-today'],
    ['2026-11-30', '2026-12-01', 'overdue-w0'],
    ['2026-11-30', '2026-12-07', 'overdue-w0'],
    ['2026-11-30', '2026-12-08', 'overdue-w1'],
    ['2026-11-30', '2026-12-15', 'overdue-w2'],
    ['2026-11-29', '2026-11-27', 'due-today'], // Sunday deadline: reminded on the Friday
    ['2026-11-29', '2026-11-26', 'day-before'],
  ];
  for (const [due, today, stage] of table) it(`due ${due}, on ${today}: ${stage ?? 'nothing'}`, () => assert.equal(reminderStage(item(due), today), stage));

  it('sends nothing for complete, awaiting sign-off, business-as-usual or recurring items', () => {
    for (const status of ['complete', 'awaiting_signoff', 'bau'] as const) assert.equal(reminderStage(item('2026-11-30', { status }), '2026-11-30'), undefined);
    assert.equal(reminderStage({ ...item('2026-11-30'), due: { kind: 'recurring', recurrence: 'monthly' } }, '2026-11-30'), undefined);
  });

  it('stops overdue reminders once someone updates the item after its deadline', () => {
    assert.equal(reminderStage(item('2026-11-30', { updatedAt: '2026-12-02T10:00:00Z', updatedBy: 'rosa' }), '2026-12-09'), undefined);
    assert.equal(reminderStage(item('2026-11-30', { updatedAt: '2026-11-29T10:00:00Z', updatedBy: 'rosa' }), '2026-12-09'), 'overdue-w1');
  });

  it('nudges only stale items, once per period', () => {
    assert.equal(nudgeStage(item('2027-06-30', { updatedAt: '2026-11-01T10:00:00Z' }), '2026-11-20', 30), undefined);
    assert.equal(nudgeStage(item('2027-06-30', { updatedAt: '2026-10-01T10:00:00Z' }), '2026-11-02', 30), 'stale-p1');
    assert.equal(nudgeStage(item('2027-06-30', { updatedAt: '2026-09-01T10:00:00Z' }), '2026-11-02', 30), 'stale-p2');
    assert.equal(nudgeStage(item('2027-06-30', { updatedAt: '2026-09-01T10:00:00Z', status: 'complete' }), '2026-11-02', 30), undefined);
  });
});

describe('working time in Europe/London across DST', () => {
  it('reads local wall-clock time in GMT and BST', () => {
    assert.deepEqual(localTime(new Date('2026-01-15T08:30:00Z'), 'Europe/London'), { date: '2026-01-15', minutes: 8 * 60 + 30, weekday: 4 });
    assert.deepEqual(localTime(new Date('2026-07-15T07:30:00Z'), 'Europe/London'), { date: '2026-07-15', minutes: 8 * 60 + 30, weekday: 3 });
  });

  it('respects quiet hours on both sides of the clocks going forward (29 Mar 2026) and back (25 Oct 2026)', () => {
    const hours = { start: '08:00', end: '18:00' };
    // Friday 27 March 07:30Z is 07:30 GMT: quiet. Monday 30 March 07:30Z is 08:30 BST: working.
    assert.equal(isWorkingTime(new Date('2026-03-27T07:30:00Z'), 'Europe/London', hours), false);
    assert.equal(isWorkingTime(new Date('2026-03-30T07:30:00Z'), 'Europe/London', hours), true);
    // Friday 23 Oct 17:30Z is 18:30 BST: quiet. Monday 26 Oct 17:30Z is 17:30 GMT: working.
    assert.equal(isWorkingTime(new Date('2026-10-23T17:30:00Z'), 'Europe/London', hours), false);
    assert.equal(isWorkingTime(new Date('2026-10-26T17:30:00Z'), 'Europe/London', hours), true);
    assert.equal(isWorkingTime(new Date('2026-10-24T12:00:00Z'), 'Europe/London', hours), false, 'Saturday');
  });

  it('finds the previous working day over a weekend', () => {
    assert.equal(previousWorkingDay('2026-11-30'), '2026-11-27');
    assert.equal(previousWorkingDay('2026-12-02'), '2026-12-01');
  });
});

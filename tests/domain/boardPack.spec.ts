import assert from 'node:assert/strict';
import { buildBoardPack, isUnowned, kpiGroup, SNAPSHOT_VERSION, type PlanSnapshot, type SnapshotItem } from '../../domain/boardPack';

/**
 * A small plan whose state is known item by item, so every section of the pack can be checked by
 * name: as at Mon 7 Dec 2026, STALE_AFTER_DAYS 30.
 */
const AS_AT = '2026-12-07';

const item = (over: Partial<SnapshotItem> & Pick<SnapshotItem, 'ref' | 'title'>): SnapshotItem => ({
  kind: 'action',
  due: { kind: 'date', date: '2027-03-31' },
  status: 'on_track',
  rag: 'green',
  version: 1,
  updatedAt: '2026-12-01T09:00:00Z',
  ...over,
});

const CURRENT: SnapshotItem[] = [
  item({ ref: '1.1', title: 'Recruit permanent team managers', priorityRef: '1', ownerRole: 'HoS (CS)', status: 'not_on_track', rag: 'red', due: { kind: 'date', date: '2026-11-30' }, commentary: 'Second round of interviews failed to appoint', updatedAt: '2026-11-20T10:00:00Z' }),
  item({ ref: '1.2', title: 'Caseload dashboard for each team', priorityRef: '1', ownerRole: 'PM (Data)', status: 'some_issues', rag: 'amber', due: { kind: 'date', date: '2027-02-28' }, originalDue: { kind: 'date', date: '2026-12-31' }, revisionReason: 'Data warehouse move slipped a quarter', commentary: 'Prototype with two teams', updatedAt: '2026-12-02T15:00:00Z' }),
  item({ ref: '1.3', title: 'Practice week for all social workers', priorityRef: '1', ownerRole: 'Principal SW', status: 'complete', rag: 'blue', evidenceUrl: 'https://intranet.example.org/practice-week-report', updatedAt: '2026-12-03T12:00:00Z' }),
  item({ ref: '2.1', title: 'Refresh the supervision policy', priorityRef: '2', ownerRole: 'Vacant post', status: 'on_track', rag: 'green', updatedAt: '2026-10-01T08:00:00Z' }),
  item({ ref: '2.2', title: 'Audit of care plans', priorityRef: '2', status: 'awaiting_signoff', rag: 'green', evidenceUrl: 'https://intranet.example.org/audit-summary', updatedAt: '2026-12-04T16:00:00Z' }),
  item({ ref: '2.2', seq: 1, kind: 'milestone', title: 'Sample chosen', ownerRole: 'PM (Data)', status: 'on_track', rag: 'green', due: { kind: 'date', date: '2026-12-01' }, updatedAt: '2026-11-01T08:00:00Z' }),
  item({ ref: '2.10', title: 'Quarterly practice assembly', priorityRef: '2', ownerRole: 'Principal SW', status: 'bau', rag: 'none', due: { kind: 'recurring', recurrence: 'quarterly' }, updatedAt: undefined }),
];

const snapshot = (items: SnapshotItem[], asAt = AS_AT, kpis: PlanSnapshot['kpis'] = []): PlanSnapshot => ({
  version: SNAPSHOT_VERSION,
  planId: 'demo',
  planName: 'Children’s Services Improvement Plan',
  asAt,
  takenAt: `${asAt}T09:00:00Z`,
  meeting: { date: '2026-12-14', title: 'Improvement Board' },
  staleDays: 30,
  priorities: [
    { ref: '1', title: 'Workforce' },
    { ref: '2', title: 'Quality of practice' },
  ],
  items,
  owners: { 'HoS (CS)': 'Rosa Bennett', 'PM (Data)': 'Jordan Hale', 'Principal SW': 'Sam Okafor' },
  kpis,
});

describe('board pack: the pure computation', () => {
  it('counts RAG and progress by priority, and the totals the chat questions use', () => {
    const pack = buildBoardPack(snapshot(CURRENT));
    assert.equal(pack.totals.actions, 6);
    assert.equal(pack.totals.milestones, 1);
    assert.deepEqual(pack.totals.rag, { red: 1, amber: 1, green: 2, blue: 1, none: 1 });
    assert.equal(pack.totals.status.awaiting_signoff, 1);
    assert.deepEqual(
      pack.byPriority.map((p) => [p.ref, p.title, p.actions, p.rag.red, p.rag.amber, p.rag.green]),
      [
        ['1', 'Workforce', 3, 1, 1, 0],
        ['2', 'Quality of practice', 3, 0, 0, 2],
      ],
    );
    // Plan order is numeric: 2.10 after 2.2 and its milestone.
    assert.deepEqual(pack.rows.map((r) => r.label), ['1.1', '1.2', '1.3', '2.1', '2.2', '2.2.1', '2.10']);
  });

  it('lists every open red and amber action as an exception with owner, revised date, reason and commentary', () => {
    const pack = buildBoardPack(snapshot(CURRENT));
    assert.deepEqual(pack.exceptions.map((r) => r.label), ['1.1', '1.2']);
    const amber = pack.exceptions[1];
    assert.equal(amber.ownerName, 'Jordan Hale');
    assert.equal(amber.due, '28 Feb 2027');
    assert.equal(amber.originalDue, '31 Dec 2026');
    assert.equal(amber.revisionReason, 'Data warehouse move slipped a quarter');
    assert.equal(amber.commentary, 'Prototype with two teams');
    assert.equal(amber.updatedOn, '2026-12-02');
  });

  it('finds overdue, stale, unowned and awaiting sign-off by the domain rules', () => {
    const pack = buildBoardPack(snapshot(CURRENT));
    // 1.1 due 30 Nov (7 days late), milestone 2.2.1 due 1 Dec (6 days); complete/BAU/awaiting items never are.
    assert.deepEqual(pack.overdue.map((r) => [r.label, r.daysOverdue]), [['1.1', 7], ['2.2.1', 6]]);
    // 2.1 last updated 1 Oct (67 days), 2.2.1 on 1 Nov (36 days); 2.10 is BAU and 1.3 complete.
    assert.deepEqual(pack.stale.map((r) => [r.label, r.daysSinceUpdate]), [['2.1', 67], ['2.2.1', 36]]);
    // 2.1's role is held by nobody; 2.2 has no owner but is awaiting sign-off, so it is not open.
    assert.deepEqual(pack.unowned.map((r) => r.label), ['2.1']);
    assert.deepEqual(pack.awaitingSignOff.map((r) => [r.label, r.evidenceUrl]), [['2.2', 'https://intranet.example.org/audit-summary']]);
    assert.deepEqual([pack.totals.overdue, pack.totals.stale, pack.totals.unowned, pack.totals.awaitingSignOff, pack.totals.exceptions], [2, 2, 1, 1, 2]);
  });

  it('has no movement on the first pack, and calls everything complete to date signed off', () => {
    const pack = buildBoardPack(snapshot(CURRENT));
    assert.equal(pack.movement, undefined);
    assert.equal(pack.previousAsAt, undefined);
    assert.deepEqual(pack.completedSinceLast.map((r) => [r.label, r.evidenceUrl]), [['1.3', 'https://intranet.example.org/practice-week-report']]);
  });

  it('says what moved since the previous snapshot: improved, worsened, completed, new and revised dates', () => {
    const before = snapshot(
      [
        item({ ref: '1.1', title: 'Recruit permanent team managers', priorityRef: '1', status: 'some_issues', rag: 'amber', due: { kind: 'date', date: '2026-11-30' } }),
        item({ ref: '1.2', title: 'Caseload dashboard for each team', priorityRef: '1', status: 'not_on_track', rag: 'red', due: { kind: 'date', date: '2026-12-31' } }),
        item({ ref: '1.3', title: 'Practice week for all social workers', priorityRef: '1', status: 'on_track', rag: 'green' }),
        item({ ref: '2.1', title: 'Refresh the supervision policy', priorityRef: '2' }),
        item({ ref: '2.2', title: 'Audit of care plans', priorityRef: '2', status: 'on_track', rag: 'green' }),
        item({ ref: '2.2', seq: 1, kind: 'milestone', title: 'Sample chosen', due: { kind: 'date', date: '2026-12-01' } }),
      ],
      '2026-11-09',
    );
    const pack = buildBoardPack(snapshot(CURRENT), before);
    assert.equal(pack.previousAsAt, '2026-11-09');
    const m = pack.movement!;
    assert.deepEqual(m.improved.map((x) => [x.row.label, x.from, x.to]), [['1.2', 'Red', 'Amber']]);
    assert.deepEqual(m.worsened.map((x) => [x.row.label, x.from, x.to]), [['1.1', 'Amber', 'Red']]);
    assert.deepEqual(m.completed.map((x) => x.row.label), ['1.3', '2.2']);
    assert.deepEqual(m.added.map((r) => r.label), ['2.10']);
    assert.deepEqual(m.revisedDates.map((x) => [x.row.label, x.from, x.to]), [['1.2', '31 Dec 2026', '28 Feb 2027']]);
    // Awaiting sign-off has moved (completed) but is not yet signed off.
    assert.deepEqual(pack.completedSinceLast.map((r) => r.label), ['1.3']);
  });

  it('does not list as signed off since last pack what was already complete then', () => {
    const before = snapshot([item({ ref: '1.3', title: 'Practice week for all social workers', status: 'complete', rag: 'blue' })], '2026-11-09');
    const pack = buildBoardPack(snapshot(CURRENT), before);
    assert.deepEqual(pack.completedSinceLast, []);
  });

  it('scores KPIs by polarity and tolerance, with direction, comparators and the three groups', () => {
    const def = (code: string, polarity: 'higher' | 'lower', target: number, tolerance: number) => ({ code, name: `Measure ${code}`, unit: '%', polarity, target, tolerance, frequency: 'monthly', statNeighbours: 80.5, england: 82 });
    const pack = buildBoardPack(
      snapshot(CURRENT, AS_AT, [
        { def: def('c010', 'higher', 90, 5), latest: { period: '2026-10', value: 93 }, previous: { period: '2026-09', value: 91 } },
        { def: def('c020', 'higher', 90, 5), latest: { period: '2026-10', value: 92 }, previous: { period: '2026-09', value: 95 } },
        { def: def('c030', 'lower', 20, 4), latest: { period: '2026-10', value: 23 }, previous: { period: '2026-09', value: 23 } },
        { def: def('c040', 'lower', 20, 4), latest: { period: '2026-10', value: 31 } },
        { def: def('c050', 'higher', 50, 5) },
      ]),
    );
    assert.deepEqual(
      pack.kpis.map((k) => [k.code, k.rag, k.direction, k.group]),
      [
        ['c010', 'green', 'improving', 'going well'],
        ['c020', 'green', 'worsening', 'ones to watch'],
        ['c030', 'amber', 'no change', 'ones to watch'],
        ['c040', 'red', 'no previous value', 'things to do better'],
        ['c050', undefined, 'no value yet', 'ones to watch'],
      ],
    );
    assert.equal(pack.kpis[0].period, '2026-10');
    assert.equal(pack.kpis[0].statNeighbours, 80.5);
    assert.equal(pack.kpis[0].england, 82);
  });

  it('is the same pack every time it is built from the same snapshots', () => {
    const snap = snapshot(CURRENT);
    assert.deepEqual(buildBoardPack(structuredClone(snap)), buildBoardPack(snap));
  });

  it('uses one unowned rule: open actions whose role nobody holds', () => {
    const known = new Set(['hos(cs)']);
    assert.equal(isUnowned({ kind: 'action', status: 'on_track', ownerRole: 'HoS (CS)' }, known), false);
    assert.equal(isUnowned({ kind: 'action', status: 'on_track', ownerRole: 'GM (Fieldwork)' }, known), true);
    assert.equal(isUnowned({ kind: 'action', status: 'on_track' }, known), true);
    assert.equal(isUnowned({ kind: 'action', status: 'complete' }, known), false);
    assert.equal(isUnowned({ kind: 'milestone', status: 'on_track' }, known), false);
    assert.equal(kpiGroup(undefined, 'no value yet'), 'ones to watch');
  });
});

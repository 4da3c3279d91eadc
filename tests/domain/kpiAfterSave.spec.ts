import assert from 'node:assert/strict';
import type { KpiDefinition, KpiPoint, PlanInfo, Rag } from '../../domain/model';
import type { PlanItem } from '../../domain/planItem';
import type { KpiMove, KpiStore } from '../../services/ports/kpiStore';
import type { PlanStore } from '../../services/ports/planStore';
import { afterKpiSaved } from '../../services/kpiAfterSave';
import { only } from '../support/portFakes';

const def: KpiDefinition = { code: 'c301', name: 'Visits in time', unit: '%', polarity: 'higher', target: 90, tolerance: 5, frequency: 'monthly' };
const point = (period: string, value: number): KpiPoint => ({ code: 'c301', period, value, enteredAt: '2026-12-01T10:00:00Z', enteredBy: 'kim', enteredByName: 'Kim Lowe', version: 1 });
const action = (planId: string, ref: string, kpiCodes: string[]) => ({ planId, ref, kind: 'action', title: ref, kpiCodes, due: { kind: 'none' }, status: 'on_track', rag: 'green', version: 1, outcomes: [] }) as unknown as PlanItem;

function saved(from: Rag | undefined, to: Rag, hadValue = true) {
  return {
    kind: 'saved' as const,
    def,
    point: point('2026-11', 80),
    statusBefore: { def, series: [], rag: from, latest: hadValue ? point('2026-10', 88) : undefined },
    statusAfter: { def, series: [], rag: to, latest: point('2026-11', 80) },
    as: 'owner' as const,
  };
}

/** Three plans: two linked to a channel (one citing c301), one not linked. */
function stores() {
  const moves: KpiMove[] = [];
  const plans: PlanInfo[] = [
    { id: 'a', name: 'Plan A', channelId: '19:a@thread.tacv2' },
    { id: 'b', name: 'Plan B', channelId: '19:b@thread.tacv2' },
    { id: 'c', name: 'Plan C' },
  ];
  const items: Record<string, PlanItem[]> = { a: [action('a', '2.4', ['c301']), action('a', '3.1', ['c301', 'c056']), action('a', '4.2', [])], b: [action('b', '1.1', ['c056'])], c: [action('c', '9.9', ['c301'])] };
  const read: string[] = [];
  return {
    moves,
    read,
    s: {
      kpis: only<Pick<KpiStore, 'recordMove'>>('kpis', { recordMove: async (m) => void moves.push(m) }),
      plans: only<Pick<PlanStore, 'listPlans' | 'listAllItems'>>('plans', { listPlans: async () => plans, listAllItems: async (id) => (read.push(id), items[id] ?? []) }),
    },
  };
}

describe('what follows a saved KPI value (services/kpiAfterSave)', () => {
  it('turning Red keeps the move and tells each linked channel whose plan cites the KPI, naming the actions', async () => {
    const { s, moves, read } = stores();
    const notices = await afterKpiSaved(s, saved('amber', 'red'));
    assert.deepEqual(moves.map((m) => [m.code, m.from, m.to, m.period, m.byName]), [['c301', 'amber', 'red', '2026-11', 'Kim Lowe']]);
    assert.deepEqual(read, ['a', 'b'], 'only linked plans are read');
    assert.equal(notices.length, 1);
    assert.equal(notices[0].channelId, '19:a@thread.tacv2');
    assert.equal(notices[0].title, 'KPI c301 is now Red');
    assert.equal(notices[0].line, 'c301 Visits in time turned Red: ▲ Amber → ✖ Red, 80% in Nov 2026 against a target of 90%.');
    assert.deepEqual(notices[0].lines.slice(1), ['Cited by actions 2.4, 3.1 in Plan A.', 'Recorded by Kim Lowe.']);
  });

  it('leaving Red is told too; a move that neither enters nor leaves Red is only kept', async () => {
    const out = stores();
    const [notice] = await afterKpiSaved(out.s, saved('red', 'amber'));
    assert.equal(notice.title, 'KPI c301 is no longer Red');
    assert.match(notice.line, /is out of Red: ✖ Red → ▲ Amber/);
    const quiet = stores();
    assert.deepEqual(await afterKpiSaved(quiet.s, saved('green', 'amber')), []);
    assert.equal(quiet.moves.length, 1, 'the move is kept for the digest');
    assert.deepEqual(quiet.read, [], 'no plan is read');
  });

  it('no RAG change, or a first value, is neither kept nor told', async () => {
    const same = stores();
    assert.deepEqual(await afterKpiSaved(same.s, saved('red', 'red')), []);
    const first = stores();
    assert.deepEqual(await afterKpiSaved(first.s, saved(undefined, 'red', false)), []);
    assert.deepEqual([...same.moves, ...first.moves], []);
  });
});

import assert from 'node:assert/strict';
import type { KpiDefinition, KpiPoint, Person, PlanInfo } from '../../domain/model';
import type { ItemSummary } from '../../domain/planItem';
import { roleKey } from '../../domain/roles';
import type { Services } from '../../services/context';
import type { PlanStore } from '../../services/ports/planStore';
import type { DirectoryStore } from '../../services/ports/directoryStore';
import type { KpiStore } from '../../services/ports/kpiStore';
import type { ConversationStore } from '../../services/ports/conversationStore';
import { myActions, overdue, whoIs } from '../../services/planQueries';
import { kpiByCode, kpiOverview } from '../../services/kpiQueries';

/**
 * Use cases over plain in-memory objects implementing the ports: no Azurite, no storage/ at all.
 * A method the use case was not expected to call throws, so each case also shows which reads it makes.
 */
const notUsed = (name: string) => () => {
  throw new Error(`${name} was not expected to be called`);
};

function directoryOf(people: Person[]): DirectoryStore {
  return {
    upsertPeople: notUsed('upsertPeople'),
    findByRole: async (label) => people.find((p) => roleKey(p.role) === roleKey(label)),
    rolesOf: async ({ aadObjectId, email }) => people.filter((p) => (aadObjectId && p.aadObjectId === aadObjectId) || (email && p.email === email)),
    listAll: async () => people,
  };
}

function plansOf(plans: PlanInfo[], items: ItemSummary[]): PlanStore {
  const dated = (i: ItemSummary) => (i.due.kind === 'date' ? i.due.date : undefined);
  return {
    listPlans: async () => plans.filter((p) => !p.archivedAt),
    listAllPlans: async () => plans,
    listByOwner: async (planId, ownerRoleKey) => items.filter((i) => i.planId === planId && i.ownerRole && roleKey(i.ownerRole) === ownerRoleKey),
    // A store without an owner index: the queries read listByOwner instead.
    ownedOpenPage: async () => undefined,
    openActionsByRag: async () => undefined,
    planCounts: async () => undefined,
    unownedActions: async () => undefined,
    listAwaitingSignOff: async () => undefined,
    listSlipping: async () => undefined,
    priorityActions: async () => undefined,
    priorityMembers: async () => undefined,
    ownedDueBefore: async () => undefined,
    listOpenDueBefore: async (planId, beforeDate) => items.filter((i) => i.planId === planId && i.status !== 'complete' && (dated(i) ?? '9999') < beforeDate),
    setArchived: notUsed('setArchived'),
    savePlan: notUsed('savePlan'),
    getAction: notUsed('getAction'),
    getActionWithHistory: notUsed('getActionWithHistory'),
    listAllItems: notUsed('listAllItems'),
    overdueFirst: notUsed('overdueFirst'),
    listOpenDueBetween: notUsed('listOpenDueBetween'),
    listPriorities: notUsed('listPriorities'),
    listHistory: notUsed('listHistory'),
    listHistorySince: notUsed('listHistorySince'),
    getItemForUpdate: notUsed('getItemForUpdate'),
    getItemWithActionForUpdate: notUsed('getItemWithActionForUpdate'),
    saveChange: notUsed('saveChange'),
    listAllItemsForImport: notUsed('listAllItemsForImport'),
    writeImport: notUsed('writeImport'),
  };
}

function kpisOf(defs: KpiDefinition[], points: KpiPoint[]): KpiStore {
  const series = (code: string) => points.filter((p) => p.code === code.toLowerCase()).sort((a, b) => a.period.localeCompare(b.period));
  return {
    getDefinition: async (code) => defs.find((d) => d.code === code.toLowerCase()),
    getSeries: async (code) => series(code),
    listDefinitionsWithLatest: async () => defs.map((def) => ({ def, latest: series(def.code).at(-1), previous: series(def.code).at(-2) })),
    getDefinitionsWithLatest: async (codes) =>
      codes.flatMap((code) => {
        const def = defs.find((d) => d.code === code.toLowerCase());
        return def ? [{ def, latest: series(code).at(-1), previous: series(code).at(-2) }] : [];
      }),
    listDefinitions: async () => defs,
    upsertDefinitions: notUsed('upsertDefinitions'),
    upsertValues: notUsed('upsertValues'),
    refreshLatest: notUsed('refreshLatest'),
    setOwner: notUsed('setOwner'),
    getPoint: notUsed('getPoint'),
    savePoint: notUsed('savePoint'),
    recordMove: notUsed('recordMove'),
    listMovesSince: notUsed('listMovesSince'),
    getCorrections: notUsed('getCorrections'),
  };
}

const noConversations: ConversationStore = { save: notUsed('save'), get: notUsed('get'), remove: notUsed('remove') };

const people: Person[] = [
  { role: 'Head of Housing', name: 'Rosa Diaz', email: 'rosa@council.example', aadObjectId: 'aad-rosa', managerRole: 'Director of Place' },
  { role: 'Director of Place', name: 'Jordan Lee', email: 'jordan@council.example', aadObjectId: 'aad-jordan' },
];

const item = (ref: string, date: string, over: Partial<ItemSummary> = {}): ItemSummary => ({
  planId: 'p1',
  ref,
  kind: 'action',
  title: `Action ${ref}`,
  ownerRole: 'Head of Housing',
  due: { kind: 'date', date },
  status: 'on_track',
  rag: 'amber',
  ...over,
});

function services(over: Partial<Services> = {}): Services {
  return {
    plans: plansOf(
      [{ id: 'p1', name: 'Council Plan' }, { id: 'old', name: 'Old Plan', archivedAt: '2026-01-01T00:00:00Z' }],
      [
        item('2.10', '2026-10-31'),
        item('2.4', '2026-10-31', { rag: 'red' }),
        item('1.1', '2026-12-31', { ownerRole: 'Director of Place' }),
        item('3.1', '2026-09-30', { status: 'complete', rag: 'blue' }),
        item('9.9', '2025-01-01', { planId: 'old' }),
      ],
    ),
    directory: directoryOf(people),
    kpis: kpisOf(
      [{ code: 'ni062', name: 'Homes delivered', unit: 'homes', polarity: 'higher', target: 100, tolerance: 10, frequency: 'monthly' }],
      [
        { code: 'ni062', period: '2026-09', value: 80, enteredAt: '2026-10-01T09:00:00Z', enteredBy: 'aad-rosa' },
        { code: 'ni062', period: '2026-10', value: 95, enteredAt: '2026-11-01T09:00:00Z', enteredBy: 'aad-rosa' },
      ],
    ),
    conversations: noConversations,
    clock: { today: () => '2026-11-15', now: () => new Date('2026-11-15T10:00:00Z') },
    adminIds: new Set(),
    ...over,
  };
}

describe('use cases over in-memory stand-ins for the ports (no storage/)', () => {
  it('whoIs: the role holder and their manager, from a DirectoryStore', async () => {
    const r = await whoIs(services(), 'head of housing');
    assert.equal(r.person?.name, 'Rosa Diaz');
    assert.equal(r.manager?.name, 'Jordan Lee');
    assert.deepEqual(await whoIs(services(), 'Chief Wizard'), { person: undefined, manager: undefined });
  });

  it('myActions and overdue: open items of live plans only, due date then natural ref order', async () => {
    const mine = await myActions(services(), { aadObjectId: 'aad-rosa', name: 'Rosa Diaz' }, {});
    assert.equal(mine.kind, 'ok');
    assert.deepEqual(mine.kind === 'ok' && mine.items.map((i) => `${i.planName} ${i.ref}`), ['Council Plan 2.4', 'Council Plan 2.10']);
    assert.deepEqual(await myActions(services(), { aadObjectId: 'aad-nobody', name: 'Nobody' }, {}), { kind: 'notInDirectory' });

    const late = await overdue(services(), {}, { rag: 'red' });
    assert.deepEqual(late.map((i) => [i.ref, i.rag, i.planName]), [['2.4', 'red', 'Council Plan']]);
  });

  it('kpiByCode and kpiOverview: RAG and direction from a KpiStore', async () => {
    const k = await kpiByCode(services(), 'NI062');
    assert.equal(k?.latest?.value, 95);
    assert.equal(k?.rag, 'amber');
    assert.equal(k?.direction, 'improving');
    assert.equal(await kpiByCode(services(), 'zz999'), undefined);
    assert.deepEqual((await kpiOverview(services())).map((s) => [s.def.code, s.rag, s.direction]), [['ni062', 'amber', 'improving']]);
  });
});

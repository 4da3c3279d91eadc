import assert from 'node:assert/strict';
import { startStorage } from '../support/storageHarness';
import { overdue, ownerItems, ownerPage } from '../../services/planQueries';
import { importPlan } from '../../services/importPlan';
import { entitiesReadCount } from '../../storage/requestCounter';
import { openTables, TABLES } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { generateDataset } from '../../bench/generatePlan';
import { roleKey } from '../../domain/roles';
import type { Services } from '../../services/context';
import type { ParsedPlan, Rag } from '../../domain/model';
import type { ItemState, ItemSummary } from '../../domain/planItem';

/**
 * "my actions" and "open actions for X" read a page of the owned| index and the owner's count row
 * (storage/pagedIndexes.ts). These check the page answer against the full read (ownerItems) after
 * every kind of change that moves an item on or off an owner's list, and the fallback for a plan
 * written before the index existed.
 */
const TODAY = '2026-03-16';
const PLAN = 'big';

function mix(items: { rag: Rag }[]): Record<Rag, number> {
  const m: Record<Rag, number> = { red: 0, amber: 0, green: 0, blue: 0, none: 0 };
  for (const i of items) m[i.rag]++;
  return m;
}

const key = (i: ItemSummary) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

/** Every owner role of the plan (as typed in the plan), busiest first. */
async function ownerRoles(s: Services): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const i of await s.plans.listAllItems(PLAN)) if (i.ownerRole) counts.set(i.ownerRole, (counts.get(i.ownerRole) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([r]) => r);
}

/** "Overdue for X" from the store's reads for it agrees with every overdue row of the plan filtered to X. */
async function assertOverdueAgrees(s: Services, roles: string[], note: string): Promise<void> {
  const keys = new Set(roles.map(roleKey));
  const expected = (await s.plans.listOpenDueBefore(PLAN, TODAY)).filter((i) => i.ownerRole && keys.has(roleKey(i.ownerRole)));
  const got = await overdue(s, { planId: PLAN }, { ownerRoles: roles });
  assert.deepEqual(got.map(key).sort(), expected.map(key).sort(), `${note}: overdue for ${roles.join(' + ')}`);
}

/** The page answer agrees with the full list for every owner: same first rows in order, same count and mix. */
async function assertAgrees(s: Services, roles: string[], note: string): Promise<void> {
  await assertOverdueAgrees(s, roles.slice(0, 2), note);
  for (const role of roles) {
    await assertOverdueAgrees(s, [role], note);
    const all = await ownerItems(s, { planId: PLAN }, [role]);
    for (const need of [10, 25]) {
      const page = await ownerPage(s, { planId: PLAN }, [role], need);
      assert.equal(page.total, all.length, `${note}: ${role} total (need ${need})`);
      assert.deepEqual(page.rag, mix(all), `${note}: ${role} RAG mix`);
      assert.deepEqual(page.items.map(key), all.slice(0, need).map(key), `${note}: ${role} first ${need} rows, in order`);
    }
  }
}

async function change(s: Services, ref: string, seq: number | undefined, to: Partial<ItemState>): Promise<void> {
  const loaded = await s.plans.getItemForUpdate(PLAN, ref, seq);
  assert.ok(loaded, `${ref} exists`);
  const after = { ...loaded.item, ...to, version: loaded.item.version + 1 };
  const r = await s.plans.saveChange(loaded, after, { planId: PLAN, ref, seq, at: s.clock.now().toISOString(), by: 'test', byName: 'Test', source: 'card', changes: [{ field: 'RAG', from: loaded.item.rag, to: after.rag }] });
  assert.deepEqual(r, { ok: true });
}

describe('owner lists come from the owned index and its count rows, kept with each change', function () {
  this.timeout(180_000);
  let s: Services;
  let stop: () => Promise<void>;
  let connection: string;
  let plan: ParsedPlan;
  let roles: string[];
  const now = new Date(`${TODAY}T09:00:00Z`);
  before(async () => {
    const st = await startStorage(TODAY);
    s = st.services;
    stop = st.stop;
    connection = st.azurite.connectionString;
    plan = generateDataset({ actions: 200, today: TODAY, seed: 11, kpiCount: 5, kpiMonths: 2 }).plan;
    await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
    roles = await ownerRoles(s);
  });
  after(() => stop());

  it('is trusted after a first import and agrees with the full read for every owner', async () => {
    assert.ok(await s.plans.ownedOpenPage(PLAN, roleKey(roles[0]), 10), 'the index answers for a plan imported with it');
    assert.ok(roles.length > 5, `several owners (${roles.length})`);
    const busiest = await ownerItems(s, { planId: PLAN }, [roles[0]]);
    assert.ok(busiest.length > 25, `the busiest owner has more than two pages (${busiest.length})`);
    await assertAgrees(s, roles, 'fresh import');
  });

  it('reads the page and the count row, not the whole list', async () => {
    const e0 = entitiesReadCount();
    const page = await ownerPage(s, { planId: PLAN }, [roles[0]], 10);
    const read = entitiesReadCount() - e0;
    assert.equal(page.items.length, 10);
    assert.ok(page.total > 25);
    assert.ok(read <= 10 + 50 && read < page.total, `${read} entities read for a page of 10 of ${page.total}`);
  });

  it('"overdue for X" reads X\'s rows due before today, not every overdue row of the plan', async () => {
    const all = await s.plans.listOpenDueBefore(PLAN, TODAY);
    const mine = (await s.plans.listAllItems(PLAN)).filter((i) => i.ownerRole && roleKey(i.ownerRole) === roleKey(roles[0]) && i.status !== 'complete' && i.due.kind === 'date' && i.due.date < TODAY);
    const e0 = entitiesReadCount();
    const got = await overdue(s, { planId: PLAN }, { ownerRoles: [roles[0]] });
    const read = entitiesReadCount() - e0;
    assert.ok(got.length > 0 && got.length < all.length, `${got.length} of ${all.length} overdue items are ${roles[0]}'s`);
    // Their rows not complete and due before today (open, awaiting sign-off or business as usual), and the count row.
    assert.equal(read, mine.length + 1, `${read} entities read for ${got.length} overdue items of ${all.length}`);
  });

  it('follows a RAG change, a completion, a reopening, a new due date and a new owner', async () => {
    const [a, b, c, d] = await ownerItems(s, { planId: PLAN }, [roles[0]]);
    await change(s, a.ref, a.seq, { rag: a.rag === 'red' ? 'amber' : 'red' });
    await assertAgrees(s, roles.slice(0, 3), 'after a RAG change');
    await change(s, b.ref, b.seq, { status: 'complete', rag: 'blue' });
    await assertAgrees(s, roles.slice(0, 3), 'after a completion');
    await change(s, b.ref, b.seq, { status: 'on_track', rag: 'amber' });
    await assertAgrees(s, roles.slice(0, 3), 'after reopening');
    // Still on the owner's list, but no longer overdue (it is not open): the overdue read must drop it.
    const [late] = await overdue(s, { planId: PLAN }, { ownerRoles: [roles[0]] });
    await change(s, late.ref, late.seq, { status: 'awaiting_signoff' });
    assert.ok(!(await overdue(s, { planId: PLAN }, { ownerRoles: [roles[0]] })).some((i) => key(i) === key(late)), 'work awaiting sign-off is not overdue');
    await assertAgrees(s, roles.slice(0, 3), 'after asking for sign-off');
    await change(s, c.ref, c.seq, { due: { kind: 'date', date: '2099-01-31' } });
    await change(s, d.ref, d.seq, { ownerRole: roles[2] });
    await assertAgrees(s, roles.slice(0, 3), 'after a new due date and a new owner');
    await change(s, d.ref, d.seq, { ownerRole: 'A role nobody held before' });
    await assertAgrees(s, [...roles.slice(0, 3), 'A role nobody held before'], 'after moving to a new role');
  });

  it('changes racing on one owner\'s items all land, and the count row counts each', async () => {
    const open = (await ownerItems(s, { planId: PLAN }, [roles[1]])).filter((i) => i.status !== 'awaiting_signoff').slice(0, 4);
    const before = (await ownerPage(s, { planId: PLAN }, [roles[1]], 10)).total;
    await Promise.all(open.map((i) => change(s, i.ref, i.seq, { status: 'complete', rag: 'blue' })));
    await assertAgrees(s, [roles[1]], 'after four simultaneous completions');
    assert.equal((await ownerPage(s, { planId: PLAN }, [roles[1]], 10)).total, before - open.length);
  });

  it('a plan written before the index is read whole until its next import writes the rows', async () => {
    // What an older version left: no owned| rows, no stamp on the plan row.
    const items = openTables(connection).client(TABLES.planItems);
    const filter = `PartitionKey eq '${PLAN}' and RowKey ge 'owned|' and RowKey lt 'owned|~'`;
    for await (const e of items.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) await items.deleteEntity(PLAN, e.rowKey as string);
    await openTables(connection).client(TABLES.plans).updateEntity({ partitionKey: 'plans', rowKey: PLAN, ownedIndexRevision: '' }, 'Merge');
    // A restarted bot on the same storage: nothing cached from before.
    s = createServices(openTables(connection), { clock: s.clock });
    assert.equal(await s.plans.ownedOpenPage(PLAN, roleKey(roles[0]), 10), undefined, 'an untrusted index is not used');
    await assertAgrees(s, roles.slice(0, 4), 'read whole');
    // Changes saved meanwhile write their own rows (and delete none that are not there: a completion
    // or a new due date takes an item off a list it has no row in), but a few items are not the index.
    const [x, y, z] = await ownerItems(s, { planId: PLAN }, [roles[0]]);
    await change(s, x.ref, x.seq, { rag: x.rag === 'green' ? 'amber' : 'green' });
    await change(s, y.ref, y.seq, { status: 'complete', rag: 'blue' });
    await change(s, z.ref, z.seq, { due: { kind: 'date', date: '2098-12-31' } });
    await assertAgrees(s, roles.slice(0, 2), 'read whole, after changes');
    assert.equal(await s.plans.ownedOpenPage(PLAN, roleKey(roles[0]), 10), undefined, 'still untrusted after one save');
    // Re-importing the unchanged plan writes the rows of the items it leaves alone.
    const summary = await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
    assert.equal(summary.created, 0);
    assert.deepEqual(summary.conflicts, []);
    assert.ok(await s.plans.ownedOpenPage(PLAN, roleKey(roles[0]), 10), 'trusted again after the import');
    await assertAgrees(s, roles, 'after the repairing import');
  });

  it('a re-import that changes statuses is recounted, and an unchanged one writes nothing', async () => {
    const edited: ParsedPlan = { ...plan, actions: plan.actions.map((a, n) => (n % 3 === 0 ? { ...a, status: 'complete', rag: 'blue', updatedAt: '2026-03-15T09:00:00Z' } : a)) };
    const changed = await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: edited, dryRun: false, now });
    assert.ok(changed.updated > 0, `the import changed items (${changed.updated})`);
    await assertAgrees(s, roles, 'after a re-import that completed every third action');
    const again = await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: edited, dryRun: false, now });
    assert.equal(again.transactions, 0, 'a trusted plan re-imported unchanged needs no writes');
    await assertAgrees(s, roles.slice(0, 3), 'after an unchanged re-import');
  });
});

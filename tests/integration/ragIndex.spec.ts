import assert from 'node:assert/strict';
import { startStorage } from '../support/storageHarness';
import { byRagPage, naturalRef } from '../../services/planQueries';
import { importPlan } from '../../services/importPlan';
import { entitiesReadCount, tableRequestCount } from '../../storage/requestCounter';
import { openTables, TABLES } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { generateDataset } from '../../bench/generatePlan';
import { isOpen } from '../../domain/schedule';
import { roleKey } from '../../domain/roles';
import { RAGS } from '../../domain/status';
import type { Services } from '../../services/context';
import type { ParsedPlan, Rag } from '../../domain/model';
import type { ItemState, ItemSummary, PlanItem } from '../../domain/planItem';

/**
 * "what's red" / "amber actions" read a page of the rag| index and the RAG's count row
 * (storage/pagedIndexes.ts). These check the page answer against the plan read whole after every
 * kind of change that moves an action into, out of or across the index, and the fallback for a
 * plan written before the index existed.
 */
const TODAY = '2026-03-16';
const PLAN = 'big';
const key = (i: ItemSummary) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

/** The answer from the whole plan: open actions of that RAG (and owner), in ref order. */
async function wholeRead(s: Services, rag: Rag, ownerRole?: string): Promise<ItemSummary[]> {
  return (await s.plans.listAllItems(PLAN))
    .filter((i) => i.kind === 'action' && i.rag === rag && isOpen(i.status) && (!ownerRole || (!!i.ownerRole && roleKey(i.ownerRole) === roleKey(ownerRole))))
    .sort(naturalRef);
}

/** Open actions of that RAG in a priority, from the whole plan: the actions naming it, or under its ref. */
async function wholeReadInPriority(s: Services, rag: Rag, priorityRef: string, everything?: PlanItem[]): Promise<ItemSummary[]> {
  return (everything ?? (await s.plans.listAllItems(PLAN)))
    .filter((i) => i.kind === 'action' && i.rag === rag && isOpen(i.status) && (('priorityRef' in i && i.priorityRef === priorityRef) || i.ref === priorityRef || i.ref.startsWith(priorityRef + '.')))
    .sort(naturalRef);
}

async function assertAgrees(s: Services, note: string, ownerRole?: string): Promise<void> {
  const everything = await s.plans.listAllItems(PLAN);
  for (const rag of RAGS) {
    for (const priorityRef of ['1', '3']) {
      const inIt = await wholeReadInPriority(s, rag, priorityRef, everything);
      const page = await byRagPage(s, { planId: PLAN }, rag, { priorityRef }, 10);
      assert.equal(page.total, inIt.length, `${note}: ${rag} in priority ${priorityRef}, total`);
      assert.deepEqual(page.items.map(key), inIt.slice(0, 10).map(key), `${note}: ${rag} in priority ${priorityRef}, first rows`);
    }
    const all = await wholeRead(s, rag);
    for (const need of [10, 25]) {
      const page = await byRagPage(s, { planId: PLAN }, rag, {}, need);
      assert.equal(page.total, all.length, `${note}: ${rag} total (need ${need})`);
      assert.equal(page.rag[rag], all.length, `${note}: ${rag} count`);
      assert.deepEqual(page.items.map(key), all.slice(0, need).map(key), `${note}: ${rag}, first ${need} rows in ref order`);
    }
    if (ownerRole) {
      const mine = await wholeRead(s, rag, ownerRole);
      const page = await byRagPage(s, { planId: PLAN }, rag, { ownerRoles: [ownerRole] }, 10);
      assert.equal(page.total, mine.length, `${note}: ${rag} for ${ownerRole}, total`);
      assert.deepEqual(page.items.map(key), mine.slice(0, 10).map(key), `${note}: ${rag} for ${ownerRole}, first rows`);
    }
  }
}

async function change(s: Services, ref: string, to: Partial<ItemState>): Promise<void> {
  const loaded = await s.plans.getItemForUpdate(PLAN, ref);
  assert.ok(loaded, `${ref} exists`);
  const after = { ...loaded.item, ...to, version: loaded.item.version + 1 };
  const r = await s.plans.saveChange(loaded, after, { planId: PLAN, ref, at: s.clock.now().toISOString(), by: 'test', byName: 'Test', source: 'card', changes: [{ field: 'RAG', from: loaded.item.rag, to: after.rag }] });
  assert.deepEqual(r, { ok: true });
}

describe('RAG lists come from the rag| index and its count rows, kept with each change', function () {
  this.timeout(180_000);
  let s: Services;
  let stop: () => Promise<void>;
  let connection: string;
  let plan: ParsedPlan;
  const now = new Date(`${TODAY}T09:00:00Z`);
  before(async () => {
    const st = await startStorage(TODAY);
    s = st.services;
    stop = st.stop;
    connection = st.azurite.connectionString;
    plan = generateDataset({ actions: 600, today: TODAY, seed: 12, kpiCount: 5, kpiMonths: 2 }).plan;
    await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
  });
  after(() => stop());

  it('is trusted after a first import and agrees with the whole plan for every RAG', async () => {
    assert.ok(await s.plans.openActionsByRag(PLAN, 'red', 10), 'the index answers for a plan imported with it');
    for (const rag of ['amber', 'green', 'none'] as const) assert.ok((await wholeRead(s, rag)).length > 25, `more than two pages of ${rag}`);
    assert.ok((await wholeRead(s, 'red')).length > 10, 'more than a page of red');
    const owner = (await wholeRead(s, 'amber')).find((i) => i.ownerRole)!.ownerRole!;
    await assertAgrees(s, 'fresh import', owner);
  });

  it('reads the page and the count row in one request, not the whole list', async () => {
    const e0 = entitiesReadCount();
    const r0 = tableRequestCount();
    const page = await byRagPage(s, { planId: PLAN }, 'amber', {}, 10);
    const read = entitiesReadCount() - e0;
    assert.equal(page.items.length, 10);
    assert.ok(page.total > 25);
    assert.ok(read <= 10 + 50 && read < page.total, `${read} entities read for a page of 10 of ${page.total}`);
    assert.ok(tableRequestCount() - r0 <= 2, 'the plan list (when not held) and one range read');
  });

  it('"red in priority N" reads that RAG\'s rows and the members row, not the whole plan', async () => {
    const all = await s.plans.listAllItems(PLAN);
    const inIt = await wholeReadInPriority(s, 'amber', '1');
    assert.ok(inIt.length > 0, 'priority 1 has open amber actions');
    const e0 = entitiesReadCount();
    const page = await byRagPage(s, { planId: PLAN }, 'amber', { priorityRef: '1' }, 10);
    const read = entitiesReadCount() - e0;
    assert.equal(page.total, inIt.length);
    const amber = await wholeRead(s, 'amber');
    // The amber group (its count row and rows) and the priority members row, far fewer than the plan's items.
    assert.ok(read <= amber.length + 3 && read < all.length / 4, `${read} entities read (${amber.length} open amber actions, ${all.length} items)`);
  });

  it('follows a RAG change, a completion, a reopening, awaiting sign-off and a new owner', async () => {
    const [a, b, c, d] = await wholeRead(s, 'amber');
    await change(s, a.ref, { rag: 'red' });
    await assertAgrees(s, 'after a RAG change');
    await change(s, b.ref, { status: 'complete', rag: 'blue' });
    await assertAgrees(s, 'after a completion');
    await change(s, b.ref, { status: 'on_track', rag: 'green' });
    await assertAgrees(s, 'after reopening');
    await change(s, c.ref, { status: 'awaiting_signoff' });
    await assertAgrees(s, 'after a request for sign-off (not open, so off the list)');
    await change(s, d.ref, { ownerRole: 'A role nobody held before' });
    await assertAgrees(s, 'after a new owner', 'A role nobody held before');
  });

  it('changes racing on one RAG all land, and its count row counts each', async () => {
    const reds = (await wholeRead(s, 'red')).slice(0, 5);
    const before = (await byRagPage(s, { planId: PLAN }, 'red', {}, 10)).total;
    await Promise.all(reds.map((i) => change(s, i.ref, { rag: 'amber' })));
    await assertAgrees(s, 'after five simultaneous RAG changes');
    assert.equal((await byRagPage(s, { planId: PLAN }, 'red', {}, 10)).total, before - reds.length);
  });

  it('a plan written before the index is read whole until its next import writes the rows', async () => {
    // What an older version left: no rag| rows, no stamp for them on the plan row.
    const items = openTables(connection).client(TABLES.planItems);
    const filter = `PartitionKey eq '${PLAN}' and RowKey ge 'rag|' and RowKey lt 'rag|~'`;
    for await (const e of items.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) await items.deleteEntity(PLAN, e.rowKey as string);
    await openTables(connection).client(TABLES.plans).updateEntity({ partitionKey: 'plans', rowKey: PLAN, ragIndexRevision: '' }, 'Merge');
    s = createServices(openTables(connection), { clock: s.clock });
    assert.equal(await s.plans.openActionsByRag(PLAN, 'red', 10), undefined, 'an untrusted index is not used');
    assert.ok(await s.plans.ownedOpenPage(PLAN, roleKey((await wholeRead(s, 'green'))[0].ownerRole ?? ''), 10), 'the other paged index stays trusted');
    await assertAgrees(s, 'read whole');
    // Changes saved meanwhile write their own rows and delete none that are not there.
    const [x, y] = await wholeRead(s, 'green');
    await change(s, x.ref, { rag: 'red' });
    await change(s, y.ref, { status: 'complete', rag: 'blue' });
    await assertAgrees(s, 'read whole, after changes');
    assert.equal(await s.plans.openActionsByRag(PLAN, 'red', 10), undefined, 'still untrusted after a save');
    const summary = await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
    assert.deepEqual(summary.conflicts, []);
    assert.ok(await s.plans.openActionsByRag(PLAN, 'red', 10), 'trusted again after the import');
    await assertAgrees(s, 'after the repairing import');
  });
});

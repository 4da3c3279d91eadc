import assert from 'node:assert/strict';
import { startStorage } from '../support/storageHarness';
import { seedFixtures, PLAN_FILES } from '../support/fixtures';
import { overdue, overduePage } from '../../services/planQueries';
import { importPlanFile } from '../../services/importFiles';
import { entitiesReadCount, recordTableRequests } from '../../storage/requestCounter';
import { openTables, TABLES } from '../../storage/tables';
import { OLD_SUMMARY_ROW, SUMMARY_ROW } from '../../storage/dueSummary';
import type { Services } from '../../services/context';
import { createServices } from '../../services/createServices';
import type { Rag } from '../../domain/model';
import type { ItemState, ItemSummary } from '../../domain/planItem';

/**
 * "what's overdue" reads a per-plan due summary and the page it shows. These check it against the
 * full read (services/planQueries.ts overdue) after every kind of change that moves the counts.
 */
const TODAY = '2021-11-15';
const PLAN = 'southend-2021';

function mix(items: { rag: Rag }[]): Record<Rag, number> {
  const m: Record<Rag, number> = { red: 0, amber: 0, green: 0, blue: 0, none: 0 };
  for (const i of items) m[i.rag]++;
  return m;
}

const key = (i: ItemSummary) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

/** The page answer agrees with the full list: same first rows in the same order, same count and mix. */
async function assertAgrees(s: Services, note: string): Promise<number> {
  const all = await overdue(s, {});
  for (const need of [10, 20]) {
    const page = await overduePage(s, {}, {}, need);
    assert.equal(page.total, all.length, `${note}: total (need ${need})`);
    assert.deepEqual(page.rag, mix(all), `${note}: RAG mix`);
    assert.deepEqual(page.items.map(key), all.slice(0, need).map(key), `${note}: the first ${need} rows, in order`);
  }
  return all.length;
}

async function change(s: Services, ref: string, to: Partial<ItemState>): Promise<void> {
  const loaded = await s.plans.getItemForUpdate(PLAN, ref);
  assert.ok(loaded, `${ref} exists`);
  const after = { ...loaded.item, ...to, version: loaded.item.version + 1 };
  const r = await s.plans.saveChange(loaded, after, { planId: PLAN, ref, at: s.clock.now().toISOString(), by: 'test', byName: 'Test', source: 'card', changes: [{ field: 'RAG', from: loaded.item.rag, to: after.rag }] });
  assert.deepEqual(r, { ok: true });
}

describe('the overdue count comes from a per-plan summary kept with each change', function () {
  this.timeout(60_000);
  let s: Services;
  let stop: () => Promise<void>;
  let connection: string;
  before(async () => {
    const st = await startStorage(TODAY);
    s = st.services;
    stop = st.stop;
    connection = st.azurite.connectionString;
    await seedFixtures(s, ['southend2021', 'southend2016']);
  });
  after(() => stop());

  it('matches the full read across two plans before any change (summary built on first read)', async () => {
    const n = await assertAgrees(s, 'fresh import');
    assert.ok(n > 10, `enough overdue items to page (${n})`);
  });

  it('follows a RAG change, a completion and a new due date made through saveChange', async () => {
    const [first, second, third] = await overdue(s, { planId: PLAN });
    const before = (await overduePage(s, {}, {}, 10)).total;
    await change(s, first.ref, { rag: first.rag === 'red' ? 'amber' : 'red' });
    await assertAgrees(s, 'after a RAG change');
    await change(s, second.ref, { status: 'complete', rag: 'blue' });
    assert.equal(await assertAgrees(s, 'after a completion'), before - 1);
    await change(s, third.ref, { due: { kind: 'date', date: '2099-01-31' } });
    assert.equal(await assertAgrees(s, 'after moving the due date out'), before - 2);
  });

  it('two changes racing on different items both land, and the summary counts both', async () => {
    const [a, b] = await overdue(s, { planId: PLAN });
    const before = (await overduePage(s, {}, {}, 10)).total;
    await Promise.all([change(s, a.ref, { status: 'complete', rag: 'blue' }), change(s, b.ref, { status: 'complete', rag: 'blue' })]);
    assert.equal(await assertAgrees(s, 'after two simultaneous completions'), before - 2);
  });

  it('totals kept from an earlier question follow another instance\'s change and the next day', async () => {
    const other = createServices(openTables(connection), { clock: s.clock });
    const [a] = await overdue(s, { planId: PLAN });
    const before = (await overduePage(s, {}, {}, 10)).total;
    await change(other, a.ref, { status: 'complete', rag: 'blue' });
    assert.equal(await assertAgrees(s, "after another instance's completion"), before - 1);
    // The same rows on a later day: the next item to fall due is overdue the day after, so the
    // totals kept for today must not be reused.
    const next = (await s.plans.listOpenDueBetween(PLAN, TODAY, '2099-12-31'))[0];
    assert.ok(next && next.due.kind === 'date', 'an open item falls due after the test day');
    const dayAfter = new Date(Date.parse(`${next.due.date}T12:00:00Z`) + 864e5).toISOString().slice(0, 10);
    const later: Services = { ...s, clock: { today: () => dayAfter, now: () => new Date(`${dayAfter}T10:00:00Z`) } };
    const becameOverdue = [PLAN, 'southend-2016'].map(async (p) => (await s.plans.listOpenDueBetween(p, TODAY, next.due.kind === 'date' ? next.due.date : TODAY)).length);
    const more = (await Promise.all(becameOverdue)).reduce((a, b) => a + b, 0);
    assert.ok(more > 0);
    assert.equal(await assertAgrees(later, `on ${dayAfter}`), before - 1 + more);
  });

  it('is rebuilt after a re-import that changes the plan', async () => {
    // Re-importing the original file restores the items changed above (statuses set in the bot are kept).
    await importPlanFile(s, { file: PLAN_FILES.southend2021.file, planName: PLAN_FILES.southend2021.name, dryRun: false });
    await assertAgrees(s, 'after re-import');
  });

  it('reads the page and the summary, not every overdue row, in one range read', async () => {
    await s.plans.listPlans();
    const e0 = entitiesReadCount();
    const stopRecording = recordTableRequests();
    const page = await overduePage(s, { planId: PLAN }, {}, 10);
    const sent = stopRecording();
    const read = entitiesReadCount() - e0;
    assert.equal(page.items.length, 10);
    assert.ok(read <= 10 + 50, `${read} entities read for a page of 10`);
    assert.equal(sent.length, 1, `the summary row opens the range it shares with the page:\n${sent.join('\n')}`);
  });

  it('a plan still holding the summary under its earlier key is answered right, and its next import removes that row', async () => {
    const client = openTables(connection).client(TABLES.planItems);
    const current = await client.getEntity<Record<string, unknown>>(PLAN, SUMMARY_ROW);
    // As a store written before the key moved: the row under the old key (wrong counts, to show they are not used), none under the new.
    await client.deleteEntity(PLAN, SUMMARY_ROW);
    await client.createEntity({ partitionKey: PLAN, rowKey: OLD_SUMMARY_ROW, countsJson: JSON.stringify({ '2000-01-01': [99, 0, 0, 0, 0] }), revision: current.revision as string });
    await assertAgrees(s, 'summary under the old key only');
    await importPlanFile(s, { file: PLAN_FILES.southend2021.file, planName: PLAN_FILES.southend2021.name, dryRun: false });
    await assert.rejects(client.getEntity(PLAN, OLD_SUMMARY_ROW), (err: { statusCode?: number }) => err.statusCode === 404, 'the old row is gone after the import');
    await assertAgrees(s, 'after the import');
  });
});

import assert from 'node:assert/strict';
import { startStorage } from '../support/storageHarness';
import { awaitingSignOff, naturalRef, overdue, priorityItems, slipping, summary, unowned, type PlanSummary } from '../../services/planQueries';
import { importPlan } from '../../services/importPlan';
import { entitiesReadCount, tableRequestCount } from '../../storage/requestCounter';
import { openTables, TABLES } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { generateDataset } from '../../bench/generatePlan';
import { heldRoleKeys, isUnowned } from '../../domain/ownership';
import { dueSortKey, isMovedBack, isOpen } from '../../domain/schedule';
import { addDays } from '../../domain/clock';
import { STATUS_TEXT, ragCounts } from '../../domain/status';
import type { Services } from '../../services/context';
import type { ParsedPlan, ProgressStatus } from '../../domain/model';
import type { ItemState, ItemSummary } from '../../domain/planItem';

/**
 * "summary" reads the plan's counters (storage/pagedIndexes.ts: the tally's count rows, the lead|
 * count rows, the due summary) and "unowned" the lead| rows of roles nobody holds. These check both
 * against the plan read whole after every kind of change that moves a count, and the fallback for a
 * plan written before those indexes existed.
 */
const TODAY = '2026-03-16';
const PLAN = 'big';
const key = (i: ItemSummary) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

/** The summary as the whole plan gives it. */
async function wholeSummary(s: Services): Promise<PlanSummary> {
  const known = heldRoleKeys(await s.directory.listAll());
  const out: PlanSummary = { planId: PLAN, planName: 'Big plan', actions: 0, milestones: 0, rag: ragCounts(), status: {}, overdue: 0, unowned: 0, noDueDate: 0 };
  const status: Partial<Record<ProgressStatus, number>> = {};
  for (const e of await s.plans.listAllItems(PLAN)) {
    if (e.kind === 'milestone') out.milestones++;
    else {
      out.actions++;
      out.rag[e.rag]++;
      status[e.status] = (status[e.status] ?? 0) + 1;
      if (isUnowned(e, known)) out.unowned++;
      if (e.due.kind === 'none') out.noDueDate++;
    }
    if (e.due.kind === 'date' && e.due.date < TODAY && isOpen(e.status)) out.overdue++;
  }
  for (const k of Object.keys(STATUS_TEXT) as ProgressStatus[]) if (status[k]) out.status[k] = status[k];
  return out;
}

async function wholeUnowned(s: Services): Promise<ItemSummary[]> {
  const known = heldRoleKeys(await s.directory.listAll());
  return (await s.plans.listAllItems(PLAN)).filter((e) => isUnowned(e, known)).sort(naturalRef);
}

async function assertAgrees(s: Services, note: string): Promise<void> {
  const [got] = await summary(s, { planId: PLAN });
  assert.deepEqual(got, await wholeSummary(s), `${note}: summary`);
  assert.deepEqual((await unowned(s, { planId: PLAN })).map(key), (await wholeUnowned(s)).map(key), `${note}: unowned actions`);
  const soon = addDays(TODAY, 30);
  const slips = (await s.plans.listAllItems(PLAN))
    .filter((e) => isOpen(e.status) && (isMovedBack(e) || ((e.rag === 'red' || e.rag === 'amber') && e.due.kind === 'date' && e.due.date <= soon)))
    .sort((a, b) => dueSortKey(a.due).localeCompare(dueSortKey(b.due)) || naturalRef(a, b));
  assert.deepEqual((await slipping(s, { planId: PLAN })).map(key), slips.map(key), `${note}: slipping`);
  const everything = await s.plans.listAllItems(PLAN);
  for (const p of await s.plans.listPriorities(PLAN)) {
    const want = everything.filter((e) => e.kind === 'action' && (('priorityRef' in e && e.priorityRef === p.ref) || e.ref.startsWith(p.ref + '.'))).sort(naturalRef);
    const got = await priorityItems(s, { planId: PLAN }, p.ref);
    assert.equal(got.title, p.title, `${note}: priority ${p.ref} title`);
    assert.deepEqual(got.items.map((i) => `${key(i)} ${i.rag} ${i.status}`), want.map((i) => `${key(i)} ${i.rag} ${i.status}`), `${note}: priority ${p.ref}`);
  }
  const waiting = (await s.plans.listAllItems(PLAN)).filter((i) => i.status === 'awaiting_signoff').map((i) => `${key(i)}@${i.version}`).sort();
  assert.deepEqual((await awaitingSignOff(s, { planId: PLAN })).map((i) => `${key(i)}@${i.version}`).sort(), waiting, `${note}: awaiting sign-off, at their versions`);
}

async function change(s: Services, ref: string, seq: number | undefined, to: Partial<ItemState>): Promise<void> {
  const loaded = await s.plans.getItemForUpdate(PLAN, ref, seq);
  assert.ok(loaded, `${ref} exists`);
  const after = { ...loaded.item, ...to, version: loaded.item.version + 1 };
  const r = await s.plans.saveChange(loaded, after, { planId: PLAN, ref, seq, at: s.clock.now().toISOString(), by: 'test', byName: 'Test', source: 'card', changes: [{ field: 'Status', from: loaded.item.status, to: after.status }] });
  assert.deepEqual(r, { ok: true });
}

describe('the plan summary, "unowned", "slipping" and "sign-offs" come from counters and small indexes, kept with each change', function () {
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
    const data = generateDataset({ actions: 400, today: TODAY, seed: 13, kpiCount: 5, kpiMonths: 2 });
    plan = data.plan;
    // Two of the plan's lead roles are held by nobody, so some actions are unowned.
    const leads = [...new Set(plan.actions.map((a) => a.leadRole).filter((r): r is string => !!r))];
    const dropped = new Set(leads.slice(0, 2));
    await s.directory.upsertPeople(data.directory.people.filter((p) => !dropped.has(p.role)));
    await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
  });
  after(() => stop());

  it('is trusted after a first import and agrees with the whole plan', async () => {
    assert.ok(await s.plans.planCounts(PLAN, TODAY, (await s.plans.listPlans())[0].revision), 'the counters answer for a plan imported with them');
    const whole = await wholeSummary(s);
    assert.ok(whole.unowned > 5 && whole.overdue > 5 && whole.noDueDate > 0 && Object.keys(whole.status).length >= 4, JSON.stringify(whole));
    await assertAgrees(s, 'fresh import');
  });

  it('a summary is one request and reads counters, not items; "unowned", "slipping", "priority N" and "sign-offs" read their own items only', async () => {
    // The store's own reads: the plan list and the directory are held in memory (their checks are not the list's cost).
    const plans = s.plans;
    const revision = (await plans.listPlans())[0].revision;
    const known = heldRoleKeys(await s.directory.listAll());
    const measure = async <T>(read: () => Promise<T>) => {
      const e0 = entitiesReadCount();
      const r0 = tableRequestCount();
      const value = await read();
      return { value, entities: entitiesReadCount() - e0, requests: tableRequestCount() - r0 };
    };
    const actions = (await wholeSummary(s)).actions;
    const counted = await measure(() => plans.planCounts(PLAN, TODAY, revision));
    assert.equal(counted.requests, 1, `summary: ${counted.requests} requests`);
    assert.ok(counted.entities <= 100, `summary: ${counted.entities} entities read for ${actions} actions`);
    const list = await measure(() => plans.unownedActions(PLAN, known));
    assert.ok(list.requests <= 2, `unowned: ${list.requests} requests`);
    assert.ok(list.entities <= list.value!.length + 100, `unowned: ${list.entities} entities read for ${list.value!.length} actions`);
    const slips = await measure(() => plans.listSlipping(PLAN, addDays(TODAY, 30)));
    assert.ok(slips.value!.length > 3, `some items are slipping (${slips.value!.length})`);
    assert.equal(slips.requests, 1, `slipping: ${slips.requests} requests`);
    assert.ok(slips.entities <= 2 * slips.value!.length + 1, `slipping: ${slips.entities} entities read for ${slips.value!.length} items`);
    const prio = await measure(() => plans.priorityActions(PLAN, '2', revision));
    assert.ok(prio.value && prio.value.actions.length > 3, `priority 2 has actions (${prio.value?.actions.length})`);
    assert.equal(prio.requests, 1, `priority: ${prio.requests} requests`);
    assert.ok(prio.entities <= prio.value.actions.length + 2, `priority: ${prio.entities} entities read for ${prio.value.actions.length} actions`);
    const waiting = await measure(() => plans.listAwaitingSignOff(PLAN));
    assert.ok(waiting.value!.length > 3, `some items await sign-off (${waiting.value!.length})`);
    assert.ok(waiting.requests <= 2, `sign-offs: ${waiting.requests} requests`);
    assert.ok(waiting.entities <= 2 * waiting.value!.length + 1, `sign-offs: ${waiting.entities} entities read for ${waiting.value!.length} items`);
  });

  it('follows RAG and status changes, sign-off asked, returned and given, a new owner, and a date taken away', async () => {
    const all = (await s.plans.listAllItems(PLAN)).filter((i) => isOpen(i.status));
    const actions = all.filter((i) => i.kind === 'action');
    const milestone = all.find((i) => i.kind === 'milestone')!;
    await change(s, actions[0].ref, undefined, { rag: actions[0].rag === 'red' ? 'amber' : 'red' });
    await assertAgrees(s, 'after a RAG change');
    await change(s, actions[1].ref, undefined, { status: 'not_on_track', rag: 'red' });
    await assertAgrees(s, 'after a status change');
    await change(s, actions[2].ref, undefined, { status: 'awaiting_signoff' });
    await change(s, actions[3].ref, undefined, { status: 'complete', rag: 'blue' });
    await assertAgrees(s, 'after a request for sign-off and a completion');
    // (A save never clears an owner: the card has no way to, and the item row is merged.)
    await change(s, actions[4].ref, undefined, { ownerRole: 'A role nobody holds' });
    await assertAgrees(s, 'after moving an action to a role nobody holds');
    const unownedNow = await wholeUnowned(s);
    const held = (await s.directory.listAll())[0].role;
    await change(s, unownedNow[0].ref, undefined, { ownerRole: held });
    await assertAgrees(s, 'after giving an unowned action to someone in the directory');
    await change(s, actions[2].ref, undefined, { status: 'on_track' }); // returned by the manager
    await change(s, actions[7].ref, undefined, { status: 'awaiting_signoff' });
    await change(s, actions[7].ref, undefined, { status: 'complete', rag: 'blue' }); // approved
    await assertAgrees(s, 'after a return and an approval');
    // A revised date (later than planned) puts an action on the slipping list; completing it takes it off.
    const dated = actions.filter((a) => a.due.kind === 'date' && a.rag === 'green' && !a.originalDue);
    const [late, later] = dated.map((a) => ({ ref: a.ref, due: a.due as { kind: 'date'; date: string } }));
    await change(s, late.ref, undefined, { due: { kind: 'date', date: addDays(late.due.date, 90) }, originalDue: late.due });
    await change(s, later.ref, undefined, { due: { kind: 'date', date: addDays(later.due.date, 120) }, originalDue: later.due });
    await assertAgrees(s, 'after two revised dates');
    await change(s, later.ref, undefined, { status: 'complete', rag: 'blue' });
    await change(s, late.ref, undefined, { due: { kind: 'date', date: addDays(late.due.date, 150) } });
    await assertAgrees(s, 'after completing one and moving the other again');
    await change(s, actions[6].ref, undefined, { due: { kind: 'none' } });
    await change(s, milestone.ref, milestone.seq, { due: { kind: 'date', date: '2026-01-05' }, rag: 'amber' });
    await assertAgrees(s, 'after taking a date away and making a milestone overdue');
  });

  it('changes racing on one group all land, and every count holds', async () => {
    const onTrack = (await s.plans.listAllItems(PLAN)).filter((i) => i.kind === 'action' && i.status === 'on_track').slice(0, 5);
    await Promise.all(onTrack.map((i) => change(s, i.ref, undefined, { status: 'some_issues', rag: 'amber' })));
    await assertAgrees(s, 'after five simultaneous status changes');
  });

  it('an action whose priority is not its ref\'s is listed under both, read by key; a members row of an older revision is not used', async () => {
    // One with an overdue milestone, so "overdue in priority N" must find that too (a milestone's row carries its action's ref).
    const moved = plan.actions.find((a) => a.ref.startsWith('1.') && a.priorityRef === '1' && a.milestones.some((m) => m.due.kind === 'date' && m.due.date < TODAY && isOpen(m.status)))!;
    assert.ok(moved, 'an action in priority 1 with an overdue milestone');
    const other = plan.priorities.find((p) => p.ref !== '1')!;
    const edited: ParsedPlan = { ...plan, actions: plan.actions.map((a) => (a === moved ? { ...a, priorityRef: other.ref } : a)) };
    await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: edited, dryRun: false, now });
    const under = await priorityItems(s, { planId: PLAN }, other.ref);
    assert.ok(under.items.some((i) => i.ref === moved.ref), `${moved.ref} is listed under priority ${other.ref}`);
    assert.ok((await priorityItems(s, { planId: PLAN }, '1')).items.some((i) => i.ref === moved.ref), `${moved.ref} is still listed under priority 1 by its ref`);
    await assertAgrees(s, 'after a priority changed by import');
    const late = await overdue(s, { planId: PLAN }, { priorityRef: other.ref });
    assert.ok(late.some((i) => i.ref === moved.ref), `"overdue in priority ${other.ref}" lists ${moved.ref}: ${late.map((i) => i.ref).join(', ')}`);
    const wholeLate = (await s.plans.listAllItems(PLAN)).filter((e) => e.due.kind === 'date' && e.due.date < TODAY && isOpen(e.status) && (e.ref.startsWith(other.ref + '.') || e.ref === moved.ref));
    assert.deepEqual(late.map(key).sort(), wholeLate.map(key).sort(), 'every overdue item of the priority, its milestones included');
    // Another instance's import moved the revision on; this members row is of the old one.
    const revision = (await s.plans.listPlans())[0].revision;
    assert.ok(await s.plans.priorityActions(PLAN, other.ref, revision));
    assert.equal(await s.plans.priorityActions(PLAN, other.ref, 'another revision'), undefined);
  });

  it('a plan written before the counters is read whole until its next import recounts them', async () => {
    const items = openTables(connection).client(TABLES.planItems);
    await items.deleteEntity(PLAN, 'prio!members');
    for (const prefix of ['lead|', 'tally|', 'awaiting|', 'moved|']) {
      const filter = `PartitionKey eq '${PLAN}' and RowKey ge '${prefix}' and RowKey lt '${prefix}~'`;
      for await (const e of items.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) await items.deleteEntity(PLAN, e.rowKey as string);
    }
    await openTables(connection).client(TABLES.plans).updateEntity({ partitionKey: 'plans', rowKey: PLAN, leadIndexRevision: '', tallyIndexRevision: '', awaitingIndexRevision: '', movedIndexRevision: '' }, 'Merge');
    s = createServices(openTables(connection), { clock: s.clock });
    const revision = (await s.plans.listPlans())[0].revision;
    assert.equal(await s.plans.planCounts(PLAN, TODAY, revision), undefined, 'untrusted counters are not used');
    assert.equal(await s.plans.unownedActions(PLAN, new Set()), undefined, 'an untrusted lead| index is not used');
    assert.equal(await s.plans.listAwaitingSignOff(PLAN), undefined, 'an untrusted awaiting| index is not used');
    assert.equal(await s.plans.listSlipping(PLAN, TODAY), undefined, 'an untrusted moved| index is not used');
    assert.equal(await s.plans.priorityActions(PLAN, '1', revision), undefined, 'no members row: "priority N" reads the plan');
    await assertAgrees(s, 'read whole');
    const open = (await s.plans.listAllItems(PLAN)).filter((i) => i.kind === 'action' && isOpen(i.status));
    await change(s, open[0].ref, undefined, { status: 'complete', rag: 'blue' });
    await change(s, open[1].ref, undefined, { ownerRole: 'Another role nobody holds' });
    await change(s, open[2].ref, undefined, { status: 'awaiting_signoff' });
    const waiting = (await s.plans.listAllItems(PLAN)).find((i) => i.status === 'awaiting_signoff' && i.ref !== open[2].ref)!;
    await change(s, waiting.ref, waiting.seq, { status: 'complete', rag: 'blue' });
    await assertAgrees(s, 'read whole, after changes');
    const result = await importPlan(s.plans, { planId: PLAN, planName: 'Big plan', parsed: plan, dryRun: false, now });
    assert.deepEqual(result.conflicts, []);
    assert.ok(await s.plans.planCounts(PLAN, TODAY, (await s.plans.listPlans())[0].revision), 'trusted again after the import');
    assert.ok(await s.plans.unownedActions(PLAN, new Set()), 'the lead| index is trusted again');
    assert.ok(await s.plans.listAwaitingSignOff(PLAN), 'the awaiting| index is trusted again');
    assert.ok(await s.plans.listSlipping(PLAN, TODAY), 'the moved| index is trusted again');
    assert.ok(await s.plans.priorityActions(PLAN, '1', (await s.plans.listPlans())[0].revision), 'the members row is back');
    await assertAgrees(s, 'after the repairing import');
  });
});

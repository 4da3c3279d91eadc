import assert from 'node:assert/strict';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { ensureTables, openTables, TABLES } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { importPlan } from '../../services/importPlan';
import { updateItem } from '../../services/updateStatus';
import { findAction } from '../../services/planQueries';
import { recordTableRequests } from '../../storage/requestCounter';
import { planKeys } from '../../storage/planKeys';
import { generateDataset } from '../../bench/generatePlan';
import type { Services } from '../../services/context';
import type { Action, ParsedPlan } from '../../domain/model';
import type { HistoryEntry } from '../../domain/planItem';
import type { ProgressStatus } from '../../domain/model';

/**
 * Each item row keeps its own latest changes (storage/historyRows.ts), so an action card's "last
 * five changes" come with the read of the action. These check that what the card shows is exactly
 * what the history rows say (listHistory), after every kind of write: card saves on the action and
 * its milestones in any order (several in one millisecond too), imports that change a row, rows that
 * keep nothing (written before the copy existed, or replaced), and changes too long to keep.
 */
const TODAY = '2026-03-16';
const PLAN = 'kept';
const ADMIN = { aadObjectId: 'admin-kept', name: 'Alex Admin' };

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1_664_525 + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

const STATUSES: ProgressStatus[] = ['on_track', 'some_issues', 'not_started', 'not_on_track'];

describe('an action card\'s latest changes, kept on its rows, are exactly its history', function () {
  this.timeout(180_000);
  let azurite: EmbeddedAzurite;
  let s: Services;
  let plan: ParsedPlan;
  let action: Action;
  let ms = Date.parse(`${TODAY}T09:00:00Z`);
  const now = () => new Date(ms);

  before(async () => {
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
    const tables = openTables(azurite.connectionString);
    await ensureTables(tables);
    s = createServices(tables, { clock: { today: () => TODAY, now }, adminIds: [ADMIN.aadObjectId] });
    plan = generateDataset({ actions: 12, today: TODAY, seed: 5, kpiCount: 2, kpiMonths: 1 }).plan;
    action = plan.actions.find((a) => a.milestones.length >= 3)!;
    await importPlan(s.plans, { planId: PLAN, planName: 'Kept plan', parsed: plan, dryRun: false, now: now() });
  });
  after(() => azurite?.stop());

  const truth = () => s.plans.listHistory(PLAN, action.ref, 5);
  const shown = async () => (await s.plans.getActionWithHistory(PLAN, action.ref))!.history;

  async function save(seq: number | undefined, commentary: string): Promise<HistoryEntry[] | undefined> {
    const loaded = (await s.plans.getItemForUpdate(PLAN, action.ref, seq))!;
    const status = STATUSES[(loaded.item.version + (seq ?? 0)) % STATUSES.length];
    const r = await updateItem(s, ADMIN, { planId: PLAN, ref: action.ref, seq }, { status, commentary }, { requestId: `kept-${ms}-${seq}-${commentary}`, source: 'card' });
    assert.equal(r.kind, 'saved', `the save of ${action.ref}${seq === undefined ? '' : `.${seq}`} landed: ${JSON.stringify(r)}`);
    return r.kind === 'saved' ? r.recent : undefined;
  }

  /** A row that keeps nothing: as written before the copy existed (no column), or as an import that did not read it leaves it (''). */
  async function forget(seq: number | undefined, how: 'absent' | 'empty'): Promise<void> {
    const client = openTables(azurite.connectionString).client(TABLES.planItems);
    const e = await client.getEntity<Record<string, unknown>>(PLAN, planKeys.item(action.ref, seq));
    if (how === 'empty') return void (await client.updateEntity({ partitionKey: PLAN, rowKey: e.rowKey as string, recentJson: '' }, 'Merge'));
    const rest: Record<string, unknown> = { ...e };
    for (const k of ['etag', 'timestamp', 'recentJson']) delete rest[k];
    await client.updateEntity(rest as { partitionKey: string; rowKey: string }, 'Replace');
  }

  it('a freshly imported action reads its card, changes included, in one request', async () => {
    const stop = recordTableRequests();
    const read = await s.plans.getActionWithHistory(PLAN, action.ref);
    const sent = stop();
    assert.deepEqual(read?.history, []);
    assert.equal(sent.length, 1, sent.join('\n'));
    await save(undefined, 'First change on the action');
    await s.plans.listPlans(); // the plan list is held for a few seconds; this is about the action's reads
    const stop2 = recordTableRequests();
    const after = await findAction(s, { planId: PLAN }, action.ref);
    const sent2 = stop2();
    assert.deepEqual(after[0].history.map((h) => h.commentary), ['First change on the action']);
    assert.equal(sent2.length, 1, `the card for ${action.ref} after a change: ${sent2.join('\n')}`);
  });

  it('after any sequence of saves, imports and forgotten copies, the card shows what listHistory reads', async () => {
    const rnd = prng(20260316);
    const rows = [undefined, ...action.milestones.map((m) => m.seq)];
    let imports = 0;
    for (let step = 0; step < 70; step++) {
      if (rnd() < 0.7) ms += 1000; // otherwise several changes share a millisecond
      const seq = rows[Math.floor(rnd() * rows.length)];
      const roll = rnd();
      if (roll < 0.08) await forget(seq, rnd() < 0.5 ? 'absent' : 'empty');
      else if (roll < 0.16) {
        // A re-import that moves this row's due date: the import writes a history row of its own.
        imports++;
        const day = String(1 + (imports % 27)).padStart(2, '0');
        const due = { kind: 'date' as const, date: `2027-02-${day}` };
        plan = {
          ...plan,
          actions: plan.actions.map((a) =>
            a.ref !== action.ref ? a : seq === undefined ? { ...a, due } : { ...a, milestones: a.milestones.map((m) => (m.seq === seq ? { ...m, due } : m)) },
          ),
        };
        action = plan.actions.find((a) => a.ref === action.ref)!;
        const sum = await importPlan(s.plans, { planId: PLAN, planName: 'Kept plan', parsed: plan, dryRun: false, now: now() });
        assert.equal(sum.historyRecorded, 1, `step ${step}: the import recorded the due change`);
      } else {
        // Now and then a change too long to keep five of on a row: that row then keeps none.
        const text = rnd() < 0.1 ? `Long note ${step}: ${'x'.repeat(1960)}` : `Step ${step} on ${seq ?? 'the action'}`;
        const recent = await save(seq, text);
        const expected = await truth();
        if (recent) assert.deepEqual(recent, expected, `step ${step}: the card after the save shows the latest five changes`);
      }
      assert.deepEqual(await shown(), await truth(), `step ${step}: the action card's changes are the history rows'`);
    }
    assert.ok(imports >= 3, `imports in the sequence: ${imports}`);
  });

  it('a row that keeps nothing costs the card one history read until its next change starts a copy', async () => {
    for (const seq of [undefined, ...action.milestones.map((m) => m.seq)]) await forget(seq, 'absent');
    let stop = recordTableRequests();
    assert.deepEqual(await shown(), await truth());
    assert.equal(stop().filter((r) => r.startsWith('GET')).length, 3, 'the action read, the history read (and the truth read)');
    for (const seq of [undefined, ...action.milestones.map((m) => m.seq)]) {
      ms += 1000;
      await save(seq, `Copy restarted on ${seq ?? 'the action'}`);
    }
    stop = recordTableRequests();
    const card = await shown();
    assert.equal(stop().length, 1, 'every row keeps a copy again: one read');
    assert.deepEqual(card, await truth());
  });
});

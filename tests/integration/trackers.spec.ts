import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startStorage } from '../support/storageHarness';
import { startHarness, cardOf, cardText, type Harness, type Person } from '../support/botHarness';
import { formatReport, importPlanFile } from '../../services/importFiles';
import { exportPlanFile } from '../../services/exportPlan';
import { setPlanArchived } from '../../services/planAdmin';
import { PlanRepository } from '../../storage/planRepository';
import type { Services } from '../../services/context';
import { colourTrackerXlsx } from '../fixtures/trackers/workbooks';
import { PLAN_FILES } from '../support/fixtures';
import { nudgeStage } from '../../domain/reminders';

const TRACKERS = path.resolve(__dirname, '../fixtures/trackers');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trackers-'));

/** A Teams user's change, stored the way the update flow stores it: conditional on the version read. */
async function teamsUpdate(s: Services, planId: string, ref: string, commentary: string, at: string): Promise<void> {
  const loaded = await s.plans.getItemForUpdate(planId, ref);
  assert.ok(loaded, `${ref} exists`);
  const after = { ...loaded.item, status: 'not_on_track' as const, rag: 'red' as const, commentary, version: loaded.item.version + 1, updatedAt: at, updatedBy: 'aad-rosa', updatedByName: 'Rosa Bennett' };
  const saved = await s.plans.saveChange(loaded, after, { planId, ref, at, by: 'aad-rosa', byName: 'Rosa Bennett', source: 'card', changes: [{ field: 'RAG', from: loaded.item.rag, to: 'red' }], commentary });
  assert.deepEqual(saved, { ok: true });
}

describe('tracker imports: commentary, all-or-nothing, conflicts, archive and export', function () {
  this.timeout(180_000);
  let s: Services;
  let stop: () => Promise<void>;
  let connectionString: string;
  before(async () => {
    const st = await startStorage('2020-11-20');
    s = st.services;
    stop = st.stop;
    connectionString = st.azurite.connectionString;
  });
  after(async () => stop?.());

  it('commentary and its date become the latest update; changed commentary on re-import is history from the import', async () => {
    const dir = tmp();
    const file = path.join(dir, 'brag.csv');
    fs.copyFileSync(path.join(TRACKERS, 'brag-tracker.csv'), file);
    const first = await importPlanFile(s, { file, planName: 'BRAG tracker', dryRun: false, problemsFile: path.join(dir, 'brag.problems.csv') });
    assert.equal(first.plan!.created, 5);
    const a = await s.plans.getAction('brag-tracker', '1.1');
    assert.equal(a?.commentary, 'Draft circulated to health partners; sign-off slipped to the March board.');
    assert.equal(a?.updatedAt?.slice(0, 10), '2020-10-14', 'the stale nudge counts from the tracker date, not the import');
    assert.equal(a?.updatedByName, 'Priya Shah');
    assert.equal(a?.evidenceUrl, 'Board paper');
    const undated = await s.plans.getAction('brag-tracker', '2.1');
    assert.equal(undated?.updatedAt, '2020-11-20T10:00:00.000Z', 'no date in the file: the import time');
    // Friday 20 Nov 2020, 14-day check-ins: 1.1 was last updated 37 days ago in the tracker, 2.1 just now.
    assert.equal(nudgeStage(a!, '2020-11-20', 14), 'stale-p2');
    assert.equal(nudgeStage(undated!, '2020-11-20', 14), undefined);
    const report = formatReport(first);
    assert.match(report, /"Update \/ commentary": latest commentary/);
    assert.match(report, /"Workstream": priority \/ theme \/ workstream/);
    const csv = fs.readFileSync(path.join(dir, 'brag.problems.csv'), 'utf8');
    assert.match(csv.split('\r\n')[0], /^\uFEFF?row,column,value,outcome,message$/);
    assert.match(csv, /9,Ref,1\.2,fixed,Ref 1\.2 was already used at row 6/);

    const again = await importPlanFile(s, { file, planName: 'BRAG tracker', dryRun: false });
    assert.deepEqual([again.plan!.created, again.plan!.updated, again.plan!.unchanged], [0, 0, 5]);

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Two of five clusters trained so far.,,', 'Four of five clusters trained.,18/11/2020,'));
    const edited = await importPlanFile(s, { file, planName: 'BRAG tracker', dryRun: false });
    assert.deepEqual([edited.plan!.updated, edited.plan!.unchanged, edited.plan!.historyRecorded], [1, 4, 1]);
    const h = await s.plans.listHistory('brag-tracker', '2.1', 5);
    assert.equal(h[0].source, 'import');
    assert.equal(h[0].commentary, 'Four of five clusters trained.');
    assert.deepEqual(h[0].changes.map((c) => c.field), ['commentary']);
    assert.equal((await s.plans.getAction('brag-tracker', '2.1'))?.updatedAt?.slice(0, 10), '2020-11-18');
  });

  it('a status and commentary set in Teams are kept over an older tracker row, and the report says so', async () => {
    await teamsUpdate(s, 'brag-tracker', '1.3', 'Audit found a backlog; escalated.', '2020-11-19T09:00:00.000Z');
    const dir = tmp();
    const file = path.join(dir, 'brag.csv');
    fs.writeFileSync(file, fs.readFileSync(path.join(TRACKERS, 'brag-tracker.csv'), 'utf8').replace('Two of five clusters trained so far.,,', 'Four of five clusters trained.,18/11/2020,'));
    const r = await importPlanFile(s, { file, planName: 'BRAG tracker', dryRun: false });
    assert.deepEqual([r.plan!.updated, r.plan!.created], [0, 0]);
    assert.deepEqual(r.plan!.keptFromTeams.map((k) => [k.item, k.field]), [['1.3', 'status'], ['1.3', 'commentary']]);
    assert.match(formatReport(r), /1\.3: status set in Teams kept \("not_on_track\/red"\)/);
    assert.equal((await s.plans.getAction('brag-tracker', '1.3'))?.commentary, 'Audit found a backlog; escalated.');
  });

  it('an update made in Teams between the import reading and writing is a reported conflict, never lost', async () => {
    const dir = tmp();
    const file = path.join(dir, 'themed.csv');
    fs.copyFileSync(path.join(TRACKERS, 'themed-plan.csv'), file);
    await importPlanFile(s, { file, planName: 'Themed plan', dryRun: false });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/Nov 2020/g, 'Jan 2021').replace('Dec 2020,G', 'Mar 2021,G'));
    // The import's read is followed at once by a Teams update of SH-1.1, before the import writes.
    const repo = s.plans as PlanRepository;
    const original = repo.listAllItemsForImport.bind(repo);
    repo.listAllItemsForImport = async (planId: string) => {
      const read = await original(planId);
      await teamsUpdate(s, planId, 'SH-1.1', 'Standards paused pending the new director.', '2020-11-20T09:30:00.000Z');
      return read;
    };
    let r;
    try {
      r = await importPlanFile(s, { file, planName: 'Themed plan', dryRun: false });
    } finally {
      repo.listAllItemsForImport = original;
    }
    assert.deepEqual(r.plan!.conflicts, ['SH-1.1']);
    assert.equal(r.plan!.updated, 1, 'SH-1.2b still updated: only the item changed meanwhile is refused');
    assert.match(formatReport(r), /changed in Teams while importing, so not written \(re-run to compare again\): SH-1\.1/);
    const a = await s.plans.getAction('themed-plan', 'SH-1.1');
    assert.equal(a?.commentary, 'Standards paused pending the new director.');
    assert.deepEqual([a?.rag, a?.due], ['red', { kind: 'date', date: '2020-11-30' }], 'the Teams update stands whole');
    assert.deepEqual((await s.plans.getAction('themed-plan', 'SH-1.2b'))?.due, { kind: 'date', date: '2021-03-31' });
    const rerun = await importPlanFile(s, { file, planName: 'Themed plan', dryRun: false });
    assert.deepEqual([rerun.plan!.conflicts, rerun.plan!.updated], [[], 1], 're-running applies the file over the newer item, keeping its Teams status');
    assert.equal((await s.plans.getAction('themed-plan', 'SH-1.1'))?.rag, 'red');
  });

  it('a file that yields no actions writes nothing and makes no plan', async () => {
    const r = await importPlanFile(s, { file: path.join(TRACKERS, 'no-header.csv'), planName: 'Empty', dryRun: false });
    assert.match(r.failed ?? '', /yields no actions, so nothing was written/);
    assert.equal((await s.plans.listAllPlans()).some((p) => p.id === 'empty'), false);
    assert.equal((await s.plans.listAllItems('empty')).length, 0);
  });

  it('an XLSX with a cover sheet imports its tracker sheet', async () => {
    const dir = tmp();
    const file = path.join(dir, 'colour.xlsx');
    fs.writeFileSync(file, await colourTrackerXlsx());
    const r = await importPlanFile(s, { file, planName: 'Colour tracker', dryRun: false });
    assert.equal(r.sheet, 'Tracker');
    assert.equal(r.plan!.created, 4);
    assert.deepEqual((await s.plans.getAction('colour-tracker', '1'))?.due, { kind: 'date', date: '2020-11-30' });
    assert.match(formatReport(r), /sheet "Tracker"/);
  });

  it('export then re-import reports 0 changes, for CSV and XLSX, including updates made in Teams', async () => {
    await teamsUpdate(s, 'themed-plan', 'LA-Misc.2', 'Printer quotes, "two" so far; = not a formula', '2020-11-20T08:00:00.000Z');
    const dir = tmp();
    for (const [plan, id] of [
      ['Themed plan', 'themed-plan'],
      ['BRAG tracker', 'brag-tracker'],
    ]) {
      for (const ext of ['csv', 'xlsx']) {
        const out = path.join(dir, `${id}.${ext}`);
        const e = await exportPlanFile(s, { plan, out });
        const stored = (await s.plans.listAllItems(id)).length;
        assert.equal(e.actions, stored);
        const back = await importPlanFile(s, { file: out, planName: plan, dryRun: false });
        assert.deepEqual(
          [back.plan!.created, back.plan!.updated, back.plan!.unchanged, back.plan!.historyRecorded, back.plan!.keptFromTeams],
          [0, 0, stored, 0, []],
          `${plan} ${ext}: ${formatReport(back)}`,
        );
      }
    }
    const csv = fs.readFileSync(path.join(dir, 'themed-plan.csv'), 'utf8');
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0];
    assert.equal(header, 'Theme,Ref,Objective,Action,Success measure,Lead,Due date,Revised due date,Reason for revised date,Status,RAG,Update / commentary,Last updated,Updated by,Evidence,Awaiting sign-off');
    assert.match(csv, /LA-Misc\.2,.*,Not on track,Red,"Printer quotes, ""two"" so far; = not a formula",20\/11\/2020,Rosa Bennett/);
  });

  it('the councils\' own layouts round-trip too: Southend 2021 and Sefton 2022 export and re-import with 0 changes', async () => {
    const dir = tmp();
    for (const f of [PLAN_FILES.southend2021, PLAN_FILES.sefton2022]) {
      await importPlanFile(s, { file: f.file, planName: f.name, dryRun: false });
      const out = path.join(dir, `${f.name}.xlsx`);
      await exportPlanFile(s, { plan: f.name, out });
      const back = await importPlanFile(s, { file: out, planName: f.name, dryRun: true });
      assert.deepEqual([back.plan!.created, back.plan!.updated], [0, 0], f.name);
      assert.equal(back.plan!.unchanged, f === PLAN_FILES.southend2021 ? 30 : 125);
    }
  });

  it('an archived plan is hidden from the plan list, kept with its history, and can be restored', async () => {
    const r = await setPlanArchived(s, 'themed plan', true);
    assert.equal(r.ok, true);
    assert.equal((await s.plans.listPlans()).some((p) => p.id === 'themed-plan'), false);
    assert.ok((await s.plans.listAllPlans()).find((p) => p.id === 'themed-plan')?.archivedAt);
    assert.ok((await s.plans.listHistory('themed-plan', 'SH-1.1')).length > 0, 'history kept');
    assert.ok(await s.plans.getAction('themed-plan', 'SH-1.1'));
    assert.deepEqual(await setPlanArchived(s, 'no such plan', true), { ok: false, reason: 'not_found', known: ['BRAG tracker', 'Colour tracker', 'Sefton 2022', 'Southend 2021', 'Themed plan'] });
    await setPlanArchived(s, 'Themed plan', false);
    assert.equal((await s.plans.listPlans()).some((p) => p.id === 'themed-plan'), true);
  });

  it('the command line: problems CSV beside the input, exit 1 for no actions or unreadable files, --archive', () => {
    const root = path.resolve(__dirname, '../..');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
        cwd: root,
        env: { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: connectionString },
        encoding: 'utf8',
        timeout: 90_000,
      });
    const dir = tmp();
    const file = path.join(dir, 'brag.csv');
    fs.copyFileSync(path.join(TRACKERS, 'brag-tracker.csv'), file);
    const ok = run(['--plan', 'CLI tracker', file, '--dry-run']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'brag.problems.csv')));
    assert.match(ok.stdout, /\(all listed in .*brag\.problems\.csv\)/);
    const none = run(['--plan', 'Nothing', path.join(TRACKERS, 'no-header.csv')]);
    assert.equal(none.status, 1);
    assert.match(none.stdout, /FAILED: .* yields no actions/);
    const bad = run(['--plan', 'Bad', path.join(TRACKERS, 'not-a-workbook.xlsx')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Nothing imported\. .*is named as an Excel workbook but is not one/);
    assert.doesNotMatch(bad.stderr, /central directory|at .*\.js/);
    const archived = run(['--archive', 'Colour tracker']);
    assert.equal(archived.status, 0, archived.stderr);
    assert.match(archived.stdout, /Colour tracker is archived/);
  });
});

describe('archiving a plan from Teams', function () {
  this.timeout(120_000);
  const ADMIN: Person = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: '2020-11-20', env: { ADMIN_USER_IDS: ADMIN.aadObjectId } });
    await importPlanFile(h.bot.services, { file: path.join(TRACKERS, 'themed-plan.csv'), planName: 'Themed plan', dryRun: false });
    await importPlanFile(h.bot.services, { file: path.join(TRACKERS, 'semicolon.csv'), planName: 'Audit plan', dryRun: false });
  });
  after(async () => h?.stop());

  it('only an admin can archive; an archived plan leaves the summary', async () => {
    const refused = cardText(cardOf((await h.say('archive plan Audit plan'))[0]));
    assert.match(refused, /Only a plan administrator can archive/);
    const done = cardText(cardOf((await h.say('archive plan Audit plan', { from: ADMIN }))[0]));
    assert.match(done, /Audit plan is archived: it no longer appears in questions, digests or reminders/);
    const summary = cardText(cardOf((await h.say('summary', { from: ADMIN }))[0]));
    assert.match(summary, /Themed plan/);
    assert.doesNotMatch(summary, /Audit plan/);
    const partial = cardText(cardOf((await h.say('archive plan Themed', { from: ADMIN }))[0]));
    assert.match(partial, /No plan is called exactly "Themed"\. Did you mean Themed plan\?/);
    assert.ok((await h.bot.services.plans.listPlans()).some((p) => p.name === 'Themed plan'), 'a partial name archives nothing');
    const unknown = cardText(cardOf((await h.say('archive plan Nonesuch', { from: ADMIN }))[0]));
    assert.match(unknown, /No plan is called "Nonesuch"/);
  });
});

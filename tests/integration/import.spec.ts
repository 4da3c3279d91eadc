import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startStorage } from '../support/storageHarness';
import { PLAN_FILES, fixture } from '../support/fixtures';
import { importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile } from '../../services/importFiles';
import type { Services } from '../../services/context';

describe('importing plans, KPIs and the directory into Azure Tables', function () {
  this.timeout(120_000);
  let s: Services;
  let stop: () => Promise<void>;
  let connectionString: string;
  before(async () => {
    const st = await startStorage();
    s = st.services;
    stop = st.stop;
    connectionString = st.azurite.connectionString;
  });
  after(async () => stop?.());

  it('imports all three council layouts and reads them back', async () => {
    const r2021 = await importPlanFile(s, { ...PLAN_FILES.southend2021, planName: PLAN_FILES.southend2021.name, dryRun: false });
    assert.deepEqual([r2021.plan!.actions, r2021.plan!.milestones, r2021.plan!.created], [30, 0, 30]);
    const r2016 = await importPlanFile(s, { ...PLAN_FILES.southend2016, planName: PLAN_FILES.southend2016.name, dryRun: false });
    assert.deepEqual([r2016.plan!.actions, r2016.plan!.milestones, r2016.plan!.created], [51, 207, 258]);
    const sefton = await importPlanFile(s, { ...PLAN_FILES.sefton2022, planName: PLAN_FILES.sefton2022.name, dryRun: false });
    assert.deepEqual([sefton.plan!.actions, sefton.plan!.milestones], [121, 4]);

    const a11 = await s.plans.getAction('southend-2016', '1.1');
    assert.ok(a11);
    assert.deepEqual(
      a11.milestones.map((m) => [m.seq, m.due.kind === 'date' ? m.due.date : m.due.kind, m.ownerRole]),
      [
        [1, '2016-11-30', 'GM – Fieldwork Services GM – Quality Assurance and Principal Social Worker'],
        [2, '2016-09-30', 'Team Manager – Workforce Commissioning Practice Lead'],
        [3, '2016-11-01', 'Team Manager – Workforce Commissioning'],
        [4, '2016-12-31', 'GM – Quality Assurance and Principal Social Worker'],
      ],
    );
    const a21 = await s.plans.getAction('southend-2021', '2.1');
    assert.equal(a21?.ownerRole, 'HoS (RB)');
    assert.deepEqual(a21?.due, { kind: 'date', date: '2021-12-31' });
    assert.deepEqual(a21?.kpiCodes, ['c162']);
    assert.equal(a21?.outcomes.length, 4);
    const plans = await s.plans.listPlans();
    assert.deepEqual(plans.map((p) => p.id).sort(), ['sefton-2022', 'southend-2016', 'southend-2021']);
  });

  it('reports the genuine problems with row, column and raw value', async () => {
    const r = await importPlanFile(s, { ...PLAN_FILES.southend2016, planName: 'dry', dryRun: true });
    const sept31 = r.problems.find((p) => p.value === '31st September 2017');
    assert.deepEqual([sept31?.row, sept31?.column, sept31?.outcome], [12, 'Target date', 'left blank']);
    assert.match(sept31!.message, /31 September does not exist/);
    assert.equal(r.problems.length, 32); // 31 in the file, and the note that it has no status column
  });

  it('re-importing the same file changes nothing', async () => {
    const again = await importPlanFile(s, { ...PLAN_FILES.southend2016, planName: PLAN_FILES.southend2016.name, dryRun: false });
    assert.deepEqual([again.plan!.created, again.plan!.updated, again.plan!.unchanged, again.plan!.transactions], [0, 0, 258, 0]);
  });

  it('an edited file updates by ref, records due-date and owner changes, and keeps statuses set in the bot', async () => {
    const loaded = await s.plans.getItemForUpdate('southend-2021', '2.4');
    const botChange = { ...loaded!.item, status: 'some_issues' as const, rag: 'amber' as const, version: loaded!.item.version + 1, updatedBy: 'someone', updatedByName: 'Rosa Bennett' };
    assert.deepEqual(
      await s.plans.saveChange(loaded!, botChange, { planId: 'southend-2021', ref: '2.4', at: s.clock.now().toISOString(), by: 'someone', byName: 'Rosa Bennett', source: 'card', changes: [{ field: 'RAG', from: 'none', to: 'amber' }] }),
      { ok: true },
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    const edited = path.join(dir, 'edited.csv');
    const csv = fs.readFileSync(PLAN_FILES.southend2021.file, 'utf8');
    const line = csv.split('\n').find((l) => l.startsWith(',2.4,'))!;
    fs.writeFileSync(edited, csv.replace(line, line.replace(/,Sep 2021,HoS \(RB\)/, ',Jan 2022,HoS (LD)')));
    const r = await importPlanFile(s, { file: edited, planName: PLAN_FILES.southend2021.name, dryRun: false });
    assert.deepEqual([r.plan!.updated, r.plan!.created, r.plan!.historyRecorded], [1, 0, 1]);
    const a = await s.plans.getAction('southend-2021', '2.4');
    assert.deepEqual(a?.due, { kind: 'date', date: '2022-01-31' });
    assert.equal(a?.ownerRole, 'HoS (LD)');
    assert.equal(a?.rag, 'amber', 'the RAG Rosa set in the bot survives the import');
    const h = await s.plans.listHistory('southend-2021', '2.4', 5);
    assert.deepEqual(h[0].changes, [
      { field: 'due', from: '2021-09-30', to: '2022-01-31' },
      { field: 'owner', from: 'HoS (RB)', to: 'HoS (LD)' },
    ]);
    assert.equal(h[0].source, 'import');
    const byOwner = await s.plans.listByOwner('southend-2021', 'hos(ld)');
    assert.ok(byOwner.some((i) => i.ref === '2.4'), 'the owner index follows the new owner');
  });

  it('--dry-run writes nothing', async () => {
    const r = await importPlanFile(s, { file: fixture('plans/southend-2021-priorities.csv'), planName: 'Dry run plan', dryRun: true });
    assert.equal(r.plan!.created, 30);
    assert.equal((await s.plans.listPlans()).some((p) => p.id === 'dry-run-plan'), false);
    assert.equal((await s.plans.listAllItems('dry-run-plan')).length, 0);
  });

  it('imports KPI definitions, values and the directory, and reads them back', async () => {
    const d = await importDirectoryFile(s, { file: fixture('people/directory.csv'), dryRun: false });
    assert.equal(d.written, 23);
    assert.deepEqual((await s.directory.rolesOf({ aadObjectId: '6f1c2a10-0002-4c1e-9a51-000000000002' })).map((p) => p.role).sort(), ['Exec Director', 'Executive Director']);
    assert.equal((await s.directory.findByRole('hos  (rb)'))?.name, 'Rosa Bennett');
    assert.equal((await s.directory.rolesOf({ email: 'ROSA.BENNETT@example.org' }))[0]?.role, 'HoS (RB)');
    const k = await importKpiFile(s, { file: fixture('kpis/kpis.csv'), dryRun: false });
    assert.equal(k.written, 17);
    await importKpiValuesFile(s, { file: fixture('kpis/kpi-values.csv'), dryRun: false, enteredBy: 'test' });
    const c056 = await s.kpis.getDefinition('C056');
    assert.deepEqual([c056?.polarity, c056?.target, c056?.tolerance], ['higher', 87, 3]);
    const series = await s.kpis.getSeries('c162');
    assert.equal(series.length, 12);
    assert.deepEqual(series.at(-1), { code: 'c162', period: '2022-09', value: 13, enteredAt: series.at(-1)!.enteredAt, enteredBy: 'test' });
    const latest = (await s.kpis.listDefinitionsWithLatest()).find((x) => x.def.code === 'c162');
    assert.equal(latest?.latest?.value, 13);
    assert.equal(latest?.previous?.value, 12);
  });

  it('a role handed to someone else is taken away from its previous holder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dir-'));
    const edited = path.join(dir, 'directory.csv');
    const csv = fs.readFileSync(fixture('people/directory.csv'), 'utf8');
    fs.writeFileSync(edited, csv.replace('HoS (RB),Rosa Bennett,rosa.bennett@example.org,6f1c2a10-0004-4c1e-9a51-000000000004', 'HoS (RB),Leo Dunn,leo.dunn@example.org,6f1c2a10-0005-4c1e-9a51-000000000005'));
    await importDirectoryFile(s, { file: edited, dryRun: false });
    assert.deepEqual((await s.directory.rolesOf({ aadObjectId: '6f1c2a10-0004-4c1e-9a51-000000000004' })).map((p) => p.role), []);
    assert.deepEqual((await s.directory.rolesOf({ email: 'rosa.bennett@example.org' })).map((p) => p.role), []);
    assert.deepEqual((await s.directory.rolesOf({ aadObjectId: '6f1c2a10-0005-4c1e-9a51-000000000005' })).map((p) => p.role).sort(), ['HoS (LD)', 'HoS (RB)']);
    assert.equal((await s.directory.findByRole('HoS (RB)'))?.name, 'Leo Dunn');
  });

  it('the command line prints the report and refuses bad arguments clearly', () => {
    const root = path.resolve(__dirname, '../..');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
        cwd: root,
        env: { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: connectionString },
        encoding: 'utf8',
        timeout: 60_000,
      });
    // A copy, because the full problem list is written beside the input.
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'southend-2016.csv');
    fs.copyFileSync(PLAN_FILES.southend2016.file, copy);
    const ok = run(['--plan', 'CLI plan', copy, '--dry-run']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /\[dry run — nothing written\]/);
    assert.match(ok.stdout, /rows read: 51/);
    assert.match(ok.stdout, /actions: 51, milestones: 207/);
    assert.match(ok.stdout, /row 12, column "Target date", value "31st September 2017": Milestone 2\.4\.5 date not read: 31 September does not exist/);
    assert.match(ok.stdout, /problems: 32 \(all listed in .*southend-2016\.problems\.csv\)/);
    assert.match(ok.stdout, /No status column found: every action imported as Not started/);
    assert.equal(fs.readFileSync(path.join(path.dirname(copy), 'southend-2016.problems.csv'), 'utf8').trim().split('\r\n').length, 33, 'a header and every problem');
    const missing = run(['--plan', 'X', '/nonexistent/plan.csv']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^Nothing imported\. File not found: \/nonexistent\/plan\.csv\. Check the path/);
    assert.doesNotMatch(missing.stderr, /ENOENT/);
    const noArgs = run([]);
    assert.equal(noArgs.status, 2);
    assert.match(noArgs.stderr, /Usage:/);
  });
});

describe('importing KPIs checks owner roles against the directory', function () {
  this.timeout(60_000);
  let s: Services;
  let stop: () => Promise<void>;
  before(async () => {
    const st = await startStorage();
    s = st.services;
    stop = st.stop;
    await importDirectoryFile(s, { file: fixture('people/directory.csv'), dryRun: false });
  });
  after(async () => stop?.());

  it('a KPI whose owner role nobody holds is reported with row, column and value, and still imported', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-owners-')), 'kpis.csv');
    fs.writeFileSync(file, ['Code,Indicator,Unit,Polarity,Target,Tolerance,Frequency,KPI owner', 'k1,Audits returned on time,%,higher,90,5,monthly,HoS (RB)', 'k2,Visits within ten days,%,higher,95,5,monthly,Head of Lighthouses'].join('\n'));
    const r = await importKpiFile(s, { file, dryRun: false });
    assert.equal(r.written, 2);
    assert.deepEqual(r.problems.map((p) => [p.row, p.column, p.value, p.outcome]), [[3, 'KPI owner', 'Head of Lighthouses', 'kept as text']]);
    assert.match(r.problems[0].message, /nobody holds this role/);
    assert.equal((await s.kpis.getDefinition('k2'))?.ownerRole, 'Head of Lighthouses');
  });
});

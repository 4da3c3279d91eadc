import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStorage } from '../support/storageHarness';
import { formatReport, importPlanFile } from '../../services/importFiles';
import { buildPlanExport, exportPlanFile } from '../../services/exportPlan';
import type { Services } from '../../services/context';

/**
 * A re-import whose cells cannot be read must not overwrite what the plan holds: the stored value
 * stays, the report says so, and the history records no change for the field.
 */

const HEADER = 'Ref,Action,Owner,Start date,Due date,Revised due date,Reason for revision,RAG,Update';

const FIRST = [
  HEADER,
  '1,Write the youth justice partnership plan,Head of Youth Justice,01/04/2026,31/10/2026,28/02/2027,Board date moved,Green,First draft shared.',
  '2,Open a second family hub in the north of the borough,Head of Family Hubs,01/05/2026,31/12/2026,,,Amber,Building work started.',
  '3,Review every placement more than 20 miles away,Head of Placements,01/06/2026,31/03/2027,,,Red,Two reviews late.',
  '4,Bring in a new kinship allowance,Head of Fostering,01/06/2026,30/06/2027,,,Green,Policy drafted.',
].join('\n');

// The same plan with bad cells: an impossible revised date on 1, a blank owner on 2 (under 1's
// owner), an impossible due date and an unknown colour on 3; 4 changes its due date for real, and
// 5 is new with an impossible date.
const SECOND = [
  HEADER,
  '1,Write the youth justice partnership plan,Head of Youth Justice,01/04/2026,31/10/2026,30/02/2027,Board date moved,Green,First draft shared.',
  '2,Open a second family hub in the north of the borough,,01/05/2026,31/12/2026,,,Amber,Building work started.',
  '3,Review every placement more than 20 miles away,Head of Placements,01/06/2026,31/14/2027,,,Violet,Two reviews late.',
  '4,Bring in a new kinship allowance,Head of Fostering,01/06/2026,31/07/2027,,,Green,Policy drafted.',
  '5,Recruit a kinship carers support worker,Head of Fostering,01/06/2026,32/05/2027,,,Green,Advert drafted.',
].join('\n');

describe('a re-import with unreadable cells keeps the stored values', function () {
  this.timeout(120_000);
  let s: Services;
  let stop: () => Promise<void>;
  let dir: string;
  const PLAN = 'Keep stored plan';
  const ID = 'keep-stored-plan';
  before(async () => {
    const st = await startStorage('2026-11-20');
    s = st.services;
    stop = st.stop;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keep-stored-'));
    fs.writeFileSync(path.join(dir, 'first.csv'), FIRST);
    fs.writeFileSync(path.join(dir, 'second.csv'), SECOND);
    const first = await importPlanFile(s, { file: path.join(dir, 'first.csv'), planName: PLAN, dryRun: false });
    assert.deepEqual(first.problems, []);
  });
  after(async () => stop?.());

  it('a dry run already reports each kept value, and writes nothing', async () => {
    const r = await importPlanFile(s, { file: path.join(dir, 'second.csv'), planName: PLAN, dryRun: true });
    assert.deepEqual(
      r.plan!.keptStored.map((k) => [k.item, k.field, k.row, k.column, k.value]),
      [
        ['1', 'revisedDue', 2, 'Revised due date', '30/02/2027'],
        ['2', 'owner', 3, 'Owner', ''],
        ['3', 'due', 4, 'Due date', '31/14/2027'],
        ['3', 'status', 4, 'RAG', 'Violet'],
        ['3', 'rag', 4, 'RAG', 'Violet'],
      ],
    );
    assert.deepEqual((await s.plans.getAction(ID, '4'))?.due, { kind: 'date', date: '2027-06-30' }, 'the dry run wrote nothing');
  });

  it('the stored due date, revised date, status, RAG and owner survive; a real change is still applied', async () => {
    const r = await importPlanFile(s, { file: path.join(dir, 'second.csv'), planName: PLAN, dryRun: false });
    assert.deepEqual([r.plan!.created, r.plan!.updated, r.plan!.unchanged, r.plan!.historyRecorded], [1, 1, 3, 1]);

    const a1 = await s.plans.getAction(ID, '1');
    assert.deepEqual(a1?.due, { kind: 'date', date: '2027-02-28' }, 'the stored revised date stays');
    assert.deepEqual(a1?.originalDue, { kind: 'date', date: '2026-10-31' });
    const a2 = await s.plans.getAction(ID, '2');
    assert.equal(a2?.ownerRole, 'Head of Family Hubs', "the blank owner neither clears the owner nor takes 1's");
    const a3 = await s.plans.getAction(ID, '3');
    assert.deepEqual([a3?.due, a3?.status, a3?.rag], [{ kind: 'date', date: '2027-03-31' }, 'not_on_track', 'red']);
    const a4 = await s.plans.getAction(ID, '4');
    assert.deepEqual(a4?.due, { kind: 'date', date: '2027-07-31' }, 'a readable change is imported as before');
    const a5 = await s.plans.getAction(ID, '5');
    assert.deepEqual(a5?.due, { kind: 'none' }, 'a new item is imported with the unreadable field blank, as before');

    for (const ref of ['1', '2', '3']) assert.deepEqual(await s.plans.listHistory(ID, ref, 5), [], `no history for ${ref}`);
    assert.deepEqual((await s.plans.listHistory(ID, '4', 5))[0].changes, [{ field: 'due', from: '2027-06-30', to: '2027-07-31' }]);

    const kept = r.problems.filter((p) => p.outcome === 'kept the stored value');
    assert.deepEqual(
      kept.map((p) => [p.row, p.column, p.value]),
      [
        [2, 'Revised due date', '30/02/2027'],
        [3, 'Owner', ''],
        [4, 'Due date', '31/14/2027'],
        [4, 'RAG', 'Violet'],
      ],
    );
    assert.match(kept[3].message, /^Status not read: "Violet" is not a recognised status .*\. 3 is already in the plan, so it kept the stored value \(status Not on track; RAG Red\); no change recorded\.$/);
    assert.doesNotMatch(kept[3].message, /recorded as not started/);
    const newItem = r.problems.find((p) => p.row === 6 && p.column === 'Due date');
    assert.equal(newItem?.outcome, 'left blank', 'the new item 5 has nothing stored to keep');
    assert.match(formatReport(r), /cells not read, so the stored value was kept: 1 revised due date 28 Feb 2027 \(row 2, "Revised due date"\); 2 owner Head of Family Hubs/);
  });

  it('importing the same bad file again changes nothing', async () => {
    const r = await importPlanFile(s, { file: path.join(dir, 'second.csv'), planName: PLAN, dryRun: false });
    assert.deepEqual([r.plan!.created, r.plan!.updated, r.plan!.historyRecorded], [0, 0, 0]);
    assert.deepEqual((await s.plans.getAction(ID, '3'))?.rag, 'red');
  });
});

describe('import report: filled leads and the reason for a revised date', function () {
  this.timeout(120_000);
  let s: Services;
  let stop: () => Promise<void>;
  let dir: string;
  before(async () => {
    const st = await startStorage('2026-11-20');
    s = st.services;
    stop = st.stop;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  });
  after(async () => stop?.());

  it('each blank lead read as the lead above is listed in the report, with where it came from', async () => {
    const file = path.join(dir, 'same-ref.csv');
    fs.writeFileSync(
      file,
      ['Ref,Action,Lead,Due date,RAG', '1.1,Agree the audit programme,Head of Quality Assurance,30/09/2026,Green', ',Audit twenty case files a month,,31/12/2026,Amber', '1.2,Refresh the supervision policy,,31/03/2027,Green'].join('\n'),
    );
    const r = await importPlanFile(s, { file, planName: 'Same ref plan', dryRun: true });
    const report = formatReport(r);
    assert.match(report, /blank lead cells read as the lead above \(1\):\n {4}row 3, column "Lead" \(1\.1b\): "Head of Quality Assurance" from row 2 \(continues the ref above\)/);
    assert.match(report, /row 4, column "Lead", value "": No lead named for 1\.2\. → left blank/);
  });

  it('a "Reason for revision" column is kept on the action, exported, and re-imports unchanged', async () => {
    const file = path.join(dir, 'revised.csv');
    fs.writeFileSync(
      file,
      [
        'Ref,Action,Owner,Due date,Revised due date,Reason for revision,RAG',
        '1,Move the front door into the new hub,Head of MASH,30/06/2026,30/11/2026,Supplier delay,Amber',
        '2,Restart the locality hubs,Head of Family Help,30/09/2026,,,Green',
      ].join('\n'),
    );
    const r = await importPlanFile(s, { file, planName: 'Revised plan', dryRun: false });
    assert.ok(r.columns?.some((c) => c.column === 'Reason for revision' && /kept as text on the action/.test(c.readAs)));
    assert.equal((await s.plans.getAction('revised-plan', '1'))?.extra['Reason for revised date'], 'Supplier delay');
    const e = await buildPlanExport(s, 'Revised plan');
    const at = e.headers.indexOf('Reason for revised date');
    assert.deepEqual(e.rows.map((row) => [row[1], row[at]]), [['1', 'Supplier delay'], ['2', '']]);
    assert.equal(e.headers.filter((h) => h === 'Reason for revised date').length, 1, 'not a second, extra column');
    const out = path.join(dir, 'revised-export.csv');
    await exportPlanFile(s, { plan: 'Revised plan', out });
    const back = await importPlanFile(s, { file: out, planName: 'Revised plan', dryRun: false });
    assert.deepEqual([back.plan!.created, back.plan!.updated, back.plan!.unchanged], [0, 0, 2], formatReport(back));
  });
});

import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { readCsvText, readTableBufferDetail } from '../../domain/import/readTable';
import { parsePlan } from '../../domain/import/planParser';

/** Blank lead cells (never another action's lead) and the column-slip repair (never on a row that reads in place). */

const csv = (lines: string[]) => parsePlan(readCsvText(lines.join('\n')));

describe('plan parser: a blank lead is "same as above" only where the file says so', () => {
  it('a CSV action with a ref of its own and a blank lead has no lead, reported like the first row', () => {
    const r = csv([
      'Ref,Action,Owner,Due date,RAG',
      '1,Publish the corporate parenting pledge,Head of Corporate Parenting,31/12/2026,Green',
      '2,Set up a care leavers forum,,31/01/2027,Amber',
    ]);
    const two = r.plan.actions.find((a) => a.ref === '2');
    assert.equal(two?.leadRole, undefined, "2 does not take 1's lead");
    const p = r.problems.find((x) => x.row === 3 && x.column === 'Owner');
    assert.deepEqual([p?.value, p?.message, p?.outcome], ['', 'No lead named for 2.', 'left blank']);
    assert.deepEqual(r.filledDown, []);
  });

  it('a section row in the ref column ("Priority 2") does not take the lead of the action above', () => {
    const r = csv([
      'Ref,Action,Owner,Target Date,RAG',
      'Priority 1,Families get help early,,,',
      '1.1,Train the locality teams in the new assessment,Head of Early Help,31/10/2026,G',
      'Priority 2,Children in care live close to home,,,',
      '2.1,Open two more in-house homes,Head of Residential Care,31/03/2027,A',
    ]);
    assert.equal(r.plan.actions.find((a) => a.ref === 'Priority-2')?.leadRole, undefined);
    assert.ok(r.problems.some((p) => p.row === 4 && p.column === 'Owner' && p.message === 'No lead named for Priority-2.'));
  });

  it('several actions under one printed ref keep "same as above", and each filled lead is listed', () => {
    const r = csv([
      'Ref,Action,Lead,Due date,RAG',
      '1.1,Agree the audit programme,Head of Quality Assurance,30/09/2026,Green',
      ',Audit twenty case files a month,,31/12/2026,Amber',
      '1.1,Report the audit findings to the board,,31/03/2027,Green',
      '1.2,Refresh the supervision policy,,31/03/2027,Green',
    ]);
    assert.deepEqual(
      r.plan.actions.map((a) => [a.ref, a.leadRole]),
      [
        ['1.1', 'Head of Quality Assurance'],
        ['1.1b', 'Head of Quality Assurance'],
        ['1.1c', 'Head of Quality Assurance'],
        ['1.2', undefined],
      ],
    );
    assert.deepEqual(
      r.filledDown.map((f) => [f.row, f.column, f.ref, f.value, f.fromRow, f.why]),
      [
        [3, 'Lead', '1.1b', 'Head of Quality Assurance', 2, 'same ref'],
        [4, 'Lead', '1.1c', 'Head of Quality Assurance', 2, 'same ref'],
      ],
    );
    assert.ok(r.problems.some((p) => p.row === 5 && p.message === 'No lead named for 1.2.'));
  });

  it('an XLSX lead cell merged over two actions gives both the lead', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Plan');
    ws.addRow(['Ref', 'Action', 'Lead', 'Due date', 'RAG']);
    ws.addRow(['1', 'Review the edge of care offer', 'Head of Edge of Care', '30/11/2026', 'Green']);
    ws.addRow(['2', 'Recruit two family group conference coordinators', null, '31/01/2027', 'Amber']);
    ws.addRow(['3', 'Evaluate the pilot', null, '31/03/2027', 'Green']);
    ws.mergeCells('C2:C3');
    const table = await readTableBufferDetail(Buffer.from(await wb.xlsx.writeBuffer()), 'plan.xlsx');
    const r = parsePlan(table.rows, { fills: table.fills, merged: table.merged });
    assert.deepEqual(
      r.plan.actions.map((a) => [a.ref, a.leadRole]),
      [
        ['1', 'Head of Edge of Care'],
        ['2', 'Head of Edge of Care'],
        ['3', undefined],
      ],
    );
    assert.deepEqual(r.filledDown.map((f) => [f.row, f.ref, f.why]), [[3, '2', 'merged cell']]);
  });
});

describe('plan parser: the column-slip repair never moves a row that reads in place', () => {
  it('a blank or TBC status with "On track" / "Complete" in the commentary column is not a shifted row', () => {
    const r = csv([
      'Ref,Action,RAG,Due date,Lead,Latest update,Last updated',
      '1,Audit every child protection plan over a year old,Green,31/12/2026,Head of Child Protection,Audits running.,02/11/2026',
      '2,Refresh the neglect toolkit with partners,,31/01/2027,Head of Early Help,On track,03/11/2026',
      '3,Recruit two more reviewing officers,TBC,28/02/2027,Reviewing Service Manager,Complete,01/11/2026',
    ]);
    assert.deepEqual(
      r.plan.actions.map((a) => [a.ref, a.title, a.leadRole, a.due, a.status, a.rag, a.commentary]),
      [
        ['1', 'Audit every child protection plan over a year old', 'Head of Child Protection', { kind: 'date', date: '2026-12-31' }, 'on_track', 'green', 'Audits running.'],
        ['2', 'Refresh the neglect toolkit with partners', 'Head of Early Help', { kind: 'date', date: '2027-01-31' }, 'not_started', 'none', 'On track'],
        ['3', 'Recruit two more reviewing officers', 'Reviewing Service Manager', { kind: 'date', date: '2027-02-28' }, 'not_started', 'none', 'Complete'],
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => [p.row, p.column, p.value, p.outcome]),
      [
        [3, 'RAG', '', 'left blank'],
        [4, 'RAG', 'TBC', 'left blank'],
      ],
    );
  });

  it('a "Previous RAG" beside a blank or unreadable current RAG is not read, and the row is not shifted', () => {
    const r = csv([
      'Ref,Action,Lead,Previous RAG,Due date,Current RAG,Update',
      '1,Bring caseloads in the assessment teams down to 18,Head of Assessment,Amber,31/12/2026,Green,Average now 17.',
      '2,Start a pre-birth assessment pathway,Head of Safeguarding,Red,31/01/2027,,Not rated this month.',
      '3,Start a kinship carers support group,Head of Fostering,Amber,31/03/2027,Awaiting update,Chased.',
    ]);
    assert.deepEqual(
      r.plan.actions.map((a) => [a.ref, a.title, a.leadRole, a.due, a.status, a.rag]),
      [
        ['1', 'Bring caseloads in the assessment teams down to 18', 'Head of Assessment', { kind: 'date', date: '2026-12-31' }, 'on_track', 'green'],
        ['2', 'Start a pre-birth assessment pathway', 'Head of Safeguarding', { kind: 'date', date: '2027-01-31' }, 'not_started', 'none'],
        ['3', 'Start a kinship carers support group', 'Head of Fostering', { kind: 'date', date: '2027-03-31' }, 'not_started', 'none'],
      ],
    );
    assert.deepEqual(r.plan.actions[1].extra, { 'Previous RAG': 'Red' });
    assert.deepEqual(
      r.problems.map((p) => [p.row, p.column, p.value, p.outcome]),
      [
        [3, 'Current RAG', '', 'left blank'],
        [4, 'Current RAG', 'Awaiting update', 'left blank'],
      ],
    );
  });

  it('a row wider than the header, with the status and date one column right, is still repaired', () => {
    const r = csv([
      'Ref,Action,Outcome,Lead,RAG,Due date',
      '1,Launch the new front door,Contacts decided in 24 hours,Head of MASH,Green,31/10/2026',
      '2,,Open the out of hours line,Most calls answered in a minute,Head of MASH,Complete,30/09/2026',
    ]);
    const two = r.plan.actions.find((a) => a.ref === '2');
    assert.deepEqual([two?.title, two?.status, two?.due], ['Open the out of hours line', 'complete', { kind: 'date', date: '2026-09-30' }]);
    assert.ok(r.problems.some((p) => p.row === 3 && p.outcome === 'fixed' && /one column to the right/.test(p.message)));
  });
});

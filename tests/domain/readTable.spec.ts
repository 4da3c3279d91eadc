import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readCsvBuffer, readCsvText, readTable, readTableBuffer } from '../../domain/import/readTable';
import { parsePlan } from '../../domain/import/planParser';

const FIXTURES = path.resolve(__dirname, '../fixtures');

describe('readTable: CSV', () => {
  it('strips a BOM and keeps quoted multi-line cells as one row', () => {
    const rows = readCsvText('\uFEFFRef,Action\r\n1,"line one\r\nline two"\r\n2,plain\r\n');
    assert.deepEqual(rows, [
      ['Ref', 'Action'],
      ['1', 'line one\nline two'],
      ['2', 'plain'],
    ]);
  });

  it('accepts mixed line endings between records', () => {
    assert.deepEqual(readCsvText('a,b\r\n1,2\n3,4\r5,6'), [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps blank lines as rows so row numbers match the file', () => {
    const rows = readCsvText('a,b\n\n1,2\n');
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2], ['1', '2']);
  });

  it('reads Windows-1252 bytes (as saved by Excel) when the file is not UTF-8', () => {
    const bytes = Buffer.from([0x52, 0x6f, 0x6c, 0x65, 0x0a, 0x47, 0x4d, 0x20, 0x96, 0x20, 0x46, 0x69, 0x65, 0x6c, 0x64, 0x77, 0x6f, 0x72, 0x6b, 0x0a]);
    assert.deepEqual(readCsvBuffer(bytes), [['Role'], ['GM – Fieldwork']]);
  });

  it('reads the 2016 fixture: 52 records from 551 physical lines', async () => {
    const rows = await readTable(path.join(FIXTURES, 'plans/southend-2016-milestones.csv'));
    assert.equal(rows.length, 52);
    assert.deepEqual(rows[0], ['Recommendation', 'Ref', 'Action', 'Target date', 'Action owners']);
    assert.equal(rows[1][3], '30th November 2016\n30th September 2016\n1st November 2016\n31st December 2016');
    assert.ok(rows.every((r) => r.every((c) => !c.includes('\r'))));
  });
});

describe('readTable: XLSX round trip', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-xlsx-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function writeWorkbook(file: string): Promise<void> {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Cover').addRow(['Improvement plan', 'not the table']);
    const ws = wb.addWorksheet('Plan');
    // Columns in an unusual order with unusual names: recognised by meaning, not position.
    ws.addRow(['Deadline', 'Action No.', 'Owner', 'Actions', 'Success measures', 'BRAG', 'Notes']);
    ws.addRow([new Date(Date.UTC(2027, 2, 5)), '1.1', 'HoS (CS)', 'Recruit foster carers', 'Ten new carers', 'Green', 'see board paper']);
    ws.addRow([null, null, null, null, 'Placement mix at 55.7% in-house c056', null, null]);
    ws.addRow(['Q3 2026/27', '1.2', { richText: [{ text: 'Exec ', font: { bold: true } }, { text: 'Director' }] }, 'Relaunch the model of practice', 'Audits show the model', 'Amber/Red', null]);
    ws.addRow([]);
    ws.addRow([
      { formula: 'DATE(2027,1,31)', result: new Date(Date.UTC(2027, 0, 31)) },
      '1.3',
      'DCS',
      { text: 'Publish the sufficiency strategy', hyperlink: 'https://council.example/strategy' },
      'Strategy published',
      'B',
      null,
    ]);
    ws.addRow(['31st September 2027', '1.4', 'DCS', 'Merged action text', 'First outcome', 'Red', null]);
    ws.addRow([null, null, null, 'Merged action text', 'Second outcome', null, null]);
    ws.mergeCells('D7:D8');
    await wb.xlsx.writeFile(file);
  }

  it('renders dates as dd/mm/yyyy, rich text and links as text, merged cells as blank below the first', async () => {
    const file = path.join(dir, 'plan.xlsx');
    await writeWorkbook(file);
    const rows = await readTable(file, { sheet: 'Plan' });
    assert.deepEqual(rows[0], ['Deadline', 'Action No.', 'Owner', 'Actions', 'Success measures', 'BRAG', 'Notes']);
    assert.deepEqual(rows[1], ['05/03/2027', '1.1', 'HoS (CS)', 'Recruit foster carers', 'Ten new carers', 'Green', 'see board paper']);
    assert.equal(rows[3][2], 'Exec Director');
    assert.deepEqual(rows[4], [], 'blank sheet row kept so row numbers match');
    assert.equal(rows[5][0], '31/01/2027', 'formula result');
    assert.equal(rows[5][3], 'Publish the sufficiency strategy');
    assert.equal(rows[6][3], 'Merged action text');
    assert.equal(rows[7][3], '', 'merged cell repeats nothing');
  });

  it('reads the first worksheet by default and names the sheets when one is missing', async () => {
    const file = path.join(dir, 'plan.xlsx');
    await writeWorkbook(file);
    assert.deepEqual(await readTable(file), [['Improvement plan', 'not the table']]);
    await assert.rejects(readTable(file, { sheet: 'Nope' }), /No worksheet named "Nope" in .*; its sheets are: Cover, Plan\./);
  });

  it('parses the workbook into a plan with problems on sheet row numbers', async () => {
    const file = path.join(dir, 'plan.xlsx');
    await writeWorkbook(file);
    const data = fs.readFileSync(file);
    const rows = await readTableBuffer(data, 'upload.bin', { sheet: 'Plan' });
    const { plan, problems, rowsRead } = parsePlan(rows);
    assert.equal(rowsRead, 6);
    assert.deepEqual(
      plan.actions.map((a) => [a.ref, a.title, a.leadRole, a.status, a.rag, a.due]),
      [
        ['1.1', 'Recruit foster carers', 'HoS (CS)', 'on_track', 'green', { kind: 'date', date: '2027-03-05' }],
        ['1.2', 'Relaunch the model of practice', 'Exec Director', 'not_on_track', 'red', { kind: 'date', date: '2026-12-31' }],
        ['1.3', 'Publish the sufficiency strategy', 'DCS', 'complete', 'blue', { kind: 'date', date: '2027-01-31' }],
        ['1.4', 'Merged action text', 'DCS', 'not_on_track', 'red', { kind: 'none' }],
      ],
    );
    assert.deepEqual(plan.actions[0].outcomes, ['Ten new carers', 'Placement mix at 55.7% in-house c056']);
    assert.deepEqual(plan.actions[0].kpiCodes, ['c056']);
    assert.deepEqual(plan.actions[0].extra, { Notes: 'see board paper' });
    assert.deepEqual(plan.actions[3].outcomes, ['First outcome', 'Second outcome']);
    assert.deepEqual(problems, [
      {
        row: 4,
        column: 'BRAG',
        value: 'Amber/Red',
        message: "Read as Red, the worse of its two colours; the file's rating Amber/Red has no single colour here (action 1.2).",
        outcome: 'fixed',
      },
      {
        row: 7,
        column: 'Deadline',
        value: '31st September 2027',
        message: 'Due date not read: 31 September does not exist: September has 30 days.',
        outcome: 'left blank',
      },
    ]);
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTable, readTableBufferDetail, readTableDetail, detectDelimiter, isMonthOnlyFormat, MAX_FILE_BYTES, MAX_ROWS } from '../../domain/import/readTable';
import { hasPlanHeader, parsePlan } from '../../domain/import/planParser';
import { isRef } from '../../domain/refs';
import { readTrackerDue, readTrackerStatus, parseStatusKey, ragOfFill } from '../../domain/import/trackerCells';
import { colourTrackerXlsx } from '../fixtures/trackers/workbooks';

const TRACKERS = path.resolve(__dirname, '../fixtures/trackers');
const dueOf = (text: string) => {
  const r = readTrackerDue(text);
  return r.ok && r.due.kind === 'date' ? r.due.date : r.ok ? r.due.kind : `refused: ${r.reason}`;
};

describe('tracker cells', () => {
  it('reads tracker date phrasings by their end', () => {
    assert.equal(dueOf('By end of Q4 2020/21'), '2021-03-31');
    assert.equal(dueOf('Q1 2021/22'), '2021-06-30');
    assert.equal(dueOf('Q3 2020/21'), '2020-12-31');
    assert.equal(dueOf('w/c 12/10/2020'), '2020-10-16', 'the Friday of the week commencing');
    assert.equal(dueOf('Oct–Dec 2020'), '2020-12-31');
    assert.match(dueOf('w/c 13/10/2020'), /not a Monday/);
    assert.match(dueOf('Q5 2020/21'), /^refused/);
  });

  it('reads tracker status words, colour-with-words and a status key', () => {
    const read = (t: string, key?: ReturnType<typeof parseStatusKey>) => {
      const r = readTrackerStatus(t, key);
      return r.ok ? `${r.status}/${r.rag}` : 'refused';
    };
    assert.equal(read('At risk'), 'some_issues/amber');
    assert.equal(read('Achieved'), 'complete/blue');
    assert.equal(read('Green – on track'), 'on_track/green');
    assert.equal(read('Amber - on track'), 'on_track/amber');
    assert.equal(read('Purple'), 'refused');
    const key = parseStatusKey('Key: C = complete, X = off track, W = some issues');
    assert.ok(key);
    assert.equal(read('C', key), 'complete/blue');
    assert.equal(read('X', key), 'not_on_track/red');
    assert.equal(read('W', key), 'some_issues/amber');
    assert.equal(parseStatusKey('Keep the board informed'), undefined);
  });

  it('names fill colours, and takes no colour from white or grey', () => {
    assert.deepEqual([ragOfFill('FFFF0000')?.rag, ragOfFill('FFFFC000')?.rag, ragOfFill('FF00B050')?.rag, ragOfFill('FF0070C0')?.rag], ['red', 'amber', 'green', 'blue']);
    assert.equal(ragOfFill('FFFFFFFF'), undefined);
    assert.equal(ragOfFill('FFD9D9D9'), undefined);
    assert.match(ragOfFill('FFFFC000')!.colour, /amber \(#FFC000\)/);
  });

  it('tells month-only number formats from day formats', () => {
    assert.deepEqual(['mmm-yy', 'mmmm yyyy', '[$-809]mmm-yy', 'dd/mm/yyyy', 'd-mmm-yy', 'General'].map(isMonthOnlyFormat), [true, true, true, false, false, false]);
  });
});

describe('tracker layouts', () => {
  it('a BRAG tracker: commentary, last updated and evidence are read, every column is reported, footers are not priorities', async () => {
    const r = parsePlan(await readTable(path.join(TRACKERS, 'brag-tracker.csv')));
    assert.deepEqual(r.columns, [
      { column: 'Ref', readAs: 'ref' },
      { column: 'Action', readAs: 'action' },
      { column: 'Lead officer', readAs: 'lead (owner)' },
      { column: 'Target date', readAs: 'due date' },
      { column: 'BRAG status', readAs: 'status / RAG' },
      { column: 'Update / commentary', readAs: 'latest commentary' },
      { column: 'Last updated', readAs: 'date of latest commentary' },
      { column: 'Updated by', readAs: 'author of latest commentary' },
      { column: 'Evidenced by', readAs: 'evidence' },
      { column: 'Workstream', readAs: 'priority / theme / workstream' },
    ]);
    const a = (ref: string) => r.plan.actions.find((x) => x.ref === ref)!;
    assert.deepEqual(
      r.plan.actions.map((x) => [x.ref, x.status, x.rag, x.due.kind === 'date' ? x.due.date : x.due.kind]),
      [
        ['1.1', 'some_issues', 'amber', '2021-03-31'],
        ['1.2', 'complete', 'blue', '2020-10-16'],
        ['1.3', 'on_track', 'green', '2020-12-31'],
        ['2.1', 'some_issues', 'amber', '2021-03-31'],
        ['1.2b', 'not_on_track', 'red', '2021-01-31'],
      ],
    );
    assert.equal(a('1.1').commentary, 'Draft circulated to health partners; sign-off slipped to the March board.');
    assert.deepEqual([a('1.1').commentaryDate, a('1.1').commentaryBy, a('1.1').evidence], ['2020-10-14', 'Priya Shah', 'Board paper']);
    assert.equal(a('2.1').commentaryDate, undefined);
    assert.deepEqual(r.plan.priorities.map((p) => p.title), ['Joint commissioning', 'Inclusion'], 'the key and the document owner are not priorities');
    const repeat = r.problems.find((p) => p.row === 9 && p.column === 'Ref');
    assert.match(repeat!.message, /Ref 1\.2 was already used at row 6/);
    const key = r.problems.find((p) => p.value.startsWith('Key:'));
    assert.deepEqual([key?.row, key?.outcome], [11, 'skipped']);
    assert.ok(r.problems.some((p) => p.row === 12 && /not an action/.test(p.message)));
    assert.deepEqual(r.statusKey, ['B = complete', 'G = on track', 'A = some issues', 'R = off track']);
    for (const x of r.plan.actions) assert.ok(isRef(x.ref), x.ref);
  });

  it('a themed plan with a title block: prefixed refs and refs made for an unnumbered theme fit the ref grammar', async () => {
    const r = parsePlan(await readTable(path.join(TRACKERS, 'themed-plan.csv')));
    assert.deepEqual(
      r.plan.actions.map((x) => x.ref),
      ['SH-1.1', 'SH-1.2a', 'SH-1.2b', 'LA-Misc.1', 'LA-Misc.2'],
    );
    for (const x of r.plan.actions) assert.ok(isRef(x.ref), `${x.ref} is a ref commands accept`);
    assert.deepEqual(r.plan.actions.map((x) => (x.due.kind === 'date' ? x.due.date : '')), ['2020-11-30', '2020-12-31', '2020-12-31', '2021-03-31', '2021-02-28']);
    assert.deepEqual(r.plan.actions[0].outcomes, ['Audits show standards are met in most cases']);
  });

  it('refs that cannot be typed are made typeable, and said so', () => {
    const r = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due'],
      ['SH 2.1', 'Do one thing', 'Lead A', '31/01/2021'],
      ['(x)?', 'Do another thing', 'Lead B', '31/01/2021'],
    ]);
    assert.deepEqual(r.plan.actions.map((a) => a.ref), ['SH-2.1', 'SH-2.1b']);
    assert.ok(r.problems.some((p) => p.row === 2 && /stored as SH-2\.1/.test(p.message)));
    assert.ok(r.problems.some((p) => p.row === 3 && p.value === '(x)?' && /not a ref that can be typed/.test(p.message)));
  });

  it('an XLSX: skips the cover sheet, month-formatted date cells mean the end of the month, RAG from fill colour is named', async () => {
    const t = await readTableBufferDetail(await colourTrackerXlsx(), 'tracker.xlsx', { accept: hasPlanHeader });
    assert.equal(t.sheet, 'Tracker');
    const r = parsePlan(t.rows, { fills: t.fills });
    assert.deepEqual(
      r.plan.actions.map((a) => [a.ref, a.due.kind === 'date' ? a.due.date : '', a.status, a.rag, a.commentaryDate]),
      [
        ['1', '2020-11-30', 'not_on_track', 'red', '2020-10-20'],
        ['2', '2020-12-31', 'on_track', 'green', '2020-10-21'],
        ['3', '2021-02-28', 'some_issues', 'amber', '2020-10-22'],
        ['4', '2021-03-15', 'complete', 'blue', '2020-10-23'],
      ],
    );
    const fillNote = r.problems.find((p) => p.row === 2 && p.column === 'RAG');
    assert.match(fillNote!.message, /fill colour, red \(#FF0000\)/);
    assert.deepEqual(r.plan.priorities, [], 'the key and footer under the table are not priorities');
    const named = await readTableBufferDetail(await colourTrackerXlsx(), 'tracker.xlsx', { sheet: 'cover' });
    assert.equal(named.sheet, 'Cover', '--sheet picks the sheet by name, case ignored');
  });

  it('a semicolon CSV is read by its own delimiter', async () => {
    const t = await readTableDetail(path.join(TRACKERS, 'semicolon.csv'));
    assert.equal(t.delimiter, ';');
    const r = parsePlan(t.rows);
    assert.deepEqual(r.plan.actions.map((a) => [a.ref, a.leadRole, a.commentary]), [
      ['1', 'Team Manager', 'Sampled forty cases'],
      ['2', 'Practice Lead', 'Rota drafted, awaiting agreement'],
    ]);
    assert.equal(detectDelimiter('a,b,c\n"x; y",2,3\n'), ',', 'a semicolon inside quotes does not count');
  });

  it('unreadable files get a message that says what the file is and what to do', async () => {
    await assert.rejects(readTable(path.join(TRACKERS, 'not-a-workbook.xlsx')), (e: Error) => /is named as an Excel workbook but is not one/.test(e.message) && /plain text/.test(e.message) && !/central directory/.test(e.message));
    await assert.rejects(readTable(path.join(TRACKERS, 'missing.csv')), (e: Error) => /^File not found: .*missing\.csv\. Check the path/.test(e.message) && !/ENOENT/.test(e.message));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trk-'));
    const zip = path.join(dir, 'broken.xlsx');
    fs.writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
    await assert.rejects(readTable(zip), /not a readable Excel workbook: it is damaged, password-protected/);
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    await assert.rejects(readTable(empty), /is empty \(0 bytes\)/);
    await assert.rejects(readTable(dir), /is a folder/);
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, 'Ref,Action\n' + '1,x\n'.repeat(MAX_ROWS + 5));
    await assert.rejects(readTable(big), new RegExp(`more than ${MAX_ROWS} rows`));
    await assert.rejects(readTableBufferDetail(Buffer.alloc(MAX_FILE_BYTES + 1, 0x41), 'huge.csv'), /huge\.csv is 20\.0 MB; the import limit is 20 MB/);
    // The limit counts rows, not physical lines: a plan of multi-line cells is read whole.
    const tall = path.join(dir, 'tall.csv');
    const records = Math.floor(MAX_ROWS * 0.6);
    fs.writeFileSync(tall, 'Ref,Action\n' + Array.from({ length: records }, (_, i) => `${i + 1},"step one\nstep two"\n`).join(''));
    const rows = await readTable(tall);
    assert.equal(rows.length, records + 1);
    assert.deepEqual(rows.at(-1), [String(records), 'step one\nstep two']);
  });
});

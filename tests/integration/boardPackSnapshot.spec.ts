import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { openTables, ensureTables, TABLES, type TableSet } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import type { Services } from '../../services/context';
import { SnapshotRepository } from '../../storage/snapshotRepository';
import { produceBoardPack, type BoardPackDeps } from '../../services/boardPack';
import { summary, overdue, unowned } from '../../services/planQueries';
import { updateItem } from '../../services/updateStatus';
import { boardPackXlsx, RAG_FILL } from '../../services/boardPackXlsx';
import { boardPackCommand, UsageError } from '../../scripts/board-pack';
import { seedFixtures } from '../support/fixtures';
import { ROSA } from '../support/botHarness';

const PLAN = 'southend-2021';

describe('board pack: snapshots in Azure Tables, counts, workbook and command line', function () {
  this.timeout(120_000);
  let azurite: EmbeddedAzurite;
  let tables: TableSet;
  let services: Services;
  let today = '2021-12-20';
  let deps: BoardPackDeps;

  before(async () => {
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
    tables = openTables(azurite.connectionString);
    await ensureTables(tables);
    services = createServices(tables, { clock: { today: () => today, now: () => new Date(`${today}T10:00:00Z`) }, adminIds: [ROSA.aadObjectId] });
    await seedFixtures(services, ['southend2021']);
    deps = { services, snapshots: new SnapshotRepository(tables), staleDays: 30 };
  });
  after(async () => azurite?.stop());

  const update = async (ref: string, req: Parameters<typeof updateItem>[3]) => {
    const r = await updateItem(services, { aadObjectId: ROSA.aadObjectId, name: ROSA.name }, { planId: PLAN, ref }, req, { requestId: randomUUID(), source: 'text' });
    assert.equal(r.kind, 'saved', JSON.stringify(r));
  };

  it('agrees with "summary", "what’s overdue" and "unowned" for the same day', async () => {
    const r = await produceBoardPack(deps, { plan: 'Southend 2021' });
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.equal(r.created, true);
    const [s] = await summary(services, { planId: PLAN });
    assert.ok(s.actions > 10, 'the fixture plan has real content');
    assert.equal(r.pack.totals.actions, s.actions);
    assert.equal(r.pack.totals.milestones, s.milestones);
    assert.deepEqual(r.pack.totals.rag, s.rag);
    assert.equal(r.pack.totals.overdue, s.overdue);
    assert.equal(r.pack.totals.overdue, (await overdue(services, { planId: PLAN })).length);
    const un = await unowned(services, { planId: PLAN });
    assert.deepEqual(r.pack.unowned.map((x) => x.label).sort(), un.map((x) => x.ref).sort());
    assert.ok(r.pack.overdue.length > 0, 'the fixture has overdue items as at 20 Dec 2021');
    assert.ok(r.pack.kpis.length > 0, 'KPI scorecard from the fixture KPIs');
  });

  it('never rewrites a snapshot: the same day gives the same pack, later changes do not leak into it', async () => {
    const first = await produceBoardPack(deps, { plan: PLAN });
    assert.equal(first.kind, 'ok');
    if (first.kind !== 'ok') return;
    assert.equal(first.created, false, 'today’s snapshot was taken by the test above');
    await update('1.1', { rag: 'red', status: 'not_on_track', commentary: 'Partner sign-up stalled over the holidays' });
    const again = await produceBoardPack(deps, { plan: PLAN });
    assert.equal(again.kind, 'ok');
    if (again.kind !== 'ok') return;
    assert.deepEqual(again.snapshot, first.snapshot);
    assert.ok(!again.pack.exceptions.some((x) => x.commentary === 'Partner sign-up stalled over the holidays'));
  });

  it('a later pack says what moved since the previous one, and the old pack reproduces exactly', async () => {
    const old = await produceBoardPack(deps, { plan: PLAN });
    assert.equal(old.kind, 'ok');
    if (old.kind !== 'ok') return;
    const oldXlsx = await boardPackXlsx(old.pack);
    today = '2022-01-10';
    await update('1.4', { revisedDue: '2022-03-31', revisedDueReason: 'Waiting for the new corporate plan', commentary: 'Timetable moved with the corporate plan' });
    const next = await produceBoardPack(deps, { plan: PLAN });
    assert.equal(next.kind, 'ok');
    if (next.kind !== 'ok') return;
    assert.equal(next.pack.previousAsAt, '2021-12-20');
    const m = next.pack.movement!;
    assert.ok(m.worsened.some((x) => x.row.label === '1.1' && x.to === 'Red'), JSON.stringify(old.pack.rows.find((x) => x.label === '1.1')));
    const revised = m.revisedDates.find((x) => x.row.label === '1.4');
    assert.ok(revised, 'revised date of 1.4 listed');
    assert.equal(revised.to, '31 Mar 2022');
    const ex = next.pack.rows.find((x) => x.label === '1.4')!;
    assert.equal(ex.revisionReason, 'Waiting for the new corporate plan');

    const replay = await produceBoardPack(deps, { plan: PLAN, asAt: '20 Dec 2021' });
    assert.equal(replay.kind, 'ok');
    if (replay.kind !== 'ok') return;
    assert.deepEqual(replay.pack, old.pack);
    const a = new ExcelJS.Workbook();
    await a.xlsx.load(oldXlsx as unknown as ArrayBuffer);
    const b = new ExcelJS.Workbook();
    await b.xlsx.load((await boardPackXlsx(replay.pack)) as unknown as ArrayBuffer);
    for (const name of ['Summary', 'Exceptions', 'Actions', 'KPIs'])
      assert.deepEqual(b.getWorksheet(name)!.getSheetValues(), a.getWorksheet(name)!.getSheetValues(), `${name} sheet reproduces`);
  });

  it('refuses a day with no snapshot (naming the days there are) and a future day', async () => {
    const none = await produceBoardPack(deps, { plan: PLAN, asAt: '2021-12-01' });
    assert.equal(none.kind, 'noSnapshot');
    if (none.kind === 'noSnapshot') assert.deepEqual(none.available, ['2021-12-20', '2022-01-10']);
    const future = await produceBoardPack(deps, { plan: PLAN, asAt: '2 Feb 2022' });
    assert.equal(future.kind, 'badDate');
    const month = await produceBoardPack(deps, { plan: PLAN, asAt: 'Dec 2021' });
    assert.equal(month.kind, 'badDate');
    const unknownPlan = await produceBoardPack(deps, { plan: 'Sefton' });
    assert.equal(unknownPlan.kind, 'plan');
    if (unknownPlan.kind === 'plan' && unknownPlan.choice.kind === 'unknown') assert.deepEqual(unknownPlan.choice.choices, ['Southend 2021']);
    else assert.fail('an unknown plan is said back with the plans there are');
  });

  it('splits a large snapshot across rows and properties under the Table limits, and reads it back whole', async () => {
    const small = new SnapshotRepository(tables, { chunkChars: 2_000, propsPerRow: 3 });
    const snap = (await deps.snapshots.get(PLAN, '2021-12-20'))!;
    const copy = { ...snap, planId: 'chunk-test', asAt: '2021-12-21' };
    assert.equal((await small.save(copy)).created, true);
    const rows: Record<string, unknown>[] = [];
    for await (const e of tables.client(TABLES.boardPacks).listEntities({ queryOptions: { filter: `PartitionKey eq 'snap|chunk-test'` } })) rows.push(e);
    const chunks = rows.filter((r) => r.kind === 'chunk');
    assert.ok(chunks.length >= 2, `expected several chunk rows, got ${chunks.length}`);
    for (const c of chunks) for (const [k, v] of Object.entries(c)) if (/^d\d\d$/.test(k)) assert.ok(String(v).length <= 2_000);
    assert.deepEqual(await small.get('chunk-test', '2021-12-21'), copy);
    // A second write for the same plan and day keeps the first.
    const again = await small.save({ ...copy, takenAt: '2021-12-21T23:59:00Z' });
    assert.equal(again.created, false);
    assert.equal(again.snapshot.takenAt, copy.takenAt);
  });

  it('writes an XLSX with the four sheets, frozen headers, filters, British dates and RAG words with fills', async () => {
    const r = await produceBoardPack(deps, { plan: PLAN });
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await boardPackXlsx(r.pack)) as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Summary', 'Exceptions', 'Actions', 'KPIs']);
    for (const ws of wb.worksheets) {
      const view = ws.views[0] as { state?: string; ySplit?: number; topLeftCell?: string };
      assert.deepEqual([view.state, view.ySplit, view.topLeftCell], ['frozen', 1, 'A2'], `${ws.name} header row is frozen`);
      assert.ok(ws.autoFilter, `${ws.name} has a filter`);
    }
    const summarySheet = wb.getWorksheet('Summary')!;
    assert.equal(summarySheet.getCell('C2').value, 'Southend 2021');
    assert.equal((summarySheet.getCell('C3').value as Date).toISOString().slice(0, 10), '2022-01-10');
    assert.equal(summarySheet.getCell('C3').numFmt, 'd mmm yyyy');
    const actions = wb.getWorksheet('Actions')!;
    const header = (actions.getRow(1).values as string[]).slice(1);
    assert.deepEqual(header.slice(0, 9), ['Ref', 'Kind', 'Title', 'Priority', 'Owner role', 'Held by', 'RAG', 'Status', 'Due']);
    let red = 0;
    actions.eachRow((row, n) => {
      if (n === 1) return;
      if (row.getCell(1).value === '1.1') {
        assert.equal(row.getCell(7).value, 'Red');
        assert.equal((row.getCell(7).fill as ExcelJS.FillPattern).fgColor?.argb, RAG_FILL.red);
        assert.equal(row.getCell(9).numFmt, 'd mmm yyyy');
        red++;
      }
    });
    assert.equal(red, 1);
    assert.equal(actions.rowCount - 1, r.pack.rows.length);
    const kpis = wb.getWorksheet('KPIs')!;
    assert.equal(kpis.rowCount - 1, r.pack.kpis.length);
    const groups = new Set<string>();
    kpis.eachRow((row, n) => n > 1 && groups.add(String(row.getCell(1).value)));
    assert.ok([...groups].every((g) => ['Going well', 'Ones to watch', 'Things to do better'].includes(g)), [...groups].join());
  });

  it('npm run board-pack writes the file and refuses a bad output name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'board-pack-'));
    const out = join(dir, 'pack.html');
    const said = await boardPackCommand(['--plan', 'Southend 2021', '--as-at', '20/12/2021', '--out', out], deps);
    assert.match(said, /Southend 2021, as at 20 Dec 2021 \(stored snapshot, reproduced\)/);
    assert.match(readFileSync(out, 'utf8'), /<h1>Southend 2021: board pack as at 20 Dec 2021<\/h1>/);
    await assert.rejects(boardPackCommand(['--plan', 'Southend 2021', '--out', join(dir, 'pack.pdf')], deps), UsageError);
  });
});

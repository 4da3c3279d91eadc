import ExcelJS from 'exceljs';
import type { BoardPack, KpiRow, PackRow } from '../domain/boardPack';
import { KPI_GROUPS } from '../domain/boardPack';
import type { Rag } from '../domain/model';
import { formatBritishDate } from '../domain/dueDate';
import { formatPeriod } from '../domain/kpi';
import { ragLabel, statusLabel, RAGS } from '../domain/status';

/**
 * The pack as a workbook for officers who want to filter and sort: Summary, Exceptions, Actions and
 * KPIs sheets, each one table with a frozen header row and a filter. Dates are real dates shown the
 * British way; RAG is a word, with a light fill behind dark text so it reads in print and to people
 * who do not see colour.
 */

/** Light fills under black text: every pair is well over 4.5:1. */
export const RAG_FILL: Record<Rag, string> = { red: 'FFF8CBCB', amber: 'FFFFE3A3', green: 'FFCDEBD2', blue: 'FFCFE0F5', none: 'FFE7E7E7' };
const BRITISH_DATE = 'd mmm yyyy';

type Col = { header: string; key: string; width: number; date?: boolean };

function sheet(wb: ExcelJS.Workbook, name: string, cols: Col[], rows: Record<string, unknown>[], ragKey?: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.date ? { numFmt: BRITISH_DATE } : {} }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const row = ws.addRow(r);
    if (ragKey) {
      const rag = r[`${ragKey}Code`] as Rag | undefined;
      if (rag) row.getCell(ragKey).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILL[rag] } };
    }
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return ws;
}

/** An ISO day as a date cell: midnight UTC, so no time zone moves it to the day before. */
const day = (iso?: string) => (iso ? new Date(`${iso}T00:00:00Z`) : undefined);

function itemCells(r: PackRow): Record<string, unknown> {
  return {
    ref: r.label,
    kind: r.kind === 'action' ? 'Action' : 'Milestone',
    title: r.title,
    priority: r.priorityRef ?? '',
    owner: r.ownerRole ?? 'None named',
    holder: r.ownerName ?? (r.ownerRole ? 'Nobody in the directory' : ''),
    rag: ragLabel(r.rag),
    ragCode: r.rag,
    status: statusLabel(r.status),
    due: r.dueDate ? day(r.dueDate) : r.due,
    originalDue: r.originalDueDate ? day(r.originalDueDate) : (r.originalDue ?? ''),
    reason: r.revisionReason ?? '',
    commentary: r.commentary ?? '',
    updated: day(r.updatedOn),
    daysOverdue: r.daysOverdue || '',
    evidence: r.evidenceUrl ?? '',
  };
}

const ITEM_COLS: Col[] = [
  { header: 'Ref', key: 'ref', width: 8 },
  { header: 'Kind', key: 'kind', width: 10 },
  { header: 'Title', key: 'title', width: 50 },
  { header: 'Priority', key: 'priority', width: 9 },
  { header: 'Owner role', key: 'owner', width: 18 },
  { header: 'Held by', key: 'holder', width: 20 },
  { header: 'RAG', key: 'rag', width: 16 },
  { header: 'Status', key: 'status', width: 18 },
  { header: 'Due', key: 'due', width: 13, date: true },
  { header: 'Originally due', key: 'originalDue', width: 14, date: true },
  { header: 'Reason for new date', key: 'reason', width: 30 },
  { header: 'Latest commentary', key: 'commentary', width: 50 },
  { header: 'Commentary date', key: 'updated', width: 14, date: true },
  { header: 'Days overdue', key: 'daysOverdue', width: 12 },
];

function kpiCells(k: KpiRow): Record<string, unknown> {
  return {
    group: k.group[0].toUpperCase() + k.group.slice(1),
    code: k.code.toUpperCase(),
    name: k.name,
    latest: k.latest ?? 'No value yet',
    period: k.period ? formatPeriod(k.period) : '',
    previous: k.previous ?? '',
    target: k.target,
    better: k.polarity === 'higher' ? 'Higher' : 'Lower',
    tolerance: k.tolerance,
    rag: k.rag ? ragLabel(k.rag) : 'No value yet',
    ragCode: k.rag,
    direction: k.direction[0].toUpperCase() + k.direction.slice(1),
    neighbours: k.statNeighbours ?? '',
    england: k.england ?? '',
    unit: k.unit,
  };
}

export async function boardPackXlsx(pack: BoardPack): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Improvement Plan bot';
  wb.created = new Date(pack.takenAt);
  wb.title = `${pack.planName} board pack as at ${formatBritishDate(pack.asAt)}`;

  const t = pack.totals;
  const summary: [string, string, unknown][] = [
    ['Pack', 'Plan', pack.planName],
    ['Pack', 'As at', day(pack.asAt)],
    ['Pack', 'For meeting', pack.meeting ? `${pack.meeting.title ?? 'Board meeting'} on ${formatBritishDate(pack.meeting.date)}` : 'No meeting set'],
    ['Pack', 'Compared with pack as at', pack.previousAsAt ? day(pack.previousAsAt) : 'First pack: nothing to compare with'],
    ['Totals', 'Actions', t.actions],
    ['Totals', 'Milestones', t.milestones],
    ['Totals', 'Exceptions (red or amber, open)', t.exceptions],
    ['Totals', 'Overdue (actions and milestones)', t.overdue],
    ['Totals', `No update for ${pack.staleDays}+ days`, t.stale],
    ['Totals', 'Unowned actions', t.unowned],
    ['Totals', 'Awaiting sign-off', t.awaitingSignOff],
    ['Totals', 'Completed since last pack', pack.completedSinceLast.length],
    ...RAGS.map((r): [string, string, unknown] => ['Actions by RAG', ragLabel(r), t.rag[r]]),
    ...pack.byPriority.flatMap((p) =>
      RAGS.map((r): [string, string, unknown] => [p.ref ? `Priority ${p.ref}: ${p.title}` : p.title, ragLabel(r), p.rag[r]]),
    ),
  ];
  if (pack.movement) {
    const m = pack.movement;
    summary.push(['Since last pack', 'Improved', m.improved.length], ['Since last pack', 'Worsened', m.worsened.length], ['Since last pack', 'Completed', m.completed.length], ['Since last pack', 'New', m.added.length], ['Since last pack', 'Revised dates', m.revisedDates.length]);
  }
  for (const g of KPI_GROUPS) summary.push(['KPIs', g[0].toUpperCase() + g.slice(1), pack.kpis.filter((k) => k.group === g).length]);
  const ws = sheet(
    wb,
    'Summary',
    [
      { header: 'Section', key: 'section', width: 40 },
      { header: 'Measure', key: 'measure', width: 36 },
      { header: 'Value', key: 'value', width: 40 },
    ],
    summary.map(([section, measure, value]) => ({ section, measure, value })),
  );
  ws.getColumn('value').alignment = { horizontal: 'left' };
  ws.getCell('C3').numFmt = BRITISH_DATE;
  if (pack.previousAsAt) ws.getCell('C5').numFmt = BRITISH_DATE;

  sheet(wb, 'Exceptions', ITEM_COLS, pack.exceptions.map(itemCells), 'rag');
  const flags = new Map<string, string[]>();
  const flag = (rows: PackRow[], word: string) => rows.forEach((r) => flags.set(r.label, [...(flags.get(r.label) ?? []), word]));
  flag(pack.overdue, 'Overdue');
  flag(pack.stale, 'No recent update');
  flag(pack.unowned, 'Unowned');
  flag(pack.awaitingSignOff, 'Awaiting sign-off');
  flag(pack.completedSinceLast, 'Completed since last pack');
  sheet(
    wb,
    'Actions',
    [...ITEM_COLS, { header: 'Flags', key: 'flags', width: 30 }, { header: 'Evidence', key: 'evidence', width: 40 }],
    pack.rows.map((r) => ({ ...itemCells(r), flags: (flags.get(r.label) ?? []).join('; ') })),
    'rag',
  );
  sheet(
    wb,
    'KPIs',
    [
      { header: 'Group', key: 'group', width: 20 },
      { header: 'Code', key: 'code', width: 8 },
      { header: 'KPI', key: 'name', width: 44 },
      { header: 'Latest', key: 'latest', width: 12 },
      { header: 'Period', key: 'period', width: 11 },
      { header: 'Previous', key: 'previous', width: 10 },
      { header: 'Target', key: 'target', width: 9 },
      { header: 'Better is', key: 'better', width: 9 },
      { header: 'Tolerance', key: 'tolerance', width: 10 },
      { header: 'RAG', key: 'rag', width: 14 },
      { header: 'Direction', key: 'direction', width: 18 },
      { header: 'Statistical neighbours', key: 'neighbours', width: 12 },
      { header: 'England', key: 'england', width: 10 },
      { header: 'Unit', key: 'unit', width: 10 },
    ],
    KPI_GROUPS.flatMap((g) => pack.kpis.filter((k) => k.group === g)).map(kpiCells),
    'rag',
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

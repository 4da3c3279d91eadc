import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import type { Due } from '../domain/model';
import type { ActionDetail, ItemState } from '../domain/planItem';
import { formatDue, recurrenceLabel } from '../domain/dueDate';
import { statusLabel } from '../domain/status';
import { REVISION_REASON } from '../domain/import/columns';
import type { Services } from './context';
import { findPlan } from './planAdmin';

/**
 * Writes a plan as it stands back to a tracker, in a layout the importer reads unchanged: exporting
 * and importing the file again reports 0 changes. Commentary, dates and statuses set in Teams are
 * written as the tracker's own columns, so the monthly "edit the tracker, re-import" cycle can
 * start from the bot's state.
 *
 * Layout choices that make the round trip exact:
 * - every cell is written out (no "blank means same as above"), except the lead, which the
 *   importer does repeat from above: an action with no lead says so in the problems, not silently;
 * - dates as dd/mm/yyyy text, never Excel date serials, so a month-only due stays the last day;
 * - status words and the RAG colour in separate columns (the importer reads "RAG" beside
 *   "Status" as the colour);
 * - an action with milestones is written as "Overarching action:" with "Milestone N:" lines and one
 *   date and owner line per milestone, the layout the importer pairs by position.
 */

export const EXPORT_HEADERS = [
  'Theme',
  'Ref',
  'Objective',
  'Action',
  'Success measure',
  'Lead',
  'Due date',
  'Revised due date',
  'Reason for revised date',
  'Status',
  'RAG',
  'Update / commentary',
  'Last updated',
  'Updated by',
  'Evidence',
  'Awaiting sign-off',
] as const;

const RAG_WORD = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Blue', none: 'No rating' } as const;

function dueText(d: Due | undefined): string {
  if (!d || d.kind === 'none') return '';
  if (d.kind === 'recurring') return d.note ?? recurrenceLabel(d.recurrence);
  const [y, m, day] = d.date.split('-');
  let text = `${day}/${m}/${y}`;
  if (d.onwards) text += ' onwards';
  if (d.recurrence) text = formatDue(d);
  return text;
}

/**
 * One date line per milestone, so they pair by position. When the source's dates could not be
 * paired (every milestone undated, yet the action due by the latest date listed), the lines are
 * written so they again cannot pair: the action's date and one "TBC" per milestone. The import
 * reports that mismatch as it did the first time, and the action keeps its date.
 */
function milestoneDueLines(a: ActionDetail, ms: readonly ItemState[]): string {
  const undated = ms.every((m) => m.due.kind === 'none');
  if (undated && a.due.kind !== 'none') return [dueText(a.due), ...ms.map(() => 'TBC')].join('\n');
  return ms.map((m) => dueText(m.due) || 'TBC').join('\n');
}

function themeLabel(a: ActionDetail): string {
  if (!a.priorityRef && !a.priorityTitle) return '';
  // A numbered priority is written "2 Title" so it reads back as ref 2; a key made from the label
  // ("LA-Misc") is the label itself, which makes the same key again.
  if (a.priorityRef && /^\d+(?:\.\d+)*$/.test(a.priorityRef)) return `${a.priorityRef} ${a.priorityTitle ?? ''}`.trim();
  return a.priorityTitle ?? a.priorityRef ?? '';
}

function outcomeText(outcomes: readonly string[]): string {
  return outcomes.length > 1 ? outcomes.map((o) => `• ${o}`).join('\n') : (outcomes[0] ?? '');
}

export interface PlanExport {
  planName: string;
  headers: string[];
  rows: string[][];
}

/** The plan as table rows: header first, one row per action. */
export async function buildPlanExport(s: Services, name: string): Promise<PlanExport> {
  const found = await findPlan(s, name);
  if (!found.plan || !found.exact) {
    throw new Error(
      found.matches.length > 0
        ? `No plan is called exactly "${name}"; did you mean ${found.matches.map((p) => p.name).join(' or ')}? Give the full name.`
        : `No plan is called "${name}". Plans: ${found.all.map((p) => p.name).join(', ') || 'none yet'}.`,
    );
  }
  const planId = found.plan.id;
  const items = await s.plans.listAllItems(planId);
  const actions = items.filter((i): i is ActionDetail => i.kind === 'action' && 'outcomes' in i);
  const milestones = new Map<string, ItemState[]>();
  for (const m of items.filter((i) => i.kind === 'milestone')) milestones.set(m.ref, [...(milestones.get(m.ref) ?? []), m]);
  // Actions with no theme first: a blank theme cell below a themed row would read as "same as above".
  const themed = (a: ActionDetail) => (a.priorityRef || a.priorityTitle ? 1 : 0);
  actions.sort((x, y) => themed(x) - themed(y) || x.ref.localeCompare(y.ref, 'en', { numeric: true }));
  const extraHeaders = [...new Set(actions.flatMap((a) => Object.keys(a.extra ?? {})))].filter((h) => !(EXPORT_HEADERS as readonly string[]).includes(h));
  const headers = [...EXPORT_HEADERS, ...extraHeaders];
  const rows: string[][] = [];
  for (const a of actions) {
    const ms = (milestones.get(a.ref) ?? []).sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0));
    // A revision recorded in Teams gives its own reason; otherwise the tracker's, kept at import.
    const reason = (a.originalDue ? await revisionReason(s, planId, a.ref) : '') || (a.extra?.[REVISION_REASON] ?? '');
    const actionCell = ms.length
      ? [`Overarching action: ${a.title}`, ...ms.map((m) => `Milestone ${m.seq}: ${m.title}`)].join('\n')
      : a.title;
    const due = ms.length ? milestoneDueLines(a, ms) : dueText(a.originalDue ?? a.due);
    const lead = ms.length ? ms.map((m) => m.ownerRole ?? a.ownerRole ?? '').join('\n') : (a.ownerRole ?? '');
    const row: string[] = [
      themeLabel(a),
      a.ref,
      a.objective ?? '',
      actionCell,
      outcomeText(a.outcomes),
      lead,
      due,
      a.originalDue ? dueText(a.due) : '',
      reason,
      statusLabel(a.status),
      RAG_WORD[a.rag],
      a.commentary ?? '',
      a.updatedAt ? britishDay(a.updatedAt) : '',
      a.updatedByName ?? '',
      a.evidenceUrl ?? '',
      a.status === 'awaiting_signoff' ? 'Yes' : '',
      ...extraHeaders.map((h) => a.extra?.[h] ?? ''),
    ];
    rows.push(row);
  }
  return { planName: found.plan.name, headers, rows };
}

function britishDay(isoInstant: string): string {
  // The day in Europe/London: an update at 23:30 UTC in summer is the next day there.
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(isoInstant));
  return parts;
}

/** Why the due date moved: the note of the latest history entry that changed it. */
async function revisionReason(s: Services, planId: string, ref: string): Promise<string> {
  const history = await s.plans.listHistory(planId, ref);
  const moved = history.filter((h) => h.seq === undefined && h.changes.some((c) => c.field === 'due') && h.commentary);
  moved.sort((x, y) => y.at.localeCompare(x.at));
  return moved[0]?.commentary ?? '';
}

function csvCell(v: string): string {
  // A leading = + - @ would make Excel run the cell as a formula; a quote mark keeps it text.
  const t = /^[=+\-@]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function exportCsv(e: PlanExport): string {
  return '\uFEFF' + [e.headers, ...e.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export async function exportXlsx(e: PlanExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Plan');
  ws.addRow(e.headers);
  ws.getRow(1).font = { bold: true };
  for (const r of e.rows) ws.addRow(r);
  ws.columns.forEach((c, i) => {
    c.width = i === 3 || i === 11 ? 60 : 18;
    c.alignment = { wrapText: true, vertical: 'top' };
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Writes the plan to `out` as .xlsx or .csv by its extension. */
export async function exportPlanFile(s: Services, args: { plan: string; out: string }): Promise<{ file: string; actions: number; planName: string }> {
  const ext = extname(args.out).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv') throw new Error(`Say where to write the plan as a .xlsx or .csv file (got "${args.out}").`);
  const e = await buildPlanExport(s, args.plan);
  await writeFile(args.out, ext === '.csv' ? exportCsv(e) : await exportXlsx(e));
  return { file: args.out, actions: e.rows.length, planName: e.planName };
}

import { writeFile } from 'node:fs/promises';
import { readTable, readTableDetail } from '../domain/import/readTable';
import { hasPlanHeader, parsePlan, type FilledLead } from '../domain/import/planParser';
import { parseDirectory } from '../domain/import/directoryParser';
import { parseKpis, parseKpiValues } from '../domain/import/kpiParser';
import type { ImportProblem, ParsedPlan } from '../domain/model';
import type { Services } from './context';
import { describeKept, importPlan, NothingToImportError, planIdFor, type ImportSummary, type KeptStored } from './importPlan';
import { heldRoleKeys } from '../domain/ownership';

export interface ImportReport {
  kind: 'plan' | 'directory' | 'kpis' | 'kpi-values';
  file: string;
  rowsRead: number;
  problems: ImportProblem[];
  dryRun: boolean;
  plan?: ImportSummary;
  written?: number;
  /** Set when nothing was written because the file cannot make a plan; the CLI exits non-zero. */
  failed?: string;
  /** Every column of the plan's header row with what it was read as. */
  columns?: { column: string; readAs: string }[];
  sheet?: string;
  statusKey?: string[];
  /** Blank lead cells read as the lead above (same ref, merged cell or slipped row), each listed. */
  filledDown?: FilledLead[];
  /** Where the full problem list was written, when it was. */
  problemsFile?: string;
  problemsFileError?: string;
}

/** Parse, then hand the plan to a transform (the demo shifts dates) before it is stored. */
export async function importPlanFile(
  s: Services,
  args: { file: string; planName: string; dryRun: boolean; sheet?: string; transform?: (p: ParsedPlan) => ParsedPlan; problemsFile?: string },
): Promise<ImportReport> {
  const planId = planIdFor(args.planName);
  // With no sheet named, a cover or contents sheet before the plan is passed over.
  const table = await readTableDetail(args.file, { sheet: args.sheet, accept: hasPlanHeader });
  // The KPIs already defined, so an action citing "NI062" links to KPI "ni 062" (import KPIs first).
  const kpiCodes = (await s.kpis.listDefinitions()).map((d) => d.code);
  const parsed = parsePlan(table.rows, { fills: table.fills, merged: table.merged, kpiCodes });
  const plan = args.transform ? args.transform(parsed.plan) : parsed.plan;
  const report: ImportReport = { kind: 'plan', file: args.file, rowsRead: parsed.rowsRead, problems: parsed.problems, dryRun: args.dryRun, columns: parsed.columns };
  if (table.sheet) report.sheet = table.sheet;
  if (parsed.statusKey) report.statusKey = parsed.statusKey;
  if (parsed.filledDown.length > 0) report.filledDown = parsed.filledDown;
  try {
    report.plan = await importPlan(s.plans, { planId, planName: args.planName, parsed: plan, dryRun: args.dryRun, now: s.clock.now() });
    report.problems = withKeptValues(report.problems, report.plan.keptStored);
  } catch (err) {
    if (!(err instanceof NothingToImportError)) throw err;
    report.failed = `${args.file}${table.sheet ? ` (sheet "${table.sheet}")` : ''} yields no actions, so nothing was written and no plan "${args.planName}" was made.`;
  }
  if (args.problemsFile && report.problems.length > 0) {
    try {
      await writeFile(args.problemsFile, problemsCsv(report.problems));
      report.problemsFile = args.problemsFile;
    } catch (err) {
      // The import itself stands; only the list could not be saved (a read-only folder, say).
      report.problemsFileError = `The full problem list could not be written to ${args.problemsFile} (${(err as { code?: string }).code ?? 'error'}).`;
    }
  }
  return report;
}

/**
 * The problems with the outcome the import gave them: a cell left blank on a new item, but the
 * stored value kept on an item already in the plan (the parse cannot know which it will be).
 */
function withKeptValues(problems: ImportProblem[], kept: readonly KeptStored[]): ImportProblem[] {
  if (kept.length === 0) return problems;
  const byCell = new Map<string, KeptStored[]>();
  for (const k of kept) {
    const key = `${k.row}|${k.column}|${k.value}`;
    byCell.set(key, [...(byCell.get(key) ?? []), k]);
  }
  return problems.map((p) => {
    const ks = p.outcome === 'left blank' ? byCell.get(`${p.row}|${p.column}|${p.value}`) : undefined;
    if (!ks) return p;
    const held = [...new Set(ks.map((k) => describeKept(k)))].join('; ');
    // What the parse says happens to a new item ("; recorded as not started") is not what happened here.
    const reason = p.message.replace(/;[^;]*\.$/, '.');
    return { ...p, outcome: 'kept the stored value', message: `${reason} ${ks[0].item} is already in the plan, so it kept the stored value (${held}); no change recorded.` };
  });
}

/** A cell for the problems CSV: quoted when needed, and never read by Excel as a formula. */
function csvCell(v: string | number): string {
  let t = String(v);
  if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** The full problem list as CSV (row, column, value, outcome, message), for an admin to work through. */
export function problemsCsv(problems: readonly ImportProblem[]): string {
  const lines = [['row', 'column', 'value', 'outcome', 'message'].join(',')];
  for (const p of problems) lines.push([p.row, p.column, p.value, p.outcome, p.message].map(csvCell).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export async function importDirectoryFile(s: Services, args: { file: string; dryRun: boolean }): Promise<ImportReport> {
  const r = parseDirectory(await readTable(args.file));
  if (!args.dryRun) await s.directory.upsertPeople(r.people);
  return { kind: 'directory', file: args.file, rowsRead: r.rowsRead, problems: r.problems, dryRun: args.dryRun, written: args.dryRun ? 0 : r.people.length };
}

export async function importKpiFile(s: Services, args: { file: string; dryRun: boolean }): Promise<ImportReport> {
  // Owner roles are checked against the directory as it stands (import the directory first).
  const heldRoles = heldRoleKeys(await s.directory.listAll());
  const r = parseKpis(await readTable(args.file), { heldRoles });
  if (!args.dryRun) await s.kpis.upsertDefinitions(r.kpis);
  return { kind: 'kpis', file: args.file, rowsRead: r.rowsRead, problems: r.problems, dryRun: args.dryRun, written: args.dryRun ? 0 : r.kpis.length };
}

export async function importKpiValuesFile(
  s: Services,
  args: { file: string; dryRun: boolean; enteredBy: string; transformPeriod?: (period: string) => string },
): Promise<ImportReport> {
  const known = await s.kpis.listDefinitions();
  const r = parseKpiValues(await readTable(args.file), { known });
  const values = args.transformPeriod ? r.values.map((v) => ({ ...v, period: args.transformPeriod!(v.period) })) : r.values;
  if (!args.dryRun) await s.kpis.upsertValues(values, args.enteredBy, s.clock.now().toISOString());
  return { kind: 'kpi-values', file: args.file, rowsRead: r.rowsRead, problems: r.problems, dryRun: args.dryRun, written: args.dryRun ? 0 : values.length };
}

/** One screen of problems; the rest are in the problems CSV. */
export const PROBLEMS_ON_SCREEN = 40;

/** The report an admin reads after an import: counts, columns, then a page of problems with row, column and value. */
export function formatReport(r: ImportReport, opts: { maxProblems?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`${r.dryRun ? '[dry run — nothing written] ' : ''}${r.kind} import of ${r.file}${r.sheet ? ` (sheet "${r.sheet}")` : ''}`);
  if (r.failed) lines.push(`  FAILED: ${r.failed}`);
  lines.push(`  rows read: ${r.rowsRead}`);
  if (r.columns?.length) {
    lines.push('  columns:');
    for (const c of r.columns) lines.push(`    "${c.column}": ${c.readAs}`);
  }
  if (r.statusKey) lines.push(`  status key on the sheet: ${r.statusKey.join('; ')}`);
  if (r.plan) {
    const p = r.plan;
    lines.push(`  plan id: ${p.planId}${p.archived ? ' (archived: stays hidden from questions and digests)' : ''}`);
    lines.push(`  actions: ${p.actions}, milestones: ${p.milestones}`);
    lines.push(`  created: ${p.created}, updated: ${p.updated}, unchanged: ${p.unchanged}, history entries: ${p.historyRecorded}`);
    if (p.conflicts.length) lines.push(`  changed in Teams while importing, so not written (re-run to compare again): ${p.conflicts.join(', ')}`);
    for (const k of p.keptFromTeams) lines.push(`  ${k.item}: ${k.field} set in Teams kept ("${k.kept.slice(0, 60)}"); the file says "${k.file.slice(0, 60)}"`);
    if (p.notInFile.length) lines.push(`  in storage but not in this file (kept): ${p.notInFile.join(', ')}`);
    if (p.keptStored.length) lines.push(`  cells not read, so the stored value was kept: ${p.keptStored.map((k) => `${k.item} ${describeKept(k)} (row ${k.row}, "${k.column}")`).join('; ')}`);
  } else if (r.written !== undefined) {
    lines.push(`  written: ${r.written}`);
  }
  if (r.filledDown?.length) {
    lines.push(`  blank lead cells read as the lead above (${r.filledDown.length}):`);
    for (const f of r.filledDown.slice(0, opts.maxProblems ?? PROBLEMS_ON_SCREEN)) {
      const why = f.why === 'same ref' ? 'continues the ref above' : f.why === 'merged cell' ? 'merged cell' : 'the slipped row has no lead cell';
      lines.push(`    row ${f.row}, column "${f.column}" (${f.ref}): "${f.value}" from row ${f.fromRow} (${why})`);
    }
    if (r.filledDown.length > (opts.maxProblems ?? PROBLEMS_ON_SCREEN)) lines.push(`    (${r.filledDown.length - (opts.maxProblems ?? PROBLEMS_ON_SCREEN)} more)`);
  }
  lines.push(`  problems: ${r.problems.length}${r.problemsFile ? ` (all listed in ${r.problemsFile})` : ''}`);
  if (r.problemsFileError) lines.push(`  ${r.problemsFileError}`);
  const shown = r.problems.slice(0, opts.maxProblems ?? PROBLEMS_ON_SCREEN);
  for (const p of shown) {
    const value = p.value.length > 80 ? p.value.slice(0, 77) + '...' : p.value;
    lines.push(`    row ${p.row}, column "${p.column}", value "${value.replace(/\n/g, ' ⏎ ')}": ${p.message} → ${p.outcome}`);
  }
  if (shown.length < r.problems.length) {
    lines.push(`    (${r.problems.length - shown.length} more${r.problemsFile ? ` in ${r.problemsFile}` : ': run npm run import with --dry-run on this file to list them all'})`);
  }
  return lines.join('\n');
}

import { readTable } from '../domain/import/readTable';
import { parsePlan } from '../domain/import/planParser';
import { parseDirectory } from '../domain/import/directoryParser';
import { parseKpis, parseKpiValues } from '../domain/import/kpiParser';
import type { ImportProblem, ParsedPlan } from '../domain/model';
import type { Services } from './context';
import { importPlan, planIdFor, type ImportSummary } from './importPlan';

export interface ImportReport {
  kind: 'plan' | 'directory' | 'kpis' | 'kpi-values';
  file: string;
  rowsRead: number;
  problems: ImportProblem[];
  dryRun: boolean;
  plan?: ImportSummary;
  written?: number;
}

/** Parse, then hand the plan to a transform (the demo shifts dates) before it is stored. */
export async function importPlanFile(
  s: Services,
  args: { file: string; planName: string; dryRun: boolean; transform?: (p: ParsedPlan) => ParsedPlan },
): Promise<ImportReport> {
  const rows = await readTable(args.file);
  const parsed = parsePlan(rows);
  const plan = args.transform ? args.transform(parsed.plan) : parsed.plan;
  const summary = await importPlan(s.plans, { planId: planIdFor(args.planName), planName: args.planName, parsed: plan, dryRun: args.dryRun, now: s.clock.now() });
  return { kind: 'plan', file: args.file, rowsRead: parsed.rowsRead, problems: parsed.problems, dryRun: args.dryRun, plan: summary };
}

export async function importDirectoryFile(s: Services, args: { file: string; dryRun: boolean }): Promise<ImportReport> {
  const r = parseDirectory(await readTable(args.file));
  if (!args.dryRun) await s.directory.upsertPeople(r.people);
  return { kind: 'directory', file: args.file, rowsRead: r.rowsRead, problems: r.problems, dryRun: args.dryRun, written: args.dryRun ? 0 : r.people.length };
}

export async function importKpiFile(s: Services, args: { file: string; dryRun: boolean }): Promise<ImportReport> {
  const r = parseKpis(await readTable(args.file));
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

/** The report an admin reads after an import: counts, then every problem with row, column and value. */
export function formatReport(r: ImportReport, opts: { maxProblems?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`${r.dryRun ? '[dry run — nothing written] ' : ''}${r.kind} import of ${r.file}`);
  lines.push(`  rows read: ${r.rowsRead}`);
  if (r.plan) {
    const p = r.plan;
    lines.push(`  plan id: ${p.planId}`);
    lines.push(`  actions: ${p.actions}, milestones: ${p.milestones}`);
    lines.push(`  created: ${p.created}, updated: ${p.updated}, unchanged: ${p.unchanged}, history entries: ${p.historyRecorded}`);
    if (p.notInFile.length) lines.push(`  in storage but not in this file (kept): ${p.notInFile.join(', ')}`);
  } else if (r.written !== undefined) {
    lines.push(`  written: ${r.written}`);
  }
  lines.push(`  problems: ${r.problems.length}`);
  const shown = r.problems.slice(0, opts.maxProblems ?? r.problems.length);
  for (const p of shown) {
    const value = p.value.length > 80 ? p.value.slice(0, 77) + '...' : p.value;
    lines.push(`    row ${p.row}, column "${p.column}", value "${value.replace(/\n/g, ' ⏎ ')}": ${p.message} → ${p.outcome}`);
  }
  if (shown.length < r.problems.length) lines.push(`    (${r.problems.length - shown.length} more: run npm run import with --dry-run on this file to list them all)`);
  return lines.join('\n');
}

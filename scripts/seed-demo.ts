import * as path from 'node:path';
import type { Services, Caller } from '../services/context';
import { formatReport, importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile } from '../services/importFiles';
import { updateItem, signOff, type Target } from '../services/updateStatus';
import { monthsToShift, shiftPlan, shiftPeriod, pinDue } from '../domain/shiftDates';
import { readTable } from '../domain/import/readTable';
import { parseKpiValues } from '../domain/import/kpiParser';
import { addDays, endOfWeekOf } from '../domain/clock';
import type { ProgressStatus, Rag } from '../domain/model';
import type { UpdateRequest } from '../domain/statusUpdate';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';

/**
 * The demo `npm run dev` loads on first start: the project's own data in demo/ (three plans in the
 * three council layouts, KPIs, the people directory), dated around whatever today is, with a week of
 * updates behind it. Whatever the day, there is work overdue, due this week and due in the next 14
 * days, every plan has red, amber, green and complete actions, one of Rosa Bennett's actions waits
 * for her manager's sign-off, the weekly digest has movement to show, and KPIs are on and off target
 * with values up to last month. tests/integration/demo.spec.ts checks all of it on several days.
 */
export const DEMO_DIR = path.resolve(__dirname, '../demo');

export const DEMO_PLANS = [
  { name: 'Southend 2021 priorities', file: 'plans/southend-2021-priorities.csv', monthsAhead: 0 },
  // Recommendations renumbered from 11 in the demo copy, so its refs never collide with the 2021 plan's.
  { name: 'Southend 2016 Ofsted plan', file: 'plans/southend-2016-milestones.csv', monthsAhead: 0 },
  { name: 'Sefton 2022 phase 1', file: 'plans/sefton-2022-phase1.csv', monthsAhead: 1 },
] as const;

type PlanName = (typeof DEMO_PLANS)[number]['name'];

/** A due date pinned relative to today, after the whole plan has been moved by months. */
interface Pin {
  plan: PlanName;
  ref: string;
  seq?: number;
  due: (today: string) => string;
}

const thisWeek = (today: string) => endOfWeekOf(today);
const inDays = (n: number) => (today: string) => addDays(today, n);

/**
 * Moving by whole months leaves month-end dates, so "this week" and "the next 14 days" would be
 * empty on most days; these few items are pinned so they never are. Each is a plain action (no
 * milestones), or a milestone, so the pinned date is the date the bot shows.
 */
export const DEMO_PINS: Pin[] = [
  { plan: 'Southend 2021 priorities', ref: '2.1', due: thisWeek },
  { plan: 'Southend 2021 priorities', ref: '2.4', due: inDays(10) },
  { plan: 'Southend 2021 priorities', ref: '2.6', due: inDays(-9) },
  { plan: 'Southend 2021 priorities', ref: '2.5', due: inDays(3) },
  { plan: 'Southend 2021 priorities', ref: '3.2', due: inDays(-3) },
  { plan: 'Southend 2021 priorities', ref: '2.8', due: inDays(12) },
  { plan: 'Southend 2016 Ofsted plan', ref: '11.6', seq: 6, due: thisWeek },
  { plan: 'Southend 2016 Ofsted plan', ref: '12.4', seq: 4, due: inDays(11) },
  { plan: 'Sefton 2022 phase 1', ref: '1.1.1f', due: thisWeek },
  { plan: 'Sefton 2022 phase 1', ref: '1.2.1c', due: inDays(8) },
  { plan: 'Sefton 2022 phase 1', ref: '4.2.1', due: inDays(-6) },
];

/** One change someone made in the past week: by the item's owner, or (sign-off) the owner's manager. */
interface Step {
  plan: PlanName;
  ref: string;
  seq?: number;
  daysAgo: number;
  update?: UpdateRequest;
  signOff?: 'approve';
}

const EVIDENCE = 'https://intranet.example.org/improvement/evidence';

const green = (commentary: string): UpdateRequest => ({ status: 'on_track' as ProgressStatus, rag: 'green' as Rag, commentary });
const amber = (commentary: string): UpdateRequest => ({ status: 'some_issues' as ProgressStatus, rag: 'amber' as Rag, commentary });
const red = (commentary: string): UpdateRequest => ({ status: 'not_on_track' as ProgressStatus, rag: 'red' as Rag, commentary });
const done = (commentary: string): UpdateRequest => ({ status: 'complete' as ProgressStatus, commentary, evidenceUrl: EVIDENCE });

export const DEMO_STEPS: Step[] = [
  // Rosa Bennett, HoS (RB): a bit of everything, and 2.5 left waiting for Jordan Hale (DCS) to sign off.
  { plan: 'Southend 2021 priorities', ref: '2.4', daysAgo: 6, update: green('Guidance drafted; team briefings booked.') },
  { plan: 'Southend 2021 priorities', ref: '2.1', daysAgo: 3, update: green('Two permanent starters this month; agency count falling.') },
  { plan: 'Southend 2021 priorities', ref: '2.2', daysAgo: 4, update: amber('Leadership programme provider pulled out; re-tendering.') },
  { plan: 'Southend 2021 priorities', ref: '2.6', daysAgo: 2, update: red('Dashboard build paused: the analyst post is vacant.') },
  { plan: 'Southend 2021 priorities', ref: '6.2', daysAgo: 5, update: done('All three youth projects delivered and written up.') },
  { plan: 'Southend 2021 priorities', ref: '6.2', daysAgo: 4, signOff: 'approve' },
  { plan: 'Southend 2021 priorities', ref: '2.5', daysAgo: 1, update: done('Auditor training finished; moderation agreement at 92%.') },
  // Other heads of service, so the plan and Jordan Hale's digest have more than one person's work.
  { plan: 'Southend 2021 priorities', ref: '3.2', daysAgo: 2, update: amber('Carer approvals behind; residential unit opening slipped.') },
  { plan: 'Southend 2021 priorities', ref: '2.8', daysAgo: 1, update: red('Chronology backlog in two teams; recovery plan due Friday.') },
  { plan: 'Southend 2021 priorities', ref: '3.1', daysAgo: 6, update: done('Household reviews back in timescale for three months.') },
  { plan: 'Southend 2021 priorities', ref: '3.1', daysAgo: 5, signOff: 'approve' },
  { plan: 'Southend 2021 priorities', ref: '4.4', daysAgo: 3, update: green('Evidence base agreed with public health.') },
  // The 2016 plan, owned by group managers who report to the Head of Children's Services.
  { plan: 'Southend 2016 Ofsted plan', ref: '11.6', daysAgo: 5, update: green('Practice Lead in post; priorities set.') },
  { plan: 'Southend 2016 Ofsted plan', ref: '11.3', daysAgo: 4, update: amber('Framework changes waiting for CSMT slot.') },
  { plan: 'Southend 2016 Ofsted plan', ref: '12.4', daysAgo: 2, update: red('Audit findings not yet reaching CPD supervision.') },
  { plan: 'Southend 2016 Ofsted plan', ref: '12.1', daysAgo: 6, update: done('Six-monthly report now states impact on children.') },
  { plan: 'Southend 2016 Ofsted plan', ref: '12.1', daysAgo: 5, signOff: 'approve' },
  // Sefton already carries its own six-level statuses; a few recent moves on top.
  { plan: 'Sefton 2022 phase 1', ref: '1.2.1c', daysAgo: 3, update: amber('Recording training dates moved after low sign-up.') },
  { plan: 'Sefton 2022 phase 1', ref: '1.1.1f', daysAgo: 2, update: green('Two of three managers appointed.') },
  // In the demo directory the Principal Social Worker reports to Rosa, so she has a sign-off of her own.
  { plan: 'Sefton 2022 phase 1', ref: '2.1.1l', daysAgo: 2, update: done('Staff feedback log running monthly; first summary shared.') },
];

/** Services whose clock reads `days` earlier, so a step's history is stamped in the past week. */
function earlier(s: Services, days: number): Services {
  const base = s.clock;
  return { ...s, clock: { today: () => addDays(base.today(), -days), now: () => new Date(base.now().getTime() - days * 86_400_000) } };
}

function callerOf(p: { aadObjectId?: string; email?: string; name: string }): Caller {
  return { aadObjectId: p.aadObjectId, email: p.email, name: p.name };
}

export interface SeedResult {
  loaded: boolean;
  reports: string[];
}

/**
 * Load the demo into `s` (empty storage). With `force`, loads even if plans exist. Returns the import
 * reports as text, for the console.
 */
export async function seedDemo(s: Services, opts: { force?: boolean; dir?: string } = {}): Promise<SeedResult> {
  const dir = opts.dir ?? DEMO_DIR;
  if ((await s.plans.listPlans()).length && !opts.force) return { loaded: false, reports: [] };
  const today = s.clock.today();
  const reports: string[] = [];
  reports.push(formatReport(await importDirectoryFile(s, { file: path.join(dir, 'people/directory.csv'), dryRun: false })));
  reports.push(formatReport(await importKpiFile(s, { file: path.join(dir, 'kpis/kpis.csv'), dryRun: false })));

  // KPI series end last month: the latest figure a council would have reported by now.
  const valuesFile = path.join(dir, 'kpis/kpi-values.csv');
  const periods = parseKpiValues(await readTable(valuesFile)).values.map((v) => v.period).filter((p) => /^\d{4}-\d{2}$/.test(p)).sort();
  const last = periods.at(-1) ?? today.slice(0, 7);
  const kpiShift = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - (Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7)));
  reports.push(formatReport(await importKpiValuesFile(s, { file: valuesFile, dryRun: false, enteredBy: 'demo', transformPeriod: (p) => shiftPeriod(p, kpiShift) })));

  for (const p of DEMO_PLANS) {
    const pins = DEMO_PINS.filter((x) => x.plan === p.name).map((x) => ({ ref: x.ref, seq: x.seq, date: x.due(today) }));
    const report = await importPlanFile(s, {
      file: path.join(dir, p.file),
      planName: p.name,
      dryRun: false,
      transform: (plan) => pinDue(shiftPlan(plan, monthsToShift(plan, today, p.monthsAhead)), pins),
    });
    reports.push(formatReport(report, { maxProblems: 0 }));
  }

  const plans = await s.plans.listPlans();
  for (const [i, step] of DEMO_STEPS.entries()) {
    const plan = plans.find((x) => x.name === step.plan);
    if (!plan) throw new Error(`demo: no plan ${step.plan}`);
    const target: Target = { planId: plan.id, ref: step.ref, seq: step.seq };
    const item = await s.plans.getItemForUpdate(plan.id, step.ref, step.seq);
    if (!item) throw new Error(`demo: ${step.plan} has no ${step.ref}`);
    const owner = item.item.ownerRole ? await s.directory.findByRole(item.item.ownerRole) : undefined;
    if (!owner) throw new Error(`demo: nobody in the directory holds ${item.item.ownerRole ?? '(no lead)'} for ${step.ref}`);
    const at = earlier(s, step.daysAgo);
    const opts = { requestId: `demo-${i}-${today}`, source: 'card' as const };
    let result;
    if (step.signOff) {
      const manager = owner.managerRole ? await s.directory.findByRole(owner.managerRole) : undefined;
      if (!manager) throw new Error(`demo: no manager for ${owner.role}`);
      result = await signOff(at, callerOf(manager), target, step.signOff, undefined, opts);
    } else {
      result = await updateItem(at, callerOf(owner), target, step.update!, opts);
    }
    if (result.kind !== 'saved') throw new Error(`demo: step ${i} (${step.plan} ${step.ref}) was ${result.kind}: ${JSON.stringify(result)}`);
  }
  reports.push(`Demo history: ${DEMO_STEPS.length} changes over the past week.`);
  return { loaded: true, reports };
}

async function main(): Promise<void> {
  const { services, close } = await openServices(loadConfig());
  try {
    const result = await seedDemo(services, { force: process.argv.includes('--force') });
    if (!result.loaded) console.log('Demo data already loaded; leaving it as it is (use --force to reload).');
    for (const r of result.reports) console.log(r);
  } finally {
    await close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

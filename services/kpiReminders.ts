import type { KpiDefinition } from '../domain/model';
import { addDays } from '../domain/clock';
import { lastEndedPeriod, periodDueDate, periodKind } from '../domain/kpi';
import { DEFAULT_KPI_DUE_WORKING_DAYS } from './kpiRecording';
import type { Services } from './context';
import type { Job } from '../domain/job';

/** Days after the due date before a missing value gets its one nudge. */
export const DEFAULT_KPI_NUDGE_DAYS = 5;

/** When a KPI value falls due and when it is nudged: KPI_REMINDER_WORKING_DAYS and KPI_NUDGE_DAYS. */
export interface KpiTiming {
  workingDays: number;
  nudgeDays: number;
}

export const DEFAULT_KPI_TIMING: KpiTiming = { workingDays: DEFAULT_KPI_DUE_WORKING_DAYS, nudgeDays: DEFAULT_KPI_NUDGE_DAYS };

export interface KpiReminderPlan {
  /** Stable per (KPI, period, stage, person): the ledger row's identity, so each is sent once whoever plans it. */
  id: string;
  code: string;
  period: string;
  stage: 'due' | 'nudge';
  dueDate: string;
  /** The owner's Entra object id. */
  recipient: string;
}

/**
 * Reminders to record: when a KPI's latest period closes (N working days after it ends) and its
 * value is missing, its owner gets one card with the value field on it; if it is still missing
 * `nudgeDays` later, one nudge. The stage is in the id, so a stage planned on several days or by
 * several instances is one message. Reads the definitions once (latest values are kept on them).
 */
export async function planKpiReminders(
  s: Services,
  o: { today: string; workingDays?: number; nudgeDays?: number },
): Promise<KpiReminderPlan[]> {
  const workingDays = o.workingDays ?? DEFAULT_KPI_DUE_WORKING_DAYS;
  const nudgeDays = o.nudgeDays ?? DEFAULT_KPI_NUDGE_DAYS;
  const out: KpiReminderPlan[] = [];
  const holders = new Map<string, string | undefined>();
  for (const { def, latest } of await s.kpis.listDefinitionsWithLatest()) {
    const due = dueNow(def, latest?.period, o.today, workingDays, nudgeDays);
    if (!due || !def.ownerRole) continue;
    if (!holders.has(def.ownerRole)) holders.set(def.ownerRole, (await s.directory.findByRole(def.ownerRole))?.aadObjectId);
    const recipient = holders.get(def.ownerRole);
    if (!recipient) continue;
    out.push({ id: `kpi|${def.code}|${due.period}|${due.stage}|${recipient.toLowerCase()}`, code: def.code, period: due.period, stage: due.stage, dueDate: due.dueDate, recipient });
  }
  return out;
}

/** The period whose value is owed now and the stage, or nothing. */
export function dueNow(def: KpiDefinition, latestPeriod: string | undefined, today: string, workingDays: number, nudgeDays: number): { period: string; stage: 'due' | 'nudge'; dueDate: string } | undefined {
  const kind = periodKind(def.frequency);
  if (!kind) return undefined;
  const period = lastEndedPeriod(kind, today);
  if (latestPeriod && latestPeriod >= period) return undefined;
  const dueDate = periodDueDate(period, workingDays);
  if (today < dueDate) return undefined;
  return { period, stage: today >= addDays(dueDate, nudgeDays) ? 'nudge' : 'due', dueDate };
}

/** The plans as outbox jobs (ledger partition "kpiReminder|kpis"): ids only, the card is built when sent. */
export async function planKpiReminderJobs(s: Services, today: string, o: { workingDays?: number; nudgeDays?: number } = {}): Promise<Job[]> {
  return (await planKpiReminders(s, { today, ...o })).map((p) => ({ id: p.id, kind: 'kpiReminder', recipient: p.recipient, planId: 'kpis', ref: p.code, period: p.period, stage: p.stage, day: today }));
}

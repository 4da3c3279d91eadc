import type { Job } from '../domain/job';
import { packDay } from '../domain/boardPack';
import { produceBoardPack, type BoardPackDeps } from './boardPack';

/**
 * The governance rhythm: a plan's pack is produced BOARD_PACK_DAYS_BEFORE working days before its
 * next board meeting, and one job per recipient (the plan's linked channel, each administrator) goes
 * through the same ledger and outbox as digests, so each is sent once whichever instance plans it.
 *
 * Job ids name the plan, the meeting and the recipient, not the day: a pack planned again on a later
 * day before the same meeting (a missed tick, a second instance) finds its ledger rows and sends
 * nothing new. `stage` carries the as-at day of the snapshot the message shows.
 */
export interface BoardPackPlan {
  /** Schedule-claim period for one plan's meeting: claimed by one instance. */
  period: string;
  planId: string;
  jobs: Job[];
}

export async function dueBoardPacks(d: BoardPackDeps, o: { today: string; daysBefore: number }): Promise<{ planId: string; meeting: string; period: string }[]> {
  const meetings = await d.snapshots.listMeetings();
  return meetings
    .filter((m) => packDay(m.date, o.daysBefore) <= o.today && o.today < m.date)
    .map((m) => ({ planId: m.planId, meeting: m.date, period: `boardPack|${m.planId}|${m.date}` }));
}

/** Produce the pack as at today (or reuse today's snapshot) and name who receives it. */
export async function planBoardPack(d: BoardPackDeps, o: { today: string; planId: string; meeting: string; adminIds: Iterable<string> }): Promise<Job[]> {
  const r = await produceBoardPack(d, { scopedPlanId: o.planId });
  if (r.kind !== 'ok') return [];
  const plan = (await d.services.plans.listPlans()).find((p) => p.id === o.planId);
  const base = { planId: o.planId, stage: r.pack.asAt, day: o.today };
  const jobs: Job[] = [];
  if (plan?.channelId) jobs.push({ ...base, id: `channelBoardPack|${o.planId}|${o.meeting}`, kind: 'channelBoardPack', recipient: plan.channelId });
  for (const admin of o.adminIds) jobs.push({ ...base, id: `boardPack|${o.planId}|${o.meeting}|${admin}`, kind: 'boardPack', recipient: admin });
  return jobs;
}

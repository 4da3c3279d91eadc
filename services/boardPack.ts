import { buildBoardPack, SNAPSHOT_VERSION, type BoardPack, type Meeting, type PlanSnapshot, type SnapshotItem } from '../domain/boardPack';
import { parseDue, formatBritishDate } from '../domain/dueDate';
import type { ActionDetail } from '../domain/planItem';
import type { PlanInfo } from '../domain/model';
import type { PlanItem } from '../domain/planItem';
import type { SnapshotStore } from './ports/snapshotStore';
import type { Services } from './context';

export interface BoardPackDeps {
  services: Services;
  snapshots: SnapshotStore;
  staleDays: number;
}

export type PlanChoice = { kind: 'ok'; plan: PlanInfo } | { kind: 'noPlans' } | { kind: 'unknown'; asked: string; choices: string[] } | { kind: 'choose'; choices: string[] };

/**
 * Which plan a pack is for: the one named (by name or id, case-insensitive, or a unique start of a
 * name), else the only plan. Never guessed: a name that matches nothing or several is said back with
 * the plans there are.
 */
export async function choosePlan(s: Services, asked?: string, scopedPlanId?: string): Promise<PlanChoice> {
  const plans = await s.plans.listPlans();
  if (!plans.length) return { kind: 'noPlans' };
  const names = plans.map((p) => p.name);
  if (asked?.trim()) {
    const want = asked.trim().toLowerCase();
    const exact = plans.filter((p) => p.name.toLowerCase() === want || p.id.toLowerCase() === want);
    if (exact.length === 1) return { kind: 'ok', plan: exact[0] };
    const starts = plans.filter((p) => p.name.toLowerCase().startsWith(want));
    if (starts.length === 1) return { kind: 'ok', plan: starts[0] };
    return { kind: 'unknown', asked: asked.trim(), choices: (starts.length ? starts : plans).map((p) => p.name) };
  }
  if (scopedPlanId) {
    const plan = plans.find((p) => p.id === scopedPlanId);
    if (plan) return { kind: 'ok', plan };
  }
  return plans.length === 1 ? { kind: 'ok', plan: plans[0] } : { kind: 'choose', choices: names };
}

/** A date someone typed ("14 Jan 2027", "2027-01-14"), as an ISO day; a month alone is refused. */
export function readDay(raw: string, today: string): { ok: true; date: string } | { ok: false; reason: string } {
  const r = parseDue(raw.trim(), { today });
  if (!r.ok) return { ok: false, reason: `“${raw.trim()}” is not a date I can read: ${r.reason}` };
  if (r.due.kind !== 'date' || r.due.recurrence || r.due.onwards) return { ok: false, reason: `“${raw.trim()}” is not one day; give a date such as 14 Jan 2027` };
  if (!/\d/.test(raw.replace(/\d{4}/, ''))) return { ok: false, reason: `“${raw.trim()}” names a month, not a day; give the day too, such as 14 Jan 2027` };
  return { ok: true, date: r.due.date };
}

/** The plan as it stands now, frozen with the as-at date. */
export async function captureSnapshot(d: BoardPackDeps, plan: PlanInfo, asAt: string, meeting?: Meeting): Promise<PlanSnapshot> {
  const s = d.services;
  const [items, priorities, people, kpis] = await Promise.all([s.plans.listAllItems(plan.id), s.plans.listPriorities(plan.id), s.directory.listAll(), s.kpis.listDefinitionsWithLatest()]);
  const frozen: SnapshotItem[] = await Promise.all(items.map((i) => freezeItem(d, plan.id, i)));
  return {
    version: SNAPSHOT_VERSION,
    planId: plan.id,
    planName: plan.name,
    asAt,
    takenAt: s.clock.now().toISOString(),
    meeting,
    staleDays: d.staleDays,
    priorities,
    items: frozen,
    owners: Object.fromEntries(people.map((p) => [p.role, p.name])),
    kpis: kpis.map(({ def, latest, previous }) => ({
      def,
      latest: latest ? { period: latest.period, value: latest.value } : undefined,
      previous: previous ? { period: previous.period, value: previous.value } : undefined,
    })),
  };
}

async function freezeItem(d: BoardPackDeps, planId: string, i: PlanItem): Promise<SnapshotItem> {
  const { planId: _p, lastRequestId: _r, ...rest } = i as PlanItem & { milestones?: unknown };
  const item: SnapshotItem = { ...(rest as SnapshotItem) };
  delete (item as { milestones?: unknown }).milestones;
  if (i.kind === 'action') {
    const a = i as ActionDetail;
    item.priorityRef = a.priorityRef;
    item.priorityTitle = a.priorityTitle;
  }
  if (i.originalDue && JSON.stringify(i.originalDue) !== JSON.stringify(i.due)) {
    // Only revised items need their history read: the reason is the commentary given with the date change.
    const history = await d.services.plans.listHistory(planId, i.ref, 50);
    const change = history.find((h) => (h.seq ?? undefined) === (i.seq ?? undefined) && h.changes.some((c) => c.field === 'due'));
    if (change?.commentary) item.revisionReason = reasonIn(change.commentary);
  }
  return item;
}

/**
 * The reason part of a date change's commentary. domain/statusUpdate writes it as
 * "<commentary> (new date: <reason>)" or "New due date: <reason>"; anything else is kept whole.
 */
function reasonIn(commentary: string): string {
  const m = /\(new date: (.+)\)$/.exec(commentary) ?? /^New due date: (.+)$/.exec(commentary);
  return m ? m[1] : commentary;
}

export type PackResult =
  | { kind: 'ok'; pack: BoardPack; snapshot: PlanSnapshot; previous?: PlanSnapshot; created: boolean }
  | { kind: 'plan'; choice: Exclude<PlanChoice, { kind: 'ok' }> }
  | { kind: 'badDate'; reason: string }
  | { kind: 'noSnapshot'; planName: string; asAt: string; available: string[] };

/**
 * Produce a plan's pack as at a day. Today (the default) freezes the plan now, unless today's
 * snapshot exists, which is then used as it is. An earlier day can only be produced from its stored
 * snapshot: the plan as it was then is not reconstructed by guesswork.
 */
export async function produceBoardPack(d: BoardPackDeps, req: { plan?: string; scopedPlanId?: string; asAt?: string }): Promise<PackResult> {
  const today = d.services.clock.today();
  const choice = await choosePlan(d.services, req.plan, req.scopedPlanId);
  if (choice.kind !== 'ok') return { kind: 'plan', choice };
  const plan = choice.plan;
  let asAt = today;
  if (req.asAt) {
    const day = readDay(req.asAt, today);
    if (!day.ok) return { kind: 'badDate', reason: day.reason };
    asAt = day.date;
  }
  if (asAt > today) return { kind: 'badDate', reason: `${formatBritishDate(asAt)} is in the future; a pack can only be as at today or a day a pack was made.` };
  let snapshot = await d.snapshots.get(plan.id, asAt);
  let created = false;
  if (!snapshot) {
    if (asAt !== today) {
      const available = (await d.snapshots.list(plan.id)).map((h) => h.asAt);
      return { kind: 'noSnapshot', planName: plan.name, asAt, available };
    }
    const next = await d.snapshots.getMeeting(plan.id);
    const meeting = next && next.date >= asAt ? { date: next.date, title: next.title } : undefined;
    const saved = await d.snapshots.save(await captureSnapshot(d, plan, asAt, meeting));
    snapshot = saved.snapshot;
    created = saved.created;
  }
  const previous = await d.snapshots.previous(plan.id, asAt);
  return { kind: 'ok', pack: buildBoardPack(snapshot, previous), snapshot, previous, created };
}

/** A stored pack, again, exactly: for a signed link or a file consent accepted later. */
export async function storedBoardPack(d: BoardPackDeps, planId: string, asAt: string): Promise<BoardPack | undefined> {
  const snapshot = await d.snapshots.get(planId, asAt);
  if (!snapshot) return undefined;
  return buildBoardPack(snapshot, await d.snapshots.previous(planId, asAt));
}

/** Words for a refusal, shared by chat and the command line. */
export function explainRefusal(r: Exclude<PackResult, { kind: 'ok' }>): { title: string; lines: string[] } {
  switch (r.kind) {
    case 'plan':
      if (r.choice.kind === 'noPlans') return { title: 'No plans yet', lines: ['Import a plan first (npm run import).'] };
      if (r.choice.kind === 'unknown') return { title: `No single plan called “${r.choice.asked}”`, lines: [`Plans: ${r.choice.choices.join(', ')}.`, 'Say “board pack for <plan name>”.'] };
      return { title: 'Which plan?', lines: [`Plans: ${r.choice.choices.join(', ')}.`, 'Say “board pack for <plan name>”.'] };
    case 'badDate':
      return { title: 'That date does not work for a pack', lines: [r.reason] };
    case 'noSnapshot':
      return {
        title: `No pack of ${r.planName} as at ${formatBritishDate(r.asAt)}`,
        lines: [
          'A pack for an earlier day can only be produced from the snapshot taken that day, and there is none.',
          r.available.length ? `Packs exist as at: ${r.available.map(formatBritishDate).join(', ')}.` : 'No pack of this plan has been made yet; make one as at today.',
        ],
      };
  }
}

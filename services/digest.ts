import type { ItemState, ItemSummary, HistoryEntry } from '../domain/planItem';
import type { Person, Rag } from '../domain/model';
import type { PlanInfo } from '../domain/model';
import { addDays } from '../domain/clock';
import { RAG_WORD, ragBadness, ragCounts } from '../domain/status';
import { roleKey } from '../domain/roles';
import { isOpen } from '../domain/schedule';
import { heldRoleKeys, isUnowned } from '../domain/ownership';
import type { Services } from './context';
import { kpiOverview, type KpiStatus } from './kpiQueries';
import { naturalRef, type ItemWithPlan } from './planQueries';

export type MoveDirection = 'better' | 'worse' | 'complete' | 'first' | 'cleared' | 'other';

export interface Movement {
  /** "2.4", "2.4.3", or "KPI c301". */
  item: string;
  /** The plan's name, or the KPI's name for a KPI move. */
  planName: string;
  /** The action's (or milestone's) title, when known; KPI moves carry the KPI name in planName. */
  title?: string;
  change: 'signed off' | 'marked complete' | 'RAG' | 'due date';
  from?: string;
  to?: string;
  direction: MoveDirection;
}

/** An item awaiting sign-off, with when it was marked complete (its last update), if known. */
export interface AwaitingItem extends ItemWithPlan {
  waitingSince?: string;
}

export interface Digest {
  title: string;
  /** Who reads it: one manager (their reports' work) or everyone in a plan's channel (or an admin's whole view). */
  audience: 'manager' | 'channel';
  since: string;
  today: string;
  /** The plans the digest covers: for a manager, those where their reports own actions. */
  planNames: string[];
  /** How many actions the RAG mix counts; 0 means there is nothing to chart. */
  actions: number;
  ragMix: Record<Rag, number>;
  moved: Movement[];
  overdue: ItemWithPlan[];
  dueSoon: ItemWithPlan[];
  awaitingSignOff: AwaitingItem[];
  kpisOffTarget: KpiStatus[];
  /** Open actions with no owner in the plans covered (domain/ownership), as "summary" counts them per plan. */
  unowned: number;
  unownedItems: ItemWithPlan[];
  unownedByPlan: { planName: string; count: number }[];
}

/** A rating's badness, or undefined for no rating (so a first rating reads as "first", not "worse"). */
const rank = (r: string): number | undefined => (Object.hasOwn(RAG_WORD, r) && r !== 'none' ? ragBadness(r as Rag) : undefined);

/** How a RAG change reads: worse, better, a first rating, or a rating taken away. */
export function ragDirection(from: string, to: string): MoveDirection {
  if (to === 'blue') return 'complete';
  const f = rank(from);
  const t = rank(to);
  if (f === undefined && t === undefined) return 'other';
  if (f === undefined) return 'first';
  if (t === undefined) return 'cleared';
  return t > f ? 'worse' : t < f ? 'better' : 'other';
}

function movementOf(h: HistoryEntry, planName: string, title: string | undefined): Movement | undefined {
  const item = h.seq === undefined ? h.ref : `${h.ref}.${h.seq}`;
  const rag = h.changes.find((c) => c.field === 'RAG');
  const status = h.changes.find((c) => c.field === 'status');
  if (status?.to === 'complete' || status?.to === 'awaiting_signoff') return { item, planName, title, change: status.to === 'complete' ? 'signed off' : 'marked complete', direction: 'complete' };
  if (rag) return { item, planName, title, change: 'RAG', from: rag.from, to: rag.to, direction: ragDirection(rag.from, rag.to) };
  const due = h.changes.find((c) => c.field === 'due');
  if (due) return { item, planName, title, change: 'due date', from: due.from, to: due.to, direction: 'other' };
  return undefined;
}

/** What every digest in a run shares: read once per run, not once per recipient. */
export interface DigestShared {
  people: Person[];
  /** Every KPI with its latest values (the digest picks those off target in its scope). */
  kpis: KpiStatus[];
  /** Open actions with no owner (domain/ownership), every plan, in natural ref order. */
  unowned: ItemWithPlan[];
  /** The KPI codes each action cites, by plan id then ref. */
  kpiCodes: Map<string, Map<string, string[]>>;
}

export async function digestShared(s: Services): Promise<DigestShared> {
  const [people, kpis, plans] = await Promise.all([s.directory.listAll(), kpiOverview(s), s.plans.listPlans()]);
  const known = heldRoleKeys(people);
  const unowned: ItemWithPlan[] = [];
  const kpiCodes = new Map<string, Map<string, string[]>>();
  await Promise.all(
    plans.map(async (p) => {
      const codes = new Map<string, string[]>();
      kpiCodes.set(p.id, codes);
      for (const e of await s.plans.listAllItems(p.id)) {
        if (isUnowned(e, known)) unowned.push({ ...e, planName: p.name });
        if ('kpiCodes' in e && e.kpiCodes.length) codes.set(e.ref, e.kpiCodes);
      }
    }),
  );
  unowned.sort((a, b) => a.planName.localeCompare(b.planName) || naturalRef(a, b));
  return { people, kpis, unowned, kpiCodes };
}

const offTarget = (k: KpiStatus) => k.rag === 'red' || k.rag === 'amber';
const itemKey = (i: Pick<ItemState, 'planId' | 'ref' | 'seq'>) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

/**
 * A manager's week: the work of every role that reports to them, across plans, with unowned actions
 * and KPIs limited to their area (the plans where their reports own actions; the KPIs their reports
 * own or their reports' actions cite). A plan's channel gets the same shape for the whole plan.
 */
export async function buildDigest(
  s: Services,
  opts: { manager?: Person; planId?: string; today: string; windowDays?: number },
  shared?: DigestShared,
): Promise<Digest> {
  const today = opts.today;
  const since = addDays(today, -7);
  const common = shared ?? (await digestShared(s));
  const managerRoles = opts.manager ? new Set((await s.directory.rolesOf({ aadObjectId: opts.manager.aadObjectId })).map((r) => roleKey(r.role))) : undefined;
  const reportRoles = managerRoles ? [...new Set(common.people.filter((p) => p.managerRole && managerRoles.has(roleKey(p.managerRole))).map((p) => roleKey(p.role)))] : undefined;
  const plans = (await s.plans.listPlans()).filter((p) => !opts.planId || p.id === opts.planId);

  const items: ItemWithPlan[] = [];
  const moved: Movement[] = [];
  const covered: PlanInfo[] = [];
  for (const p of plans) {
    const owned = reportRoles ? dedupe((await Promise.all(reportRoles.map((r) => s.plans.listByOwner(p.id, r)))).flat()) : await s.plans.listAllItems(p.id);
    // A manager's digest covers the plans where their reports own actions; a channel's, its plan.
    if (reportRoles && !owned.some((i) => i.kind === 'action')) continue;
    covered.push(p);
    items.push(...owned.map((i) => ({ ...i, planName: p.name })));
    const titles = new Map(owned.map((i) => [itemKey(i), i.title]));
    for (const h of await s.plans.listHistorySince(p.id, `${since}T00:00:00Z`)) {
      const key = itemKey({ planId: p.id, ref: h.ref, seq: h.seq });
      if (!titles.has(key)) continue;
      const m = movementOf(h, p.name, titles.get(key));
      if (m) moved.push(m);
    }
  }

  // KPIs in scope: for a manager, those their reports own or their reports' actions cite.
  let kpiInScope: (code: string) => boolean = () => true;
  if (reportRoles) {
    const reports = new Set(reportRoles);
    const codes = new Set<string>();
    for (const k of common.kpis) if (k.def.ownerRole && reports.has(roleKey(k.def.ownerRole))) codes.add(k.def.code.toLowerCase());
    for (const i of items) if (i.kind === 'action') for (const c of common.kpiCodes.get(i.planId)?.get(i.ref) ?? []) codes.add(c.toLowerCase());
    kpiInScope = (code) => codes.has(code.toLowerCase());
  }
  // KPIs whose RAG moved this week (recorded in chat): the board's too, so every channel sees them.
  for (const m of await s.kpis.listMovesSince(`${since}T00:00:00Z`)) {
    if (!kpiInScope(m.code)) continue;
    moved.push({ item: `KPI ${m.code}`, planName: m.name, change: 'RAG', from: m.from, to: m.to, direction: ragDirection(m.from, m.to) });
  }

  const ragMix: Record<Rag, number> = ragCounts();
  let actions = 0;
  for (const i of items) {
    if (i.kind !== 'action') continue;
    ragMix[i.rag]++;
    actions++;
  }
  const dated = (i: ItemSummary) => (i.due.kind === 'date' ? i.due.date : '');
  const byDate = (a: ItemWithPlan, b: ItemWithPlan) => dated(a).localeCompare(dated(b)) || a.planName.localeCompare(b.planName) || naturalRef(a, b);
  // isOpen leaves out complete, awaiting sign-off and business as usual: an item awaiting sign-off is
  // done as far as its owner is concerned, so it is never "overdue"; it waits in its own section.
  const open = items.filter((i) => isOpen(i.status));
  const coveredIds = new Set(covered.map((p) => p.id));
  const unownedItems = common.unowned.filter((i) => coveredIds.has(i.planId));
  return {
    title: opts.manager ? `Weekly digest for ${opts.manager.name}` : `Weekly digest: ${plans.map((p) => p.name).join(', ')}`,
    audience: opts.manager ? 'manager' : 'channel',
    since,
    today,
    planNames: covered.map((p) => p.name),
    actions,
    ragMix,
    moved,
    overdue: open.filter((i) => dated(i) && dated(i) < today).sort(byDate),
    dueSoon: open.filter((i) => dated(i) && dated(i) >= today && dated(i) <= addDays(today, opts.windowDays ?? 14)).sort(byDate),
    awaitingSignOff: await waiting(s, items.filter((i) => i.status === 'awaiting_signoff')),
    kpisOffTarget: common.kpis.filter((k) => offTarget(k) && kpiInScope(k.def.code)),
    unowned: unownedItems.length,
    unownedItems,
    unownedByPlan: covered.map((p) => ({ planName: p.name, count: unownedItems.filter((i) => i.planId === p.id).length })).filter((x) => x.count > 0),
  };
}

function dedupe<T extends Pick<ItemState, 'planId' | 'ref' | 'seq'>>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(itemKey(i)) ? false : (seen.add(itemKey(i)), true)));
}

/** How many awaiting items get their full row read for "waiting since"; more are counted, not shown. */
const AWAITING_DETAIL_LIMIT = 20;

/**
 * Items awaiting sign-off, longest waiting first. The owner-index rows carry no update time, so the
 * item rows are read for when each was marked complete (its last update); few items wait at once.
 */
async function waiting(s: Services, items: ItemWithPlan[]): Promise<AwaitingItem[]> {
  const loaded = await Promise.all(
    items.slice(0, AWAITING_DETAIL_LIMIT).map(async (i) => ({ ...i, waitingSince: (await s.plans.getItemForUpdate(i.planId, i.ref, i.seq))?.item.updatedAt })),
  );
  const out: AwaitingItem[] = [...loaded, ...items.slice(AWAITING_DETAIL_LIMIT)];
  return out.sort((a, b) => (a.waitingSince ?? '~').localeCompare(b.waitingSince ?? '~') || a.planName.localeCompare(b.planName) || naturalRef(a, b));
}

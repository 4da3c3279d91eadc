import type { ItemState, HistoryEntry } from '../domain/planItem';
import type { Person, Rag } from '../domain/model';
import { addDays } from '../domain/clock';
import { roleKey } from '../domain/roles';
import { isOpen } from '../domain/schedule';
import type { Services } from './context';
import { kpiOverview, type KpiStatus } from './kpiQueries';
import { unowned, type ItemWithPlan } from './planQueries';

export interface Movement {
  item: string;
  planName: string;
  change: 'signed off' | 'marked complete' | 'RAG' | 'due date';
  from?: string;
  to?: string;
  direction: 'better' | 'worse' | 'complete' | 'other';
}

export interface Digest {
  title: string;
  since: string;
  today: string;
  ragMix: Record<Rag, number>;
  moved: Movement[];
  overdue: ItemWithPlan[];
  dueSoon: ItemWithPlan[];
  awaitingSignOff: ItemWithPlan[];
  kpisOffTarget: KpiStatus[];
  unowned: number;
}

const RAG_RANK: Record<string, number> = { blue: 0, green: 1, none: 1, amber: 2, red: 3 };

function movementOf(h: HistoryEntry, planName: string): Movement | undefined {
  const item = h.seq === undefined ? h.ref : `${h.ref}.${h.seq}`;
  const rag = h.changes.find((c) => c.field === 'RAG');
  const status = h.changes.find((c) => c.field === 'status');
  if (status?.to === 'complete' || status?.to === 'awaiting_signoff') return { item, planName, change: status.to === 'complete' ? 'signed off' : 'marked complete', direction: 'complete' };
  if (rag) {
    const worse = (RAG_RANK[rag.to] ?? 1) > (RAG_RANK[rag.from] ?? 1);
    return { item, planName, change: 'RAG', from: rag.from, to: rag.to, direction: worse ? 'worse' : 'better' };
  }
  const due = h.changes.find((c) => c.field === 'due');
  if (due) return { item, planName, change: 'due date', from: due.from, to: due.to, direction: 'other' };
  return undefined;
}

/** What every digest in a run shares: read once per run, not once per recipient. */
export interface DigestShared {
  people: Person[];
  kpisOffTarget: KpiStatus[];
  unownedByPlan: Map<string | undefined, number>;
}

export async function digestShared(s: Services): Promise<DigestShared> {
  const [people, kpis, allUnowned] = await Promise.all([s.directory.listAll(), kpiOverview(s), unowned(s, {})]);
  const unownedByPlan = new Map<string | undefined, number>([[undefined, allUnowned.length]]);
  for (const i of allUnowned) unownedByPlan.set(i.planId, (unownedByPlan.get(i.planId) ?? 0) + 1);
  return { people, kpisOffTarget: kpis.filter((k) => k.rag === 'red' || k.rag === 'amber'), unownedByPlan };
}

/**
 * A manager's week: the work of every role that reports to them, across plans. The same shape serves
 * a plan's channel (every role), so both digests read alike.
 */
export async function buildDigest(
  s: Services,
  opts: { manager?: Person; planId?: string; today: string; windowDays?: number },
  shared?: DigestShared,
): Promise<Digest> {
  const today = opts.today;
  const since = addDays(today, -7);
  const common = shared ?? (await digestShared(s));
  const people = common.people;
  const managerRoles = opts.manager ? new Set((await s.directory.rolesOf({ aadObjectId: opts.manager.aadObjectId })).map((r) => roleKey(r.role))) : undefined;
  const reportRoles = managerRoles ? people.filter((p) => p.managerRole && managerRoles.has(roleKey(p.managerRole))).map((p) => roleKey(p.role)) : undefined;
  const plans = (await s.plans.listPlans()).filter((p) => !opts.planId || p.id === opts.planId);

  const items: ItemWithPlan[] = [];
  const moved: Movement[] = [];
  for (const p of plans) {
    const owned = reportRoles
      ? (await Promise.all([...new Set(reportRoles)].map((r) => s.plans.listByOwner(p.id, r)))).flat()
      : await s.plans.listAllItems(p.id);
    items.push(...owned.map((i) => ({ ...i, planName: p.name })));
    const refs = new Set(owned.map((i) => i.ref));
    for (const h of await s.plans.listHistorySince(p.id, `${since}T00:00:00Z`)) {
      if (!refs.has(h.ref)) continue;
      const m = movementOf(h, p.name);
      if (m) moved.push(m);
    }
  }
  // KPIs whose RAG moved this week (recorded in chat), whatever the plan: they are the board's too.
  for (const m of await s.kpis.listMovesSince(`${since}T00:00:00Z`)) {
    moved.push({ item: `KPI ${m.code}`, planName: m.name, change: 'RAG', from: m.from, to: m.to, direction: (RAG_RANK[m.to] ?? 1) > (RAG_RANK[m.from] ?? 1) ? 'worse' : 'better' });
  }
  const ragMix: Record<Rag, number> = { red: 0, amber: 0, green: 0, blue: 0, none: 0 };
  for (const i of items) if (i.kind === 'action') ragMix[i.rag]++;
  const dated = (i: ItemState) => (i.due.kind === 'date' ? i.due.date : '');
  const open = items.filter((i) => isOpen(i.status));
  return {
    title: opts.manager ? `Weekly digest for ${opts.manager.name}` : `Weekly digest: ${plans.map((p) => p.name).join(', ')}`,
    since,
    today,
    ragMix,
    moved,
    overdue: open.filter((i) => dated(i) && dated(i) < today).sort((a, b) => dated(a).localeCompare(dated(b))),
    dueSoon: open.filter((i) => dated(i) && dated(i) >= today && dated(i) <= addDays(today, opts.windowDays ?? 14)).sort((a, b) => dated(a).localeCompare(dated(b))),
    awaitingSignOff: items.filter((i) => i.status === 'awaiting_signoff'),
    kpisOffTarget: common.kpisOffTarget,
    unowned: common.unownedByPlan.get(opts.planId) ?? 0,
  };
}

import type { ActionDetail, HistoryEntry, ItemState, ItemSummary } from '../domain/planItem';
import type { Person, ProgressStatus, Rag } from '../domain/model';
import type { DueWindow } from '../domain/intent';
import type { PlanInfo } from '../domain/model';
import type { PlanItem } from '../domain/planItem';
import { addDays, endOfMonthOf, endOfWeekOf } from '../domain/clock';
import { roleKey } from '../domain/roles';
import { dueSortKey, isMovedBack, isOpen, onOwnersList } from '../domain/schedule';
import { RAGS, STATUS_TEXT, ragCounts } from '../domain/status';
import { heldRoleKeys, isUnowned } from '../domain/ownership';
import type { Caller, Services } from './context';

export interface Scope {
  /** Restrict to one plan (a channel linked to a plan); otherwise every plan. */
  planId?: string;
}

/**
 * An item in a list, with its plan's name. Lists are read from index rows (ItemSummary), so the
 * rest of the item (version, commentary, who updated it) is there only when the list read whole items.
 */
export interface ItemWithPlan extends ItemSummary, Partial<Omit<ItemState, keyof ItemSummary>> {
  planName: string;
}

/** A whole item with its plan's name: from lists that read the items themselves (sign-offs need the request's version and time). */
export type FullItemWithPlan = ItemState & { planName: string };

async function plansIn(s: Services, scope: Scope): Promise<PlanInfo[]> {
  const all = await s.plans.listPlans();
  return scope.planId ? all.filter((p) => p.id === scope.planId) : all;
}

const byDueThenRef = (a: ItemSummary, b: ItemSummary) => dueSortKey(a.due).localeCompare(dueSortKey(b.due)) || naturalRef(a, b);

/** One collator for every comparison: building one per call dominated "what's overdue" (see BENCHMARKS.md). */
const REF_COLLATOR = new Intl.Collator('en', { numeric: true });

export function naturalRef(a: Pick<ItemState, 'ref' | 'seq'>, b: Pick<ItemState, 'ref' | 'seq'>): number {
  const pa = a.ref.split('.');
  const pb = b.ref.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = REF_COLLATOR.compare(pa[i] ?? '', pb[i] ?? '');
    if (c) return c;
  }
  return (a.seq ?? 0) - (b.seq ?? 0);
}

export type MyActionsResult =
  | { kind: 'notInDirectory' }
  | { kind: 'ok'; roles: Person[]; items: ItemWithPlan[] };

/** Everything on the caller's list (items their roles own that are not complete), soonest due first. */
export async function myActions(s: Services, caller: Caller, scope: Scope): Promise<MyActionsResult> {
  const roles = await s.directory.rolesOf(caller);
  if (!roles.length) return { kind: 'notInDirectory' };
  return { kind: 'ok', roles, items: await ownerItems(s, scope, roles.map((r) => r.role)) };
}

export type MyActionsPage = { kind: 'notInDirectory' } | { kind: 'ok'; roles: Person[]; page: OverduePage };

/** "my actions" as a card shows it: ownerPage for the caller's roles. */
export async function myActionsPage(s: Services, caller: Caller, scope: Scope, need: number): Promise<MyActionsPage> {
  const roles = await s.directory.rolesOf(caller);
  if (!roles.length) return { kind: 'notInDirectory' };
  return { kind: 'ok', roles, page: await ownerPage(s, scope, roles.map((r) => r.role), need) };
}

/** Open items of the given owner roles (everything not complete), in every plan in scope, soonest due first. */
export async function ownerItems(s: Services, scope: Scope, ownerRoles: string[]): Promise<ItemWithPlan[]> {
  const plans = await plansIn(s, scope);
  const keys = [...new Set(ownerRoles.map(roleKey))];
  const lists = await Promise.all(plans.flatMap((p) => keys.map((key) => ownedByRole(s, p, key))));
  return dedupe(lists.flat()).sort(byDueThenRef);
}

/**
 * The first `need` items of ownerItems, with the count and RAG mix of all of them. Each (plan,
 * role) is one read of the store's owned index: the count and the page's rows, so the cost does
 * not grow with the plan or the list. A plan the store cannot answer that way (ownedOpenPage gives
 * undefined) is read whole, as ownerItems does.
 */
export async function ownerPage(s: Services, scope: Scope, ownerRoles: string[], need: number): Promise<OverduePage> {
  const plans = await plansIn(s, scope);
  // Two role names can share a key (roleKey folds case and spacing): each key is read and counted once.
  const keys = [...new Set(ownerRoles.map(roleKey))];
  const parts = await Promise.all(
    plans.flatMap((p) =>
      keys.map(async (key): Promise<OverduePage> => {
        const page = await s.plans.ownedOpenPage(p.id, key, need);
        if (page) return { items: page.items.map((i) => ({ ...i, planName: p.name })), total: page.total, rag: page.rag };
        const all = await ownedByRole(s, p, key);
        return { items: all, total: all.length, rag: ragCounts(all) };
      }),
    ),
  );
  const rag = ragCounts();
  let total = 0;
  for (const part of parts) {
    total += part.total;
    for (const k of Object.keys(rag) as Rag[]) rag[k] += part.rag[k];
  }
  const items = dedupe(parts.flatMap((p) => p.items)).sort(byDueThenRef);
  return { items: items.slice(0, need), total: Math.max(total, items.length), rag };
}

async function ownedByRole(s: Services, p: PlanInfo, role: string): Promise<ItemWithPlan[]> {
  return (await s.plans.listByOwner(p.id, role)).filter((i) => onOwnersList(i.status)).map((i) => ({ ...i, planName: p.name }));
}

function dedupe(items: ItemWithPlan[]): ItemWithPlan[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.planId}|${i.ref}|${i.seq ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}


export interface OverdueFilter {
  ownerRole?: string;
  /** Resolved owner roles (a person may hold several); when set, ownerRole is not used. */
  ownerRoles?: string[];
  priorityRef?: string;
  rag?: Rag;
}

/** The role keys an owner filter names (ownerRoles wins over ownerRole); undefined when it names none. */
function ownerKeysOf(filter: { ownerRole?: string; ownerRoles?: string[] }): string[] | undefined {
  return filter.ownerRoles ? filter.ownerRoles.map(roleKey) : filter.ownerRole ? [roleKey(filter.ownerRole)] : undefined;
}

function ownerMatcher(filter: { ownerRole?: string; ownerRoles?: string[] }): (i: ItemSummary) => boolean {
  const named = ownerKeysOf(filter);
  const keys = named && new Set(named);
  return (i) => !keys || (!!i.ownerRole && keys.has(roleKey(i.ownerRole)));
}

const inPriority = (ref: string | undefined) => (i: ItemSummary | PlanItem) => !ref || priorityOf(i as PlanItem) === ref || i.ref === ref || i.ref.startsWith(ref + '.');

/**
 * Whether a list row (action or milestone) is in a priority. Index rows do not carry the action's
 * priority, and a ref need not start with it ("ASC01" in priority 1), so the refs of the actions
 * naming it come from the store's members row, or from the plan read whole when it keeps none.
 */
async function priorityMatcher(s: Services, p: PlanInfo, ref: string | undefined): Promise<(i: ItemSummary) => boolean> {
  if (!ref) return () => true;
  const named = (await s.plans.priorityMembers(p.id, p.revision))?.[ref] ?? (await s.plans.listAllItems(p.id)).filter((e) => e.kind === 'action' && priorityOf(e) === ref).map((e) => e.ref);
  const refs = new Set(named);
  return (i) => i.ref === ref || i.ref.startsWith(ref + '.') || refs.has(i.ref);
}

export async function overdue(s: Services, scope: Scope, filter: OverdueFilter = {}): Promise<ItemWithPlan[]> {
  const today = s.clock.today();
  const plans = await plansIn(s, scope);
  // "Overdue for X" reads X's rows from the owner index where the store has one; the filters below
  // still apply to whichever rows came back, so both reads give the same list.
  const ownerKeys = ownerKeysOf(filter) ?? [];
  const dueBefore = async (p: PlanInfo) => (ownerKeys.length ? await s.plans.ownedDueBefore(p.id, ownerKeys, today) : undefined) ?? s.plans.listOpenDueBefore(p.id, today);
  const lists = await Promise.all(
    plans.map(async (p) => {
      const [rows, inIt] = await Promise.all([dueBefore(p), priorityMatcher(s, p, filter.priorityRef)]);
      return rows.filter(inIt).map((i) => ({ ...i, planName: p.name }));
    }),
  );
  return lists
    .flat()
    .filter(ownerMatcher(filter))
    .filter((i) => !filter.rag || i.rag === filter.rag)
    .sort(byDueThenRef);
}

export interface OverduePage {
  /** The first `need` items of the full overdue list (in its order), or all of them if fewer. */
  items: ItemWithPlan[];
  /** How many items the full list has, and their RAG mix. */
  total: number;
  rag: Record<Rag, number>;
}

/**
 * "what's overdue" as a card shows it: the first `need` items, with the count and RAG mix of all.
 * Unfiltered, it reads each plan's due summary row and only the rows the page needs, in one range
 * read (PlanRepository.overdueFirst), so its cost does not grow with the plan.
 * A filter (owner, priority, RAG) is applied to every overdue row, as overdue() does.
 */
export async function overduePage(s: Services, scope: Scope, filter: OverdueFilter, need: number): Promise<OverduePage> {
  // Any filter takes the full read: the summary counts the whole unfiltered list. (A new field in
  // OverdueFilter must be added here too.)
  if (filter.ownerRole || filter.ownerRoles?.length || filter.priorityRef || filter.rag) {
    const all = await overdue(s, scope, filter);
    return { items: all.slice(0, need), total: all.length, rag: ragCounts(all) };
  }
  const today = s.clock.today();
  const plans = await plansIn(s, scope);
  const perPlan = await Promise.all(
    plans.map(async (p) => {
      const { items, counts } = await s.plans.overdueFirst(p.id, today, need, p.revision);
      return { items: items.map((i) => ({ ...i, planName: p.name })), counts };
    }),
  );
  const rag = ragCounts();
  let total = 0;
  for (const { counts } of perPlan) {
    total += counts.total;
    for (const r of Object.keys(rag) as Rag[]) rag[r] += counts.rag[r];
  }
  const items = perPlan.flatMap((p) => p.items).sort(byDueThenRef);
  return { items: items.slice(0, need), total: Math.max(total, items.length), rag };
}

export function windowEnd(today: string, window: DueWindow): { from: string; to: string; label: string } {
  switch (window.kind) {
    case 'days':
      return { from: today, to: addDays(today, window.days), label: `in the next ${window.days} days` };
    case 'thisWeek':
      return { from: today, to: endOfWeekOf(today), label: 'this week' };
    case 'nextWeek': {
      const start = addDays(endOfWeekOf(today), 1);
      return { from: start, to: endOfWeekOf(start), label: 'next week' };
    }
    case 'thisMonth':
      return { from: today, to: endOfMonthOf(today), label: 'this month' };
    case 'nextMonth': {
      const start = addDays(endOfMonthOf(today), 1);
      return { from: start, to: endOfMonthOf(start), label: 'next month' };
    }
    case 'range':
      return { from: window.from, to: window.to, label: window.label };
  }
}

export async function dueSoon(s: Services, scope: Scope, window: DueWindow, owner: { ownerRoles?: string[] } = {}): Promise<{ label: string; items: ItemWithPlan[] }> {
  const { from, to, label } = windowEnd(s.clock.today(), window);
  const plans = await plansIn(s, scope);
  const lists = await Promise.all(plans.map(async (p) => (await s.plans.listOpenDueBetween(p.id, from, to)).map((i) => ({ ...i, planName: p.name }))));
  return { label, items: lists.flat().filter(ownerMatcher(owner)).sort(byDueThenRef) };
}

/** "Who's behind": overdue items grouped by owner, the most overdue owners first. */
export async function behind(s: Services, scope: Scope): Promise<{ owner: string; items: ItemWithPlan[] }[]> {
  const items = await overdue(s, scope);
  const groups = new Map<string, { owner: string; items: ItemWithPlan[] }>();
  for (const i of items) {
    const owner = i.ownerRole ?? 'No lead named';
    const k = roleKey(owner);
    if (!groups.has(k)) groups.set(k, { owner, items: [] });
    groups.get(k)!.items.push(i);
  }
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length || a.owner.localeCompare(b.owner));
}

/**
 * "What's slipping": open items whose due date has been moved back, plus open items rated Red or
 * Amber that are overdue or fall due within 30 days. Soonest first.
 */
export async function slipping(s: Services, scope: Scope, owner: { ownerRoles?: string[] } = {}): Promise<ItemWithPlan[]> {
  const today = s.clock.today();
  const soon = addDays(today, 30);
  const plans = await plansIn(s, scope);
  const lists = await Promise.all(
    plans.map(async (p) => {
      // From the store's moved| index and the due| rows up to `soon` when it keeps them; otherwise every item.
      const items: ItemSummary[] =
        (await s.plans.listSlipping(p.id, soon)) ??
        (await s.plans.listAllItems(p.id)).filter((e) => isOpen(e.status) && (isMovedBack(e) || ((e.rag === 'red' || e.rag === 'amber') && e.due.kind === 'date' && e.due.date <= soon)));
      return items.map((e) => ({ ...e, planName: p.name }));
    }),
  );
  return lists.flat().filter(ownerMatcher(owner)).sort(byDueThenRef);
}

/** Items awaiting sign-off (from the store's awaiting index when it keeps one); `managerRoles` narrows to those whose owner reports to one of them. */
export async function awaitingSignOff(s: Services, scope: Scope, managerRoles?: string[]): Promise<FullItemWithPlan[]> {
  const [plans, people] = await Promise.all([plansIn(s, scope), s.directory.listAll()]);
  const managerOf = new Map(people.map((p) => [roleKey(p.role), p.managerRole ? roleKey(p.managerRole) : undefined]));
  const mine = managerRoles ? new Set(managerRoles.map(roleKey)) : undefined;
  const lists = await Promise.all(
    plans.map(async (p) =>
      ((await s.plans.listAwaitingSignOff(p.id)) ?? (await s.plans.listAllItems(p.id)))
        .filter((e) => e.status === 'awaiting_signoff')
        .filter((e) => !mine || (!!e.ownerRole && mine.has(managerOf.get(roleKey(e.ownerRole)) ?? '')))
        .map((e) => ({ ...e, planName: p.name })),
    ),
  );
  return lists.flat().sort(byDueThenRef);
}

export interface ActionView {
  action: ActionDetail;
  planName: string;
  /** Set when the ref named a milestone ("2.1.3" = third milestone of 2.1). */
  focusSeq?: number;
  lead?: Person;
  history: HistoryEntry[];
}

/** One ref may exist in several plans; every match is returned so the card can show them all. */
export async function findAction(s: Services, scope: Scope, ref: string): Promise<ActionView[]> {
  const plans = await plansIn(s, scope);
  const found = await Promise.all(
    plans.map(async (p) => {
      let read = await s.plans.getActionWithHistory(p.id, ref);
      let focusSeq: number | undefined;
      const parts = ref.split('.');
      if (!read && parts.length >= 3) {
        // "2.1.3" in a layout whose actions are two-part: the third milestone of 2.1.
        read = await s.plans.getActionWithHistory(p.id, parts.slice(0, -1).join('.'));
        focusSeq = Number(parts[parts.length - 1]);
        if (read && !read.action.milestones.some((m) => m.seq === focusSeq)) read = undefined;
      }
      if (!read) return undefined;
      const { action, history } = read;
      const lead = action.ownerRole ? await s.directory.findByRole(action.ownerRole) : undefined;
      return { action, planName: p.name, focusSeq, lead, history } satisfies ActionView;
    }),
  );
  return found.filter((f): f is NonNullable<typeof f> => f !== undefined) as ActionView[];
}

export async function priorityItems(s: Services, scope: Scope, ref: string): Promise<{ title?: string; items: ItemWithPlan[] }> {
  const plans = await plansIn(s, scope);
  let title: string | undefined;
  const lists = await Promise.all(
    plans.map(async (p) => {
      // The store's members row when it is of this revision (one query, or two); otherwise every item.
      const indexed = await s.plans.priorityActions(p.id, ref, p.revision);
      title ??= indexed ? indexed.title : (await s.plans.listPriorities(p.id)).find((x) => x.ref === ref)?.title;
      const all = indexed?.actions ?? (await s.plans.listAllItems(p.id));
      return all.filter((e) => e.kind === 'action' && (priorityOf(e) === ref || e.ref.startsWith(ref + '.'))).map((e) => ({ ...e, planName: p.name }));
    }),
  );
  return { title, items: lists.flat().sort(naturalRef) };
}

/** The priority an item belongs to, for actions that carry one. */
function priorityOf(e: PlanItem): string | undefined {
  return 'priorityRef' in e ? e.priorityRef : undefined;
}

/** Every open action rated `rag` (milestones are not listed), in scope, in ref order. */
export async function byRag(s: Services, scope: Scope, rag: Rag, priorityRef?: string, owner: { ownerRoles?: string[] } = {}): Promise<ItemWithPlan[]> {
  return (await byRagPage(s, scope, rag, { priorityRef, ...owner }, Infinity)).items;
}

/**
 * "what's red" as a card shows it: the first `need` open actions rated `rag`, in ref order, with how
 * many there are. Each plan is one read of the store's rag| index (its count row and the page's
 * rows), so the cost does not grow with the plan; with an owner or priority filter, every action of
 * that RAG is read and filtered (still not the rest of the plan; a priority's actions come from the
 * store's members row, as for overdue, since index rows do not carry an action's priority and its
 * ref need not say it). A plan the store cannot answer that way (openActionsByRag gives undefined)
 * is read whole.
 */
export async function byRagPage(s: Services, scope: Scope, rag: Rag, filter: { priorityRef?: string; ownerRoles?: string[] }, need: number): Promise<OverduePage> {
  const plans = await plansIn(s, scope);
  const filtered = !!filter.ownerRoles?.length || !!filter.priorityRef;
  const owned = ownerMatcher(filter);
  const parts = await Promise.all(
    plans.map(async (p): Promise<{ items: ItemWithPlan[]; total: number }> => {
      const [page, inIt] = await Promise.all([s.plans.openActionsByRag(p.id, rag, filtered ? Infinity : need), filter.priorityRef ? priorityMatcher(s, p, filter.priorityRef) : undefined]);
      if (page) {
        const items = page.items.filter(owned).filter((i) => !inIt || inIt(i)).map((i) => ({ ...i, planName: p.name }));
        return { items, total: filtered ? items.length : page.total };
      }
      const all = (await s.plans.listAllItems(p.id))
        .filter((e) => e.kind === 'action' && e.rag === rag && isOpen(e.status))
        .filter(inPriority(filter.priorityRef))
        .filter(owned)
        .map((e) => ({ ...e, planName: p.name }));
      return { items: all, total: all.length };
    }),
  );
  const items = parts.flatMap((p) => p.items).sort(naturalRef);
  const total = parts.reduce((n, p) => n + p.total, 0);
  const counts = ragCounts();
  counts[rag] = Math.max(total, items.length);
  return { items: items.slice(0, need), total: counts[rag], rag: counts };
}

export interface PlanSummary {
  planId: string;
  planName: string;
  actions: number;
  milestones: number;
  rag: Record<Rag, number>;
  status: Record<string, number>;
  overdue: number;
  unowned: number;
  noDueDate: number;
}

/**
 * Each plan's counts for the summary card. From the store's counters when it keeps them
 * (PlanStore.planCounts: one query, whatever the plan's size), otherwise from every item.
 */
export async function summary(s: Services, scope: Scope): Promise<PlanSummary[]> {
  const today = s.clock.today();
  const [plans, people] = await Promise.all([plansIn(s, scope), s.directory.listAll()]);
  const known = heldRoleKeys(people);
  return Promise.all(
    plans.map(async (p) => {
      const out: PlanSummary = { planId: p.id, planName: p.name, actions: 0, milestones: 0, rag: ragCounts(), status: {}, overdue: 0, unowned: 0, noDueDate: 0 };
      const status: Partial<Record<ProgressStatus, number>> = {};
      const counts = await s.plans.planCounts(p.id, today, p.revision);
      if (counts) {
        for (const g of counts.groups) {
          const n = RAGS.reduce((t, r) => t + g.rag[r], 0);
          if (!n) continue;
          if (g.kind === 'milestone') {
            out.milestones += n;
            continue;
          }
          out.actions += n;
          for (const r of RAGS) out.rag[r] += g.rag[r];
          status[g.status] = (status[g.status] ?? 0) + n;
          if (g.dueKind === 'none') out.noDueDate += n;
        }
        // Open actions only, as "unowned", the digest and the board pack count them (domain/ownership).
        out.unowned = counts.openActionsByOwner.filter((o) => !o.roleKey || !known.has(o.roleKey)).reduce((t, o) => t + o.count, 0);
        out.overdue = counts.overdue;
      } else {
        for (const e of await s.plans.listAllItems(p.id)) {
          const due = e.due;
          if (e.kind === 'milestone') out.milestones++;
          else {
            out.actions++;
            out.rag[e.rag]++;
            status[e.status] = (status[e.status] ?? 0) + 1;
            if (isUnowned(e, known)) out.unowned++;
            if (due.kind === 'none') out.noDueDate++;
          }
          if (due.kind === 'date' && due.date < today && isOpen(e.status)) out.overdue++;
        }
      }
      // Statuses in the one order every card uses (domain/status STATUS_TEXT).
      for (const k of Object.keys(STATUS_TEXT) as ProgressStatus[]) if (status[k]) out.status[k] = status[k];
      return out;
    }),
  );
}

/** Open actions whose lead is missing or held by nobody in the directory, in ref order; from the store's lead index when it keeps one. */
export async function unowned(s: Services, scope: Scope): Promise<ItemWithPlan[]> {
  const [plans, people] = await Promise.all([plansIn(s, scope), s.directory.listAll()]);
  const known = heldRoleKeys(people);
  const lists = await Promise.all(
    plans.map(async (p) => {
      const indexed = await s.plans.unownedActions(p.id, known);
      const items: ItemSummary[] = indexed ?? (await s.plans.listAllItems(p.id)).filter((e) => isUnowned(e, known));
      return items.map((e) => ({ ...e, planName: p.name }));
    }),
  );
  return lists.flat().sort(naturalRef);
}

export async function whoIs(s: Services, role: string): Promise<{ person?: Person; manager?: Person }> {
  const person = await s.directory.findByRole(role);
  const manager = person?.managerRole ? await s.directory.findByRole(person.managerRole) : undefined;
  return { person, manager };
}

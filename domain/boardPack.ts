import type { Due, KpiDefinition, Priority, ProgressStatus, Rag } from './model';
import type { ItemState } from './planItem';
import { itemLabel } from './planItem';
import { daysOverdue, isOpen } from './schedule';
import { daysSinceUpdate, isStale } from './reminders';
import { directionOfTravel, kpiRag, type Direction } from './kpi';
import { formatDue } from './dueDate';
import { roleKey } from './roles';
import { isUnowned } from './ownership';
import { previousWorkingDay } from './workingTime';
import { ragBadness, ragCounts, ragLabel } from './status';

/**
 * The board pack: an "as at" highlight report of one plan for an improvement board or scrutiny
 * committee. Everything here is pure: a frozen PlanSnapshot (and the one before it) in, the pack's
 * sections out, so an old pack computed again from its stored snapshot comes out the same.
 *
 * Every count uses the same rules as the chat questions: overdue is domain/schedule's, "no update"
 * is the stale rule the nudges use (domain/reminders), unowned is domain/ownership's `isUnowned`, RAG for KPIs is
 * domain/kpi's polarity-and-tolerance rule.
 */

export const SNAPSHOT_VERSION = 1;

/** An item as frozen into a snapshot: its state, its priority, and why its date moved (if it did). */
export interface SnapshotItem extends Omit<ItemState, 'planId' | 'lastRequestId'> {
  priorityRef?: string;
  priorityTitle?: string;
  /** Commentary given with the latest change of due date, from the item's history. */
  revisionReason?: string;
}

export interface SnapshotKpi {
  def: KpiDefinition;
  latest?: { period: string; value: number };
  previous?: { period: string; value: number };
}

export interface Meeting {
  /** ISO date of the meeting. */
  date: string;
  title?: string;
}

/** Everything a pack needs, frozen. Stored as it is; never changed once written. */
export interface PlanSnapshot {
  version: typeof SNAPSHOT_VERSION;
  planId: string;
  planName: string;
  /** The day the pack is "as at" (ISO date, Europe/London). */
  asAt: string;
  /** The instant the snapshot was taken (ISO timestamp). */
  takenAt: string;
  meeting?: Meeting;
  staleDays: number;
  priorities: Priority[];
  items: SnapshotItem[];
  /** Directory as at the snapshot: role label → holder's name. Unowned is judged against it. */
  owners: Record<string, string>;
  kpis: SnapshotKpi[];
}

// Unowned is domain/ownership's rule, re-exported so the pack's callers need not know where it lives.
export { isUnowned };

// ---------------------------------------------------------------------------------------------
// The pack

export interface PackRow {
  label: string;
  kind: 'action' | 'milestone';
  title: string;
  priorityRef?: string;
  ownerRole?: string;
  ownerName?: string;
  /** Due as people read it ("31 Jan 2027", "Monthly"); dueDate is the ISO date when there is one. */
  due: string;
  dueDate?: string;
  /** The date first planned, when it was revised, and the reason given. */
  originalDue?: string;
  originalDueDate?: string;
  revisionReason?: string;
  status: ProgressStatus;
  rag: Rag;
  commentary?: string;
  /** ISO date of the latest update. */
  updatedOn?: string;
  daysOverdue: number;
  daysSinceUpdate?: number;
  evidenceUrl?: string;
}

export interface Movement {
  row: PackRow;
  /** What it was in the previous pack (RAG, status or due), as people read it. */
  from: string;
  to: string;
}

export type KpiGroup = 'going well' | 'ones to watch' | 'things to do better';

export interface KpiRow {
  code: string;
  name: string;
  unit: string;
  latest?: number;
  period?: string;
  previous?: number;
  target: number;
  polarity: 'higher' | 'lower';
  tolerance: number;
  rag?: Rag;
  direction: Direction | 'no value yet';
  statNeighbours?: number;
  england?: number;
  group: KpiGroup;
}

export interface PriorityMix {
  ref?: string;
  title: string;
  actions: number;
  rag: Record<Rag, number>;
  status: Record<ProgressStatus, number>;
}

export interface BoardPack {
  planId: string;
  planName: string;
  asAt: string;
  takenAt: string;
  meeting?: Meeting;
  staleDays: number;
  /** As-at date of the pack this one is compared with; undefined for the first pack. */
  previousAsAt?: string;
  totals: {
    actions: number;
    milestones: number;
    rag: Record<Rag, number>;
    status: Record<ProgressStatus, number>;
    overdue: number;
    stale: number;
    unowned: number;
    awaitingSignOff: number;
    exceptions: number;
  };
  byPriority: PriorityMix[];
  /** Every action and milestone, in plan order. */
  rows: PackRow[];
  /** Undefined for the first pack: there is nothing to compare with. */
  movement?: { improved: Movement[]; worsened: Movement[]; completed: Movement[]; added: PackRow[]; revisedDates: Movement[] };
  exceptions: PackRow[];
  overdue: PackRow[];
  stale: PackRow[];
  unowned: PackRow[];
  awaitingSignOff: PackRow[];
  /** Complete (signed off) since the previous pack; for the first pack, everything complete to date. */
  completedSinceLast: PackRow[];
  kpis: KpiRow[];
}

const STATUSES: readonly ProgressStatus[] = ['not_on_track', 'some_issues', 'on_track', 'not_started', 'awaiting_signoff', 'complete', 'bau'];

const zeroStatus = (): Record<ProgressStatus, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ProgressStatus, number>;


const REF_COLLATOR = new Intl.Collator('en', { numeric: true });

/** Plan order: 2.10 after 2.9, a milestone after its action. */
export function comparePlanOrder(a: { label: string; kind?: string }, b: { label: string; kind?: string }): number {
  const pa = a.label.split('.');
  const pb = b.label.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = REF_COLLATOR.compare(pa[i] ?? '', pb[i] ?? '');
    if (c) return c;
  }
  return 0;
}

const keyOf = (i: Pick<SnapshotItem, 'ref' | 'seq'>) => `${i.ref}|${i.seq ?? ''}`;
const dueKey = (d: Due) => (d.kind === 'date' ? d.date : d.kind === 'recurring' ? `r:${d.recurrence}` : 'none');

function rowOf(i: SnapshotItem, owners: Map<string, string>, asAt: string): PackRow {
  const revised = i.originalDue && dueKey(i.originalDue) !== dueKey(i.due) ? i.originalDue : undefined;
  return {
    label: itemLabel(i),
    kind: i.kind,
    title: i.title,
    priorityRef: i.priorityRef,
    ownerRole: i.ownerRole,
    ownerName: i.ownerRole ? owners.get(roleKey(i.ownerRole)) : undefined,
    due: formatDue(i.due),
    dueDate: i.due.kind === 'date' ? i.due.date : undefined,
    originalDue: revised ? formatDue(revised) : undefined,
    originalDueDate: revised?.kind === 'date' ? revised.date : undefined,
    revisionReason: revised ? i.revisionReason : undefined,
    status: i.status,
    rag: i.rag,
    commentary: i.commentary,
    updatedOn: i.updatedAt?.slice(0, 10),
    daysOverdue: daysOverdue(i.due, i.status, asAt),
    daysSinceUpdate: daysSinceUpdate(i, asAt),
    evidenceUrl: i.evidenceUrl,
  };
}

/**
 * KPI groups as the councils' own reports put them: red is a thing to do better; amber, or green
 * but getting worse, or no figure yet, is one to watch; green and holding or improving is going well.
 */
export function kpiGroup(rag: Rag | undefined, direction: Direction | 'no value yet'): KpiGroup {
  if (rag === 'red') return 'things to do better';
  if (rag === 'green' && direction !== 'worsening') return 'going well';
  return 'ones to watch';
}

export function kpiRow(k: SnapshotKpi): KpiRow {
  const rag = k.latest ? kpiRag(k.def, k.latest.value) : undefined;
  const direction = k.latest ? directionOfTravel(k.def, k.latest.value, k.previous?.value) : 'no value yet';
  return {
    code: k.def.code,
    name: k.def.name,
    unit: k.def.unit,
    latest: k.latest?.value,
    period: k.latest?.period,
    previous: k.previous?.value,
    target: k.def.target,
    polarity: k.def.polarity,
    tolerance: k.def.tolerance,
    rag,
    direction,
    statNeighbours: k.def.statNeighbours,
    england: k.def.england,
    group: kpiGroup(rag, direction),
  };
}

export function buildBoardPack(snap: PlanSnapshot, previous?: PlanSnapshot): BoardPack {
  const owners = new Map(Object.entries(snap.owners).map(([role, name]) => [roleKey(role), name]));
  const known = new Set(owners.keys());
  const prioTitle = new Map(snap.priorities.map((p) => [p.ref, p.title]));
  // A milestone belongs to its action's priority.
  const actionPriority = new Map(snap.items.filter((i) => i.kind === 'action').map((i) => [i.ref, i.priorityRef]));
  const items = snap.items
    .map((i) => (i.kind === 'milestone' && !i.priorityRef ? { ...i, priorityRef: actionPriority.get(i.ref) } : i))
    .map((i) => ({ item: i, row: rowOf(i, owners, snap.asAt) }))
    .sort((a, b) => comparePlanOrder(a.row, b.row));
  const actions = items.filter((x) => x.item.kind === 'action');

  const totals: BoardPack['totals'] = {
    actions: actions.length,
    milestones: items.length - actions.length,
    rag: ragCounts(),
    status: zeroStatus(),
    overdue: 0,
    stale: 0,
    unowned: 0,
    awaitingSignOff: 0,
    exceptions: 0,
  };
  const prio = new Map<string, PriorityMix>();
  for (const { item } of actions) {
    totals.rag[item.rag]++;
    totals.status[item.status]++;
    const k = item.priorityRef ?? '';
    let mix = prio.get(k);
    if (!mix) {
      mix = { ref: item.priorityRef, title: item.priorityRef ? (prioTitle.get(item.priorityRef) ?? item.priorityTitle ?? `Priority ${item.priorityRef}`) : 'No priority given', actions: 0, rag: ragCounts(), status: zeroStatus() };
      prio.set(k, mix);
    }
    mix.actions++;
    mix.rag[item.rag]++;
    mix.status[item.status]++;
  }

  const exceptions = actions.filter(({ item }) => isOpen(item.status) && (item.rag === 'red' || item.rag === 'amber')).map((x) => x.row);
  const overdue = items.filter(({ row }) => row.daysOverdue > 0).map((x) => x.row);
  const stale = items.filter(({ item }) => isStale(item, snap.asAt, snap.staleDays)).map((x) => x.row);
  const unowned = actions.filter(({ item }) => isUnowned(item, known)).map((x) => x.row);
  const awaitingSignOff = items.filter(({ item }) => item.status === 'awaiting_signoff').map((x) => x.row);
  totals.overdue = overdue.length;
  totals.stale = stale.length;
  totals.unowned = unowned.length;
  totals.awaitingSignOff = awaitingSignOff.length;
  totals.exceptions = exceptions.length;

  let movement: BoardPack['movement'];
  let completedSinceLast: PackRow[];
  if (previous) {
    const before = new Map(previous.items.map((i) => [keyOf(i), i]));
    movement = { improved: [], worsened: [], completed: [], added: [], revisedDates: [] };
    for (const { item, row } of items) {
      const was = before.get(keyOf(item));
      if (!was) {
        movement.added.push(row);
        continue;
      }
      const nowDone = item.status === 'complete' || item.status === 'awaiting_signoff';
      const wasDone = was.status === 'complete' || was.status === 'awaiting_signoff';
      if (nowDone && !wasDone) movement.completed.push({ row, from: ragWord(was.rag), to: ragWord(item.rag) });
      else {
        // ragBadness ranks "no rating" with green: a move from it into red or amber is a worsening
        // the board must see, a move to green is not news.
        const a = ragBadness(was.rag);
        const b = ragBadness(item.rag);
        if (b < a) movement.improved.push({ row, from: ragWord(was.rag), to: ragWord(item.rag) });
        if (b > a) movement.worsened.push({ row, from: ragWord(was.rag), to: ragWord(item.rag) });
      }
      if (dueKey(was.due) !== dueKey(item.due)) movement.revisedDates.push({ row, from: formatDue(was.due), to: formatDue(item.due) });
    }
    completedSinceLast = items.filter(({ item }) => item.status === 'complete' && before.get(keyOf(item))?.status !== 'complete').map((x) => x.row);
  } else {
    completedSinceLast = items.filter(({ item }) => item.status === 'complete').map((x) => x.row);
  }

  return {
    planId: snap.planId,
    planName: snap.planName,
    asAt: snap.asAt,
    takenAt: snap.takenAt,
    meeting: snap.meeting,
    staleDays: snap.staleDays,
    previousAsAt: previous?.asAt,
    totals,
    byPriority: [...prio.values()].sort((a, b) => (a.ref === undefined ? 1 : b.ref === undefined ? -1 : comparePlanOrder({ label: a.ref }, { label: b.ref }))),
    rows: items.map((x) => x.row),
    movement,
    exceptions,
    overdue,
    stale,
    unowned,
    awaitingSignOff,
    completedSinceLast,
    kpis: snap.kpis.map(kpiRow).sort((a, b) => REF_COLLATOR.compare(a.code, b.code)),
  };
}

const ragWord = ragLabel;

export const KPI_GROUPS: readonly KpiGroup[] = ['going well', 'ones to watch', 'things to do better'];

/**
 * The day a meeting's pack is made: `workingDaysBefore` working days before the meeting (weekends
 * skipped; bank holidays are not known, as elsewhere). 0 means the meeting day itself.
 */
export function packDay(meetingDate: string, workingDaysBefore: number): string {
  let d = meetingDate;
  for (let i = 0; i < workingDaysBefore; i++) d = previousWorkingDay(d);
  return d;
}

import type { PlanInfo, Priority, Rag } from '../../domain/model';
import type { ActionDetail, HistoryEntry, ItemState, ItemSummary, PlanItem } from '../../domain/planItem';

// Why this port: use cases read and write plans through it, so a test or another store can stand in for Table Storage (storage/planRepository.ts implements it).

export type { PlanItem } from '../../domain/planItem';

export interface OverdueCounts {
  total: number;
  rag: Record<Rag, number>;
}

/** A page of an owner's list with the count and RAG mix of the whole list. */
export interface OwnedPage {
  items: ItemSummary[];
  total: number;
  rag: Record<Rag, number>;
}

/** A plan's counts for its summary, from counters rather than its items (PlanStore.planCounts). */
export interface PlanCounts {
  /** Every item by kind, status and kind of due date, with each group's RAG mix. */
  groups: { kind: PlanItem['kind']; status: PlanItem['status']; dueKind: PlanItem['due']['kind']; rag: Record<Rag, number> }[];
  /** Open actions (domain/schedule.isOpen) per owner role key (domain/roles.roleKey); undefined: no lead named. */
  openActionsByOwner: { roleKey: string | undefined; count: number }[];
  /** Open items due before the day asked about. */
  overdue: number;
}

/** `recent`: after a save of a LoadedForUpdate, the action's last RECENT_CHANGES changes with this one, newest first, when the store kept them. */
export type SaveResult = { ok: true; recent?: HistoryEntry[] } | { ok: false; reason: 'conflict' };

/** Opaque to callers: what the store read the item at (an ETag in Table Storage), so a save can insist nothing moved since. */
declare const tokenBrand: unique symbol;
export type ConcurrencyToken = string & { readonly [tokenBrand]: true };

/** Opaque to callers: the latest changes a store keeps beside an item, handed back unchanged when the item is written. */
declare const keptBrand: unique symbol;
export type KeptChanges = string & { readonly [keptBrand]: true };

export interface LoadedItem {
  item: ItemState;
  token: ConcurrencyToken;
  /** The item's own latest changes as the store keeps them (undefined: it keeps none); pass the loaded item back whole. */
  kept?: KeptChanges;
}

/**
 * An action and its milestones as read for an update: the item to change with its token, and the
 * whole action, so the card after a save is built from what was read and written, not read again.
 */
export interface LoadedForUpdate extends LoadedItem {
  action: ActionDetail;
  /** The action's latest changes as the store keeps them on its rows (undefined: it keeps none for some row); a save reports them with its own. */
  actionKept?: KeptChanges;
}

/** One item an import writes: new (no previous), or changed from `previous` as read with `token` (and `kept`). */
export interface ImportWrite {
  item: ItemState | ActionDetail;
  previous?: ItemState;
  token?: ConcurrencyToken;
  kept?: KeptChanges;
  history?: HistoryEntry;
}

/** Plans and everything in them: the methods use cases, proactive planning and tools call. */
export interface PlanStore {
  /** The live plans: what questions, digests and reminders see. Archived plans are left out. */
  listPlans(): Promise<PlanInfo[]>;
  /** Every plan, archived ones included: for admins (archive, export, import). */
  listAllPlans(): Promise<PlanInfo[]>;
  /** Archive (or, with undefined, restore) a plan. */
  setArchived(planId: string, archivedAt: string | undefined): Promise<void>;
  savePlan(plan: PlanInfo): Promise<void>;
  getAction(planId: string, ref: string): Promise<ActionDetail | undefined>;
  /** An action with its last RECENT_CHANGES changes (its milestones' included), newest first: what its card shows. */
  getActionWithHistory(planId: string, ref: string): Promise<{ action: ActionDetail; history: HistoryEntry[] } | undefined>;
  /** Every action (with its plan fields, without milestones) and every milestone in a plan. */
  listAllItems(planId: string): Promise<PlanItem[]>;
  /** Open dated items due strictly before `beforeDate`, oldest first. */
  listOpenDueBefore(planId: string, beforeDate: string): Promise<ItemSummary[]>;
  /**
   * The first `need` open items due strictly before `beforeDate`, plus every other item due on the
   * last of those dates, with how many open items are due before it by RAG: "what's overdue" in one read.
   */
  overdueFirst(planId: string, beforeDate: string, need: number, revision: string | undefined): Promise<{ items: ItemSummary[]; counts: OverdueCounts }>;
  /**
   * listOpenDueBefore for the items some owner roles hold (role keys), read from an owner index, so
   * "overdue for X" costs that owner's overdue rows, not the plan's. undefined when this store cannot
   * answer it from an index for this plan: read listOpenDueBefore and filter.
   */
  ownedDueBefore(planId: string, ownerRoleKeys: string[], beforeDate: string): Promise<ItemSummary[] | undefined>;
  /** Open dated items due from `fromDate` to `toDate` inclusive, soonest first. */
  listOpenDueBetween(planId: string, fromDate: string, toDate: string): Promise<ItemSummary[]>;
  /** Every item an owner role holds, complete or not. */
  listByOwner(planId: string, ownerRoleKey: string): Promise<ItemSummary[]>;
  /**
   * The first `need` items of an owner role's list (not complete; domain/schedule.onOwnersList) in
   * due order, plus any others due on the last of those dates, with the whole list's count and RAG
   * mix. undefined when this store cannot answer it from an index for this plan: read listByOwner.
   */
  ownedOpenPage(planId: string, ownerRoleKey: string, need: number): Promise<OwnedPage | undefined>;
  /**
   * The first `need` open actions (domain/schedule.isOpen; milestones are not listed) rated `rag`, in
   * ref order (planQueries naturalRef), with how many there are. undefined when this store cannot
   * answer it from an index for this plan: read listAllItems.
   */
  openActionsByRag(planId: string, rag: Rag, need: number): Promise<OwnedPage | undefined>;
  /**
   * The counts a summary of the plan shows, as at `today`, without reading its items. undefined
   * when this store cannot answer it from counters for this plan: read listAllItems.
   */
  planCounts(planId: string, today: string, revision: string | undefined): Promise<PlanCounts | undefined>;
  /**
   * The open actions whose owner role is none or not in `heldRoleKeys` (domain/ownership.isUnowned),
   * without reading the other actions. undefined when this store cannot answer it from an index for
   * this plan: read listAllItems.
   */
  unownedActions(planId: string, heldRoleKeys: ReadonlySet<string>): Promise<ItemSummary[] | undefined>;
  /**
   * Every item awaiting sign-off, whole (the request's time and version), without reading the rest
   * of the plan. undefined when this store cannot answer it from an index for this plan: read listAllItems.
   */
  listAwaitingSignOff(planId: string): Promise<ItemState[] | undefined>;
  /**
   * "What's slipping": open items whose due date moved back (domain/schedule.isMovedBack), and open
   * items rated Red or Amber due on or before `soonDate`, each once, without reading the rest of the
   * plan. undefined when this store cannot answer it from an index for this plan: read listAllItems.
   */
  listSlipping(planId: string, soonDate: string): Promise<ItemSummary[] | undefined>;
  /**
   * A priority's title and actions: those naming it as their priority and those whose ref starts with it
   * and a dot, without reading the rest of the plan. undefined when this store cannot answer it that
   * way for this revision of the plan: read listAllItems.
   */
  priorityActions(planId: string, priorityRef: string, revision: string | undefined): Promise<{ title?: string; actions: PlanItem[] } | undefined>;
  /** Each priority's action refs (those naming it as their priority), as at `revision`; undefined when this store does not keep them for it. */
  priorityMembers(planId: string, revision: string | undefined): Promise<Record<string, string[]> | undefined>;
  listPriorities(planId: string): Promise<Priority[]>;
  /** An item's history, newest first. */
  listHistory(planId: string, ref: string, top?: number): Promise<HistoryEntry[]>;
  /** Every change in a plan since an instant. */
  listHistorySince(planId: string, sinceIso: string): Promise<HistoryEntry[]>;
  /** Read an item for an update, with the token saveChange needs. */
  getItemForUpdate(planId: string, ref: string, seq?: number): Promise<LoadedItem | undefined>;
  /** The same, with the item's action and all its milestones, in one read of the action's rows. */
  /**
   * `ownerRoleHint`: the owner the caller saw ('' for none), so what a save of it moves can be read in
   * the same request; a wrong hint costs the save one more read, never a wrong write.
   */
  getItemWithActionForUpdate(planId: string, ref: string, seq?: number, ownerRoleHint?: string): Promise<LoadedForUpdate | undefined>;
  /** Write an item's new state and its history, on condition that it is still as `loaded` was read. Nothing is written on conflict. */
  saveChange(loaded: LoadedItem, after: ItemState | ActionDetail, history: HistoryEntry): Promise<SaveResult>;
  /** Every item in a plan with the token an import's conditional write needs. */
  listAllItemsForImport(planId: string): Promise<(LoadedItem & { item: PlanItem })[]>;
  /**
   * Import writes, each conditional on what the import read; a refused item is reported in
   * `conflicts`, never overwritten. `unchanged`: the items the import read and leaves as they are,
   * for a store that has index rows to bring up to date.
   */
  writeImport(planId: string, writes: ImportWrite[], priorities: Priority[], unchanged?: LoadedItem[]): Promise<{ transactions: number; written: number; conflicts: ImportWrite[] }>;
}

import { randomUUID } from 'node:crypto';
import { RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Due, PlanInfo, Rag } from '../domain/model';
import { ALL, AWAITING, BY_LEAD, BY_RAG, MOVED, OWNED, PAGED_INDEXES, TALLY, countEntity, countsOfRow, isCountRow, leadRowKey, ownerKeyOf, UNOWNED_KEY, parseTallyGroup, type IndexedFields, type PagedIndex } from './pagedIndexes';
import { RAGS, ragCounts } from '../domain/status';
import { dueSortKey, isOpen } from '../domain/schedule';
export type { PlanInfo } from '../domain/model';
import { RECENT_CHANGES, type ActionDetail, type HistoryEntry, type ItemState, type ItemSummary } from '../domain/planItem';
import type { Priority } from '../domain/model';
import { TABLES, type TableSet } from './tables';
import { planKeys, prefixRange, END } from './planKeys';
import { encodeKey, odataString } from './keys';
import { MEMBERS_ROW, membersEntity, membersOf, type MembersEntity } from './priorityMembers';
import { actionKept, historyEntity, historyOf, keptOf, keptWith, seedFrom, toHistory, type HistoryEntity } from './historyRows';
import { ITEM_COLUMNS_BUT_CHANGES, entityToAction, entityToItem, indexRowsFor, indexToSummary, itemToEntity, type IndexEntity, type ItemEntity } from './itemEntity';
import { OLD_SUMMARY_ROW, SUMMARY_ROW, addTo, countBefore, countsOf, dueKeyOf, summaryEntity, type DueCounts, type SummaryEntity } from './dueSummary';
import type { ConcurrencyToken, ImportWrite, KeptChanges, LoadedForUpdate, LoadedItem, OverdueCounts, OwnedPage, PlanCounts, PlanStore, SaveResult } from '../services/ports/planStore';
import type { PlanItem } from '../domain/planItem';
// The contract's types live with the port (services/ports/planStore.ts); re-exported for the modules that read them here.
// A ConcurrencyToken handed out here is the item's ETag as read.
export type { ConcurrencyToken, ImportWrite, LoadedForUpdate, LoadedItem, OverdueCounts, PlanItem, SaveResult } from '../services/ports/planStore';

type PlanEntity = { name: string; channelId?: string; importedAt?: string; archivedAt?: string; revision?: string } & Partial<Record<PagedIndex['stamp'], string>>;

/** The plan rows as read: the plans, and for each paged index the plans it is trusted for (pagedIndexes.ts). */
type PlanRows = { plans: PlanInfo[]; trusted: Map<PagedIndex, Set<string>> };

/** The paged indexes a plan row stamps as trusted for its current revision. */
function trustedBy(row: PlanEntity | undefined): Set<PagedIndex> {
  return new Set(PAGED_INDEXES.filter((x) => !!row?.revision && row[x.stamp] === row.revision));
}

const MAX_BATCH = 100; // Azure Tables' entity-group transaction limit.

type SharedRow = Record<string, unknown> & { etag?: string };
/** Shared rows (due summary, count rows, index rows) read with an item for its save: which keys were asked for, and those found. */
type SharedRows = { asked: (key: string) => boolean; found: Map<string, SharedRow> };
const wasAsked = (read: SharedRows | undefined, key: string) => !!read && read.asked(key);
/** Held beside the loaded item handed out, not on it, so callers see only domain fields; gone with the object. */
const prefetched = new WeakMap<object, SharedRows>();
export const PLAN_LIST_TTL_MS = 5_000;

function isStatus(err: unknown, ...codes: number[]): boolean {
  return err instanceof RestError && codes.includes(err.statusCode ?? 0);
}

async function collect<T extends object>(client: TableClient, partition: string, filter: string, top?: number, select?: string[]): Promise<T[]> {
  const out: T[] = [];
  const query = `PartitionKey eq ${odataString(partition)} and ${filter}`;
  const pages = client.listEntities<T>({ queryOptions: { filter: query, ...(select ? { select } : {}) } }).byPage({ maxPageSize: top ?? 1000 });
  for await (const page of pages) {
    for (const e of page) {
      out.push(e);
      if (top !== undefined && out.length >= top) return out;
    }
  }
  return out;
}

/**
 * Plans and everything in them. One partition per plan (see planKeys.ts for why).
 * Callers see domain types and a version number; ETags never leave this module.
 */
export class PlanRepository implements PlanStore {
  /**
   * The plan list is read by every question and changes only on import or channel linking, so it is
   * kept for a few seconds. Writes through this repository clear it at once; another instance's
   * write is seen within PLAN_LIST_TTL_MS.
   */
  private planList?: { at: number; value: Promise<PlanRows> };
  /** The last overdue totals per plan, with the summary row ETag and date they were summed for (overdueFirst). */
  private readonly overdueTotals = new Map<string, { etag: string; beforeDate: string; counts: OverdueCounts }>();

  constructor(private readonly tables: TableSet) {}

  private get items() {
    return this.tables.client(TABLES.planItems);
  }
  private get plans() {
    return this.tables.client(TABLES.plans);
  }

  /** The live plans: what questions, digests and reminders see. Archived plans are left out. */
  async listPlans(): Promise<PlanInfo[]> {
    return (await this.listAllPlans()).filter((p) => !p.archivedAt);
  }

  /** Every plan, archived ones included: for admins (archive, export, import). */
  async listAllPlans(): Promise<PlanInfo[]> {
    return (await this.planRows()).plans;
  }

  private planRows(): Promise<PlanRows> {
    // The cache's age is measured on the monotonic timer: it is not a date, and a moved wall clock must not expire or pin it.
    if (this.planList && performance.now() - this.planList.at < PLAN_LIST_TTL_MS) return this.planList.value;
    const value = this.readPlans();
    this.planList = { at: performance.now(), value };
    value.catch(() => (this.planList = undefined));
    return value;
  }

  /** Archive (or, with undefined, restore) a plan. Its items and history stay where they are. */
  async setArchived(planId: string, archivedAt: string | undefined): Promise<void> {
    this.planList = undefined;
    // Merge with an empty string clears the flag: a Merge cannot remove a property.
    await this.plans.updateEntity({ partitionKey: 'plans', rowKey: planId, archivedAt: archivedAt ?? '' }, 'Merge');
  }

  private async readPlans(): Promise<PlanRows> {
    const out: PlanInfo[] = [];
    const trusted = new Map(PAGED_INDEXES.map((x) => [x, new Set<string>()]));
    for await (const e of this.plans.listEntities<PlanEntity>({ queryOptions: { filter: `PartitionKey eq 'plans'` } })) {
      const info: PlanInfo = { id: e.rowKey as string, name: e.name, channelId: e.channelId || undefined, importedAt: e.importedAt };
      if (e.archivedAt) info.archivedAt = e.archivedAt;
      if (e.revision) info.revision = e.revision;
      for (const x of trustedBy(e)) trusted.get(x)!.add(info.id);
      out.push(info);
    }
    return { plans: out.sort((a, b) => a.name.localeCompare(b.name)), trusted };
  }

  async savePlan(plan: PlanInfo): Promise<void> {
    this.planList = undefined;
    const before = await this.plans.getEntity<PlanEntity>('plans', plan.id).catch((err: unknown) => {
      if (isStatus(err, 404)) return undefined;
      throw err;
    });
    // A new revision on every write: an import writes items without the due summary, then this row,
    // so a summary stamped with an older revision is known to be stale (dueSummary.ts).
    const revision = randomUUID();
    await this.plans.upsertEntity(
      { partitionKey: 'plans', rowKey: plan.id, name: plan.name, channelId: plan.channelId, importedAt: plan.importedAt, revision },
      'Merge',
    );
    this.planList = undefined;
    // Rebuilt now (one key-and-RAG read of the due| index) so the first question after an import
    // does not pay for it. Best effort: if this fails, the next read finds the stale revision.
    try {
      const current = await this.items.getEntity<SummaryEntity>(plan.id, SUMMARY_ROW).catch((err: unknown) => {
        if (isStatus(err, 404)) return undefined;
        throw err;
      });
      await this.rebuildDueCounts(plan.id, revision, current?.etag);
      // The row's earlier key (dueSummary.ts), from before the overdue page shared its read.
      await this.items.deleteEntity(plan.id, OLD_SUMMARY_ROW).catch((err: unknown) => {
        if (!isStatus(err, 404)) throw err;
      });
    } catch {
      /* the summary is rebuilt on its next read */
    }
    // The priorities' members, for "priority N" (priorityMembers.ts). Best effort: a row of an older
    // revision is not used.
    try {
      await this.rebuildPriorityMembers(plan.id, revision);
    } catch {
      /* "priority N" reads the plan whole */
    }
    // Each paged index's count rows are recounted (imports do not keep them), and the index is
    // stamped as trusted for this revision when it was trusted before or its keys check out
    // (pagedIndexes.ts). Best effort too: unstamped, its list reads the plan the old way.
    try {
      const wasTrusted = trustedBy(before);
      const counted = await Promise.all(PAGED_INDEXES.map((x) => this.recount(plan.id, x)));
      const toCheck = PAGED_INDEXES.filter((x, n) => counted[n] && !wasTrusted.has(x));
      const matching = toCheck.length ? await this.indexesMatchingOwners(plan.id, toCheck) : new Set<PagedIndex>();
      const stamps = PAGED_INDEXES.filter((x, n) => counted[n] && (wasTrusted.has(x) || matching.has(x)));
      if (stamps.length) {
        await this.plans.updateEntity({ partitionKey: 'plans', rowKey: plan.id, ...Object.fromEntries(stamps.map((x) => [x.stamp, revision])) }, 'Merge');
        this.planList = undefined;
      }
    } catch {
      /* left unstamped */
    }
  }

  /**
   * Rewrite each group's count row of a paged index from its rows: one key-and-RAG read of the
   * index. Each write is conditional on the count row as the read saw it, so a change saved
   * meanwhile (which moves that row) makes it fail and the count is taken again. false: it did not settle.
   */
  private async recount(planId: string, index: PagedIndex): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const counted = new Map<string, Record<Rag, number>>();
      const stored = new Map<string, { counts: Record<Rag, number>; etag: string }>();
      const add = (group: string, rag: Rag) => {
        const c = counted.get(group) ?? ragCounts();
        c[rag]++;
        counted.set(group, c);
      };
      // A group's count row sorts before its rows, so each is read before what it counts: a change
      // saved after that read moves the row's ETag and fails the write below. A rowless index reads
      // its count rows first, then the item rows, for the same reason.
      const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(index.prefix)}`;
      for await (const e of this.items.listEntities<Partial<Record<Rag, number>> & { rag?: Rag }>({ queryOptions: { filter, select: ['RowKey', 'rag', ...RAGS] } })) {
        const rk = e.rowKey as string;
        const group = index.groupOfRow(rk);
        if (isCountRow(rk)) stored.set(group, { counts: countsOfRow(e), etag: e.etag as string });
        else if (e.rag) add(group, e.rag);
      }
      if (index.rowless)
        await this.forEachItemIn(planId, (fields) => {
          const entry = index.entryOf(fields);
          if (entry) add(entry.group, entry.rag);
        });
      const writes: Promise<unknown>[] = [];
      for (const group of new Set([...counted.keys(), ...stored.keys()])) {
        const want = counted.get(group) ?? ragCounts();
        const have = stored.get(group);
        if (have && RAGS.every((r) => have.counts[r] === want[r])) continue;
        const entity = countEntity(planId, index, group, want);
        writes.push(have ? this.items.updateEntity(entity, 'Replace', { etag: have.etag }) : this.items.createEntity(entity));
      }
      const results = await Promise.allSettled(writes);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failed) if (!isStatus(f.reason, 409, 412, 404)) throw f.reason;
      if (!failed.length) return true;
    }
    return false;
  }

  /** Which of `indexes` hold exactly the rows the plan's items should have in them. */
  private async indexesMatchingOwners(planId: string, indexes: PagedIndex[]): Promise<Set<PagedIndex>> {
    // A rowless index has only its count rows, which recount has just taken from the item rows themselves.
    const out = new Set<PagedIndex>(indexes.filter((x) => x.rowless));
    const want = new Map(indexes.filter((x) => !x.rowless).map((x) => [x, new Set<string>()]));
    if (!want.size) return out;
    await this.forEachItemIn(planId, (fields) => {
      for (const [x, keys] of want) {
        const rowKey = x.entryOf(fields)?.rowKey;
        if (rowKey) keys.add(rowKey);
      }
    });
    await Promise.all(
      [...want.keys()].map(async (x) => {
        const keys = want.get(x)!;
        let found = 0;
        for (const rk of await this.rowKeysUnder(planId, x.prefix)) {
          if (isCountRow(rk)) continue;
          if (!keys.has(rk)) return;
          found++;
        }
        if (found === keys.size) out.add(x);
      }),
    );
    return out;
  }

  /** Every item's indexed fields, from the item rows themselves (only the columns an index depends on). */
  private async forEachItemIn(planId: string, visit: (fields: IndexedFields) => void): Promise<void> {
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(planKeys.allItemsPrefix)}`;
    for await (const e of this.items.listEntities<Pick<ItemEntity, 'kind' | 'ref' | 'seq' | 'ownerRole' | 'status' | 'rag' | 'dueJson' | 'originalDueJson'>>({
      queryOptions: { filter, select: ['kind', 'ref', 'seq', 'ownerRole', 'status', 'rag', 'dueJson', 'originalDueJson'] },
    })) {
      const originalDue = e.originalDueJson ? (JSON.parse(e.originalDueJson) as Due) : undefined;
      visit({ kind: e.kind, ref: e.ref, seq: e.seq ?? undefined, ownerRole: e.ownerRole || undefined, status: e.status, rag: e.rag, due: JSON.parse(e.dueJson) as Due, ...(originalDue ? { originalDue } : {}) });
    }
  }

  async getAction(planId: string, ref: string): Promise<ActionDetail | undefined> {
    return actionOf(await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.actionPrefix(ref))));
  }

  /** The action's rows in one range read; its latest changes from their kept copies (historyRows.ts), or from hist| when a row keeps none. */
  async getActionWithHistory(planId: string, ref: string): Promise<{ action: ActionDetail; history: HistoryEntry[] } | undefined> {
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.actionPrefix(ref)));
    const action = actionOf(rows);
    if (!action) return undefined;
    const kept = actionKept(rows);
    return { action, history: kept ? historyOf(planId, kept) : await this.listHistory(planId, action.ref, RECENT_CHANGES) };
  }

  /**
   * Every action (with its plan fields, without milestones) and every milestone in a plan.
   * A full partition read: for summaries, digests, nudges and import diffs, not for per-question lists.
   */
  async listAllItems(planId: string): Promise<PlanItem[]> {
    // Whole-plan reads leave out each row's copy of its latest changes: nothing here shows them.
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.allItemsPrefix), undefined, ITEM_COLUMNS_BUT_CHANGES);
    return rows.map((e) => (e.kind === 'action' ? entityToAction(e, []) : entityToItem(e)));
  }

  /** Open dated items due strictly before `beforeDate`, oldest first. */
  async listOpenDueBefore(planId: string, beforeDate: string): Promise<ItemSummary[]> {
    const rows = await collect<IndexEntity>(this.items, planId, prefixRange(planKeys.duePrefix, planKeys.dueAt(beforeDate)));
    return rows.map(indexToSummary);
  }

  /**
   * The open dated items of some owner roles due strictly before `beforeDate`: per role, the owned|
   * rows (items not complete, in due order; undated work sorts as 9999, after any date) up to that
   * date, in one query, without the count rows, and of those the open ones (owned| also holds work
   * awaiting sign-off and business as usual, which due| and so listOpenDueBefore do not). undefined
   * when the plan's owned| index is not trusted yet (pagedIndexes.ts), or for the unowned group,
   * which listOpenDueBefore's callers never ask by role.
   */
  async ownedDueBefore(planId: string, ownerRoleKeys: string[], beforeDate: string): Promise<ItemSummary[] | undefined> {
    const keys = [...new Set(ownerRoleKeys)];
    if (!keys.length || keys.includes(UNOWNED_KEY)) return undefined;
    if (!(await this.planRows()).trusted.get(OWNED)?.has(planId)) return undefined;
    const ranges = keys.map((k) => `(${prefixRange(OWNED.groupPrefix(k), OWNED.groupPrefix(k) + beforeDate)})`).join(' or ');
    const rows = await collect<IndexEntity>(this.items, planId, `(${ranges})`);
    return rows
      .filter((e) => !isCountRow(e.rowKey) && isOpen(e.status))
      .map(indexToSummary)
      .sort((a, b) => dueSortKey(a.due).localeCompare(dueSortKey(b.due)));
  }

  /**
   * "What's overdue" in one range read: the plan's due summary row sorts just before the due| index
   * (dueSummary.ts), so the range from it to due|<beforeDate> opens with the counts and goes on with
   * the first `need` open items due strictly before `beforeDate`, plus every other item due on the
   * last of those dates (the caller orders items within a date by natural ref, which the row keys do
   * not), so a page of the full list can be cut from it without reading it all. A missing or stale
   * summary (another revision of the plan, see savePlan) is rebuilt from the index first.
   */
  async overdueFirst(planId: string, beforeDate: string, need: number, revision: string | undefined): Promise<{ items: ItemSummary[]; counts: OverdueCounts }> {
    const filter = `PartitionKey eq ${odataString(planId)} and RowKey ge ${odataString(SUMMARY_ROW)} and RowKey lt ${odataString(planKeys.dueAt(beforeDate))}`;
    // A little over `need` per page, so the rest of the last date usually comes in the same page.
    const pages = this.items.listEntities<IndexEntity & SummaryEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, need + 21) });
    const out: IndexEntity[] = [];
    let summary: (SummaryEntity & { etag?: string }) | undefined;
    const dateOf = (e: IndexEntity) => e.rowKey.split('|', 2)[1];
    read: for await (const page of pages) {
      for (const e of page) {
        if (e.rowKey === SUMMARY_ROW) {
          summary = e;
          continue;
        }
        if (out.length >= need && dateOf(e) !== dateOf(out[need - 1])) break read;
        out.push(e);
      }
    }
    const items = out.map(indexToSummary);
    const current = summary && summary.revision === (revision ?? '') && summary.etag ? summary.etag : undefined;
    const known = current && this.overdueTotals.get(planId);
    if (known && known.etag === current && known.beforeDate === beforeDate) return { items, counts: { total: known.counts.total, rag: { ...known.counts.rag } } };
    const stored = current && summary ? countsOf(summary) : undefined;
    const counts = countBefore(stored ?? (await this.rebuildDueCounts(planId, revision, summary?.etag)), beforeDate);
    // The row's ETag changes with every write to it, so totals summed for one ETag and date hold
    // until either moves: most questions skip parsing and summing a row of every due date.
    if (current && stored) this.overdueTotals.set(planId, { etag: current, beforeDate, counts });
    return { items, counts };
  }

  private async rebuildDueCounts(planId: string, revision: string | undefined, etag: string | undefined): Promise<DueCounts> {
    const counts: DueCounts = {};
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(planKeys.duePrefix)}`;
    for await (const e of this.items.listEntities<{ rag: Rag }>({ queryOptions: { filter, select: ['RowKey', 'rag'] } })) {
      addTo(counts, { date: (e.rowKey as string).split('|', 2)[1], rag: e.rag }, 1);
    }
    const entity = summaryEntity(planId, counts, revision ?? '');
    try {
      // Conditional on what was read before the index: if an update committed in between, it changed
      // the row's ETag (or created it), this write fails, and the next read rebuilds again.
      if (etag) await this.items.updateEntity(entity, 'Replace', { etag });
      else await this.items.createEntity(entity);
    } catch (err) {
      if (!isStatus(err, 409, 412, 404)) throw err;
    }
    return counts;
  }

  /** Open dated items due from `fromDate` to `toDate` inclusive, soonest first. */
  async listOpenDueBetween(planId: string, fromDate: string, toDate: string): Promise<ItemSummary[]> {
    const rows = await collect<IndexEntity>(
      this.items,
      planId,
      `RowKey ge ${odataString(planKeys.dueAt(fromDate))} and RowKey lt ${odataString(planKeys.dueAt(toDate) + '|' + END)}`,
    );
    return rows.map(indexToSummary);
  }

  async listByOwner(planId: string, ownerRoleKey: string): Promise<ItemSummary[]> {
    const rows = await collect<IndexEntity>(this.items, planId, prefixRange(planKeys.ownerPrefix(ownerRoleKey)));
    return rows.map(indexToSummary);
  }

  /**
   * The first `need` items on an owner role's list (not complete), in due order, plus the rest of
   * the last due date's items (the caller orders within a date by natural ref), with the count and
   * RAG mix of the whole list: one range read, the count row first. undefined when the plan's
   * owned| index is not trusted yet (pagedIndexes.ts); the caller then reads listByOwner.
   */
  ownedOpenPage(planId: string, ownerRoleKey: string, need: number): Promise<OwnedPage | undefined> {
    return this.pageOf(OWNED, planId, ownerRoleKey, need);
  }

  /**
   * The first `need` open actions rated `rag`, in ref order, with how many there are: one range read
   * of the rag| index, its count row first. undefined when the plan's rag| index is not trusted yet
   * (pagedIndexes.ts); the caller then reads the plan whole.
   */
  openActionsByRag(planId: string, rag: Rag, need: number): Promise<OwnedPage | undefined> {
    return this.pageOf(BY_RAG, planId, rag, need);
  }

  private async pageOf(index: PagedIndex, planId: string, group: string, need: number): Promise<OwnedPage | undefined> {
    if (!(await this.planRows()).trusted.get(index)?.has(planId)) return undefined;
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(index.groupPrefix(group))}`;
    const pages = this.items.listEntities<IndexEntity & Partial<Record<Rag, number>>>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, need + 21) });
    const out: IndexEntity[] = [];
    let rag = ragCounts();
    read: for await (const page of pages) {
      for (const e of page) {
        if (isCountRow(e.rowKey)) {
          rag = countsOfRow(e);
          continue;
        }
        if (out.length >= need && index.sortOfRow(e.rowKey) !== index.sortOfRow(out[need - 1].rowKey)) break read;
        out.push(e);
      }
    }
    const total = RAGS.reduce((n, r) => n + rag[r], 0);
    return { items: out.map(indexToSummary), total: Math.max(total, out.length), rag };
  }

  /**
   * A plan's summary counts in one query: the tally's count rows (every item by kind, status and
   * due kind, by RAG), the lead| count rows (open actions per owner role; the filter on isCount
   * returns those rows only) and the due summary row (for "N overdue", rebuilt as overdueFirst does
   * when it is stale). undefined when the tally or lead| index is not trusted for the plan yet.
   */
  async planCounts(planId: string, today: string, revision: string | undefined): Promise<PlanCounts | undefined> {
    const { trusted } = await this.planRows();
    if (!trusted.get(TALLY)?.has(planId) || !trusted.get(BY_LEAD)?.has(planId)) return undefined;
    const filter = `PartitionKey eq ${odataString(planId)} and ((${prefixRange(TALLY.prefix)}) or (${prefixRange(BY_LEAD.prefix)} and isCount eq true) or RowKey eq ${odataString(SUMMARY_ROW)})`;
    const out: PlanCounts = { groups: [], openActionsByOwner: [], overdue: 0 };
    let summary: (SummaryEntity & { etag?: string }) | undefined;
    for await (const e of this.items.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const rk = e.rowKey as string;
      if (rk === SUMMARY_ROW) summary = e as unknown as SummaryEntity & { etag?: string };
      else if (rk.startsWith(TALLY.prefix)) out.groups.push({ ...parseTallyGroup(TALLY.groupOfRow(rk)), rag: countsOfRow(e) });
      else if (isCountRow(rk)) {
        const role = BY_LEAD.groupOfRow(rk);
        const rag = countsOfRow(e);
        out.openActionsByOwner.push({ roleKey: role === UNOWNED_KEY ? undefined : role, count: RAGS.reduce((n, r) => n + rag[r], 0) });
      }
    }
    const stored = summary && summary.revision === (revision ?? '') && summary.etag ? countsOf(summary) : undefined;
    out.overdue = countBefore(stored ?? (await this.rebuildDueCounts(planId, revision, summary?.etag)), today).total;
    return out;
  }

  /**
   * The open actions of owner roles not in `heldRoleKeys` (and of none), in two queries: the lead|
   * count rows say which roles the plan's open actions have, then one query over those roles'
   * ranges. undefined when the plan's lead| index is not trusted yet.
   */
  async unownedActions(planId: string, heldRoleKeys: ReadonlySet<string>): Promise<ItemSummary[] | undefined> {
    if (!(await this.planRows()).trusted.get(BY_LEAD)?.has(planId)) return undefined;
    const countFilter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(BY_LEAD.prefix)} and isCount eq true`;
    const roles: string[] = [];
    for await (const e of this.items.listEntities<Partial<Record<Rag, number>>>({ queryOptions: { filter: countFilter } })) {
      const role = BY_LEAD.groupOfRow(e.rowKey as string);
      const rag = countsOfRow(e);
      if ((role === UNOWNED_KEY || !heldRoleKeys.has(role)) && RAGS.some((r) => rag[r] > 0)) roles.push(role);
    }
    if (!roles.length) return [];
    const ranges = roles.map((r) => `(${prefixRange(BY_LEAD.groupPrefix(r))})`).join(' or ');
    const rows = await collect<IndexEntity>(this.items, planId, `(${ranges})`);
    return rows.filter((e) => !isCountRow(e.rowKey)).map(indexToSummary);
  }

  /**
   * Every item awaiting sign-off, whole: the awaiting| index says which (one range read), then one
   * query reads their item rows by key (the list shows when each was asked for, and Approve needs
   * its version). undefined when the plan's awaiting| index is not trusted yet.
   */
  async listAwaitingSignOff(planId: string): Promise<ItemState[] | undefined> {
    const page = await this.pageOf(AWAITING, planId, ALL, Infinity);
    if (!page) return undefined;
    const out: ItemState[] = [];
    // Up to 50 keys a query keeps the filter well inside the service's limits.
    for (let i = 0; i < page.items.length; i += 50) {
      const keys = page.items.slice(i, i + 50).map((it) => `RowKey eq ${odataString(planKeys.item(it.ref, it.seq))}`);
      const rows = await collect<ItemEntity>(this.items, planId, `(${keys.join(' or ')})`, undefined, ITEM_COLUMNS_BUT_CHANGES);
      out.push(...rows.map(entityToItem));
    }
    // The item rows are the truth: an index row a save has just moved past is not listed.
    return out.filter((it) => it.status === 'awaiting_signoff');
  }

  /**
   * "What's slipping" in one query: every row of the moved| index (open items whose date moved back)
   * and the due| rows up to `soonDate` rated Red or Amber (a filter the service applies within that
   * range). An item in both is listed once. undefined when the plan's moved| index is not trusted yet.
   */
  async listSlipping(planId: string, soonDate: string): Promise<ItemSummary[] | undefined> {
    if (!(await this.planRows()).trusted.get(MOVED)?.has(planId)) return undefined;
    const hot = `RowKey ge ${odataString(planKeys.duePrefix)} and RowKey lt ${odataString(planKeys.dueAt(soonDate) + '|' + END)} and (rag eq 'red' or rag eq 'amber')`;
    const rows = await collect<IndexEntity>(this.items, planId, `((${prefixRange(MOVED.groupPrefix(ALL))}) or (${hot}))`);
    const seen = new Set<string>();
    const out: ItemSummary[] = [];
    for (const e of rows) {
      if (isCountRow(e.rowKey)) continue;
      const k = `${e.ref}|${e.seq ?? ''}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(indexToSummary(e));
    }
    return out;
  }

  private async rebuildPriorityMembers(planId: string, revision: string): Promise<void> {
    const members: Record<string, string[]> = {};
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(planKeys.allItemsPrefix)} and kind eq 'action'`;
    for await (const e of this.items.listEntities<Pick<ItemEntity, 'ref' | 'priorityRef'>>({ queryOptions: { filter, select: ['ref', 'priorityRef'] } })) {
      if (e.priorityRef) (members[e.priorityRef] ??= []).push(e.ref);
    }
    await this.items.upsertEntity(membersEntity(planId, members, revision), 'Replace');
  }

  /**
   * A priority's title and actions (those naming it, and those whose ref starts with it and a dot),
   * whole but for their kept changes: one query for the members row, the priority's own row and the
   * actions under the ref's prefix, and one more only for members whose refs lie outside it.
   * undefined when the members row is not of the plan's current revision.
   */
  async priorityActions(planId: string, priorityRef: string, revision: string | undefined): Promise<{ title?: string; actions: PlanItem[] } | undefined> {
    const under = `item|${encodeKey(priorityRef)}.`;
    const own = planKeys.priority(priorityRef);
    const filter = `(RowKey eq ${odataString(MEMBERS_ROW)} or RowKey eq ${odataString(own)} or (${prefixRange(under)} and kind eq 'action'))`;
    // No column list: the members row's JSON may run on in membersJson1, membersJson2…
    const rows = await collect<ItemEntity & Partial<MembersEntity>>(this.items, planId, filter);
    const members = membersOf(rows.find((r) => r.rowKey === MEMBERS_ROW), revision);
    if (!members) return undefined;
    const title = rows.find((r) => r.rowKey === own)?.title;
    const actions = rows.filter((r) => r.rowKey.startsWith(planKeys.allItemsPrefix) && r.ref.startsWith(priorityRef + '.'));
    const have = new Set(actions.map((a) => a.ref));
    const rest = (members[priorityRef] ?? []).filter((ref) => !have.has(ref));
    for (let i = 0; i < rest.length; i += 50) {
      const keys = rest.slice(i, i + 50).map((ref) => `RowKey eq ${odataString(planKeys.item(ref))}`);
      actions.push(...(await collect<ItemEntity>(this.items, planId, `(${keys.join(' or ')})`, undefined, ITEM_COLUMNS_BUT_CHANGES)));
    }
    return { title, actions: actions.map((e) => entityToAction(e, [])) };
  }

  /** Each priority's action refs, as at `revision`; undefined when the members row is of another revision (or missing). */
  async priorityMembers(planId: string, revision: string | undefined): Promise<Record<string, string[]> | undefined> {
    const row = await this.items.getEntity<MembersEntity>(planId, MEMBERS_ROW).catch((err: unknown) => {
      if (isStatus(err, 404)) return undefined;
      throw err;
    });
    return membersOf(row, revision);
  }

  async listPriorities(planId: string): Promise<Priority[]> {
    const rows = await collect<{ ref: string; title: string }>(this.items, planId, prefixRange(planKeys.priorityPrefix));
    return rows.map((r) => ({ ref: r.ref, title: r.title }));
  }

  async listHistory(planId: string, ref: string, top?: number): Promise<HistoryEntry[]> {
    return (await this.historyRows(planId, ref, top)).map((r) => toHistory(planId, r));
  }

  /** An action's history rows (its milestones' included), newest first. */
  private historyRows(planId: string, ref: string, top?: number): Promise<HistoryEntity[]> {
    return collect<HistoryEntity>(this.items, planId, prefixRange(planKeys.historyPrefix(ref)), top);
  }

  /** Every change in a plan since an instant, for digests ("what moved this week"). */
  async listHistorySince(planId: string, sinceIso: string): Promise<HistoryEntry[]> {
    const rows = await collect<HistoryEntity>(this.items, planId, `${prefixRange('hist|')} and at ge ${odataString(sinceIso)}`);
    return rows.map((r) => toHistory(planId, r));
  }

  /** Read an item for an update, with the token saveChange needs. */
  async getItemForUpdate(planId: string, ref: string, seq?: number): Promise<LoadedItem | undefined> {
    try {
      const e = await this.items.getEntity<ItemEntity>(planId, planKeys.item(ref, seq));
      return { item: entityToItem(e), token: e.etag as ConcurrencyToken, kept: keptOf(e) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * One query over the action's rows (the action and its milestones share the `item|<ref>|` prefix),
   * so an update reads the item and everything its card shows in the one request the point read
   * took. The same query reads the shared rows a save of status, RAG or commentary moves (the due
   * summary, the tally rows, the RAG count rows, the count rows of the owner the caller's card
   * showed) and the action's rag| and lead| rows, so the save need not read them again; they are
   * checked by their ETags when written like any others. The token is the target row's own ETag:
   * the save is still conditional on that row only.
   */
  async getItemWithActionForUpdate(planId: string, ref: string, seq?: number, ownerRoleHint?: string): Promise<LoadedForUpdate | undefined> {
    const hinted = ownerRoleHint !== undefined ? ownerKeyOf({ ownerRole: ownerRoleHint || undefined }) : undefined;
    // What a change of status, RAG or commentary (the common update) moves, and no more: the emulator
    // tests every clause of the filter against every row of the table, so each one costs a card
    // update about a millisecond at 2,000 actions (BENCHMARKS.md). A revised date or a sign-off
    // request moves rows not asked for here (owned|, moved|, awaiting|), and the save reads those.
    const asked = [
      SUMMARY_ROW,
      ...(hinted !== undefined ? [OWNED.countKey(hinted), BY_LEAD.countKey(hinted), ...(seq === undefined ? [leadRowKey(ownerRoleHint ?? '', ref)] : [])] : []),
    ];
    // Every tally row, and in rag| every count row and this action's row (whichever RAG it has).
    const ragRows = `(${prefixRange(BY_RAG.prefix)} and (ref eq ${odataString(ref)} or isCount eq true))`;
    const filter = `(${prefixRange(planKeys.actionPrefix(ref))} or (${prefixRange(TALLY.prefix)}) or ${ragRows} or ${asked.map((k) => `RowKey eq ${odataString(k)}`).join(' or ')})`;
    const askedKeys = new Set(asked);
    // Row keys are <index>|<group>|<sort>|<ref>|<m> (pagedIndexes.ts).
    const ragOf = (k: string) => k.startsWith(BY_RAG.prefix) && (isCountRow(k) || k.split('|')[3] === encodeKey(ref));
    const all = await collect<ItemEntity & { etag?: string }>(this.items, planId, filter);
    const rows = all.filter((r) => r.rowKey.startsWith(planKeys.allItemsPrefix));
    const action = actionOf(rows);
    const target = rows.find((r) => r.rowKey === planKeys.item(ref, seq));
    if (!action || !target) return undefined;
    const shared: SharedRows = { asked: (k) => askedKeys.has(k) || k.startsWith(TALLY.prefix) || ragOf(k), found: new Map(all.filter((r) => !r.rowKey.startsWith(planKeys.allItemsPrefix)).map((r) => [r.rowKey, r as SharedRow])) };
    const loaded: LoadedForUpdate = { item: entityToItem(target), token: target.etag as ConcurrencyToken, kept: keptOf(target), action, actionKept: actionKept(rows) };
    prefetched.set(loaded, shared);
    return loaded;
  }

  /**
   * Write an item's new state, its history row, its index rows and the plan's due summary in one
   * transaction, on condition that the item is still at the version `before` was read at. Nothing
   * is written on conflict. The summary row is also conditional on its ETag; when only it moved
   * (another item's update landed in between) the change is retried with the fresh summary.
   */
  async saveChange(loaded: LoadedItem, after: ItemState | ActionDetail, history: HistoryEntry): Promise<SaveResult> {
    const before = loaded.item;
    const row = historyEntity(history, after.version);
    // The row's kept changes move with its history row (historyRows.ts); a row that keeps none starts from hist|.
    const recentJson = keptWith(row, loaded.kept ?? seedFrom(await this.historyRows(before.planId, before.ref, RECENT_CHANGES), before.seq));
    for (let attempt = 0; ; attempt++) {
      // The first try uses the shared rows read with the item, if any; a retry reads them afresh.
      const shared = await this.sharedRowChanges(before, after, attempt === 0 ? prefetched.get(loaded) : undefined);
      const actions: TransactionAction[] = [
        ['update', { ...itemToEntity(after), recentJson }, 'Merge', { etag: loaded.token }],
        ...this.indexDiff(before, after, shared.missing),
        ['create', row],
        ...shared.ops,
      ];
      try {
        await this.items.submitTransaction(actions);
        const kept = (loaded as Partial<LoadedForUpdate>).actionKept;
        return kept ? { ok: true, recent: historyOf(before.planId, kept, row) } : { ok: true };
      } catch (err) {
        // 412: someone else's change landed first (on the item, or only on a summary or count row).
        // 409: a count row we create exists now, or our history row does (same instant, same version,
        // which means the item moved on). 404: a summary or count row went away. If the item itself
        // is still as read, only a shared row moved: take it again and retry.
        if (!isStatus(err, 412, 409, 404)) throw err;
        if (attempt >= 4 || !(await this.stillAt(loaded))) return { ok: false, reason: 'conflict' };
      }
    }
  }

  /** Whether the item is still at the ETag it was read at (so a 412 came from the summary row). */
  private async stillAt(loaded: LoadedItem): Promise<boolean> {
    try {
      const e = await this.items.getEntity<ItemEntity>(loaded.item.planId, planKeys.item(loaded.item.ref, loaded.item.seq));
      return e.etag === loaded.token;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  /**
   * The shared rows an item change moves, conditional on their ETags: the due summary (counts moved
   * from the old due date/RAG to the new) and, for each paged index, the count rows of the groups
   * the item leaves and joins. Those read with the item (`read`) are used as read; the rest are read
   * together in one query. A missing summary is written as "rebuild me", so a rebuild that read the
   * index before this change cannot then store counts without it; a missing count row is created.
   * That query also looks for the paged index rows the change removes: a plan written before an
   * index has none of its rows, and deleting a missing row would fail the whole transaction
   * (`missing`: do not delete).
   */
  private async sharedRowChanges(before: ItemState, after: ItemState, read?: SharedRows): Promise<{ ops: TransactionAction[]; missing: Set<string> }> {
    const dueFrom = dueKeyOf(before);
    const dueTo = dueKeyOf(after);
    const dueMoved = dueFrom?.date !== dueTo?.date || dueFrom?.rag !== dueTo?.rag;
    const counts: { index: PagedIndex; group: string; key: string; from?: Rag; to?: Rag }[] = [];
    for (const index of PAGED_INDEXES) {
      const from = index.entryOf(before);
      const to = index.entryOf(after);
      if (from?.group === to?.group && from?.rag === to?.rag) continue;
      for (const group of new Set([from?.group, to?.group].filter((g): g is string => g !== undefined)))
        counts.push({ index, group, key: index.countKey(group), from: from?.group === group ? from.rag : undefined, to: to?.group === group ? to.rag : undefined });
    }
    const leaving = pagedRowsLeaving(before, after);
    const keys = [...(dueMoved ? [SUMMARY_ROW] : []), ...counts.map((c) => c.key), ...leaving];
    if (!keys.length) return { ops: [], missing: new Set() };
    // Rows read with the item (asked: absent from `found` means absent), then one query for the rest.
    const found = new Map<string, SharedRow>();
    for (const k of keys) if (read?.found.has(k)) found.set(k, read.found.get(k)!);
    const unread = keys.filter((k) => !wasAsked(read, k));
    if (unread.length) {
      const filter = `PartitionKey eq ${odataString(after.planId)} and (${unread.map((k) => `RowKey eq ${odataString(k)}`).join(' or ')})`;
      for await (const e of this.items.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) found.set(e.rowKey as string, e);
    }
    const ops: TransactionAction[] = [];
    if (dueMoved) {
      const row = found.get(SUMMARY_ROW) as (SummaryEntity & { etag?: string }) | undefined;
      const counts = row ? countsOf(row) : undefined;
      if (!row || !counts) ops.push(['upsert', summaryEntity(after.planId, undefined, ''), 'Replace']);
      else {
        addTo(counts, dueFrom, -1);
        addTo(counts, dueTo, +1);
        ops.push(['update', summaryEntity(after.planId, counts, row.revision), 'Replace', { etag: row.etag }]);
      }
    }
    for (const c of counts) {
      const row = found.get(c.key);
      const n = countsOfRow(row);
      if (c.from) n[c.from] = Math.max(0, n[c.from] - 1);
      if (c.to) n[c.to]++;
      const entity = countEntity(after.planId, c.index, c.group, n);
      ops.push(row ? ['update', entity, 'Replace', { etag: row.etag }] : ['create', entity]);
    }
    return { ops, missing: new Set(leaving.filter((k) => !found.has(k))) };
  }

  /** The index rows to delete and write for a change; `missing`: rows known not to exist, so not deleted. */
  private indexDiff(before: ItemState, after: ItemState, missing?: Set<string>): TransactionAction[] {
    const oldRows = indexRowsFor(before);
    const newRows = indexRowsFor(after);
    const newKeys = new Set(newRows.map((r) => r.rowKey));
    return [
      ...oldRows.filter((r) => !newKeys.has(r.rowKey) && !missing?.has(r.rowKey)).map((r): TransactionAction => ['delete', { partitionKey: r.partitionKey, rowKey: r.rowKey }]),
      ...newRows.map((r): TransactionAction => ['upsert', r, 'Replace']),
    ];
  }

  /** Every item in a plan with the token an import's conditional write needs. */
  async listAllItemsForImport(planId: string): Promise<(LoadedItem & { item: PlanItem })[]> {
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.allItemsPrefix));
    return rows.map((e) => ({ item: e.kind === 'action' ? entityToAction(e, []) : entityToItem(e), token: (e as ItemEntity & { etag?: string }).etag as ConcurrencyToken, kept: keptOf(e) }));
  }

  /**
   * Import writes. Each item travels with its index rows and its history row, and is conditional
   * on what the import read: a new item must not exist yet, a changed one must still carry the
   * ETag read. Items are packed several to a transaction for speed (an item's rows are never split
   * across two); when a pack fails on a condition, its items are retried one per transaction so
   * only the item someone changed in between is refused, and it is reported, never overwritten.
   */
  async writeImport(
    planId: string,
    writes: ImportWrite[],
    priorities: Priority[],
    unchanged: LoadedItem[] = [],
  ): Promise<{ transactions: number; written: number; conflicts: ImportWrite[] }> {
    // A plan with a paged index not trusted yet (written before it existed) may lack some of its
    // rows, so only the rows of it that exist are deleted (read once, keys only) ...
    const trusted = trustedBy(await this.plans.getEntity<PlanEntity>('plans', planId).catch((err: unknown) => {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }));
    const untrusted = PAGED_INDEXES.filter((x) => !trusted.has(x));
    const existing = new Set((await Promise.all(untrusted.map((x) => this.rowKeysUnder(planId, x.prefix)))).flat());
    const unsure = (k: string) => untrusted.some((x) => k.startsWith(x.prefix)) && !existing.has(k);
    const missingOf = (w: ImportWrite) => (untrusted.length && w.previous ? new Set(pagedRowsLeaving(w.previous, w.item).filter(unsure)) : undefined);
    const result = await this.writeItems(planId, writes, priorities, missingOf);
    // ... and its unchanged items get their rows too, each with a no-op write conditional on the
    // item as the import read it, so rows built from a stale read never land. An item refused here
    // was saved in Teams meanwhile, and that save wrote its own rows.
    if (untrusted.length && unchanged.length) {
      const repair = await this.writeItems(planId, unchanged.map((u) => ({ item: u.item, previous: u.item, token: u.token, touchOnly: true })), [], missingOf);
      result.transactions += repair.transactions;
    }
    return result;
  }

  private async rowKeysUnder(planId: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(prefix)}`;
    for await (const e of this.items.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) keys.push(e.rowKey as string);
    return keys;
  }

  private async writeItems(
    planId: string,
    writes: (ImportWrite & { touchOnly?: boolean })[],
    priorities: Priority[],
    missingOf: (w: ImportWrite) => Set<string> | undefined,
  ): Promise<{ transactions: number; written: number; conflicts: ImportWrite[] }> {
    let transactions = 0;
    const priorityOps: TransactionAction[] = priorities.map((p) => ['upsert', { partitionKey: planId, rowKey: planKeys.priority(p.ref), ref: p.ref, title: p.title }, 'Replace']);
    for (let i = 0; i < priorityOps.length; i += MAX_BATCH) {
      await this.items.submitTransaction(priorityOps.slice(i, i + MAX_BATCH));
      transactions++;
    }
    const groups = writes.map((w) => ({ w, ops: this.importOps(w, missingOf(w)) }));
    const conflicts: ImportWrite[] = [];
    let written = 0;
    let pack: typeof groups = [];
    let size = 0;
    const flush = async () => {
      if (pack.length === 0) return;
      const current = pack;
      pack = [];
      size = 0;
      try {
        transactions++;
        await this.items.submitTransaction(current.flatMap((g) => g.ops));
        written += current.length;
        return;
      } catch (err) {
        if (!isStatus(err, 412, 409, 404) || current.length === 1) {
          if (isStatus(err, 412, 409, 404)) {
            conflicts.push(current[0].w);
            return;
          }
          throw err;
        }
      }
      for (const g of current) {
        try {
          transactions++;
          await this.items.submitTransaction(g.ops);
          written++;
        } catch (err) {
          if (isStatus(err, 412, 409, 404)) conflicts.push(g.w);
          else throw err;
        }
      }
    };
    for (const g of groups) {
      if (size + g.ops.length > MAX_BATCH) await flush();
      pack.push(g);
      size += g.ops.length;
    }
    await flush();
    return { transactions, written, conflicts };
  }

  private importOps(w: ImportWrite & { touchOnly?: boolean }, missing: Set<string> | undefined): TransactionAction[] {
    const ops: TransactionAction[] = [];
    // touchOnly: a Merge of no properties, only there for its condition on the item's ETag.
    if (w.touchOnly && w.token) ops.push(['update', { partitionKey: w.item.planId, rowKey: planKeys.item(w.item.ref, w.item.seq) }, 'Merge', { etag: w.token }]);
    else {
      // The row's kept changes (historyRows.ts): a new row starts its copy; a replaced one carries its
      // copy on with this change, or keeps none when the import did not read one.
      const row = w.history ? historyEntity(w.history, w.item.version) : undefined;
      const known: KeptChanges | [] | undefined = w.previous ? w.kept : [];
      const entity = { ...itemToEntity(w.item), recentJson: known === undefined ? '' : keptWith(row, known) };
      ops.push(w.previous && w.token ? ['update', entity, 'Replace', { etag: w.token }] : ['create', entity]);
      if (row) ops.push(['create', row]);
    }
    if (w.previous) ops.push(...this.indexDiff(w.previous, w.item, missing));
    else ops.push(...indexRowsFor(w.item).map((r): TransactionAction => ['upsert', r, 'Replace']));
    return ops;
  }
}

/** The paged index row keys an item has before a change and not after it. */
function pagedRowsLeaving(before: ItemState, after: ItemState): string[] {
  const paged = (i: ItemState) => PAGED_INDEXES.map((x) => x.entryOf(i)?.rowKey).filter((k): k is string => k !== undefined);
  const kept = new Set(paged(after));
  return paged(before).filter((k) => !kept.has(k));
}

/** An action and its milestones (in seq order) from the rows under its `item|<ref>|` prefix. */
function actionOf(rows: ItemEntity[]): ActionDetail | undefined {
  const action = rows.find((r) => r.kind === 'action');
  if (!action) return undefined;
  const milestones = rows
    .filter((r) => r.kind === 'milestone')
    .map(entityToItem)
    .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return entityToAction(action, milestones);
}

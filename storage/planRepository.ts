import { randomUUID } from 'node:crypto';
import { RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { PlanInfo, Rag } from '../domain/model';
export type { PlanInfo } from '../domain/model';
import type { ActionDetail, HistoryEntry, ItemState, ItemSummary } from '../domain/planItem';
import type { Priority } from '../domain/model';
import { TABLES, type TableSet } from './tables';
import { planKeys, prefixRange, END } from './planKeys';
import { odataString } from './keys';
import { entityToAction, entityToItem, indexRowsFor, indexToSummary, itemToEntity, type IndexEntity, type ItemEntity } from './itemEntity';
import { SUMMARY_ROW, addTo, countBefore, countsOf, dueKeyOf, summaryEntity, type DueCounts, type SummaryEntity } from './dueSummary';
import type { ConcurrencyToken, ImportWrite, LoadedForUpdate, LoadedItem, OverdueCounts, PlanStore, SaveResult } from '../services/ports/planStore';
import type { PlanItem } from '../domain/planItem';
// The contract's types live with the port (services/ports/planStore.ts); re-exported for the modules that read them here.
// A ConcurrencyToken handed out here is the item's ETag as read.
export type { ConcurrencyToken, ImportWrite, LoadedForUpdate, LoadedItem, OverdueCounts, PlanItem, SaveResult } from '../services/ports/planStore';

type HistoryEntity = {
  partitionKey: string;
  rowKey: string;
  ref: string;
  seq?: number;
  at: string;
  by: string;
  byName: string;
  source: HistoryEntry['source'];
  changesJson: string;
  commentary?: string;
  evidenceUrl?: string;
  note?: string;
};

const MAX_BATCH = 100; // Azure Tables' entity-group transaction limit.
export const PLAN_LIST_TTL_MS = 5_000;

function isStatus(err: unknown, ...codes: number[]): boolean {
  return err instanceof RestError && codes.includes(err.statusCode ?? 0);
}

async function collect<T extends object>(client: TableClient, partition: string, filter: string, top?: number): Promise<T[]> {
  const out: T[] = [];
  const query = `PartitionKey eq ${odataString(partition)} and ${filter}`;
  const pages = client.listEntities<T>({ queryOptions: { filter: query } }).byPage({ maxPageSize: top ?? 1000 });
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
  private planList?: { at: number; value: Promise<PlanInfo[]> };

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

  private async readPlans(): Promise<PlanInfo[]> {
    const out: PlanInfo[] = [];
    for await (const e of this.plans.listEntities<{ name: string; channelId?: string; importedAt?: string; archivedAt?: string; revision?: string }>({
      queryOptions: { filter: `PartitionKey eq 'plans'` },
    })) {
      const info: PlanInfo = { id: e.rowKey as string, name: e.name, channelId: e.channelId || undefined, importedAt: e.importedAt };
      if (e.archivedAt) info.archivedAt = e.archivedAt;
      if (e.revision) info.revision = e.revision;
      out.push(info);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async savePlan(plan: PlanInfo): Promise<void> {
    this.planList = undefined;
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
    } catch {
      /* the summary is rebuilt on its next read */
    }
  }

  async getAction(planId: string, ref: string): Promise<ActionDetail | undefined> {
    return actionOf(await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.actionPrefix(ref))));
  }

  /**
   * Every action (with its plan fields, without milestones) and every milestone in a plan.
   * A full partition read: for summaries, digests, nudges and import diffs, not for per-question lists.
   */
  async listAllItems(planId: string): Promise<PlanItem[]> {
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.allItemsPrefix));
    return rows.map((e) => (e.kind === 'action' ? entityToAction(e, []) : entityToItem(e)));
  }

  /** Open dated items due strictly before `beforeDate`, oldest first. */
  async listOpenDueBefore(planId: string, beforeDate: string): Promise<ItemSummary[]> {
    const rows = await collect<IndexEntity>(this.items, planId, prefixRange(planKeys.duePrefix, planKeys.dueAt(beforeDate)));
    return rows.map(indexToSummary);
  }

  /**
   * The first `need` open items due strictly before `beforeDate` in due-date order, plus every other
   * item due on the last of those dates (the caller orders items within a date by natural ref, which
   * the row keys do not), so a page of the full list can be cut from this without reading it all.
   */
  async listOpenDueBeforeFirst(planId: string, beforeDate: string, need: number): Promise<ItemSummary[]> {
    const filter = `PartitionKey eq ${odataString(planId)} and ${prefixRange(planKeys.duePrefix, planKeys.dueAt(beforeDate))}`;
    // A little over `need` per page, so the rest of the last date usually comes in the same page.
    const pages = this.items.listEntities<IndexEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, need + 20) });
    const out: IndexEntity[] = [];
    const dateOf = (e: IndexEntity) => e.rowKey.split('|', 2)[1];
    for await (const page of pages) {
      for (const e of page) {
        if (out.length >= need && dateOf(e) !== dateOf(out[need - 1])) return out.map(indexToSummary);
        out.push(e);
      }
    }
    return out.map(indexToSummary);
  }

  /**
   * How many open items are due strictly before `beforeDate`, by RAG, from the plan's due summary
   * row: one point read. A missing or stale summary (another revision of the plan, see savePlan)
   * is rebuilt from the due| index first, reading only each row's key and RAG.
   */
  async overdueCounts(planId: string, beforeDate: string, revision: string | undefined): Promise<OverdueCounts> {
    let current: (SummaryEntity & { etag?: string }) | undefined;
    try {
      current = await this.items.getEntity<SummaryEntity>(planId, SUMMARY_ROW);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    const stored = current && current.revision === (revision ?? '') ? countsOf(current) : undefined;
    if (stored) return countBefore(stored, beforeDate);
    const counts = await this.rebuildDueCounts(planId, revision, current?.etag);
    return countBefore(counts, beforeDate);
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

  async listPriorities(planId: string): Promise<Priority[]> {
    const rows = await collect<{ ref: string; title: string }>(this.items, planId, prefixRange(planKeys.priorityPrefix));
    return rows.map((r) => ({ ref: r.ref, title: r.title }));
  }

  async listHistory(planId: string, ref: string, top?: number): Promise<HistoryEntry[]> {
    const rows = await collect<HistoryEntity>(this.items, planId, prefixRange(planKeys.historyPrefix(ref)), top);
    return rows.map((r) => this.toHistory(planId, r));
  }

  /** Every change in a plan since an instant, for digests ("what moved this week"). */
  async listHistorySince(planId: string, sinceIso: string): Promise<HistoryEntry[]> {
    const rows = await collect<HistoryEntity>(this.items, planId, `${prefixRange('hist|')} and at ge ${odataString(sinceIso)}`);
    return rows.map((r) => this.toHistory(planId, r));
  }

  private toHistory(planId: string, r: HistoryEntity): HistoryEntry {
    return {
      planId,
      ref: r.ref,
      seq: r.seq ?? undefined,
      at: r.at,
      by: r.by,
      byName: r.byName,
      source: r.source,
      changes: JSON.parse(r.changesJson) as HistoryEntry['changes'],
      commentary: r.commentary,
      evidenceUrl: r.evidenceUrl,
      note: r.note,
    };
  }

  /** Read an item for an update, with the token saveChange needs. */
  async getItemForUpdate(planId: string, ref: string, seq?: number): Promise<LoadedItem | undefined> {
    try {
      const e = await this.items.getEntity<ItemEntity>(planId, planKeys.item(ref, seq));
      return { item: entityToItem(e), token: e.etag as ConcurrencyToken };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * One range query over the action's rows (the action and its milestones share the `item|<ref>|`
   * prefix), so an update reads the item and everything its card shows in the one request the point
   * read took. The token is the target row's own ETag: the save is still conditional on that row only.
   */
  async getItemWithActionForUpdate(planId: string, ref: string, seq?: number): Promise<LoadedForUpdate | undefined> {
    const rows = await collect<ItemEntity & { etag?: string }>(this.items, planId, prefixRange(planKeys.actionPrefix(ref)));
    const action = actionOf(rows);
    const target = rows.find((r) => r.rowKey === planKeys.item(ref, seq));
    if (!action || !target) return undefined;
    return { item: entityToItem(target), token: target.etag as ConcurrencyToken, action };
  }

  /**
   * Write an item's new state, its history row, its index rows and the plan's due summary in one
   * transaction, on condition that the item is still at the version `before` was read at. Nothing
   * is written on conflict. The summary row is also conditional on its ETag; when only it moved
   * (another item's update landed in between) the change is retried with the fresh summary.
   */
  async saveChange(loaded: LoadedItem, after: ItemState | ActionDetail, history: HistoryEntry): Promise<SaveResult> {
    const before = loaded.item;
    const actions: TransactionAction[] = [['update', itemToEntity(after), 'Merge', { etag: loaded.token }], ...this.indexDiff(before, after)];
    actions.push(['create', historyEntity(history, after.version)]);
    for (let attempt = 0; ; attempt++) {
      const summary = await this.summaryChange(before, after);
      try {
        await this.items.submitTransaction(summary ? [...actions, summary] : actions);
        return { ok: true };
      } catch (err) {
        // 412: someone else's change landed first (on the item, or only on the summary row).
        // 409: our history row exists (same instant, same version). 404: the summary row went away.
        if (!isStatus(err, 412, 409, 404)) throw err;
        if (isStatus(err, 409) || attempt >= 4 || !(await this.stillAt(loaded))) return { ok: false, reason: 'conflict' };
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
   * The summary row's part in an item change: the counts moved from the old due date/RAG to the new,
   * conditional on the row's ETag. A missing summary is written as "rebuild me", so a rebuild that
   * read the index before this change cannot then store counts without it. undefined: no change.
   */
  private async summaryChange(before: ItemState, after: ItemState): Promise<TransactionAction | undefined> {
    const from = dueKeyOf(before);
    const to = dueKeyOf(after);
    if (from?.date === to?.date && from?.rag === to?.rag) return undefined;
    let row: (SummaryEntity & { etag?: string }) | undefined;
    try {
      row = await this.items.getEntity<SummaryEntity>(after.planId, SUMMARY_ROW);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    const counts = row ? countsOf(row) : undefined;
    if (!row || !counts) return ['upsert', summaryEntity(after.planId, undefined, ''), 'Replace'];
    addTo(counts, from, -1);
    addTo(counts, to, +1);
    return ['update', summaryEntity(after.planId, counts, row.revision), 'Replace', { etag: row.etag }];
  }

  private indexDiff(before: ItemState, after: ItemState): TransactionAction[] {
    const oldRows = indexRowsFor(before);
    const newRows = indexRowsFor(after);
    const newKeys = new Set(newRows.map((r) => r.rowKey));
    return [
      ...oldRows.filter((r) => !newKeys.has(r.rowKey)).map((r): TransactionAction => ['delete', { partitionKey: r.partitionKey, rowKey: r.rowKey }]),
      ...newRows.map((r): TransactionAction => ['upsert', r, 'Replace']),
    ];
  }

  /** Every item in a plan with the token an import's conditional write needs. */
  async listAllItemsForImport(planId: string): Promise<{ item: PlanItem; token: ConcurrencyToken }[]> {
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.allItemsPrefix));
    return rows.map((e) => ({ item: e.kind === 'action' ? entityToAction(e, []) : entityToItem(e), token: (e as ItemEntity & { etag?: string }).etag as ConcurrencyToken }));
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
  ): Promise<{ transactions: number; written: number; conflicts: ImportWrite[] }> {
    let transactions = 0;
    const priorityOps: TransactionAction[] = priorities.map((p) => ['upsert', { partitionKey: planId, rowKey: planKeys.priority(p.ref), ref: p.ref, title: p.title }, 'Replace']);
    for (let i = 0; i < priorityOps.length; i += MAX_BATCH) {
      await this.items.submitTransaction(priorityOps.slice(i, i + MAX_BATCH));
      transactions++;
    }
    const groups = writes.map((w) => ({ w, ops: this.importOps(w) }));
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

  private importOps(w: ImportWrite): TransactionAction[] {
    const ops: TransactionAction[] = [];
    if (w.previous && w.token) ops.push(['update', itemToEntity(w.item), 'Replace', { etag: w.token }]);
    else ops.push(['create', itemToEntity(w.item)]);
    if (w.previous) ops.push(...this.indexDiff(w.previous, w.item));
    else ops.push(...indexRowsFor(w.item).map((r): TransactionAction => ['upsert', r, 'Replace']));
    if (w.history) ops.push(['create', historyEntity(w.history, w.item.version)]);
    return ops;
  }
}

function historyEntity(h: HistoryEntry, version: number): HistoryEntity {
  const e: HistoryEntity = {
    partitionKey: h.planId,
    rowKey: planKeys.history(h.ref, new Date(h.at), h.seq, version),
    ref: h.ref,
    at: h.at,
    by: h.by,
    byName: h.byName,
    source: h.source,
    changesJson: JSON.stringify(h.changes),
  };
  if (h.seq !== undefined) e.seq = h.seq;
  if (h.commentary) e.commentary = h.commentary;
  if (h.evidenceUrl) e.evidenceUrl = h.evidenceUrl;
  if (h.note) e.note = h.note;
  return e;
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

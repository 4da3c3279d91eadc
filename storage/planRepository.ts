import { RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { ActionDetail, HistoryEntry, ItemState } from '../domain/planItem';
import type { Priority } from '../domain/model';
import { TABLES, type TableSet } from './tables';
import { planKeys, prefixRange, END } from './planKeys';
import { odataString } from './keys';
import { entityToAction, entityToItem, indexRowsFor, indexToSummary, itemToEntity, type IndexEntity, type ItemEntity } from './itemEntity';

export interface PlanInfo {
  id: string;
  name: string;
  channelId?: string;
  importedAt?: string;
  /** Set when an admin archived the plan: hidden from questions and digests, kept with its history. */
  archivedAt?: string;
}

/** An action with its plan fields, or a milestone. */
export type PlanItem = ItemState | ActionDetail;

export type SaveResult = { ok: true } | { ok: false; reason: 'conflict' };

/** Opaque to callers: the ETag of the item as read, so a save can insist nothing moved since. */
declare const tokenBrand: unique symbol;
export type ConcurrencyToken = string & { readonly [tokenBrand]: true };

export interface LoadedItem {
  item: ItemState;
  token: ConcurrencyToken;
}

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
export class PlanRepository {
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
    for await (const e of this.plans.listEntities<{ name: string; channelId?: string; importedAt?: string; archivedAt?: string }>({
      queryOptions: { filter: `PartitionKey eq 'plans'` },
    })) {
      const info: PlanInfo = { id: e.rowKey as string, name: e.name, channelId: e.channelId || undefined, importedAt: e.importedAt };
      if (e.archivedAt) info.archivedAt = e.archivedAt;
      out.push(info);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async savePlan(plan: PlanInfo): Promise<void> {
    this.planList = undefined;
    await this.plans.upsertEntity(
      { partitionKey: 'plans', rowKey: plan.id, name: plan.name, channelId: plan.channelId, importedAt: plan.importedAt },
      'Merge',
    );
  }

  async getAction(planId: string, ref: string): Promise<ActionDetail | undefined> {
    const rows = await collect<ItemEntity>(this.items, planId, prefixRange(planKeys.actionPrefix(ref)));
    const action = rows.find((r) => r.kind === 'action');
    if (!action) return undefined;
    const milestones = rows
      .filter((r) => r.kind === 'milestone')
      .map(entityToItem)
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    return entityToAction(action, milestones);
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
  async listOpenDueBefore(planId: string, beforeDate: string): Promise<ItemState[]> {
    const rows = await collect<IndexEntity>(this.items, planId, prefixRange(planKeys.duePrefix, planKeys.dueAt(beforeDate)));
    return rows.map(indexToSummary);
  }

  /** Open dated items due from `fromDate` to `toDate` inclusive, soonest first. */
  async listOpenDueBetween(planId: string, fromDate: string, toDate: string): Promise<ItemState[]> {
    const rows = await collect<IndexEntity>(
      this.items,
      planId,
      `RowKey ge ${odataString(planKeys.dueAt(fromDate))} and RowKey lt ${odataString(planKeys.dueAt(toDate) + '|' + END)}`,
    );
    return rows.map(indexToSummary);
  }

  async listByOwner(planId: string, ownerRoleKey: string): Promise<ItemState[]> {
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
   * Write an item's new state, its history row and its index rows in one transaction, on condition
   * that the item is still at the version `before` was read at. Nothing is written on conflict.
   */
  async saveChange(loaded: LoadedItem, after: ItemState | ActionDetail, history: HistoryEntry): Promise<SaveResult> {
    const before = loaded.item;
    const actions: TransactionAction[] = [['update', itemToEntity(after), 'Merge', { etag: loaded.token }], ...this.indexDiff(before, after)];
    actions.push(['create', historyEntity(history, after.version)]);
    try {
      await this.items.submitTransaction(actions);
      return { ok: true };
    } catch (err) {
      // 412: someone else's change landed first. 409: our history row exists (same instant, same version).
      if (isStatus(err, 412, 409)) return { ok: false, reason: 'conflict' };
      throw err;
    }
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

/** One item an import writes: new (no previous), or changed from `previous` as read with `token`. */
export interface ImportWrite {
  item: ItemState | ActionDetail;
  previous?: ItemState;
  token?: ConcurrencyToken;
  history?: HistoryEntry;
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
  return e;
}

import type { TableEntity } from '@azure/data-tables';
import type { Due, ProgressStatus, Rag } from '../domain/model';
import type { ActionDetail, ItemState, ItemSummary, SignOffRecord } from '../domain/planItem';
import { dueDateOf, isOpen } from '../domain/schedule';
import { PAGED_INDEXES, ownerKeyOf } from './pagedIndexes';
import { planKeys } from './planKeys';

/** How an item is laid out as a table entity. Structured fields are JSON: they are only ever read whole. */
export type ItemEntity = {
  partitionKey: string;
  rowKey: string;
  kind: 'action' | 'milestone';
  ref: string;
  seq?: number;
  title: string;
  ownerRole?: string;
  dueJson: string;
  dueDate?: string;
  originalDueJson?: string;
  status: ProgressStatus;
  rag: Rag;
  commentary?: string;
  evidenceUrl?: string;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
  updatedByName?: string;
  lastRequestId?: string;
  /** The latest sign-off request and its decision (domain/planItem.ts SignOffRecord). */
  signOffJson?: string;
  /** The row's own latest history rows, newest first; '' or absent: none kept (historyRows.ts). */
  recentJson?: string;
  // action-only
  priorityRef?: string;
  priorityTitle?: string;
  objective?: string;
  outcomesJson?: string;
  kpiCodes?: string;
  extraJson?: string;
};

/**
 * Every item column but `recentJson`, for reads of many items that show none of their changes.
 * Keyed by the entity's own fields, so a column added to ItemEntity and not here fails to compile.
 */
const COLUMNS: Record<Exclude<keyof ItemEntity, 'partitionKey' | 'rowKey' | 'recentJson'>, true> = {
  kind: true, ref: true, seq: true, title: true, ownerRole: true, dueJson: true, dueDate: true, originalDueJson: true, status: true, rag: true,
  commentary: true, evidenceUrl: true, version: true, updatedAt: true, updatedBy: true, updatedByName: true, lastRequestId: true, signOffJson: true,
  priorityRef: true, priorityTitle: true, objective: true, outcomesJson: true, kpiCodes: true, extraJson: true,
};
export const ITEM_COLUMNS_BUT_CHANGES = ['PartitionKey', 'RowKey', ...Object.keys(COLUMNS)];

/** Index rows repeat the fields a list shows, so a list is one range read. */
export type IndexEntity = {
  partitionKey: string;
  rowKey: string;
  kind: 'action' | 'milestone';
  ref: string;
  seq?: number;
  title: string;
  ownerRole?: string;
  dueJson: string;
  status: ProgressStatus;
  rag: Rag;
};

const TITLE_IN_INDEX = 300;

const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

export function itemToEntity(item: ItemState | ActionDetail): ItemEntity {
  const base: ItemEntity = {
    partitionKey: item.planId,
    rowKey: planKeys.item(item.ref, item.seq),
    kind: item.kind,
    ref: item.ref,
    seq: item.seq,
    title: item.title,
    ownerRole: item.ownerRole,
    dueJson: JSON.stringify(item.due),
    dueDate: dueDateOf(item.due),
    originalDueJson: item.originalDue ? JSON.stringify(item.originalDue) : undefined,
    status: item.status,
    rag: item.rag,
    commentary: item.commentary,
    evidenceUrl: item.evidenceUrl,
    version: item.version,
    updatedAt: item.updatedAt,
    updatedBy: item.updatedBy,
    updatedByName: item.updatedByName,
    lastRequestId: item.lastRequestId,
    signOffJson: item.signOff ? JSON.stringify(item.signOff) : undefined,
  };
  if (item.kind === 'action' && 'outcomes' in item) {
    Object.assign(base, {
      priorityRef: item.priorityRef,
      priorityTitle: item.priorityTitle,
      objective: item.objective,
      outcomesJson: JSON.stringify(item.outcomes),
      kpiCodes: item.kpiCodes.join(','),
      extraJson: Object.keys(item.extra).length ? JSON.stringify(item.extra) : undefined,
    });
  }
  return clean(base);
}

export function entityToItem(e: TableEntity<ItemEntity> | ItemEntity): ItemState {
  return clean({
    planId: e.partitionKey,
    ref: e.ref,
    seq: e.seq ?? undefined,
    kind: e.kind,
    title: e.title,
    ownerRole: e.ownerRole,
    due: JSON.parse(e.dueJson) as Due,
    originalDue: e.originalDueJson ? (JSON.parse(e.originalDueJson) as Due) : undefined,
    status: e.status,
    rag: e.rag,
    commentary: e.commentary,
    evidenceUrl: e.evidenceUrl,
    version: e.version,
    updatedAt: e.updatedAt,
    updatedBy: e.updatedBy,
    updatedByName: e.updatedByName,
    lastRequestId: e.lastRequestId,
    signOff: e.signOffJson ? (JSON.parse(e.signOffJson) as SignOffRecord) : undefined,
  });
}

export function entityToAction(e: ItemEntity, milestones: ItemState[]): ActionDetail {
  return {
    ...(entityToItem(e) as ItemState & { kind: 'action' }),
    priorityRef: e.priorityRef,
    priorityTitle: e.priorityTitle,
    objective: e.objective,
    outcomes: e.outcomesJson ? (JSON.parse(e.outcomesJson) as string[]) : [],
    kpiCodes: e.kpiCodes ? e.kpiCodes.split(',').filter(Boolean) : [],
    extra: e.extraJson ? (JSON.parse(e.extraJson) as Record<string, string>) : {},
    milestones,
  };
}

/** The index rows an item should have in its current state; an update diffs old against new. */
export function indexRowsFor(item: ItemState): IndexEntity[] {
  const summary = clean({
    partitionKey: item.planId,
    kind: item.kind,
    ref: item.ref,
    seq: item.seq,
    title: item.title.length > TITLE_IN_INDEX ? item.title.slice(0, TITLE_IN_INDEX - 1) + '…' : item.title,
    ownerRole: item.ownerRole,
    dueJson: JSON.stringify(item.due),
    status: item.status,
    rag: item.rag,
  });
  const rows: IndexEntity[] = [];
  const date = dueDateOf(item.due);
  if (date && isOpen(item.status)) rows.push({ ...summary, rowKey: planKeys.due(date, item.ref, item.seq) });
  // Every item stays in the owner index (digests and sign-offs read complete work too); the paged
  // indexes hold only what their lists show, in the order shown (pagedIndexes.ts).
  rows.push({ ...summary, rowKey: planKeys.owner(ownerKeyOf(item), item.ref, item.seq) });
  for (const index of PAGED_INDEXES) {
    const rowKey = index.entryOf(item)?.rowKey;
    if (rowKey) rows.push({ ...summary, rowKey });
  }
  return rows;
}

export function indexToSummary(e: IndexEntity): ItemSummary {
  return clean({
    planId: e.partitionKey,
    ref: e.ref,
    seq: e.seq ?? undefined,
    kind: e.kind,
    title: e.title,
    ownerRole: e.ownerRole,
    due: JSON.parse(e.dueJson) as Due,
    status: e.status,
    rag: e.rag,
  });
}

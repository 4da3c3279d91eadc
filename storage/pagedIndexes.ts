import type { Rag } from '../domain/model';
import type { ItemState } from '../domain/planItem';
import { refOrderKey } from '../domain/refs';
import { roleKey } from '../domain/roles';
import { dueSortKey, isMovedBack, isOpen, onOwnersList } from '../domain/schedule';
import { RAGS, ragCounts } from '../domain/status';
import { decodeKey, encodeKey } from './keys';
import { seqPart } from './planKeys';

/**
 * Paged indexes (planKeys.ts): index families a list reads one page of, each led per group by a
 * count row with how many rows the group has, by RAG, so a list's cost does not grow with the plan
 * or the list:
 *
 *   owned|<role>|<due sort>|<ref>|<m>   "my actions": a role's items not yet complete, in due order
 *   rag|<rag>|<ref order>|<ref>|        "what's red": open actions of one RAG, in ref order
 *   lead|<role>|<ref order>|<ref>|      "unowned": open actions by owner role; the roles nobody in
 *                                       the directory holds are read (their count rows say which)
 *   moved|all|<due sort>|<ref>|<m>      "slipping": open items whose due date has moved back
 *   awaiting|all|<due sort>|<ref>|<m>   "sign-offs": the items awaiting sign-off, read with their
 *                                       item rows (the list shows who asked and when)
 *   tally|<kind:status:due>|!           "summary": count rows only, every item by kind, status and
 *                                       whether it has a due date, by RAG (no rows of its own, so
 *                                       it is recounted from the item rows rather than from itself)
 *
 * Kept exact by PlanRepository.saveChange (item, index rows and count rows in one entity-group
 * transaction, the count rows conditional on their ETags). Imports write the index rows but not
 * the count rows; savePlan, which every import ends with, recounts them from the index.
 *
 * A plan written before an index existed has none of its rows. So each index is trusted only for a
 * plan whose row carries the index's stamp equal to its revision: stamped by savePlan once it has
 * checked the index's keys against the item rows themselves (or the plan was
 * already stamped, and every writer since has kept both). Until then its list reads the plan the
 * old way, and writes delete only the rows of it that exist; the next import writes the missing
 * rows. (A rolling deploy where an older instance saves changes after the stamp would leave those
 * rows stale until the next import.)
 */
export interface PagedIndex {
  /** The plan row's property that stamps this index as trusted for a revision. */
  readonly stamp: 'ownedIndexRevision' | 'ragIndexRevision' | 'leadIndexRevision' | 'movedIndexRevision' | 'awaitingIndexRevision' | 'tallyIndexRevision';
  /** Count rows only: nothing to page, and its counts are taken from the item rows. */
  readonly rowless?: boolean;
  /** Every row of the index starts with it. */
  readonly prefix: string;
  /** Where an item sits in this index, if it is listed: its group, its row key (none in a rowless index) and the RAG it counts under. */
  entryOf(item: IndexedFields): { group: string; rowKey?: string; rag: Rag } | undefined;
  /** The group's count row key; '!' sorts before every character of a sort part, so it leads its group's range. */
  countKey(group: string): string;
  /** The first row key of a group (its count row), for a range read of the group. */
  groupPrefix(group: string): string;
  /** The group of one of this index's rows (count row or item row). */
  groupOfRow(rowKey: string): string;
  /** The part of a row key a page is ordered by: rows sharing it are read together at a page's end. */
  sortOfRow(rowKey: string): string;
}

/** What an item's place in a paged index depends on; index rows carry all of it. */
export type IndexedFields = Pick<ItemState, 'kind' | 'ref' | 'seq' | 'ownerRole' | 'status' | 'rag' | 'due' | 'originalDue'>;

export const UNOWNED_KEY = '(unowned)';

export function ownerKeyOf(item: Pick<ItemState, 'ownerRole'>): string {
  return item.ownerRole ? roleKey(item.ownerRole) : UNOWNED_KEY;
}

function family(stamp: PagedIndex['stamp'], name: string, entry: (item: IndexedFields) => { group: string; sort?: string; rag: Rag } | undefined, rowless = false): PagedIndex {
  const prefix = `${name}|`;
  const groupPrefix = (group: string) => `${prefix}${encodeKey(group)}|`;
  return {
    stamp,
    prefix,
    rowless,
    groupPrefix,
    countKey: (group) => `${groupPrefix(group)}!`,
    entryOf(item) {
      const e = entry(item);
      if (!e) return undefined;
      return rowless ? { group: e.group, rag: e.rag } : { group: e.group, rag: e.rag, rowKey: `${groupPrefix(e.group)}${e.sort}|${encodeKey(item.ref)}|${seqPart(item.seq)}` };
    },
    groupOfRow: (rowKey) => decodeKey(rowKey.split('|', 3)[1]),
    sortOfRow: (rowKey) => rowKey.split('|', 3)[2],
  };
}

/** "my actions": per owner role, the items not yet complete, soonest due first (undated work last, as 9999). */
export const OWNED = family('ownedIndexRevision', 'owned', (i) => (onOwnersList(i.status) ? { group: ownerKeyOf(i), sort: dueSortKey(i.due), rag: i.rag } : undefined));

/** "what's red" / "amber actions": per RAG, the open actions (not milestones), in ref order (domain/refs refOrderKey). */
export const BY_RAG = family('ragIndexRevision', 'rag', (i) => (i.kind === 'action' && isOpen(i.status) ? { group: i.rag, sort: encodeKey(refOrderKey(i.ref)), rag: i.rag } : undefined));

/** The one group of an index that is a single list. */
export const ALL = 'all';

/** "unowned actions": per owner role (UNOWNED_KEY for none), the open actions, in ref order. */
export const BY_LEAD = family('leadIndexRevision', 'lead', (i) => (i.kind === 'action' && isOpen(i.status) ? { group: ownerKeyOf(i), sort: encodeKey(refOrderKey(i.ref)), rag: i.rag } : undefined));

/** "slipping": every open item whose due date has moved later than first planned, by due date. */
export const MOVED = family('movedIndexRevision', 'moved', (i) => (isOpen(i.status) && isMovedBack(i) ? { group: ALL, sort: dueSortKey(i.due), rag: i.rag } : undefined));

/** "sign-offs": every item awaiting sign-off, in one group, by due date. */
export const AWAITING = family('awaitingIndexRevision', 'awaiting', (i) => (i.status === 'awaiting_signoff' ? { group: ALL, sort: dueSortKey(i.due), rag: i.rag } : undefined));

/** The plan summary's counts: every item, grouped by tallyGroup, by RAG. */
export const TALLY = family('tallyIndexRevision', 'tally', (i) => ({ group: tallyGroup(i), rag: i.rag }), true);

export function tallyGroup(i: Pick<IndexedFields, 'kind' | 'status' | 'due'>): string {
  return `${i.kind}:${i.status}:${i.due.kind}`;
}

export function parseTallyGroup(group: string): { kind: ItemState['kind']; status: ItemState['status']; dueKind: ItemState['due']['kind'] } {
  const [kind, status, dueKind] = group.split(':');
  return { kind: kind as ItemState['kind'], status: status as ItemState['status'], dueKind: dueKind as ItemState['due']['kind'] };
}

export const PAGED_INDEXES: readonly PagedIndex[] = [OWNED, BY_RAG, BY_LEAD, MOVED, AWAITING, TALLY];

/** `isCount` lets a query over an index's range return its count rows only (the roles a plan has, for "unowned"). */
export type CountEntity = { partitionKey: string; rowKey: string; isCount: true } & Record<Rag, number>;

export function countEntity(planId: string, index: PagedIndex, group: string, rag: Record<Rag, number>): CountEntity {
  return { partitionKey: planId, rowKey: index.countKey(group), isCount: true, ...rag };
}

export function countsOfRow(e: object | undefined): Record<Rag, number> {
  const out = ragCounts();
  const row = e as Partial<Record<Rag, unknown>> | undefined;
  if (row) for (const r of RAGS) out[r] = typeof row[r] === 'number' ? (row[r] as number) : 0;
  return out;
}

export function isCountRow(rowKey: string): boolean {
  return rowKey.endsWith('|!');
}

/** The paged index a row key belongs to, if any. */
export function pagedIndexOf(rowKey: string): PagedIndex | undefined {
  return PAGED_INDEXES.find((x) => rowKey.startsWith(x.prefix));
}

/** The row key an action has in the lead| index under an owner role. */
export function leadRowKey(ownerRole: string, ref: string): string {
  return BY_LEAD.entryOf({ kind: 'action', ref, status: 'not_started', rag: 'none', ownerRole: ownerRole || undefined, due: { kind: 'none' } })!.rowKey!;
}

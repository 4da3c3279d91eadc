import type { Rag } from '../domain/model';
import type { ItemState } from '../domain/planItem';
import { roleKey } from '../domain/roles';
import { onOwnersList } from '../domain/schedule';
import { RAGS, ragCounts } from '../domain/status';
import { planKeys } from './planKeys';
import { decodeKey } from './keys';

/**
 * The owned| index (planKeys.ts): per owner role, the items not yet complete in due-date order, led
 * by a count row with how many there are by RAG. "my actions" reads one range per role: the count
 * row and the first rows of the page, so its cost does not grow with the plan or the owner's list.
 *
 * Kept exact by PlanRepository.saveChange (item, index rows and count rows in one entity-group
 * transaction, the count rows conditional on their ETags). Imports write the index rows but not
 * the count rows; savePlan, which every import ends with, recounts them from the index.
 *
 * A plan written before this index existed has no owned| rows. So the index is trusted only for
 * a plan whose row carries ownedIndexRevision equal to its revision: stamped by savePlan once it
 * has checked the owned| keys against the owner| index (or the plan was already stamped, and every
 * writer since has kept both). Until then "my actions" reads the owner| rows as before; the next
 * import of the plan writes the missing rows. (A rolling deploy where an older instance saves
 * changes after the stamp would leave those rows stale until the next import.)
 */

export const UNOWNED_KEY = '(unowned)';

export function ownerKeyOf(item: Pick<ItemState, 'ownerRole'>): string {
  return item.ownerRole ? roleKey(item.ownerRole) : UNOWNED_KEY;
}

/** What an item adds to its owner's count row: the role and RAG, when it is on the owner's list. */
export function ownedKeyOf(item: Pick<ItemState, 'ownerRole' | 'status' | 'rag'>): { role: string; rag: Rag } | undefined {
  return onOwnersList(item.status) ? { role: ownerKeyOf(item), rag: item.rag } : undefined;
}

export type OwnedCountEntity = { partitionKey: string; rowKey: string } & Record<Rag, number>;

export function countEntity(planId: string, role: string, rag: Record<Rag, number>): OwnedCountEntity {
  return { partitionKey: planId, rowKey: planKeys.ownedCount(role), ...rag };
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

/** The role key of an owned| row (count row or item row). */
export function roleOfOwnedRow(rowKey: string): string {
  return decodeKey(rowKey.split('|', 3)[1]);
}

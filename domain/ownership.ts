import type { ItemState } from './planItem';
import { isOpen } from './schedule';
import { roleKey } from './roles';

/**
 * The one definition of "unowned", used by "summary", "unowned", the digest and the board pack so
 * their counts agree for the same day: an action that is still open and whose lead is missing or
 * held by nobody in the directory. A completed action needs no owner, so it never counts; nor do
 * milestones, which are dates, not work someone leads.
 */
export function isUnowned(item: Pick<ItemState, 'kind' | 'status' | 'ownerRole'>, knownRoleKeys: ReadonlySet<string>): boolean {
  return item.kind === 'action' && isOpen(item.status) && (!item.ownerRole || !knownRoleKeys.has(roleKey(item.ownerRole)));
}

/** The role keys the directory holds, for `isUnowned`. */
export function heldRoleKeys(people: readonly { role: string }[]): Set<string> {
  return new Set(people.map((p) => roleKey(p.role)));
}

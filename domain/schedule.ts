import type { Due, ProgressStatus } from './model';
import { daysBetween } from './clock';

/** Statuses where nothing more is expected of the owner, so the item can never be overdue. */
const CLOSED: ReadonlySet<ProgressStatus> = new Set(['complete', 'awaiting_signoff', 'bau']);

export function isOpen(status: ProgressStatus): boolean {
  return !CLOSED.has(status);
}

/**
 * What an owner's list ("my actions") shows: everything not yet complete, including work awaiting
 * sign-off (it can still be returned) and business as usual.
 */
export function onOwnersList(status: ProgressStatus): boolean {
  return status !== 'complete';
}

/** Whether an item's due date has been moved later than it was first planned ("slipping"). */
export function isMovedBack(item: { due: Due; originalDue?: Due }): boolean {
  return item.originalDue?.kind === 'date' && item.due.kind === 'date' && item.due.date > item.originalDue.date;
}

/** How lists order by due date: fixed dates first, earliest first; recurring and undated work after them. */
export function dueSortKey(due: Due): string {
  return due.kind === 'date' ? due.date : '9999';
}

/** Only a fixed date can be missed; recurring work and "no timescale" never become overdue. */
export function dueDateOf(due: Due): string | undefined {
  return due.kind === 'date' ? due.date : undefined;
}

export function daysOverdue(due: Due, status: ProgressStatus, today: string): number {
  const date = dueDateOf(due);
  if (!date || !isOpen(status)) return 0;
  return Math.max(0, daysBetween(date, today));
}

export function isOverdue(due: Due, status: ProgressStatus, today: string): boolean {
  return daysOverdue(due, status, today) > 0;
}

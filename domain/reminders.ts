import type { ItemState } from './planItem';
import { daysBetween } from './clock';
import { isOpen } from './schedule';
import { isWorkingDay, previousWorkingDay } from './workingTime';

/**
 * Which reminder an item is owed today, if any. Each stage has a stable name, so the delivery ledger
 * can promise "once per stage": a day missed to a weekend or quiet hours is caught up next working
 * day, and a stage is never sent twice.
 *
 *   week-ahead   due within the next 7 days
 *   day-before   the working day before the due date (Friday for a Monday deadline)
 *   due-today    the due date; for a weekend due date, the last working day before it
 *   overdue-wN   past due: the first working day after (w0), then every 7 days, until someone updates it
 */
export type ReminderStage = 'week-ahead' | 'day-before' | 'due-today' | `overdue-w${number}`;

export function reminderStage(item: ItemState, today: string): ReminderStage | undefined {
  if (item.due.kind !== 'date' || !isOpen(item.status) || !isWorkingDay(today)) return undefined;
  const due = item.due.date;
  const until = daysBetween(today, due);
  if (until < 0) {
    // An update after the deadline means someone is on it; the stale-update nudge takes over.
    if (item.updatedAt && item.updatedBy !== 'import' && item.updatedAt.slice(0, 10) > due) return undefined;
    return `overdue-w${Math.floor((-until - 1) / 7)}`;
  }
  // A weekend deadline is, in practice, the Friday before it.
  const effectiveDue = isWorkingDay(due) ? due : previousWorkingDay(due);
  if (today >= effectiveDue) return 'due-today';
  if (previousWorkingDay(effectiveDue) === today) return 'day-before';
  if (until <= 7) return 'week-ahead';
  return undefined;
}

/**
 * An open item nobody has touched for `staleDays` gets a check-in, then again every `staleDays`.
 * The stage names the period, so each period nudges once.
 */
export function nudgeStage(item: ItemState, today: string, staleDays: number): `stale-p${number}` | undefined {
  if (!isStale(item, today, staleDays) || !isWorkingDay(today)) return undefined;
  return `stale-p${Math.floor(daysSinceUpdate(item, today)! / staleDays)}`;
}

/** Whole days since the item's last update, or undefined when it has never been updated. */
export function daysSinceUpdate(item: Pick<ItemState, 'updatedAt'>, today: string): number | undefined {
  return item.updatedAt ? daysBetween(item.updatedAt.slice(0, 10), today) : undefined;
}

/** "No update for STALE_AFTER_DAYS": the nudges' rule, and the board pack's, so both count alike. */
export function isStale(item: Pick<ItemState, 'status' | 'updatedAt'>, today: string, staleDays: number): boolean {
  const since = daysSinceUpdate(item, today);
  return isOpen(item.status) && since !== undefined && since >= staleDays;
}

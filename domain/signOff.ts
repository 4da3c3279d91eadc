import type { ItemState } from './planItem';
import { localTime, workingDaysBetween } from './workingTime';

/** SIGNOFF_ESCALATE_WORKING_DAYS' default: a week of working days. */
export const DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS = 5;

export interface SignOffWait {
  /** When the work was marked complete (the request's instant) and its local date. */
  since: string;
  sinceDate: string;
  /** Working days waited since that date, up to and including today. */
  workingDays: number;
  /** The version that asked: an escalation is owed once per request. */
  requestedVersion: number;
}

/** How long an item has waited for sign-off, or nothing when it is not waiting. */
export function signOffWait(item: ItemState, today: string, timeZone: string): SignOffWait | undefined {
  if (item.status !== 'awaiting_signoff') return undefined;
  const since = item.signOff?.requestedAt ?? item.updatedAt;
  if (!since) return undefined;
  const sinceDate = localTime(new Date(since), timeZone).date;
  return { since, sinceDate, workingDays: workingDaysBetween(sinceDate, today), requestedVersion: item.signOff?.requestedVersion ?? item.version };
}

/**
 * A sign-off waiting more than `afterWorkingDays` working days is escalated (once) to the manager's
 * manager. 0 turns escalation off.
 */
export function escalationDue(item: ItemState, today: string, timeZone: string, afterWorkingDays: number): SignOffWait | undefined {
  if (afterWorkingDays <= 0) return undefined;
  const wait = signOffWait(item, today, timeZone);
  return wait && wait.workingDays > afterWorkingDays ? wait : undefined;
}

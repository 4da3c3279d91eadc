/**
 * Calendar arithmetic on ISO dates (yyyy-mm-dd). A due date is a day in the council's time zone,
 * so "today" must be computed in that zone (Europe/London, with BST), not in UTC.
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats as yyyy-mm-dd, which is exactly the ISO calendar date.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function toUtcDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return toUtcDay(b) - toUtcDay(a);
}

export function addDays(iso: string, days: number): string {
  return new Date((toUtcDay(iso) + days) * 86_400_000).toISOString().slice(0, 10);
}

export function endOfMonthOf(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Monday-start week, as British calendars print it. */
export function endOfWeekOf(iso: string): string {
  const dow = new Date(toUtcDay(iso) * 86_400_000).getUTCDay(); // 0 = Sunday
  return addDays(iso, dow === 0 ? 0 : 7 - dow);
}

export interface Clock {
  today(): string;
  now(): Date;
}

export function systemClock(timeZone: string, fakeToday?: string): Clock {
  return {
    today: () => fakeToday ?? todayIn(timeZone),
    now: () => new Date(),
  };
}

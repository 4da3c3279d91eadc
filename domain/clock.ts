/**
 * Calendar arithmetic on ISO dates (yyyy-mm-dd). A due date is a day in the council's time zone,
 * so "today" must be computed in that zone (Europe/London, with BST), not in UTC.
 */
export function todayIn(timeZone: string, now: Date): string {
  // en-CA formats as yyyy-mm-dd, which is exactly the ISO calendar date.
  return cachedFormat(`day|${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(now);
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (it was a visible share of
// each question's CPU, see BENCHMARKS.md), and the clock asks for today many times a turn: one per zone.
const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** A formatter built once per key (the key names its options and zone). */
export function cachedFormat(key: string, build: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = FORMATS.get(key);
  if (!f) FORMATS.set(key, (f = build()));
  return f;
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

/**
 * The one source of time. Everything that reads "now" or "today" (rules, services, repositories,
 * the scheduler and the delivery worker) is handed a Clock; tests hand in a fixed one, so no test
 * depends on the day it runs. systemClock below is the only place production code reads the wall
 * clock (elapsed-time measurements and caches use performance.now(), which is not a date).
 */
export interface Clock {
  today(): string;
  now(): Date;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The wall clock in the council's zone. With fakeToday (dev and demos only; config refuses it when
 * an app id is set) the date is pinned and the time of day stays real: now() is today's wall-clock
 * time moved to fakeToday, so now() and today() always agree, including for the scheduler.
 */
export function systemClock(timeZone: string, fakeToday?: string): Clock {
  const now = (): Date => {
    const real = new Date();
    if (!fakeToday) return real;
    let shifted = new Date(real.getTime() + daysBetween(todayIn(timeZone, real), fakeToday) * DAY_MS);
    // Across a daylight-saving change the shifted instant can land an hour past local midnight.
    for (let i = 0; i < 2 && todayIn(timeZone, shifted) !== fakeToday; i++) {
      shifted = new Date(shifted.getTime() + (todayIn(timeZone, shifted) > fakeToday ? -HOUR_MS : HOUR_MS));
    }
    return shifted;
  };
  return {
    today: () => fakeToday ?? todayIn(timeZone, now()),
    now,
  };
}

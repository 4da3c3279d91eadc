import { addDays, cachedFormat } from './clock';

/**
 * Working days and quiet hours in the council's time zone. Wall-clock times are read through Intl,
 * so British Summer Time is handled by the platform's time-zone database, not by arithmetic here.
 * Bank holidays are not known: they count as working days (noted in the README).
 */
export interface LocalTime {
  date: string; // yyyy-mm-dd
  minutes: number; // since local midnight
  weekday: number; // 0 = Sunday
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = cachedFormat(`local|${timeZone}`, () =>
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false, weekday: 'short' }),
  ).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const hour = Number(get('hour')) % 24;
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    minutes: hour * 60 + Number(get('minute')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

export function isWorkingDay(iso: string): boolean {
  const dow = new Date(`${iso}T12:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** The last working day strictly before `iso`. */
export function previousWorkingDay(iso: string): string {
  let d = addDays(iso, -1);
  while (!isWorkingDay(d)) d = addDays(d, -1);
  return d;
}

export interface WorkingHours {
  start: string; // HH:MM
  end: string; // HH:MM
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True on a weekday between start (inclusive) and end (exclusive), local time. */
export function isWorkingTime(instant: Date, timeZone: string, hours: WorkingHours): boolean {
  const t = localTime(instant, timeZone);
  return t.weekday >= 1 && t.weekday <= 5 && t.minutes >= toMinutes(hours.start) && t.minutes < toMinutes(hours.end);
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
  return n;
}

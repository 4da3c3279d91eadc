import type { KpiDefinition, Rag } from './model';
import { addDays, endOfMonthOf } from './clock';
import { isWorkingDay } from './workingTime';

/**
 * A KPI's RAG from its polarity and tolerance: on or better than target is green; worse, but within
 * the tolerance band, amber; beyond it, red. The band is inclusive so a value exactly at the edge of
 * tolerance is amber, matching how the councils' dashboards read.
 */
export function kpiRag(def: Pick<KpiDefinition, 'polarity' | 'target' | 'tolerance'>, value: number): Rag {
  const shortfall = def.polarity === 'higher' ? def.target - value : value - def.target;
  if (shortfall <= 0) return 'green';
  if (shortfall <= def.tolerance) return 'amber';
  return 'red';
}

export type Direction = 'improving' | 'worsening' | 'no change' | 'no previous value';

export function directionOfTravel(def: Pick<KpiDefinition, 'polarity'>, latest: number, previous?: number): Direction {
  if (previous === undefined) return 'no previous value';
  if (latest === previous) return 'no change';
  const better = def.polarity === 'higher' ? latest > previous : latest < previous;
  return better ? 'improving' : 'worsening';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Quarters are stored as calendar quarters ("2026-Q4" = Oct–Dec 2026, as imported) and shown as the
 * councils report them, in financial-year quarters from April: Oct–Dec 2026 is "Q3 2026/27".
 */
export function financialQuarter(period: string): { q: number; fyStart: number } | undefined {
  const m = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (!m) return undefined;
  const year = Number(m[1]);
  const cq = Number(m[2]);
  return cq === 1 ? { q: 4, fyStart: year - 1 } : { q: cq - 1, fyStart: year };
}

/** Financial-year quarter → stored calendar quarter: Q3 2026/27 → "2026-Q4". */
export function calendarQuarterOf(fq: number, fyStart: number): string {
  return fq === 4 ? `${fyStart + 1}-Q1` : `${fyStart}-Q${fq + 1}`;
}

const fy = (start: number, digits: 2 | 4) => (digits === 4 ? `${start}/${String(start + 1).slice(2)}` : `${String(start).slice(2)}/${String(start + 1).slice(2)}`);

/** "2022-09" → "Sep 2022"; "2022-Q3" → "Q2 2022/23 (Jul–Sep 2022)"; weekly ISO dates → "5 Sep 2022". */
export function formatPeriod(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  const f = financialQuarter(period);
  if (f) {
    const [start, end] = quarterMonths(period);
    return `Q${f.q} ${fy(f.fyStart, 4)} (${MONTHS[start - 1]}–${MONTHS[end - 1]} ${period.slice(0, 4)})`;
  }
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  return period;
}

/** The short chart label: "Nov 25", "Q3 25/26", "5 Sep". Short enough that Teams does not cut it. */
export function shortPeriod(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${MONTHS[Number(m[2]) - 1]} ${m[1].slice(2)}`;
  const f = financialQuarter(period);
  if (f) return `Q${f.q} ${fy(f.fyStart, 2)}`;
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
  return period;
}

function quarterMonths(period: string): [number, number] {
  const cq = Number(period.slice(6));
  return [cq * 3 - 2, cq * 3];
}

export type PeriodKind = 'monthly' | 'quarterly' | 'weekly';

/** The frequencies a value can be recorded for from chat; others are imported from a file. */
export function periodKind(frequency: string): PeriodKind | undefined {
  const f = frequency.trim().toLowerCase();
  return f === 'monthly' || f === 'quarterly' || f === 'weekly' ? f : undefined;
}

export function kindOfPeriod(period: string): PeriodKind | undefined {
  if (/^\d{4}-\d{2}$/.test(period)) return 'monthly';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarterly';
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return 'weekly';
  return undefined;
}

/** The last day of a period (yyyy-mm-dd): month end, quarter end, or the Sunday of a week commencing. */
export function periodEnd(period: string): string {
  const kind = kindOfPeriod(period);
  if (kind === 'monthly') return endOfMonthOf(`${period}-01`);
  if (kind === 'quarterly') {
    const [, end] = quarterMonths(period);
    return endOfMonthOf(`${period.slice(0, 4)}-${String(end).padStart(2, '0')}-01`);
  }
  if (kind === 'weekly') return addDays(period, 6);
  throw new Error(`not a period: ${period}`);
}

/** The period before or after this one (n steps). */
export function shiftPeriodBy(period: string, n: number): string {
  const kind = kindOfPeriod(period);
  if (kind === 'monthly') {
    const idx = Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1 + n;
    return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
  }
  if (kind === 'quarterly') {
    const idx = Number(period.slice(0, 4)) * 4 + Number(period.slice(6)) - 1 + n;
    return `${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
  }
  if (kind === 'weekly') return addDays(period, 7 * n);
  throw new Error(`not a period: ${period}`);
}

/** The period of this kind that contains the day. Weeks start on Monday. */
export function periodContaining(kind: PeriodKind, day: string): string {
  if (kind === 'monthly') return day.slice(0, 7);
  if (kind === 'quarterly') return `${day.slice(0, 4)}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;
  const dow = new Date(`${day}T12:00:00Z`).getUTCDay();
  return addDays(day, dow === 0 ? -6 : 1 - dow);
}

/** The most recent period that has ended by `today` (the period before the one containing today). */
export function lastEndedPeriod(kind: PeriodKind, today: string): string {
  return shiftPeriodBy(periodContaining(kind, today), -1);
}

/** The nth working day after a date (weekends skipped; bank holidays are not known). */
export function addWorkingDays(iso: string, n: number): string {
  let d = iso;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** When a period's value is due: N working days after the period ends (five by default). */
export function periodDueDate(period: string, workingDaysAfter: number): string {
  return addWorkingDays(periodEnd(period), workingDaysAfter);
}

/**
 * Periods a value may be recorded for: ended ones, newest first, the last `count`. A period that has not
 * ended yet cannot have its value; an old one is still open to a correction but not offered.
 */
export function recentEndedPeriods(kind: PeriodKind, today: string, count: number): string[] {
  const last = lastEndedPeriod(kind, today);
  return Array.from({ length: count }, (_, i) => shiftPeriodBy(last, -i));
}

export type ValueCheck = { ok: true } | { ok: false; message: string };

/** Units as the KPI files name them, normalised: "%", "count", "days", "rate per 10000". */
export function unitKind(unit: string): 'percent' | 'count' | 'days' | 'rate' | 'other' {
  const u = unit.trim().toLowerCase().replace(/[, ]/g, '');
  if (u === '%' || u === 'percent' || u === 'percentage') return 'percent';
  if (u === 'count' || u === 'number' || u === 'no.' || u === 'n') return 'count';
  if (u === 'days' || u === 'day') return 'days';
  if (/^rateper10(000|k)$/.test(u) || u === 'per10000') return 'rate';
  return 'other';
}

/** Words that say what a unit is, to name it in messages. */
export function unitName(unit: string): string {
  switch (unitKind(unit)) {
    case 'percent':
      return 'a percentage';
    case 'count':
      return 'a count (a whole number)';
    case 'days':
      return 'a number of days';
    case 'rate':
      return 'a rate per 10,000';
    default:
      return `a number (${unit})`;
  }
}

/** Plausible values for the unit: a percentage is 0–100; counts are whole; nothing is negative. */
export function checkValue(def: Pick<KpiDefinition, 'unit' | 'code'>, value: number, written: string): ValueCheck {
  const kind = unitKind(def.unit);
  if (!Number.isFinite(value)) return { ok: false, message: `"${written}" is not a number.` };
  if (value < 0) return { ok: false, message: `"${written}" is negative; ${def.code} is ${unitName(def.unit)}, which cannot be below 0.` };
  if (kind === 'percent' && value > 100) return { ok: false, message: `"${written}" is over 100; ${def.code} is a percentage, so it must be between 0 and 100.` };
  if (kind === 'count' && !Number.isInteger(value)) return { ok: false, message: `"${written}" is not a whole number; ${def.code} is a count.` };
  if (kind === 'rate' && value > 10_000) return { ok: false, message: `"${written}" is over 10,000; ${def.code} is a rate per 10,000.` };
  return { ok: true };
}

/** How a value reads in its unit: "85.1%", "13", "182 days", "75 per 10,000". */
export function formatValue(value: number, unit: string): string {
  const n = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  switch (unitKind(unit)) {
    case 'percent':
      return `${n}%`;
    case 'days':
      return `${n} days`;
    case 'rate':
      return `${n} per 10,000`;
    default:
      return n;
  }
}

/**
 * How far a value is on the right side of its target, in the KPI's unit: positive is better than
 * target, negative worse, whatever the polarity. The chart plots this, so its zero line is the target.
 */
export function gapToTarget(def: Pick<KpiDefinition, 'polarity' | 'target'>, value: number): number {
  const gap = def.polarity === 'higher' ? value - def.target : def.target - value;
  return Math.round(gap * 100) / 100;
}

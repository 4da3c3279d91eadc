import type { KpiDefinition, Rag } from './model';
import { addDays, endOfMonthOf } from './clock';
import { isWorkingDay } from './workingTime';
import { MONTH_ABBR } from './calendar';

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

const MONTHS = MONTH_ABBR;

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

const TERMS = ['Autumn', 'Spring', 'Summer'] as const;
/** The months of each term as the bot counts them: four months each, holidays included (term dates vary by school and Easter). */
const TERM_MONTHS: [string, string][] = [['Sep', 'Dec'], ['Jan', 'Apr'], ['May', 'Aug']];

const yy = (n: number) => String(n % 100).padStart(2, '0');

/**
 * "2022-09" → "Sep 2022"; "2022-Q3" → "Q2 2022/23 (Jul–Sep 2022)"; a week (its Monday) → "w/c 5 Sep 2022";
 * "2026-T1" → "Autumn term 2026/27 (Sep–Dec 2026)"; "2026" → "2026"; "FY2026-27" → "2026/27 (financial year)";
 * "AY2026-27" → "2026/27 (academic year)". Without the part in brackets it is what one types to record it.
 */
export function formatPeriod(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  const f = financialQuarter(period);
  if (f) {
    const [start, end] = quarterMonths(period);
    return `Q${f.q} ${fy(f.fyStart, 4)} (${MONTHS[start - 1]}–${MONTHS[end - 1]} ${period.slice(0, 4)})`;
  }
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `w/c ${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  if ((m = period.match(/^(\d{4})-T([1-3])$/))) {
    const ay = Number(m[1]);
    const t = Number(m[2]);
    return `${TERMS[t - 1]} term ${fy(ay, 4)} (${TERM_MONTHS[t - 1].join('–')} ${t === 1 ? ay : ay + 1})`;
  }
  if (/^\d{4}$/.test(period)) return period;
  if ((m = period.match(/^(FY|AY)(\d{4})-\d{2}$/))) return `${fy(Number(m[2]), 4)} (${m[1] === 'FY' ? 'financial' : 'academic'} year)`;
  return period;
}

/** What one types to name the period in chat: formatPeriod without its explanation in brackets. */
export function typedPeriod(period: string): string {
  return formatPeriod(period).replace(/ \(.*\)$/, '');
}

/** The short chart label: "Nov 25", "Q3 25/26", "5 Sep", "Aut 26", "2026", "26/27". Short enough that Teams does not cut it. */
export function shortPeriod(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${MONTHS[Number(m[2]) - 1]} ${m[1].slice(2)}`;
  const f = financialQuarter(period);
  if (f) return `Q${f.q} ${fy(f.fyStart, 2)}`;
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
  if ((m = period.match(/^(\d{4})-T([1-3])$/))) return `${TERMS[Number(m[2]) - 1].slice(0, 3)} ${yy(Number(m[1]) + (m[2] === '1' ? 0 : 1))}`;
  if ((m = period.match(/^(?:FY|AY)(\d{4})-\d{2}$/))) return fy(Number(m[1]), 2);
  return period;
}

function quarterMonths(period: string): [number, number] {
  const cq = Number(period.slice(6));
  return [cq * 3 - 2, cq * 3];
}

/**
 * How a KPI is recorded. Stored period keys: monthly "2026-11"; quarterly "2026-Q4" (calendar quarter);
 * weekly the Monday "2026-11-02"; termly "2026-T1" (Autumn of academic year 2026/27; T2 Spring, T3
 * Summer, each four months: Sep–Dec, Jan–Apr, May–Aug); annual the calendar year "2026"; financialYear
 * "FY2026-27" (April to March); academicYear "AY2026-27" (September to August).
 */
export type PeriodKind = 'monthly' | 'quarterly' | 'weekly' | 'termly' | 'annual' | 'financialYear' | 'academicYear';

/**
 * The frequencies a value can be recorded for from chat; others (six-monthly) are imported from a file.
 * An annual KPI is a calendar year unless its frequency says financial or academic year.
 */
export function periodKind(frequency: string): PeriodKind | undefined {
  const f = frequency.trim().toLowerCase().replace(/\s+/g, ' ');
  if (f === 'monthly' || f === 'quarterly' || f === 'weekly' || f === 'termly') return f;
  if (/\b(six|6|half)[ -]?(monthly|yearly)\b|bi-?annual/.test(f)) return undefined;
  if (/\b(annual|annually|yearly|year)\b/.test(f)) {
    if (/\b(financial|fiscal|fy)\b/.test(f)) return 'financialYear';
    if (/\b(academic|school)\b/.test(f)) return 'academicYear';
    return 'annual';
  }
  return undefined;
}

/** The frequency in words for messages: "monthly", "termly", "annually (financial year)". */
export function kindWord(kind: PeriodKind): string {
  if (kind === 'annual') return 'annually (calendar year)';
  if (kind === 'financialYear') return 'annually (financial year)';
  if (kind === 'academicYear') return 'annually (academic year)';
  return kind;
}

export function kindOfPeriod(period: string): PeriodKind | undefined {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return 'monthly';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarterly';
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return 'weekly';
  if (/^\d{4}-T[1-3]$/.test(period)) return 'termly';
  if (/^\d{4}$/.test(period)) return 'annual';
  const y = /^(FY|AY)(\d{4})-(\d{2})$/.exec(period);
  if (y && yy(Number(y[2]) + 1) === y[3]) return y[1] === 'FY' ? 'financialYear' : 'academicYear';
  return undefined;
}

const yearKey = (prefix: 'FY' | 'AY', start: number) => `${prefix}${start}-${yy(start + 1)}`;

/** The stored key of a financial or academic year starting in `start`: FY2026-27, AY2026-27. */
export function financialYearKey(start: number): string {
  return yearKey('FY', start);
}
export function academicYearKey(start: number): string {
  return yearKey('AY', start);
}

/** The last day of a period (yyyy-mm-dd): month end, quarter end, the Sunday of a week, the last day of a term or year. */
export function periodEnd(period: string): string {
  const kind = kindOfPeriod(period);
  const year = Number(period.replace(/^[A-Z]+/, '').slice(0, 4));
  switch (kind) {
    case 'monthly':
      return endOfMonthOf(`${period}-01`);
    case 'quarterly': {
      const [, end] = quarterMonths(period);
      return endOfMonthOf(`${period.slice(0, 4)}-${String(end).padStart(2, '0')}-01`);
    }
    case 'weekly':
      return addDays(period, 6);
    case 'termly':
      return [`${year}-12-31`, `${year + 1}-04-30`, `${year + 1}-08-31`][Number(period.slice(6)) - 1];
    case 'annual':
      return `${year}-12-31`;
    case 'financialYear':
      return `${year + 1}-03-31`;
    case 'academicYear':
      return `${year + 1}-08-31`;
    default:
      throw new Error(`not a period: ${period}`);
  }
}

/** The period before or after this one (n steps). */
export function shiftPeriodBy(period: string, n: number): string {
  const kind = kindOfPeriod(period);
  const year = Number(period.replace(/^[A-Z]+/, '').slice(0, 4));
  switch (kind) {
    case 'monthly': {
      const idx = year * 12 + Number(period.slice(5, 7)) - 1 + n;
      return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
    }
    case 'quarterly': {
      const idx = year * 4 + Number(period.slice(6)) - 1 + n;
      return `${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
    }
    case 'weekly':
      return addDays(period, 7 * n);
    case 'termly': {
      const idx = year * 3 + Number(period.slice(6)) - 1 + n;
      return `${Math.floor(idx / 3)}-T${(idx % 3) + 1}`;
    }
    case 'annual':
      return String(year + n);
    case 'financialYear':
      return yearKey('FY', year + n);
    case 'academicYear':
      return yearKey('AY', year + n);
    default:
      throw new Error(`not a period: ${period}`);
  }
}

/** The Monday of the week containing a day. */
export function mondayOf(day: string): string {
  const dow = new Date(`${day}T12:00:00Z`).getUTCDay();
  return addDays(day, dow === 0 ? -6 : 1 - dow);
}

/** The Monday of ISO week `week` of `year` (week 1 holds the year's first Thursday), or undefined past the year's last week. */
export function isoWeekMonday(year: number, week: number): string | undefined {
  const monday = addDays(mondayOf(`${year}-01-04`), 7 * (week - 1));
  return week >= 1 && addDays(monday, 3).startsWith(`${year}-`) ? monday : undefined;
}

/** The period of this kind that contains the day. Weeks start on Monday. */
export function periodContaining(kind: PeriodKind, day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  switch (kind) {
    case 'monthly':
      return day.slice(0, 7);
    case 'quarterly':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'weekly':
      return mondayOf(day);
    case 'termly':
      return m >= 9 ? `${y}-T1` : m <= 4 ? `${y - 1}-T2` : `${y - 1}-T3`;
    case 'annual':
      return String(y);
    case 'financialYear':
      return yearKey('FY', m >= 4 ? y : y - 1);
    case 'academicYear':
      return yearKey('AY', m >= 9 ? y : y - 1);
  }
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

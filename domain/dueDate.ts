import type { Due, Recurrence } from './model';
import { MONTH_ABBR, MONTH_NAME, MONTH_WORDS, monthNumber } from './calendar';

/**
 * British due-date grammar for improvement plans.
 *
 * Plans are typed by many hands: "30th November 2016", "Sept 2021", "Q3 2016/17", "Monthly at LSMT",
 * "30th April 2017 and then 6 monthly". The rule throughout is: read what is unambiguous, and refuse
 * (ok:false with a reason a person can act on) anything that would need a guess. A wrong due date
 * produces wrong overdue chasers, which is worse than an import problem someone has to fix.
 *
 * Conventions:
 * - Numeric dates are day-first (05/03/2027 is 5 March), as in every UK council spreadsheet.
 * - A month on its own means the LAST day of that month: "due Oct 2021" is met by 31 Oct 2021.
 *   With `anchor: 'start'` (start dates) it means the FIRST day instead.
 * - Quarters are UK financial-year quarters (Q1 = April–June), so "Q3 2016/17" ends 31 Dec 2016.
 *   A quarter with a single calendar year ("Q3 2016") is refused: it could be either convention.
 * - Two-digit years are only read where nothing else could be meant (05/03/27, Q3 16/17) and are
 *   taken as 20yy; "Oct 21" is refused because 21 could be a day.
 * - Years outside 2000–2099 are refused as typos: no council plan is due in 1916 or 2106.
 */

export type DueResult = { ok: true; due: Due; note?: string } | { ok: false; reason: string };

export interface ParseDueOptions {
  /** ISO date used only for relative phrases ("today", "end of this month"). */
  today?: string;
  /** Which end of a month/quarter/year a coarse date means: 'end' for due dates (default), 'start' for start dates. */
  anchor?: 'end' | 'start';
}

const MONTHS = MONTH_WORDS;
const WEEKDAYS: ReadonlyArray<readonly string[]> = [
  ['sun', 'sunday'],
  ['mon', 'monday'],
  ['tue', 'tues', 'tuesday'],
  ['wed', 'weds', 'wednesday'],
  ['thu', 'thur', 'thurs', 'thursday'],
  ['fri', 'friday'],
  ['sat', 'saturday'],
];
const WEEKDAY_NAME = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];


function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Last day of month m (1–12) of year y, as an ISO date. */
export function endOfMonth(y: number, m: number): string {
  return iso(y, m, daysInMonth(y, m));
}

/** "2026-10-31" → "31 Oct 2026"; anything that is not an ISO date is returned unchanged. */
export function formatBritishDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return isoDate;
  return `${Number(m[3])} ${MONTH_ABBR[month - 1]} ${m[1]}`;
}

const RECURRENCE_LABEL: Record<Recurrence, string> = {
  ongoing: 'Ongoing',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  termly: 'Termly',
  six_monthly: 'Six-monthly',
  annually: 'Annually',
  bau: 'Business as usual',
};

export function recurrenceLabel(r: Recurrence): string {
  return RECURRENCE_LABEL[r];
}

/** One line for cards and chat: "31 Oct 2026", "30 Sep 2022 onwards", "Monthly at LSMT", "No due date". */
export function formatDue(due: Due): string {
  switch (due.kind) {
    case 'none':
      return 'No due date';
    case 'recurring':
      return due.note ?? recurrenceLabel(due.recurrence);
    case 'date': {
      let text = formatBritishDate(due.date);
      if (due.onwards) text += ' onwards';
      if (due.recurrence) text += `, then ${recurrenceLabel(due.recurrence).toLowerCase()}`;
      return text;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Internal result of reading one calendar date (no recurrence, no "onwards").

type DateRead = { ok: true; date: string; note?: string } | { ok: false; reason: string } | undefined;

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function checkYear(y: number, raw: string): string | undefined {
  if (y < 2000 || y > 2099) return `year ${raw} is outside 2000–2099, so it is probably a typo`;
  return undefined;
}

function validDay(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12) return `month ${m} does not exist (numeric dates are read day-first, dd/mm/yyyy)`;
  if (d < 1) return `day ${d} does not exist`;
  const max = daysInMonth(y, m);
  if (d > max) {
    if (m === 2 && d === 29) return `29 February ${y} does not exist: ${y} is not a leap year`;
    return `${d} ${MONTH_NAME[m - 1]} does not exist: ${MONTH_NAME[m - 1]} has ${max} days`;
  }
  return undefined;
}

function fullYear(raw: string): { year: number; note?: string } {
  if (raw.length === 2) return { year: 2000 + Number(raw), note: `two-digit year ${raw} read as 20${raw}` };
  return { year: Number(raw) };
}

/** Financial-year quarter q of the year starting April `startYear`. */
function fyQuarterBounds(startYear: number, q: number): { start: string; end: string } {
  const firstMonth = [4, 7, 10, 1][q - 1];
  const lastMonth = firstMonth + 2;
  const y = q === 4 ? startYear + 1 : startYear;
  return { start: iso(y, firstMonth, 1), end: endOfMonth(y, lastMonth) };
}

/** "2016/17", "2016/2017", "16/17" → 2016, after checking the two years are consecutive. */
function financialYearStart(a: string, b: string): { ok: true; year: number } | { ok: false; reason: string } {
  const first = a.length === 2 ? 2000 + Number(a) : Number(a);
  const second = b.length === 2 ? Math.floor(first / 100) * 100 + Number(b) : Number(b);
  if (a.length !== 2 && a.length !== 4) return fail(`"${a}/${b}" is not a financial year`);
  if (second !== first + 1) return fail(`${a}/${b} is not a financial year: the years must be consecutive (e.g. 2016/17)`);
  const yearProblem = checkYear(first, a);
  if (yearProblem) return fail(yearProblem);
  return { ok: true, year: first };
}

const ORD = '(?:st|nd|rd|th)?';
const MONTH_WORD = '([a-z]+)\\.?';

/**
 * Reads exactly one calendar date occupying the whole (already lower-cased, tidied) string.
 * Returns undefined when the text is not date-shaped at all, so the caller can try other readings.
 */
function readDate(s: string, anchor: 'end' | 'start'): DateRead {
  let m: RegExpExecArray | null;

  // ISO 2027-03-05 (also 2027/03/05, 2027.03.05): year first is unambiguous.
  if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const bad = checkYear(y, m[1]) ?? validDay(y, mo, d);
    return bad ? fail(bad) : { ok: true, date: iso(y, mo, d) };
  }

  // Day-first numeric: 05/03/2027, 5.3.2027, 05-03-27.
  if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s))) {
    const [d, mo] = [Number(m[1]), Number(m[2])];
    const { year, note } = fullYear(m[3]);
    const bad = checkYear(year, m[3]) ?? validDay(year, mo, d);
    if (bad) return fail(bad);
    return { ok: true, date: iso(year, mo, d), note };
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d+$/.test(s) || /^\d+[/.-]\d+[/.-]\d+$/.test(s)) {
    return fail('not a dd/mm/yyyy date');
  }

  // Month and year as numbers: 03/2027, 2027-03.
  if ((m = /^(\d{1,2})[/.-](\d{4})$/.exec(s))) {
    const mo = Number(m[1]);
    const y = Number(m[2]);
    const bad = checkYear(y, m[2]) ?? (mo < 1 || mo > 12 ? `month ${mo} does not exist` : undefined);
    if (bad) return fail(bad);
    return { ok: true, date: anchor === 'start' ? iso(y, mo, 1) : endOfMonth(y, mo) };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    // Only reached when this is not a financial year (readQuarterOrFinancialYear runs first).
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const bad = checkYear(y, m[1]) ?? (mo < 1 || mo > 12 ? `month ${mo} does not exist` : undefined);
    if (bad) return fail(bad);
    return { ok: true, date: anchor === 'start' ? iso(y, mo, 1) : endOfMonth(y, mo) };
  }
  if (/^\d{1,2}[/.-]\d{2}$/.test(s)) {
    return fail('ambiguous: could be a day and month, or a month and a two-digit year; write the year in full');
  }

  // Weekday in front: checked against the date, because a mismatch means one of them is wrong.
  let weekday: number | undefined;
  const lead = /^([a-z]+),?\s+(.*)$/.exec(s);
  if (lead) {
    const w = WEEKDAYS.findIndex((names) => names.includes(lead[1]));
    if (w >= 0) {
      weekday = w;
      s = lead[2];
    }
  }

  let day: number | undefined;
  let monthWord: string | undefined;
  let yearRaw: string | undefined;
  if ((m = new RegExp(`^(\\d{1,2})${ORD}(?:\\s+of)?[\\s-]+${MONTH_WORD},?[\\s-]+(\\d{4}|\\d{2})$`).exec(s))) {
    [day, monthWord, yearRaw] = [Number(m[1]), m[2], m[3]];
  } else if ((m = new RegExp(`^${MONTH_WORD}\\s+(\\d{1,2})${ORD},?\\s+(\\d{4})$`).exec(s))) {
    [monthWord, day, yearRaw] = [m[1], Number(m[2]), m[3]];
  }
  if (monthWord !== undefined && day !== undefined && yearRaw !== undefined) {
    const mo = monthNumber(monthWord);
    if (mo === undefined) return undefined; // diagnose() names the bad month word
    if (yearRaw.length === 2 && !/-/.test(s)) {
      return fail('a two-digit year after a month name is not read; write the year in full');
    }
    const { year, note } = fullYear(yearRaw);
    const bad = checkYear(year, yearRaw) ?? validDay(year, mo, day);
    if (bad) return fail(bad);
    const date = iso(year, mo, day);
    if (weekday !== undefined) {
      const actual = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (actual !== weekday) {
        return fail(`${day} ${MONTH_NAME[mo - 1]} ${year} was a ${WEEKDAY_NAME[actual]}, not a ${WEEKDAY_NAME[weekday]}`);
      }
    }
    return { ok: true, date, note };
  }
  if (weekday !== undefined) return fail('no full date after the weekday');

  // Month and year: "Oct 2021", "Sept 2021", "end of March 2023", "Oct '21".
  if ((m = new RegExp(`^(end\\s+(?:of\\s+)?)?${MONTH_WORD},?[\\s-]+('?)(\\d{4}|\\d{2})$`).exec(s))) {
    const mo = monthNumber(m[2]);
    if (mo === undefined) return undefined; // diagnose() names the bad month word
    if (m[4].length === 2 && m[3] !== "'") {
      return fail(`ambiguous: ${m[4]} could be a day or the year 20${m[4]}; write ${MONTH_ABBR[mo - 1]} 20${m[4]} or ${m[4]} ${MONTH_ABBR[mo - 1]} 20xx`);
    }
    const { year, note } = fullYear(m[4]);
    const bad = checkYear(year, m[4]);
    if (bad) return fail(bad);
    const date = anchor === 'start' && !m[1] ? iso(year, mo, 1) : endOfMonth(year, mo);
    return { ok: true, date, note };
  }
  return undefined;
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

function notAMonth(word: string): string {
  const close = MONTHS.flat().find((name) => name.length >= 3 && editDistanceAtMostOne(word, name));
  const hint = close ? ` (did you mean ${close[0].toUpperCase()}${close.slice(1)}?)` : '';
  return `"${word}" is not a month name${hint}`;
}

// ---------------------------------------------------------------------------------------------
// Frequencies

const FREQUENCY_PHRASES: ReadonlyArray<readonly [RegExp, Recurrence | 'refuse', string?]> = [
  [/\bbusiness as usual\b/g, 'bau'],
  [/\bbau\b/g, 'bau'],
  [/\bon[- ]?going\b/g, 'ongoing'],
  [/\b(?:six|6)[- ]?monthly\b/g, 'six_monthly'],
  [/\bevery (?:six|6) months\b/g, 'six_monthly'],
  [/\bhalf[- ]?yearly\b/g, 'six_monthly'],
  [/\btwice (?:a|per) year\b/g, 'six_monthly'],
  [/\b(?:bi[- ]?annual(?:ly)?|biennial(?:ly)?)\b/g, 'refuse', 'can mean twice a year or every two years'],
  [/\b(?:bi[- ]?monthly)\b/g, 'refuse', 'can mean twice a month or every two months'],
  [/\b(?:fortnightly|bi[- ]?weekly)\b/g, 'refuse', 'has no matching recurrence (weekly or monthly would change its meaning)'],
  [/\b(?:daily|every day)\b/g, 'daily'],
  [/\b(?:weekly|every week)\b/g, 'weekly'],
  [/\b(?:monthly|every month)\b/g, 'monthly'],
  [/\b(?:quarterly|every quarter)\b/g, 'quarterly'],
  [/\b(?:termly|each term|every term)\b/g, 'termly'],
  [/\b(?:annually|annual|yearly|every year)\b/g, 'annually'],
];

/** Words that may sit around a frequency without changing it ("Ongoing Termly basis"). */
const FREQUENCY_FILLER = new Set([
  'basis', 'on', 'a', 'an', 'the', 'and', 'then', 'thereafter', 'review', 'reviews', 'reviewed',
  'monitoring', 'monitored', 'report', 'reports', 'reporting', 'meeting', 'meetings', 'update', 'updates',
  'activity', 'cycle', 'ongoing', 'thereafter', '-', '&',
]);
const QUALIFIER_START = new Set(['at', 'to', 'by', 'via', 'through', 'with', 'in']);

/** Canonical spellings: these carry no extra information, so no note is kept. */
const BARE_FREQUENCY = new Set([
  'ongoing', 'on-going', 'daily', 'weekly', 'monthly', 'quarterly', 'termly', 'annually', 'annual', 'yearly',
  'six monthly', '6 monthly', 'six-monthly', '6-monthly', 'half-yearly', 'half yearly', 'bau', 'business as usual',
]);

type FrequencyRead = { ok: true; recurrence: Recurrence; note?: string } | { ok: false; reason: string } | undefined;

function readFrequency(lower: string, original: string): FrequencyRead {
  let rest = ` ${lower} `;
  const found: Recurrence[] = [];
  for (const [re, rec, why] of FREQUENCY_PHRASES) {
    const hit = rest.match(re);
    if (!hit) continue;
    if (rec === 'refuse') return fail(`"${original}": ${hit[0].trim()} ${why}`);
    found.push(rec);
    rest = rest.replace(re, ' ');
  }
  if (found.length === 0) return undefined;
  const specific = [...new Set(found.filter((r) => r !== 'ongoing' && r !== 'bau'))];
  if (specific.length > 1) return fail(`"${original}" names more than one frequency (${specific.join(', ')})`);
  const recurrence: Recurrence = specific[0] ?? (found.includes('bau') ? 'bau' : 'ongoing');

  const words = rest.replace(/[,.;:()]/g, ' ').split(/\s+/).filter(Boolean);
  const q = words.findIndex((w) => QUALIFIER_START.has(w));
  const core = q >= 0 ? words.slice(0, q) : words;
  const qualifier = q >= 0 ? words.slice(q + 1) : [];
  const stray = core.filter((w) => !FREQUENCY_FILLER.has(w));
  if (stray.length > 0 || (q >= 0 && (qualifier.length === 0 || qualifier.length > 5))) {
    return fail(`"${original}" mentions a frequency (${recurrence}) but also other text; give a date or a frequency`);
  }
  const bare = BARE_FREQUENCY.has(lower.replace(/[.\s]+$/, ''));
  return bare ? { ok: true, recurrence } : { ok: true, recurrence, note: original };
}

// ---------------------------------------------------------------------------------------------

function tidy(raw: string): string {
  return raw
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+,/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
}

function relative(s: string, today: string | undefined): DateRead {
  const rel = /^(today|tomorrow|end of (?:this|the) month|end of next month|end of (?:this|the) year|end of (?:this|the) quarter|end of (?:this|the) financial year)$/.exec(s);
  if (!rel) return undefined;
  const t = today ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(today) : null;
  if (!t) return fail(`"${s}" is a relative date and needs today's date to be read`);
  const [y, mo, d] = [Number(t[1]), Number(t[2]), Number(t[3])];
  switch (rel[1]) {
    case 'today':
      return { ok: true, date: iso(y, mo, d) };
    case 'tomorrow': {
      const next = new Date(Date.UTC(y, mo - 1, d + 1));
      return { ok: true, date: next.toISOString().slice(0, 10) };
    }
    case 'end of next month':
      return { ok: true, date: mo === 12 ? endOfMonth(y + 1, 1) : endOfMonth(y, mo + 1) };
    case 'end of this year':
    case 'end of the year':
      return { ok: true, date: iso(y, 12, 31) };
    case 'end of this quarter':
    case 'end of the quarter': {
      // Financial and calendar quarters end on the same days, so this phrase is not ambiguous.
      const qEnd = Math.ceil(mo / 3) * 3;
      return { ok: true, date: endOfMonth(y, qEnd) };
    }
    case 'end of this financial year':
    case 'end of the financial year':
      return { ok: true, date: iso(mo >= 4 ? y + 1 : y, 3, 31) };
    default:
      return { ok: true, date: endOfMonth(y, mo) };
  }
}

function readQuarterOrFinancialYear(s: string, anchor: 'end' | 'start'): DateRead {
  let m: RegExpExecArray | null;
  if (
    (m = /^(?:q|quarter\s*)(\d)\s*(?:of\s+)?(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})$/.exec(s)) ||
    (m = /^(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})\s+(?:q|quarter\s*)(\d)$/.exec(s))
  ) {
    const [q, a, b] = s.startsWith('q') ? [Number(m[1]), m[2], m[3]] : [Number(m[3]), m[1], m[2]];
    if (q < 1 || q > 4) return fail(`there is no quarter ${q}`);
    const fy = financialYearStart(a, b);
    if (!fy.ok) return fy;
    const bounds = fyQuarterBounds(fy.year, q);
    return { ok: true, date: anchor === 'start' ? bounds.start : bounds.end };
  }
  if ((m = /^(?:q|quarter\s*)(\d)\s*(?:of\s+)?(\d{4})$/.exec(s))) {
    return fail(
      `Q${m[1]} ${m[2]} is ambiguous: say which financial year (e.g. Q${m[1]} ${m[2]}/${String((Number(m[2]) + 1) % 100).padStart(2, '0')}); ` +
        'a calendar-year quarter and a financial-year quarter end on different dates',
    );
  }
  if (/^(?:q|quarter\s*)\d$/.test(s)) return fail('the quarter has no year');
  if ((m = /^(?:end\s+of\s+)?(fy\s*|financial year\s+)?(\d{4})\s*([/-])\s*(\d{2}|\d{4})$/.exec(s))) {
    const [, fyWord, a, sep, b] = m;
    // "2021-10" is a month; "2016-17" a financial year; "2011-12" could be either.
    const monthLike = sep === '-' && b.length === 2 && Number(b) >= 1 && Number(b) <= 12 && !fyWord;
    const consecutive = (Number(a) + 1) % 100 === Number(b) % 100 && (b.length === 2 || Number(b) === Number(a) + 1);
    if (monthLike && !consecutive) return undefined;
    if (monthLike) return fail(`could be ${MONTH_NAME[Number(b) - 1]} ${a} or the financial year ${a}/${b}`);
    const fy = financialYearStart(a, b);
    if (!fy.ok) return fy;
    return anchor === 'start'
      ? { ok: true, date: iso(fy.year, 4, 1), note: `start of financial year ${a}/${b}` }
      : { ok: true, date: iso(fy.year + 1, 3, 31), note: `end of financial year ${a}/${b}` };
  }
  return undefined;
}

function readAnyDate(s: string, anchor: 'end' | 'start', today: string | undefined): DateRead {
  return relative(s, today) ?? readQuarterOrFinancialYear(s, anchor) ?? readDate(s, anchor);
}

/** Explains why text that is not a date is not one, as precisely as cheaply possible. */
function diagnose(s: string, original: string): string {
  if (/^\d{4}$/.test(s)) return `"${original}" is a year on its own, not a due date`;
  if (/^\d+$/.test(s)) {
    return Number(s) > 20000
      ? `"${original}" is a bare number (perhaps a spreadsheet date serial); it is not read as a date`
      : `"${original}" is a bare number, not a date`;
  }
  if (/\b(spring|summer|autumn|winter)\b/.test(s)) return `"${original}" is a season or term, not a date`;
  if (/\b(early|mid|late|beginning)\b/.test(s)) return `"${original}" is vague ("early/mid/late"); give a date`;
  let m: RegExpExecArray | null;
  if ((m = /^\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+\d{4}$/.exec(s)) && !monthNumber(m[1])) {
    return notAMonth(m[1]);
  }
  if ((m = /^([a-z]+)\.?,?\s+(\S+)$/.exec(s))) {
    const mo = monthNumber(m[1]);
    if (mo === undefined && /^\d{4}$/.test(m[2])) return notAMonth(m[1]);
    if (mo !== undefined && !/^\d{4}$/.test(m[2])) return `"${m[2]}" is not a four-digit year`;
  }
  if ((m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?$/.exec(s)) && monthNumber(m[2])) {
    return `"${original}" has no year`;
  }
  if ((m = /^([a-z]+)\.?$/.exec(s)) && monthNumber(m[1])) return `"${original}" has no year`;
  return `"${original}" is not a recognised date or frequency`;
}

function withNote(due: Due, note: string | undefined): DueResult {
  return note === undefined ? { ok: true, due } : { ok: true, due, note };
}

const TBC = new Set(['tbc', 'tba', 'tbd', 'n/a', 'na', 'none', '-', 'to be confirmed', 'to be agreed']);

/**
 * Reads a due-date cell. Never guesses: anything ambiguous or impossible is ok:false with a reason
 * that names the problem ("31 September does not exist: September has 30 days").
 */
export function parseDue(raw: string, opts: ParseDueOptions = {}): DueResult {
  const anchor = opts.anchor ?? 'end';
  const original = tidy(raw);
  if (original === '') return { ok: true, due: { kind: 'none' } };

  let s = original.toLowerCase().replace(/[.;,]+$/, '').trim();
  s = s.replace(/^(?:due\s+by|due|by|deadline:?|target:?)\s+/, '');

  // Longer than any date or frequency phrase: prose in a date column, not worth dissecting.
  if (s.split(' ').length > 15) return fail(`"${original.slice(0, 40)}…" is text, not a date`);
  if (TBC.has(s)) return { ok: true, due: { kind: 'none' }, note: `"${original}": no date set yet` };
  if (/^see\b/.test(s) || /^(?:as|refer to)\b.*\b(?:above|below|rec(?:ommendation)?|ref|section)\b/.test(s)) {
    return fail(`"${original}" is a cross-reference, not a date`);
  }

  // Commas only separate ("November 30, 2016", "31 March 2023, then quarterly"); dropping them
  // keeps one word per original word, so text quoted back in reasons lines up.
  s = s.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();

  // "September 2022 onwards", "from September 2022"
  let onwards = false;
  let m: RegExpExecArray | null;
  if ((m = /^(.*\S)\s+onwards?$/.exec(s)) || (m = /^from\s+(.*)$/.exec(s))) {
    if (/\b(?:to|until|till)\b/.test(m[1])) return fail(`"${original}" is a range; give the date it is due by`);
    onwards = true;
    s = m[1];
  }

  const whole = readAnyDate(s, anchor, opts.today);
  if (whole?.ok) {
    return withNote(onwards ? { kind: 'date', date: whole.date, onwards } : { kind: 'date', date: whole.date }, whole.note);
  }
  if (whole && !whole.ok) return whole;

  if (!onwards) {
    const freq = readFrequency(s, original);
    if (freq?.ok) {
      const due: Due = freq.note ? { kind: 'recurring', recurrence: freq.recurrence, note: freq.note } : { kind: 'recurring', recurrence: freq.recurrence };
      return { ok: true, due };
    }
    if (freq && !freq.ok && !startsWithDate(s, anchor, opts.today)) return freq;
  }

  // A date followed by more text: "30th April 2017 and then 6 monthly", or debris.
  const words = s.split(' ');
  const originalWords = original.replace(/[.;,]+$/, '').split(' ');
  for (let n = words.length - 1; n >= 1; n--) {
    const head = words.slice(0, n).join(' ');
    const first = readAnyDate(head, anchor, opts.today);
    if (!first?.ok) continue;
    const tail = words.slice(n).join(' ');
    const shownTail = originalWords
      .slice(originalWords.length - (words.length - n))
      .join(' ')
      .replace(/^(?:and|then|&)\s+/i, '');
    const cadence = /^(?:,\s*)?(?:and\s+then|and|then|,)\s+(.+)$/.exec(tail);
    if (cadence && !onwards) {
      const freq = readFrequency(cadence[1], cadence[1]);
      if (freq?.ok && freq.recurrence !== 'ongoing' && freq.recurrence !== 'bau') {
        return withNote({ kind: 'date', date: first.date, recurrence: freq.recurrence }, first.note);
      }
    }
    if (containsDate(tail, anchor, opts.today)) {
      return fail(`"${original}" holds two dates (${formatBritishDate(first.date)} and "${shownTail}"); say which one is due`);
    }
    if (/^(?:-|to|until|till)\b/.test(tail)) return fail(`"${original}" is a range; give the date it is due by`);
    return fail(`unexpected text after ${formatBritishDate(first.date)}: "${shownTail}"`);
  }
  if (/\s(?:-|to|until|till)\s/.test(s)) return fail(`"${original}" is a range; give the date it is due by`);
  return fail(diagnose(s, original));
}

function startsWithDate(s: string, anchor: 'end' | 'start', today: string | undefined): boolean {
  const words = s.split(' ');
  for (let n = words.length - 1; n >= 1; n--) {
    if (readAnyDate(words.slice(0, n).join(' '), anchor, today)?.ok) return true;
  }
  return false;
}

function containsDate(s: string, anchor: 'end' | 'start', today: string | undefined): boolean {
  const words = s.split(' ');
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j <= words.length; j++) {
      if (readAnyDate(words.slice(i, j).join(' '), anchor, today)?.ok) return true;
    }
  }
  return false;
}

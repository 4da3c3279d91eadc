import * as chrono from 'chrono-node';
import type { KpiDefinition } from './model';
import { academicYearKey, calendarQuarterOf, financialYearKey, formatPeriod, isoWeekMonday, kindOfPeriod, kindWord, lastEndedPeriod, periodContaining, periodEnd, periodKind, shiftPeriodBy, typedPeriod, unitKind, unitName, type PeriodKind } from './kpi';
import { formatBritishDate } from './dueDate';
import { knownCodesIn } from './kpiCodes';
import { MONTH_NAME, monthOfPrefix } from './calendar';

/**
 * A KPI value typed in chat: "kpi c056 nov 2026 85.1%", "c162 13 for November",
 * "kpi a2 Q3 2026/27 180 days: restated by the adoption team" (a reason after a colon).
 *
 * Month names ("November", "Sept 2026", "nov 26") are read by chrono-node, which knows English month
 * spellings and abbreviations; quarters and numbers are this module's, because chrono has no
 * financial-year quarters and reads bare numbers as times. Anything left over that is not one of a
 * few filler words is named back, never skipped, so a typo cannot record the wrong thing.
 */

export type PeriodSpec =
  | { kind: 'month'; month: number; year?: number; text: string }
  | { kind: 'quarter'; fq: number; fyStart: number; text: string }
  | { kind: 'ambiguousQuarter'; q: number; year: number; text: string }
  | { kind: 'day'; date: string; text: string }
  /** "w/c 2 Nov", "week 45 2026": the week is explicit (the date is a day in it, its Monday for a week number). */
  | { kind: 'week'; date: string; text: string }
  /** "autumn term 2026" (the calendar year the term is in), "spring 2026/27" (the academic year), "summer term". */
  | { kind: 'term'; term: 1 | 2 | 3; year?: number; academicStart?: number; text: string }
  /** "2025/26", "FY 2025/26", "academic year 2025/26". */
  | { kind: 'yearRange'; start: number; says?: 'financial' | 'academic'; text: string }
  | { kind: 'year'; year: number; text: string }
  | { kind: 'stored'; period: string; text: string };

export type ValueUnit = 'percent' | 'days' | 'rate' | 'none';

export type KpiValueText =
  | { ok: true; code: string; period?: PeriodSpec; value: number; valueText: string; unit: ValueUnit; reason?: string }
  | { ok: false; code: string; message: string };

const FILLER = new Set(['for', 'in', 'was', 'is', 'of', 'the', 'value', '=', 'record', 'recorded', 'at', 'to', 'month', 'quarter', 'week', 'commencing', 'beginning', 'starting', 'w/c', 'wc', 'w/b', 'wb', 'term', 'year', 'on', 'a', 'as', 'be', 'it', 'set', 'new', 'kpi', '-', '–', ',']);

const NUMBER = /^(?:[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-+]?\.\d+)$/;

/**
 * The leading "kpi <code>" or "<code>" (a code with a digit, so "due 14 days" is not a KPI). With
 * `known` (defined codes), one of them in any spelling: "kpi NI 062 …", "kpi ni062 …" → "ni 062";
 * without, the code is one word ("c056", "pi-12", "sh.kpi.3").
 */
export function leadingKpiCode(text: string, known?: readonly string[]): { code: string; rest: string; prefixed: boolean } | undefined {
  const t = text.trim();
  if (known?.length) {
    const prefix = /^kpis?\s+/i.exec(t);
    const body = prefix ? t.slice(prefix[0].length) : t;
    const hit = knownCodesIn(body, known).find((f) => f.index === 0);
    if (hit && (prefix || !/\s/.test(body.slice(0, hit.length)))) return { code: hit.code, rest: body.slice(hit.length).trim(), prefixed: !!prefix };
  }
  let m = /^kpis?\s+([a-z][a-z0-9._-]{0,19})\b\s*(.*)$/is.exec(t);
  if (m) return { code: m[1].toLowerCase(), rest: m[2], prefixed: true };
  m = /^([a-z]{1,8}(?:[.-][a-z]{1,8}){0,2}[.-]?\d[a-z0-9]{0,10}(?:\.\d{1,3})?)\b\s*(.*)$/is.exec(t);
  if (m) return { code: m[1].toLowerCase(), rest: m[2], prefixed: false };
  return undefined;
}

/** Does this look like recording a value (a code, then something with a number in it)? Cheap: no storage. */
export function looksLikeKpiValue(text: string): boolean {
  const lead = leadingKpiCode(text);
  if (!lead) return false;
  const head = lead.rest.split(':')[0];
  return /\d/.test(head) && !/^(owner|owned)\b/i.test(lead.rest.trim());
}

function stripSpan(s: string, index: number, length: number): string {
  return `${s.slice(0, index)} ${s.slice(index + length)}`;
}

/** `known`: defined codes, so a code written with a space ("kpi NI 062 …") is read whole. */
export function parseKpiValueText(text: string, today: string, known?: readonly string[]): KpiValueText | undefined {
  const lead = leadingKpiCode(text, known);
  if (!lead) return undefined;
  const code = lead.code;
  const colon = lead.rest.indexOf(':');
  let body = colon >= 0 ? lead.rest.slice(0, colon) : lead.rest;
  const reason = colon >= 0 ? lead.rest.slice(colon + 1).trim() : undefined;
  if (!/\d/.test(body)) return undefined;
  const fail = (message: string): KpiValueText => ({ ok: false, code, message });

  let period: PeriodSpec | undefined;
  const setPeriod = (p: PeriodSpec): KpiValueText | undefined => {
    if (period) return fail(`I found two periods, "${period.text}" and "${p.text}"; say one.`);
    period = p;
    return undefined;
  };

  // Financial-year quarters: "Q3 2026/27", "Q3 26/27", "Q3 2026-27", "quarter 3 2026/27".
  const fyq = /\b(?:q|quarter\s*)([1-9])\s*(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\b/i.exec(body);
  if (fyq) {
    const q = Number(fyq[1]);
    const start = fyq[2].length === 2 ? 2000 + Number(fyq[2]) : Number(fyq[2]);
    const end = fyq[3].length === 2 ? Math.floor(start / 100) * 100 + Number(fyq[3]) : Number(fyq[3]);
    if (q > 4) return fail(`"${fyq[0].trim()}": a quarter is Q1 to Q4.`);
    if (end !== start + 1) return fail(`"${fyq[0].trim()}" is not a financial year: the second year follows the first, as in ${start}/${String(start + 1).slice(2)}.`);
    const r = setPeriod({ kind: 'quarter', fq: q, fyStart: start, text: fyq[0].trim() });
    if (r) return r;
    body = stripSpan(body, fyq.index, fyq[0].length);
  }
  // School terms: "autumn term 2026" (the calendar year it falls in), "spring 2026/27", "summer term".
  const term = /\b(autumn|spring|summer)(?:\s+term)?(?:\s+(\d{4})(?:\s*[/-]\s*(\d{4}|\d{2}))?)?\b/i.exec(body);
  if (term) {
    const t = (['autumn', 'spring', 'summer'].indexOf(term[1].toLowerCase()) + 1) as 1 | 2 | 3;
    const text = term[0].trim();
    let spec: PeriodSpec = { kind: 'term', term: t, text };
    if (term[2] && term[3]) {
      const start = Number(term[2]);
      if (!followsOn(start, term[3])) return fail(`"${text}" is not an academic year: the second year follows the first, as in ${start}/${String(start + 1).slice(2)}.`);
      spec = { ...spec, academicStart: start };
    } else if (term[2]) spec = { ...spec, year: Number(term[2]) };
    const r = setPeriod(spec);
    if (r) return r;
    body = stripSpan(body, term.index, term[0].length);
  }
  // Week numbers: "week 45 2026", "wk 45" (ISO weeks: week 1 holds the year's first Thursday).
  const weekNo = /\b(?:week|wk)\s*(?:no\.?\s*|number\s*)?(\d{1,2})(?:\s+(?:of\s+)?(\d{4}))?\b/i.exec(body);
  if (weekNo) {
    const n = Number(weekNo[1]);
    const thisYear = Number(today.slice(0, 4));
    // Without a year: this year's week n if it has ended, otherwise last year's.
    const years = weekNo[2] ? [Number(weekNo[2])] : [thisYear, thisYear - 1];
    const monday = years.map((y) => isoWeekMonday(y, n)).find((d) => d !== undefined && (weekNo[2] || periodEnd(d) < today));
    if (!monday) return fail(`"${weekNo[0].trim()}" is not a week: weeks are numbered 1 to 52 (53 in some years), week 1 holding the year's first Thursday.`);
    const r = setPeriod({ kind: 'week', date: monday, text: weekNo[0].trim() });
    if (r) return r;
    body = stripSpan(body, weekNo.index, weekNo[0].length);
  }
  // "w/c 2 Nov", "week commencing 2 November 2026": the date names its week, so it needs no year.
  const weekOf = /\b(?:w\/c|w\/b|wc|wb|week\s+(?:commencing|beginning|starting|of))\b/i.test(body);
  // Financial and academic years: "2025/26", "FY 2025/26", "academic year 2025-26" (a hyphen only after a
  // word that says it is a year, because "2025-11" is a month).
  const range = /(?:\b(fy|financial\s+year|academic\s+year|ay)\s*)?\b(\d{4})\s*([/-])\s*(\d{4}|\d{2})\b/i.exec(body);
  if (range && (range[1] || range[3] === '/')) {
    const start = Number(range[2]);
    const text = range[0].trim();
    const word = range[1]?.toLowerCase();
    const says = word === undefined ? undefined : /^(fy|financial)/.test(word) ? 'financial' : 'academic';
    if (!followsOn(start, range[4])) return fail(`"${text}" is not a ${says ?? 'financial or academic'} year: the second year follows the first, as in ${start}/${String(start + 1).slice(2)}.`);
    const r = setPeriod({ kind: 'yearRange', start, says, text });
    if (r) return r;
    body = stripSpan(body, range.index, range[0].length);
  }
  // Stored forms, as in the import files: 2026-Q4 (calendar), 2026-11, 2026-11-30.
  const stored = /\b(\d{4}-[qt][1-4]|\d{4}-\d{2}-\d{2}|\d{4}-\d{2})\b/i.exec(body);
  if (stored) {
    const p = stored[1].toUpperCase();
    const r = setPeriod(/^\d{4}-\d{2}-\d{2}$/.test(p) ? { kind: weekOf ? 'week' : 'day', date: p, text: stored[1] } : { kind: 'stored', period: p, text: stored[1] });
    if (r) return r;
    body = stripSpan(body, stored.index, stored[0].length);
  }
  // "Q3 2026" without the financial year is ambiguous (calendar Jul–Sep, or the council's Oct–Dec).
  const bareQ = /\b(?:q|quarter\s*)([1-4])\s+(\d{4})\b/i.exec(body);
  if (bareQ) {
    const r = setPeriod({ kind: 'ambiguousQuarter', q: Number(bareQ[1]), year: Number(bareQ[2]), text: bareQ[0].trim() });
    if (r) return r;
    body = stripSpan(body, bareQ.index, bareQ[0].length);
  }
  // Months and dates, in British order.
  const ref = new Date(`${today}T12:00:00Z`);
  // chrono gives up on "nov 2026 85.1%", so values are hidden from it (same length, so indices hold):
  // every number except a four-digit year and a day written before a month name.
  const masked = body.replace(/[-+]?\d[\d,.]*(?:%|\s*(?:percent|per\s*cent|days?\b|per\s*10,?000|per\s*10k))?/gi, (tok, offset: number) => {
    if (/^(19|20)\d{2}$/.test(tok)) return tok;
    if (/^\d{1,2}$/.test(tok) && /^\s*(st|nd|rd|th)?\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(body.slice(offset + tok.length))) return tok;
    return ' '.repeat(tok.length);
  });
  for (const res of chrono.en.GB.parse(masked, ref)) {
    const c = res.start;
    const known = (k: 'year' | 'month' | 'day') => (c.isCertain(k) ? c.get(k) ?? undefined : undefined);
    const month = known('month');
    if (month === undefined || c.isCertain('hour') || c.isCertain('minute')) continue;
    const day = known('day');
    const year = known('year');
    const spec: PeriodSpec =
      day !== undefined
        ? { kind: 'day', date: `${year ?? c.get('year')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, text: res.text }
        : { kind: 'month', month, year, text: res.text };
    if (spec.kind === 'day' && weekOf) {
      // "w/c 2 Nov" with no year: the latest such date that is not in the future.
      const thisYear = `${today.slice(0, 4)}-${spec.date.slice(5)}`;
      const date = year !== undefined ? spec.date : thisYear <= today ? thisYear : `${Number(today.slice(0, 4)) - 1}-${spec.date.slice(5)}`;
      const r = setPeriod({ kind: 'week', date, text: res.text });
      if (r) return r;
      body = stripSpan(body, res.index, res.text.length);
      break;
    }
    if (spec.kind === 'day' && year === undefined) {
      // "13 November": is 13 the value or the day? Say it back rather than guess.
      return fail(`I read "${res.text}" as a date. If ${res.text.match(/\d+/)?.[0]} is the value, put the month first or say "for": “${code} ${res.text.match(/\d+/)?.[0]} for ${res.text.replace(/\d+(st|nd|rd|th)?/i, '').trim()}”.`);
    }
    const r = setPeriod(spec);
    if (r) return r;
    body = stripSpan(body, res.index, res.text.length);
    break;
  }

  // chrono leaves a bare abbreviation alone ("for Oct"); take one, with a year if it has one.
  if (!period) {
    const ab = /\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?(?:\s+(\d{4}))?\b/i.exec(masked);
    const month = ab ? (monthOfPrefix(ab[1]) ?? 0) : 0;
    if (ab && month > 0 && MONTH_NAMES[month - 1].toLowerCase().startsWith(ab[0].replace(/\.?(\s+\d{4})?$/, '').toLowerCase())) {
      period = { kind: 'month', month, year: ab[2] ? Number(ab[2]) : undefined, text: ab[0].trim() };
      body = stripSpan(body, ab.index, ab[0].length);
    }
  }

  // A bare calendar year beside the value ("kpi x 2026 40", "for year 2025 12"): the first four-digit
  // year of two numbers, or one after "year". A lone number is the value, even if it looks like a year.
  if (!period) {
    const numbers = [...body.matchAll(/(?<![\w.,])[-+]?\d[\d,.]*(?![\w.,])/g)];
    const yearAt = numbers.find((n) => /^(19|20)\d{2}$/.test(n[0]) && (numbers.length >= 2 || /\byear\s+$/i.test(body.slice(0, n.index))));
    if (yearAt) {
      period = { kind: 'year', year: Number(yearAt[0]), text: yearAt[0] };
      body = stripSpan(body, yearAt.index!, yearAt[0].length);
    }
  }

  // What is left: one number, perhaps with its unit, and filler words.
  const tokens = body
    .replace(/(\d)\s*%/g, '$1%')
    .replace(/\bper\s*cent\b/gi, 'percent')
    .replace(/\bper\s*10(?:,?000|k)\b/gi, 'per10000')
    .split(/\s+/)
    .filter(Boolean);
  let value: number | undefined;
  let valueText = '';
  let unit: ValueUnit = 'none';
  for (const tok of tokens) {
    const lower = tok.toLowerCase();
    const numMatch = /^(.*?)(%|percent|days?|per10000)?$/i.exec(tok);
    const num = numMatch?.[1] ?? tok;
    if (NUMBER.test(num) && num !== '') {
      if (value !== undefined) return fail(`I found two values, "${valueText}" and "${tok}"; say one.`);
      value = Number(num.replace(/,/g, ''));
      valueText = tok;
      const suffix = (numMatch?.[2] ?? '').toLowerCase();
      unit = suffix === '%' || suffix === 'percent' ? 'percent' : suffix.startsWith('day') ? 'days' : suffix === 'per10000' ? 'rate' : 'none';
      continue;
    }
    if (value !== undefined && unit === 'none' && (lower === '%' || lower === 'percent')) {
      unit = 'percent';
      valueText += '%';
      continue;
    }
    if (value !== undefined && unit === 'none' && /^days?$/.test(lower)) {
      unit = 'days';
      valueText += ` ${tok}`;
      continue;
    }
    if (value !== undefined && unit === 'none' && lower === 'per10000') {
      unit = 'rate';
      valueText += ' per 10,000';
      continue;
    }
    if (FILLER.has(lower)) continue;
    return fail(`I couldn't read "${tok}". Write the period and the value, for example “kpi ${code} nov 2026 85.1%”.`);
  }
  if (value === undefined) return fail(`I couldn't find a value to record. Write it after the period, for example “kpi ${code} nov 2026 85.1%”.`);
  return { ok: true, code, period, value, valueText, unit, reason: reason === '' ? undefined : reason };
}

/** The written unit against the KPI's own: "85%" for a count is refused, naming both. */
export function checkWrittenUnit(def: Pick<KpiDefinition, 'unit' | 'code'>, unit: ValueUnit, valueText: string): string | undefined {
  if (unit === 'none') return undefined;
  const kind = unitKind(def.unit);
  const matches = (unit === 'percent' && kind === 'percent') || (unit === 'days' && kind === 'days') || (unit === 'rate' && kind === 'rate');
  if (matches) return undefined;
  const written = unit === 'percent' ? 'a percentage' : unit === 'days' ? 'a number of days' : 'a rate per 10,000';
  return `"${valueText}" is ${written}, but ${def.code} is ${unitName(def.unit)}.`;
}

export type ResolvedPeriod = { ok: true; period: string } | { ok: false; message: string };

const MONTH_NAMES = MONTH_NAME;

/** Does "26" or "2026" follow on from `start` as the second year of a financial or academic year? */
function followsOn(start: number, second: string): boolean {
  return second.length === 2 ? Number(second) === (start + 1) % 100 : Number(second) === start + 1;
}

/** What a spec is, in words, for a wrong-shape message. */
const WHAT: Record<PeriodSpec['kind'], string> = {
  month: 'a month',
  quarter: 'a quarter',
  ambiguousQuarter: 'a quarter',
  day: 'a day',
  week: 'a week',
  term: 'a school term',
  yearRange: 'a financial or academic year',
  year: 'a calendar year',
  stored: 'a period',
};

/** What to say instead, per kind: named with the shape to write. */
const SAY: Record<PeriodKind, string> = {
  monthly: 'the month',
  quarterly: 'the quarter (financial year)',
  weekly: 'the week as “w/c” and its Monday, or “week” and its number',
  termly: 'the term and its year',
  annual: 'the calendar year',
  financialYear: 'the financial year',
  academicYear: 'the academic year',
};

const STORED_WHAT: Record<PeriodKind, string> = {
  monthly: 'a month',
  quarterly: 'a quarter',
  weekly: 'a week',
  termly: 'a school term',
  annual: 'a calendar year',
  financialYear: 'a financial year',
  academicYear: 'an academic year',
};

/**
 * The stored period a spec means for this KPI, or why not: the period must match the KPI's frequency
 * and must have ended. A month, term or week number without a year is the latest one that has ended
 * (a month only while that is recent; otherwise the year is asked for).
 */
export function resolvePeriod(def: Pick<KpiDefinition, 'code' | 'frequency'>, spec: PeriodSpec | undefined, today: string): ResolvedPeriod {
  const kind = periodKind(def.frequency);
  if (!kind) return { ok: false, message: `${def.code} is reported ${def.frequency || 'with no frequency set'}; I can record weekly, monthly, quarterly, termly and annual KPIs in chat. Its values are imported from a file.` };
  const example = typedPeriod(lastEndedPeriod(kind, today));
  if (!spec) return { ok: false, message: `Which period is that for? Say it with the value, for example “kpi ${def.code} ${example} …”.` };
  const wrong = (suggestionDay?: string) => wrongShape(def, kind, spec.text, spec.kind === 'stored' ? STORED_WHAT[kindOfPeriod(spec.period) ?? 'monthly'] : WHAT[spec.kind], suggestionDay, today);
  let period: string;
  switch (spec.kind) {
    case 'month': {
      const mm = String(spec.month).padStart(2, '0');
      if (kind !== 'monthly') return wrong(spec.year ? `${spec.year}-${mm}-15` : undefined);
      if (spec.year !== undefined) period = `${spec.year}-${mm}`;
      else {
        const thisYear = `${today.slice(0, 4)}-${mm}`;
        period = periodEnd(thisYear) < today ? thisYear : `${Number(today.slice(0, 4)) - 1}-${mm}`;
        if (period < shiftPeriodBy(lastEndedPeriod('monthly', today), -3)) {
          return { ok: false, message: `Which ${MONTH_NAMES[spec.month - 1]}? Say the year, for example “${MONTH_NAMES[spec.month - 1].slice(0, 3)} ${period.slice(0, 4)}”.` };
        }
      }
      break;
    }
    case 'quarter':
      if (kind !== 'quarterly') return wrong(periodEnd(calendarQuarterOf(spec.fq, spec.fyStart)));
      period = calendarQuarterOf(spec.fq, spec.fyStart);
      break;
    case 'ambiguousQuarter': {
      if (kind !== 'quarterly') return wrong();
      const a = calendarQuarterOf(spec.q, spec.year);
      const b = calendarQuarterOf(spec.q, spec.year - 1);
      return { ok: false, message: `"${spec.text}" could be two quarters. Did you mean ${formatPeriod(a)} or ${formatPeriod(b)}? Write it as “Q${spec.q} ${spec.year}/${String(spec.year + 1).slice(2)}” or “Q${spec.q} ${spec.year - 1}/${String(spec.year).slice(2)}”.` };
    }
    case 'day':
    case 'week':
      if (kind !== 'weekly') return wrong(spec.date);
      period = periodContaining('weekly', spec.date);
      break;
    case 'term': {
      if (kind !== 'termly') return wrong();
      if (spec.academicStart !== undefined) period = `${spec.academicStart}-T${spec.term}`;
      else if (spec.year !== undefined) period = `${spec.term === 1 ? spec.year : spec.year - 1}-T${spec.term}`;
      else {
        // The latest such term that has ended.
        let p = lastEndedPeriod('termly', today);
        while (!p.endsWith(`T${spec.term}`)) p = shiftPeriodBy(p, -1);
        period = p;
      }
      break;
    }
    case 'yearRange': {
      const fits = (kind === 'financialYear' && spec.says !== 'academic') || (kind === 'academicYear' && spec.says !== 'financial');
      if (!fits) return wrongShape(def, kind, spec.text, spec.says ? `${spec.says === 'financial' ? 'a financial' : 'an academic'} year` : WHAT.yearRange, kind === 'annual' ? `${spec.start}-06-30` : undefined, today);
      period = kind === 'financialYear' ? financialYearKey(spec.start) : academicYearKey(spec.start);
      break;
    }
    case 'year': {
      if (kind === 'financialYear' || kind === 'academicYear') {
        const [a, b] = [spec.year - 1, spec.year].map((y) => `${y}/${String(y + 1).slice(2)}`);
        return { ok: false, message: `${def.code} is reported ${kindWord(kind)}, and "${spec.text}" could be ${a} or ${b}. Say which, for example “${b}”.` };
      }
      if (kind !== 'annual') return wrong(`${spec.year}-06-30`);
      period = String(spec.year);
      break;
    }
    case 'stored': {
      const storedKind = kindOfPeriod(spec.period);
      if (!storedKind) return { ok: false, message: `"${spec.text}" is not a period I know.` };
      if (storedKind !== kind) return wrong();
      if (storedKind === 'weekly' && periodContaining('weekly', spec.period) !== spec.period) return { ok: false, message: `"${spec.text}" is not a Monday; a week is stored as its Monday.` };
      period = spec.period;
      break;
    }
  }
  const end = periodEnd(period);
  if (end >= today) return { ok: false, message: `${formatPeriod(period)} has not ended yet (it ends ${formatBritishDate(end)}), so it has no value to record.` };
  return { ok: true, period };
}

/** "c056 is reported termly, but "nov 2026" is a month. Say the term and its year, for example “Autumn term 2026/27”." */
function wrongShape(def: Pick<KpiDefinition, 'code' | 'frequency'>, kind: PeriodKind, text: string, what: string, suggestionDay: string | undefined, today: string): ResolvedPeriod {
  const example = typedPeriod(suggestionDay ? periodContaining(kind, suggestionDay) : lastEndedPeriod(kind, today));
  return { ok: false, message: `${def.code} is reported ${kindWord(kind)}, but "${text}" is ${what}. Say ${SAY[kind]}, for example “${example}”.` };
}

import * as chrono from 'chrono-node';
import type { KpiDefinition } from './model';
import { calendarQuarterOf, formatPeriod, lastEndedPeriod, periodContaining, periodEnd, periodKind, shiftPeriodBy, unitKind, unitName } from './kpi';
import { formatBritishDate } from './dueDate';

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
  | { kind: 'stored'; period: string; text: string };

export type ValueUnit = 'percent' | 'days' | 'rate' | 'none';

export type KpiValueText =
  | { ok: true; code: string; period?: PeriodSpec; value: number; valueText: string; unit: ValueUnit; reason?: string }
  | { ok: false; code: string; message: string };

const FILLER = new Set(['for', 'in', 'was', 'is', 'of', 'the', 'value', '=', 'record', 'recorded', 'at', 'to', 'month', 'quarter', 'week', 'commencing', 'w/c', 'wc', 'on', 'a', 'as', 'be', 'it', 'set', 'new', 'kpi', '-', '–', ',']);

const NUMBER = /^(?:[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-+]?\.\d+)$/;

/** The leading "kpi <code>" or "<code>" (a code with a digit, so "due 14 days" is not a KPI). */
export function leadingKpiCode(text: string): { code: string; rest: string; prefixed: boolean } | undefined {
  const t = text.trim();
  let m = /^kpis?\s+([a-z][a-z0-9._-]{0,19})\b\s*(.*)$/is.exec(t);
  if (m) return { code: m[1].toLowerCase(), rest: m[2], prefixed: true };
  m = /^([a-z]{1,8}\d[a-z0-9]{0,10})\b\s*(.*)$/is.exec(t);
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

export function parseKpiValueText(text: string, today: string): KpiValueText | undefined {
  const lead = leadingKpiCode(text);
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
  // Stored forms, as in the import files: 2026-Q4 (calendar), 2026-11, 2026-11-30.
  const stored = /\b(\d{4}-q[1-4]|\d{4}-\d{2}-\d{2}|\d{4}-\d{2})\b/i.exec(body);
  if (stored) {
    const p = stored[1].toUpperCase().replace('-Q', '-Q');
    const r = setPeriod(/^\d{4}-\d{2}-\d{2}$/.test(p) ? { kind: 'day', date: p, text: stored[1] } : { kind: 'stored', period: p.replace(/q/i, 'Q'), text: stored[1] });
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
    const month = ab ? ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(ab[1].toLowerCase().slice(0, 3)) + 1 : 0;
    if (ab && month > 0 && MONTH_NAMES[month - 1].toLowerCase().startsWith(ab[0].replace(/\.?(\s+\d{4})?$/, '').toLowerCase())) {
      period = { kind: 'month', month, year: ab[2] ? Number(ab[2]) : undefined, text: ab[0].trim() };
      body = stripSpan(body, ab.index, ab[0].length);
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

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The stored period a spec means for this KPI, or why not: the period must match the KPI's frequency
 * and must have ended. A month without a year is the latest one that has ended, as long as that is
 * recent; otherwise the year is asked for.
 */
export function resolvePeriod(def: Pick<KpiDefinition, 'code' | 'frequency'>, spec: PeriodSpec | undefined, today: string): ResolvedPeriod {
  const kind = periodKind(def.frequency);
  if (!kind) return { ok: false, message: `${def.code} is reported ${def.frequency || 'with no frequency set'}; I can record monthly, quarterly and weekly KPIs in chat. Its values are imported from a file.` };
  const example = formatPeriod(lastEndedPeriod(kind, today));
  if (!spec) return { ok: false, message: `Which period is that for? Say it with the value, for example “kpi ${def.code} ${example.replace(/ \(.*\)$/, '')} …”.` };
  let period: string;
  switch (spec.kind) {
    case 'month': {
      if (kind !== 'monthly') return wrongShape(def, kind, spec.text, 'a month', spec.year ? periodContaining(kind, `${spec.year}-${String(spec.month).padStart(2, '0')}-15`) : undefined, today);
      if (spec.year !== undefined) period = `${spec.year}-${String(spec.month).padStart(2, '0')}`;
      else {
        const thisYear = `${today.slice(0, 4)}-${String(spec.month).padStart(2, '0')}`;
        period = periodEnd(thisYear) < today ? thisYear : `${Number(today.slice(0, 4)) - 1}-${String(spec.month).padStart(2, '0')}`;
        if (period < shiftPeriodBy(lastEndedPeriod('monthly', today), -3)) {
          return { ok: false, message: `Which ${MONTH_NAMES[spec.month - 1]}? Say the year, for example “${MONTH_NAMES[spec.month - 1].slice(0, 3)} ${period.slice(0, 4)}”.` };
        }
      }
      break;
    }
    case 'quarter':
      if (kind !== 'quarterly') return wrongShape(def, kind, spec.text, 'a quarter', undefined, today);
      period = calendarQuarterOf(spec.fq, spec.fyStart);
      break;
    case 'ambiguousQuarter': {
      if (kind !== 'quarterly') return wrongShape(def, kind, spec.text, 'a quarter', undefined, today);
      const a = calendarQuarterOf(spec.q, spec.year);
      const b = calendarQuarterOf(spec.q, spec.year - 1);
      return { ok: false, message: `"${spec.text}" could be two quarters. Did you mean ${formatPeriod(a)} or ${formatPeriod(b)}? Write it as “Q${spec.q} ${spec.year}/${String(spec.year + 1).slice(2)}” or “Q${spec.q} ${spec.year - 1}/${String(spec.year).slice(2)}”.` };
    }
    case 'day':
      if (kind !== 'weekly') return wrongShape(def, kind, spec.text, 'a day', periodContaining(kind, spec.date), today);
      period = periodContaining('weekly', spec.date);
      break;
    case 'stored': {
      const storedKind = /Q/.test(spec.period) ? 'quarterly' : 'monthly';
      if (storedKind !== kind) return wrongShape(def, kind, spec.text, storedKind === 'quarterly' ? 'a quarter' : 'a month', undefined, today);
      if (storedKind === 'monthly' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(spec.period)) return { ok: false, message: `"${spec.text}" is not a month.` };
      period = spec.period;
      break;
    }
  }
  const end = periodEnd(period);
  if (end >= today) return { ok: false, message: `${formatPeriod(period)} has not ended yet (it ends ${formatBritishDate(end)}), so it has no value to record.` };
  return { ok: true, period };
}

function wrongShape(def: Pick<KpiDefinition, 'code' | 'frequency'>, kind: string, text: string, what: string, suggestion: string | undefined, today: string): ResolvedPeriod {
  const k = kind as 'monthly' | 'quarterly' | 'weekly';
  const example = suggestion ?? lastEndedPeriod(k, today);
  const say = k === 'quarterly' ? 'the quarter' : k === 'monthly' ? 'the month' : 'a day in the week';
  const shown = k === 'quarterly' ? formatPeriod(example) : formatPeriod(example);
  return { ok: false, message: `${def.code} is reported ${k}, but "${text}" is ${what}. Say ${say}, for example ${shown}.` };
}

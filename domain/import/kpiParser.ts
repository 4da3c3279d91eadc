import type { ImportProblem, KpiDefinition, KpiValue } from '../model';
import { columnsBySynonyms } from './columns';
import { roleKey } from '../roles';
import { mondayOf, periodKind, type PeriodKind } from '../kpi';
import { findKpiCode, isKpiCode, normaliseKpiCode } from '../kpiCodes';
import { MONTH_NAME } from '../calendar';

/**
 * KPI definitions (kpis.csv) and their reported values (kpi-values.csv).
 *
 * A definition without a usable code, name, polarity or target is skipped: without them no RAG
 * can be computed, and a KPI that shows a wrong colour does more harm than a missing one.
 * Values are never adjusted: a value or period that cannot be read is skipped and reported.
 */

export interface KpiParseResult {
  kpis: KpiDefinition[];
  problems: ImportProblem[];
  rowsRead: number;
}

export interface KpiValueParseResult {
  values: KpiValue[];
  problems: ImportProblem[];
  rowsRead: number;
}

const DEFINITION_COLUMNS = {
  code: ['Code', 'KPI', 'KPI Code', 'Ref', 'Indicator Code'],
  name: ['Indicator', 'Name', 'KPI Name', 'Measure', 'Description'],
  unit: ['Unit', 'Units'],
  polarity: ['Polarity', 'Direction', 'Good is', 'Better is'],
  target: ['Target'],
  tolerance: ['Tolerance', 'Amber band', 'Amber tolerance'],
  frequency: ['Frequency', 'Reporting frequency'],
  statNeighbours: ['Statistical neighbours', 'Stat neighbours', 'Statistical neighbour', 'SN'],
  england: ['England', 'National', 'England average'],
  source: ['Source'],
  ownerRole: ['Owner', 'Owner role', 'KPI owner', 'Data owner', 'Responsible officer', 'Lead'],
} as const;

const VALUE_COLUMNS = {
  code: ['Code', 'KPI', 'KPI Code', 'Ref'],
  period: ['Period', 'Month', 'Date', 'Quarter', 'Week', 'Week commencing', 'Term', 'Year'],
  value: ['Value', 'Actual', 'Result'],
} as const;

/** "85", "85%", "1,234.5", "-3" → number; anything else is not a number. */
export function parseNumber(raw: string): number | undefined {
  let s = raw.trim().replace(/^£/, '').replace(/%$/, '').trim();
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (!/^[-+]?(\d+(\.\d+)?|\.\d+)$/.test(s)) return undefined;
  return Number(s);
}

function parsePolarity(raw: string): 'higher' | 'lower' | undefined {
  const s = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^(higher|high|up)( is better)?$/.test(s) || s === 'bigger is better') return 'higher';
  if (/^(lower|low|down)( is better)?$/.test(s) || s === 'smaller is better') return 'lower';
  return undefined;
}

const FREQUENCIES: Record<string, string> = {
  weekly: 'weekly',
  monthly: 'monthly',
  quarterly: 'quarterly',
  termly: 'termly',
  'per term': 'termly',
  'each term': 'termly',
  annually: 'annually',
  annual: 'annually',
  yearly: 'annually',
  'calendar year': 'annually',
  'annually (calendar year)': 'annually',
  'financial year': 'annually (financial year)',
  'annually (financial year)': 'annually (financial year)',
  'annual (financial year)': 'annually (financial year)',
  'annually (fy)': 'annually (financial year)',
  'annual fy': 'annually (financial year)',
  'academic year': 'annually (academic year)',
  'annually (academic year)': 'annually (academic year)',
  'annual (academic year)': 'annually (academic year)',
  'school year': 'annually (academic year)',
  'six monthly': 'six_monthly',
  'six-monthly': 'six_monthly',
  '6 monthly': 'six_monthly',
};

function isBlankRow(row: readonly string[]): boolean {
  return row.every((c) => c.trim() === '');
}

function get(row: readonly string[], index: number | undefined): string {
  return index === undefined ? '' : (row[index] ?? '').trim();
}

function headerName(header: readonly string[], index: number | undefined, fallback: string): string {
  return index === undefined ? fallback : (header[index] ?? fallback).trim();
}

/**
 * `heldRoles`: the role keys (domain/roles roleKey) the directory holds. When given, an owner role
 * nobody holds is reported (the KPI is still imported with it: the holder may be added later), because
 * until someone holds it nobody is reminded to record the KPI and only an admin can record it.
 */
export function parseKpis(rows: readonly string[][], opts: { heldRoles?: ReadonlySet<string> } = {}): KpiParseResult {
  const problems: ImportProblem[] = [];
  const header = rows[0] ?? [];
  const cols = columnsBySynonyms(header, DEFINITION_COLUMNS);
  const kpis: KpiDefinition[] = [];
  const missing = (['code', 'name', 'polarity', 'target'] as const).filter((f) => cols[f] === undefined);
  if (missing.length > 0) {
    problems.push({
      row: 1,
      column: '',
      value: header.join(', '),
      message: `The KPI table has no ${missing.join(', ')} column; nothing was imported.`,
      outcome: 'skipped',
    });
    return { kpis, problems, rowsRead: 0 };
  }
  const seen = new Map<string, number>();
  let rowsRead = 0;
  rows.slice(1).forEach((row, i) => {
    if (isBlankRow(row)) return;
    rowsRead++;
    const rowNo = i + 2;
    const col = (field: keyof typeof DEFINITION_COLUMNS): string => headerName(header, cols[field], field);
    const report = (field: keyof typeof DEFINITION_COLUMNS, message: string, outcome: ImportProblem['outcome']): void => {
      problems.push({ row: rowNo, column: col(field), value: get(row, cols[field]), message, outcome });
    };

    const code = normaliseKpiCode(get(row, cols.code));
    if (!isKpiCode(code)) {
      report('code', code === '' ? 'No KPI code; the row was not imported.' : 'A KPI code is letters and digits, with single spaces, dots, dashes or underscores between them ("NI 062", "PI-12"), at most 20 characters and not only digits; the row was not imported.', 'skipped');
      return;
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      report('code', `KPI ${code} is already defined at row ${earlier}; this row was not imported.`, 'skipped');
      return;
    }
    const name = get(row, cols.name);
    if (name === '') {
      report('name', `KPI ${code} has no name; the row was not imported.`, 'skipped');
      return;
    }
    const polarity = parsePolarity(get(row, cols.polarity));
    if (polarity === undefined) {
      report('polarity', `KPI ${code}: polarity must say whether higher or lower is better; the row was not imported.`, 'skipped');
      return;
    }
    const target = parseNumber(get(row, cols.target));
    if (target === undefined) {
      report('target', `KPI ${code}: the target is not a number; the row was not imported.`, 'skipped');
      return;
    }
    let tolerance = 0;
    const toleranceText = get(row, cols.tolerance);
    const parsedTolerance = parseNumber(toleranceText);
    if (parsedTolerance !== undefined && parsedTolerance >= 0) tolerance = parsedTolerance;
    else {
      const why = toleranceText === '' ? 'no tolerance given' : 'the tolerance is not a number of zero or more';
      report('tolerance', `KPI ${code}: ${why}; 0 used, so anything short of target is red.`, 'left blank');
    }
    const frequencyText = get(row, cols.frequency);
    const frequency = FREQUENCIES[frequencyText.toLowerCase().replace(/\s+/g, ' ')];
    if (frequency === undefined && frequencyText !== '') {
      report('frequency', `KPI ${code}: "${frequencyText}" is not a known frequency (weekly, monthly, quarterly, termly, annually, financial year, academic year).`, 'kept as text');
    }
    const kpi: KpiDefinition = {
      code,
      name,
      unit: get(row, cols.unit),
      polarity,
      target,
      tolerance,
      frequency: frequency ?? frequencyText,
    };
    for (const field of ['statNeighbours', 'england'] as const) {
      const text = get(row, cols[field]);
      if (text === '') continue;
      const n = parseNumber(text);
      if (n === undefined) report(field, `KPI ${code}: the ${col(field)} comparator is not a number.`, 'left blank');
      else kpi[field] = n;
    }
    const source = get(row, cols.source);
    if (source !== '') kpi.source = source;
    // The role that records the values, as the directory names it; the bot looks up who holds it when a value is recorded.
    const ownerRole = get(row, cols.ownerRole);
    if (ownerRole !== '') kpi.ownerRole = ownerRole;
    if (ownerRole !== '' && opts.heldRoles && !opts.heldRoles.has(roleKey(ownerRole)))
      report('ownerRole', `KPI ${code}: nobody holds this role in the directory, so nobody is reminded to record it until someone does; the owner role was kept.`, 'kept as text');
    seen.set(code, rowNo);
    kpis.push(kpi);
  });
  return { kpis, problems, rowsRead };
}

const MONTH_NAMES = MONTH_NAME.map((m) => m.toLowerCase());

/**
 * A period in the stored form: yyyy-mm (monthly), yyyy-Qn (calendar quarter), yyyy-mm-dd (week: its
 * Monday when the KPI is weekly), yyyy-Tn (term of the academic year starting in yyyy), yyyy (calendar
 * year), FYyyyy-yy and AYyyyy-yy (financial and academic years). Spreadsheets' own ways are accepted
 * too: "Oct 2021", dd/mm/yyyy, "w/c 02/11/2026", "Autumn 2026/27", "Spring term 2027", "2026/27"
 * (a financial year, or academic when the KPI's frequency says so), "FY 2026/27", "AY 2026/27".
 */
export function parsePeriod(raw: string, kind?: PeriodKind): { ok: true; period: string } | { ok: false; reason: string } {
  const s = raw.trim().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12) return { ok: true, period: s };
    // "2026-27": a year, not a month.
    if (Number(m[2]) !== (Number(m[1]) + 1) % 100) return { ok: false, reason: `month ${m[2]} does not exist` };
  }
  if ((m = /^(\d{4})-?q([1-4])$/i.exec(s))) return { ok: true, period: `${m[1]}-Q${m[2]}` };
  if (/^\d{4}-?q\d$/i.test(s)) return { ok: false, reason: 'a quarter is Q1 to Q4' };
  if ((m = /^(\d{4})-?t([1-3])$/i.exec(s))) return { ok: true, period: `${m[1]}-T${m[2]}` };
  if ((m = /^(autumn|spring|summer)(?: term)? (\d{4})(?: ?[/-] ?(\d{2}|\d{4}))?$/i.exec(s))) {
    const t = ['autumn', 'spring', 'summer'].indexOf(m[1].toLowerCase()) + 1;
    const y = Number(m[2]);
    if (m[3] && !followsOn(y, m[3])) return { ok: false, reason: `"${s}" is not an academic year` };
    return { ok: true, period: `${m[3] || t === 1 ? y : y - 1}-T${t}` };
  }
  if (/^\d{4}$/.test(s)) return { ok: true, period: s };
  if ((m = /^(?:(fy|ay|financial year|academic year) ?)?(\d{4}) ?([/-]) ?(\d{2}|\d{4})$/i.exec(s)) && followsOn(Number(m[2]), m[4])) {
    const academic = m[1] ? /^a/i.test(m[1]) : kind === 'academicYear';
    return { ok: true, period: `${academic ? 'AY' : 'FY'}${m[2]}-${String((Number(m[2]) + 1) % 100).padStart(2, '0')}` };
  }
  const wc = /^(?:w\/c|w\/b|week commencing|week beginning) /i.exec(s);
  const day = wc ? s.slice(wc[0].length) : s;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(day);
  const parts = ymd ? [ymd[1], ymd[2], ymd[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : undefined;
  if (parts) {
    const [y, mo, d] = parts.map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
      return { ok: false, reason: `${day} is not a real date` };
    }
    const iso = date.toISOString().slice(0, 10);
    if (wc && mondayOf(iso) !== iso) return { ok: false, reason: `${day} is not a Monday; a week commencing is a Monday` };
    return { ok: true, period: iso };
  }
  if ((m = /^([A-Za-z]+)\.?\s+(\d{4})$/.exec(s))) {
    const word = m[1].toLowerCase();
    const mo = MONTH_NAMES.findIndex((name) => name === word || name.slice(0, 3) === word || (word === 'sept' && name === 'september'));
    if (mo >= 0) return { ok: true, period: `${m[2]}-${String(mo + 1).padStart(2, '0')}` };
  }
  return { ok: false, reason: `"${s}" is not a period (yyyy-mm, yyyy-Qn, yyyy-mm-dd, a term such as Autumn 2026/27, or a year such as 2026 or 2026/27)` };
}

function followsOn(start: number, second: string): boolean {
  return second.length === 2 ? Number(second) === (start + 1) % 100 : Number(second) === start + 1;
}

export function parseKpiValues(rows: readonly string[][], opts: { known?: readonly KpiDefinition[] } = {}): KpiValueParseResult {
  const problems: ImportProblem[] = [];
  const header = rows[0] ?? [];
  const cols = columnsBySynonyms(header, VALUE_COLUMNS);
  const values: KpiValue[] = [];
  const missing = (['code', 'period', 'value'] as const).filter((f) => cols[f] === undefined);
  if (missing.length > 0) {
    problems.push({
      row: 1,
      column: '',
      value: header.join(', '),
      message: `The KPI values table has no ${missing.join(', ')} column; nothing was imported.`,
      outcome: 'skipped',
    });
    return { values, problems, rowsRead: 0 };
  }
  const known = opts.known ? new Map(opts.known.map((k) => [k.code, k])) : undefined;
  const seen = new Map<string, number>();
  let rowsRead = 0;
  rows.slice(1).forEach((row, i) => {
    if (isBlankRow(row)) return;
    rowsRead++;
    const rowNo = i + 2;
    const skip = (field: keyof typeof VALUE_COLUMNS, message: string): void => {
      problems.push({ row: rowNo, column: headerName(header, cols[field], field), value: get(row, cols[field]), message, outcome: 'skipped' });
    };
    const written = normaliseKpiCode(get(row, cols.code));
    if (written === '') return skip('code', 'No KPI code; the value was not imported.');
    // "NI062" in the values file is KPI "ni 062" of the definitions.
    const code = known ? findKpiCode(written, [...known.keys()]) ?? written : written;
    if (known && !known.has(code)) return skip('code', `No KPI ${code} is defined; the value was not imported.`);
    const kind = known ? periodKind(known.get(code)?.frequency ?? '') : undefined;
    const period = parsePeriod(get(row, cols.period), kind);
    if (!period.ok) return skip('period', `${period.reason}; the value was not imported.`);
    const value = parseNumber(get(row, cols.value));
    if (value === undefined) return skip('value', `KPI ${code} ${period.period}: the value is not a number; it was not imported.`);
    const key = `${code}|${period.period}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return skip('period', `KPI ${code} already has a value for ${period.period} at row ${earlier}; this one was not imported.`);
    seen.set(key, rowNo);
    values.push({ code, period: period.period, value });
  });
  return { values, problems, rowsRead };
}

import type { KpiStatus } from '../../services/kpiQueries';
import type { KpiDefinition, Rag } from '../../domain/model';
import { formatPeriod, formatValue, gapToTarget, kpiRag, periodKind, typedPeriod, unitKind, type PeriodKind } from '../../domain/kpi';
import { formatBritishDate } from '../../domain/dueDate';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { ChartBar } from '../../cards/cardData';
import { RAG_COLOR, RAG_SYMBOL, RAG_WORD } from './format';
import { ragText } from '../../domain/status';
import { plainText } from './userText';
import type { DuePeriod, RecordField } from '../../services/kpiRecording';

const fmt = (v: number, unit: string) => formatValue(v, unit);

/**
 * How many periods the trend shows: a year and the same period a year ago (13 months, 5 quarters, 4
 * terms), a quarter of weeks, five years; 13 points for frequencies not recorded in chat.
 */
export const TREND_PERIODS = { monthly: 13, quarterly: 5, weekly: 13, termly: 4, annual: 5, financialYear: 5, academicYear: 5, other: 13 } as const;

/** What one trend point is, for the chart's title and axis. */
const POINT_WORDS: Record<PeriodKind | 'other', { singular: string; plural: string; axis: string }> = {
  monthly: { singular: 'month', plural: 'months', axis: 'Month' },
  quarterly: { singular: 'quarter', plural: 'quarters', axis: 'Quarter (financial year)' },
  weekly: { singular: 'week', plural: 'weeks', axis: 'Week commencing' },
  termly: { singular: 'term', plural: 'terms', axis: 'Term' },
  annual: { singular: 'year', plural: 'years', axis: 'Year' },
  financialYear: { singular: 'year', plural: 'financial years', axis: 'Financial year' },
  academicYear: { singular: 'year', plural: 'academic years', axis: 'Academic year' },
  other: { singular: 'period', plural: 'periods', axis: 'Period' },
};

const kindOf = (d: KpiDefinition): PeriodKind | 'other' => periodKind(d.frequency) ?? (/quarter/i.test(d.frequency) ? 'quarterly' : 'other');

/** One line per KPI, the same in every card: "**c162** Agency social workers in post: 13 (Sep 2022), target 8 — Red, worsening". */
export function kpiLine(k: KpiStatus, opts: { bold?: boolean; direction?: boolean } = {}): string {
  const d = k.def;
  const name = opts.bold === false ? d.name : `**${d.code}** ${d.name}`;
  if (!k.latest) return `${name}: no values yet`;
  return `${name}: ${fmt(k.latest.value, d.unit)} (${formatPeriod(k.latest.period)}), target ${fmt(d.target, d.unit)} — ${RAG_WORD[k.rag ?? 'none']}${opts.direction === false ? '' : `, ${k.direction}`}`;
}


/** Teams' chart colour per RAG: the bar says the RAG by its colour, its label by word and number. */
const BAR_COLOR: Record<Rag, ChartBar['color']> = { green: 'good', blue: 'good', amber: 'warning', red: 'attention', none: 'attention' };

/** The bar's period, readable at full length: "Nov 2026", "Q3 2026/27", "w/c 2 Nov 2026", "Autumn 2025/26", "2025/26". */
export function barLabel(period: string): string {
  return typedPeriod(period).replace(' term ', ' ');
}

const signed = (g: number) => (g > 0 ? `+${g}` : g < 0 ? `−${-g}` : '0');

export interface TrendChart {
  /** One bar per period, oldest first: its label carries the period and the signed gap ("Nov 2026: −3"). */
  bars: ChartBar[];
  /** How far each value is on the right side of target, in the KPI's unit (0 = on target). */
  gaps: number[];
  title: string;
  /** The value axis (along the bars). */
  valueAxisTitle: string;
  /** The category axis (the periods). */
  periodAxisTitle: string;
  /** Every point in words, for screen readers and clients without charts. */
  text: string;
  /** How to read the bars. */
  note: string;
}

/**
 * The trend as horizontal bars, one per period, oldest at the top. A line chart's thirteen category
 * labels are cut to their first letter in Teams and the Agents Playground ("N…", "D…"), so two J's
 * or M's could not be told apart; bars give each period a full-width label. Each bar is as long as
 * the distance from target, coloured by its RAG (Teams' good/warning/attention, never its default
 * purple), and its label says the period and the signed gap, so long red is far short of target and
 * long green far better. Distances, not values, because bars start at 0: 84–87.5% against 87% would
 * be thirteen bars of the same length. Not negative bars: the Playground does not draw them.
 */
export function trendChart(k: KpiStatus): TrendChart {
  const d = k.def;
  const kind = kindOf(d);
  const points = k.series.slice(-TREND_PERIODS[kind]);
  const gaps = points.map((p) => gapToTarget(d, p.value));
  const unitWord = unitKind(d.unit) === 'percent' ? 'points' : unitKind(d.unit) === 'days' ? 'days' : 'units';
  const better = d.polarity === 'higher' ? 'above' : 'below';
  return {
    bars: points.map((p, i) => ({
      x: `${barLabel(p.period)}: ${gaps[i] === 0 ? 'on target' : signed(gaps[i])}`,
      y: Math.abs(gaps[i]),
      color: BAR_COLOR[kpiRag(d, p.value)],
    })),
    gaps,
    title: `Distance from target (${fmt(d.target, d.unit)}), last ${points.length} ${POINT_WORDS[kind].plural}`,
    valueAxisTitle: `Distance from target (${unitWord})`,
    periodAxisTitle: POINT_WORDS[kind].axis,
    text: `Trend, oldest first: ${points.map((p) => `${formatPeriod(p.period)} ${fmt(p.value, d.unit)} (${RAG_WORD[kpiRag(d, p.value)]})`).join('; ')}. Target ${fmt(d.target, d.unit)}, ${better} is better; amber within ${d.tolerance}.`,
    note: `Each bar is how far that ${POINT_WORDS[kind].singular} was from target: green on or better than target (+), amber short of it by up to ${d.tolerance}, red short by more (−). Latest: ${gaps.length ? signed(gaps.at(-1)!) : '—'}.`,
  };
}

export function kpiCard(k: KpiStatus, opts: { notice?: string; recordable?: boolean } = {}): AdaptiveCardJson {
  const d = k.def;
  const better = d.polarity === 'higher' ? 'higher is better' : 'lower is better';
  const chart = trendChart(k);
  const points = k.series.slice(-chart.bars.length);
  return renderCard('kpi', {
    // Notices carry what people typed (a correction's reason), so they are plain text.
    notice: plainText(opts.notice ?? ''),
    recordable: opts.recordable !== false,
    code: d.code,
    name: plainText(d.name),
    ragWord: RAG_WORD[k.rag ?? 'none'],
    ragSymbol: RAG_SYMBOL[k.rag ?? 'none'],
    ragColor: RAG_COLOR[k.rag ?? 'none'],
    headline: k.latest
      ? `${fmt(k.latest.value, d.unit)} in ${formatPeriod(k.latest.period)} against a target of ${fmt(d.target, d.unit)} (${better}); ${k.direction}.`
      : `No values have been recorded for ${d.code} yet. Target ${fmt(d.target, d.unit)} (${better}).`,
    facts: [
      { title: 'Unit', value: d.unit },
      { title: 'Target', value: `${fmt(d.target, d.unit)}, amber within ${d.tolerance}` },
      { title: 'Frequency', value: d.frequency },
      { title: 'Owner', value: d.ownerRole ?? 'not set' },
      d.statNeighbours !== undefined ? { title: 'Statistical neighbours', value: fmt(d.statNeighbours, d.unit) } : undefined,
      d.england !== undefined ? { title: 'England', value: fmt(d.england, d.unit) } : undefined,
      k.previous ? { title: 'Previous', value: `${fmt(k.previous.value, d.unit)} (${formatPeriod(k.previous.period)})` } : undefined,
      k.latest?.enteredByName ? { title: 'Last recorded', value: `${k.latest.enteredByName}, ${formatBritishDate(k.latest.enteredAt.slice(0, 10))}` } : undefined,
      d.source ? { title: 'Source', value: plainText(d.source) } : undefined,
    ].filter(Boolean),
    points,
    chartTitle: chart.title,
    valueAxisTitle: chart.valueAxisTitle,
    periodAxisTitle: chart.periodAxisTitle,
    trendBars: chart.bars,
    trendText: chart.text,
    chartNote: chart.note,
    recent: points
      .slice(-6)
      .reverse()
      .map((p) => ({ period: formatPeriod(p.period), value: `${fmt(p.value, d.unit)} · ${ragText(kpiRag(d, p.value))}${p.note ? ` · ${plainText(p.note)}` : ''}` })),
  });
}

export interface RecordFormInput {
  def: KpiDefinition;
  periods: DuePeriod[] | { period: string; version: number; value?: number }[];
  values?: Partial<Record<RecordField, string>>;
  errors?: Partial<Record<RecordField, string>>;
  notice?: string;
}

const NO_ERRORS: Record<RecordField, string> = { value: '', period: '', note: '', source: '', reason: '' };

/** "Value (%)", "Value (count)": the label says the unit, so nobody has to guess. */
function valueLabel(def: KpiDefinition): string {
  const kind = unitKind(def.unit);
  const unit = kind === 'percent' ? '%, 0 to 100' : kind === 'rate' ? 'rate per 10,000' : kind === 'count' ? 'count, a whole number' : def.unit;
  return `Value (${unit})`;
}

function example(def: KpiDefinition): string {
  return unitKind(def.unit) === 'count' ? String(Math.round(def.target)) : String(def.target);
}

/** Versions per period, "2026-11:0,2026-10:2", so the save can tell a value recorded meanwhile. */
function versionsOf(periods: { period: string; version: number }[]): string {
  return periods.map((p) => `${p.period}:${p.version}`).join(',');
}

/** The "Record value" form: the periods due, the value in its unit, optional note and source. */
export function kpiRecordCard(f: RecordFormInput): AdaptiveCardJson {
  const d = f.def;
  const periods = f.periods.map((p) => ({
    period: p.period,
    title: `${formatPeriod(p.period)}${p.value !== undefined ? ` (has ${fmt(p.value, d.unit)}: a correction needs a reason)` : ' (no value yet)'}`,
  }));
  const firstMissing = f.periods.find((p) => p.value === undefined)?.period ?? f.periods[0]?.period ?? '';
  return renderCard('kpiRecord', {
    code: d.code,
    name: d.name,
    about: `Target ${fmt(d.target, d.unit)} (${d.polarity === 'higher' ? 'higher' : 'lower'} is better), reported ${d.frequency}. Owner: ${d.ownerRole ?? 'not set'}.`,
    notice: plainText(f.notice ?? ''),
    periods,
    versions: versionsOf(f.periods),
    valueLabel: valueLabel(d),
    example: example(d),
    errors: { ...NO_ERRORS, ...Object.fromEntries(Object.entries(f.errors ?? {}).map(([k, v]) => [k, plainText(v ?? '')])) },
    values: { period: f.values?.period ?? firstMissing, value: f.values?.value ?? '', note: f.values?.note ?? '', source: f.values?.source ?? '', reason: f.values?.reason ?? '' },
  });
}

/** One reminder per KPI and period due, with the value field on the card. */
export function kpiReminderCard(def: KpiDefinition, due: { period: string; version: number }, stage: 'due' | 'nudge', dueDate: string): AdaptiveCardJson {
  const when = formatBritishDate(dueDate);
  return renderCard('kpiReminder', {
    heading: stage === 'due' ? `${def.code}: ${formatPeriod(due.period)} value due` : `${def.code}: ${formatPeriod(due.period)} value still missing`,
    line: `${def.name}. ${stage === 'due' ? `The value is due by ${when}.` : `It was due by ${when}.`} Target ${fmt(def.target, def.unit)}. You can also type “kpi ${def.code} ${typedPeriod(due.period)} <value>”.`,
    valueLabel: valueLabel(def),
    example: example(def),
    code: def.code,
    period: due.period,
    versions: versionsOf([due]),
  });
}

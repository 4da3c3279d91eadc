import type { KpiStatus } from '../../services/kpiQueries';
import { formatPeriod } from '../../domain/kpi';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_COLOR, RAG_WORD } from './format';

const fmt = (v: number, unit: string) => (unit === '%' ? `${v}%` : `${v}`);

/** One line per KPI, the same in every card: "**c162** Agency social workers in post: 13 (Sep 2022), target 8 — Red, worsening". */
export function kpiLine(k: KpiStatus, opts: { bold?: boolean; direction?: boolean } = {}): string {
  const d = k.def;
  const name = opts.bold === false ? d.name : `**${d.code}** ${d.name}`;
  if (!k.latest) return `${name}: no values yet`;
  return `${name}: ${fmt(k.latest.value, d.unit)} (${formatPeriod(k.latest.period)}), target ${fmt(d.target, d.unit)} — ${RAG_WORD[k.rag ?? 'none']}${opts.direction === false ? '' : `, ${k.direction}`}`;
}

export function kpiCard(k: KpiStatus): AdaptiveCardJson {
  const d = k.def;
  const better = d.polarity === 'higher' ? 'higher is better' : 'lower is better';
  const points = k.series.slice(-36);
  return renderCard('kpi', {
    code: d.code,
    name: d.name,
    ragWord: RAG_WORD[k.rag ?? 'none'],
    ragColor: RAG_COLOR[k.rag ?? 'none'],
    headline: k.latest
      ? `${fmt(k.latest.value, d.unit)} in ${formatPeriod(k.latest.period)} against a target of ${fmt(d.target, d.unit)} (${better}); ${k.direction}.`
      : `No values have been recorded for ${d.code} yet. Target ${fmt(d.target, d.unit)} (${better}).`,
    facts: [
      { title: 'Unit', value: d.unit },
      { title: 'Target', value: `${fmt(d.target, d.unit)}, amber within ${d.tolerance}` },
      { title: 'Frequency', value: d.frequency },
      d.statNeighbours !== undefined ? { title: 'Statistical neighbours', value: fmt(d.statNeighbours, d.unit) } : undefined,
      d.england !== undefined ? { title: 'England', value: fmt(d.england, d.unit) } : undefined,
      k.previous ? { title: 'Previous', value: `${fmt(k.previous.value, d.unit)} (${formatPeriod(k.previous.period)})` } : undefined,
      d.source ? { title: 'Source', value: d.source } : undefined,
    ].filter(Boolean),
    points,
    chartValues: points.map((p) => ({ x: formatPeriod(p.period), y: p.value })),
    targetValues: points.map((p) => ({ x: formatPeriod(p.period), y: d.target })),
    trendText: points.map((p) => `${formatPeriod(p.period)} ${fmt(p.value, d.unit)}`).join(', '),
    recent: points.slice(-6).reverse().map((p) => ({ period: formatPeriod(p.period), value: fmt(p.value, d.unit) })),
  });
}

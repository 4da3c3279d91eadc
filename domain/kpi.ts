import type { KpiDefinition, Rag } from './model';

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

/** "2022-09" → "Sep 2022"; "2022-Q3" → "Q3 2022"; weekly ISO dates → "5 Sep 2022". */
export function formatPeriod(period: string): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${months[Number(m[2]) - 1]} ${m[1]}`;
  if ((m = period.match(/^(\d{4})-Q([1-4])$/i))) return `Q${m[2]} ${m[1]}`;
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
  return period;
}

import type { KpiDefinition, Rag } from '../domain/model';
import { directionOfTravel, kpiRag, type Direction } from '../domain/kpi';
import type { KpiPoint } from '../domain/model';
import type { Services } from './context';

export interface KpiStatus {
  def: KpiDefinition;
  latest?: KpiPoint;
  previous?: KpiPoint;
  rag?: Rag;
  direction?: Direction;
  series: KpiPoint[];
}

export function statusOf(def: KpiDefinition, series: KpiPoint[]): KpiStatus {
  const sorted = [...series].sort((a, b) => a.period.localeCompare(b.period));
  const latest = sorted.at(-1);
  const previous = sorted.at(-2);
  return {
    def,
    series: sorted,
    latest,
    previous,
    rag: latest ? kpiRag(def, latest.value) : undefined,
    direction: latest ? directionOfTravel(def, latest.value, previous?.value) : undefined,
  };
}

export async function kpiByCode(s: Services, code: string): Promise<KpiStatus | undefined> {
  const [def, series] = await Promise.all([s.kpis.getDefinition(code), s.kpis.getSeries(code)]);
  return def ? statusOf(def, series) : undefined;
}

/**
 * KPIs' latest standing from the values kept on their definition rows (one query for them all, no
 * series): what the KPI lines on an action card show. The KPI's own card (kpiByCode) reads the whole
 * series for its trend.
 */
export async function kpisLatest(s: Services, codes: readonly string[]): Promise<KpiStatus[]> {
  const ds = await s.kpis.getDefinitionsWithLatest(codes);
  return ds.map((d) => statusOf(d.def, [d.previous, d.latest].filter((p): p is KpiPoint => p !== undefined)));
}

/** Uses the latest value kept on each definition, so listing 200 KPIs is one read, not 201. */
export async function kpiOverview(s: Services): Promise<KpiStatus[]> {
  const defs = await s.kpis.listDefinitionsWithLatest();
  return defs
    .map(({ def, latest, previous }) => statusOf(def, [previous, latest].filter((p): p is KpiPoint => p !== undefined)))
    .sort((a, b) => a.def.code.localeCompare(b.def.code, 'en', { numeric: true }));
}

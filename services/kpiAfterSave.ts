import { formatPeriod, formatValue } from '../domain/kpi';
import { ragText } from '../domain/status';
import type { KpiStore } from './ports/kpiStore';
import type { PlanStore } from './ports/planStore';
import type { RecordResult } from './kpiRecording';

type Saved = Extract<RecordResult, { kind: 'saved' }>;

/** A KPI crossed into Red or out of it: the linked channel of a plan whose actions cite it hears it. */
export interface KpiRedNotice {
  channelId: string;
  title: string;
  /** The sentence itself, also the notification's plain-text summary. */
  line: string;
  lines: string[];
}

/**
 * What follows a saved KPI value, the rule in one place: a RAG move is kept for the next digest's
 * "what moved"; crossing into Red or out of it is told to the linked channel of every plan whose
 * actions cite the KPI. Returns those notices; the Teams surface turns them into cards and queues
 * them on the proactive path.
 */
export async function afterKpiSaved(s: { kpis: Pick<KpiStore, 'recordMove'>; plans: Pick<PlanStore, 'listPlans' | 'listAllItems'> }, r: Saved): Promise<KpiRedNotice[]> {
  const from = r.statusBefore.rag ?? 'none';
  const to = r.statusAfter.rag ?? 'none';
  if (from === to || !r.statusBefore.latest) return [];
  const d = r.def;
  await s.kpis.recordMove({ code: d.code, name: d.name, period: r.statusAfter.latest?.period ?? r.point.period, from, to, at: r.point.enteredAt, byName: r.point.enteredByName ?? r.point.enteredBy, version: r.point.version ?? 1 });
  if ((from === 'red') === (to === 'red')) return [];
  const latest = r.statusAfter.latest!;
  const line = `${d.code} ${d.name} ${to === 'red' ? 'turned' : 'is out of'} Red: ${ragText(from)} → ${ragText(to)}, ${formatValue(latest.value, d.unit)} in ${formatPeriod(latest.period)} against a target of ${formatValue(d.target, d.unit)}.`;
  const out: KpiRedNotice[] = [];
  for (const plan of (await s.plans.listPlans()).filter((p) => p.channelId)) {
    // kpiCodes live on action rows only (no index by KPI): a crossing is rare, so the plan is read whole.
    const citing = (await s.plans.listAllItems(plan.id)).filter((i) => i.kind === 'action' && 'kpiCodes' in i && i.kpiCodes.includes(d.code)).map((i) => i.ref);
    if (!citing.length) continue;
    out.push({
      channelId: plan.channelId!,
      title: `KPI ${d.code} ${to === 'red' ? 'is now Red' : 'is no longer Red'}`,
      line,
      lines: [line, `Cited by ${citing.length === 1 ? 'action' : 'actions'} ${citing.slice(0, 12).join(', ')} in ${plan.name}.`, `Recorded by ${r.point.enteredByName ?? 'someone'}.`],
    });
  }
  return out;
}

import type { Services } from '../services/context';
import type { Job } from '../domain/job';
import { periodDueDate } from '../domain/kpi';
import { DEFAULT_KPI_DUE_WORKING_DAYS } from '../services/kpiRecording';
import { kpiReminderCard } from './views/kpiView';
import type { AdaptiveCardJson } from '../cards/render';

type Content = { kind: 'card'; card: AdaptiveCardJson; summary: string } | { kind: 'skip'; reason: string };

/** A KPI reminder's card, from current state: nothing is sent once the value has been recorded. */
export async function kpiReminderContent(s: Services, job: Job, workingDays = DEFAULT_KPI_DUE_WORKING_DAYS): Promise<Content> {
  if (!job.ref || !job.period) return { kind: 'skip', reason: 'KPI reminder without a KPI or period' };
  const def = await s.kpis.getDefinition(job.ref);
  if (!def) return { kind: 'skip', reason: `KPI ${job.ref} no longer exists` };
  const point = (await s.kpis.getPoint(def.code, job.period)).point;
  if (point) return { kind: 'skip', reason: `${def.code} ${job.period} was recorded` };
  const stage = job.stage === 'nudge' ? 'nudge' : 'due';
  const card = kpiReminderCard(def, { period: job.period, version: 0 }, stage, periodDueDate(job.period, workingDays));
  return { kind: 'card', card, summary: `${def.code}: value ${stage === 'due' ? 'due' : 'still missing'} for ${job.period}` };
}

import type { PlanSummary } from '../../services/planQueries';
import type { Rag } from '../../domain/model';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_CHART_COLOR, RAG_WORD, STATUS_TEXT, britishDate } from './format';

export function summaryCard(plans: PlanSummary[], today: string): AdaptiveCardJson {
  return renderCard('summary', {
    asAt: britishDate(today),
    plans: plans.map((p) => {
      const rags = (Object.keys(p.rag) as Rag[]).filter((r) => p.rag[r] > 0);
      return {
        name: p.planName,
        ragChart: rags.map((r) => ({ legend: RAG_WORD[r], value: p.rag[r], color: RAG_CHART_COLOR[r] })),
        ragLine: rags.map((r) => `${RAG_WORD[r]}: ${p.rag[r]}`).join(' · ') || 'No actions',
        facts: [
          { title: 'Actions', value: String(p.actions) },
          { title: 'Milestones', value: String(p.milestones) },
          ...Object.entries(p.status).map(([s, n]) => ({ title: STATUS_TEXT[s as keyof typeof STATUS_TEXT] ?? s, value: String(n) })),
          { title: 'Overdue (actions and milestones)', value: String(p.overdue) },
          { title: 'Unowned actions', value: String(p.unowned) },
          { title: 'Actions with no due date', value: String(p.noDueDate) },
        ],
      };
    }),
  });
}

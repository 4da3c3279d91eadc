import type { ItemWithPlan } from '../../services/planQueries';
import { ragCounts } from '../../domain/status';
import type { Rag } from '../../domain/model';
import { itemLabel } from '../../domain/planItem';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_COLOR, RAG_SYMBOL, RAG_WORD, STATUS_TEXT, dueText, relativeDue, truncate } from './format';

export const PAGE_SIZE = 10;

export interface ListCardInput {
  title: string;
  subtitle: string;
  emptyText: string;
  items: ItemWithPlan[];
  today: string;
  /** The question, so "Show more" can ask it again for the next page. */
  query: string;
  page?: number;
  showRagCounts?: boolean;
  multiplePlans: boolean;
  /**
   * When `items` is only the start of the list (up to and including this page): the length of the
   * whole list and its RAG mix, so the card can say "showing 1–10 of N" without every row.
   */
  total?: number;
  ragCounts?: Record<Rag, number>;
}

export function ragCountLine(items: { rag: Rag }[], given?: Record<Rag, number>): string {
  const counts: Record<Rag, number> = given ?? ragCounts();
  if (!given) for (const i of items) counts[i.rag]++;
  return (Object.keys(counts) as Rag[])
    .filter((r) => counts[r] > 0)
    .map((r) => `${RAG_WORD[r]}: ${counts[r]}`)
    .join(' · ');
}

export function listCard(input: ListCardInput): AdaptiveCardJson {
  const page = Math.max(0, input.page ?? 0);
  const start = page * PAGE_SIZE;
  const shown = input.items.slice(start, start + PAGE_SIZE);
  const rows = shown.map((i) => {
    const rel = relativeDue(i.due, i.status, input.today);
    const detail = [
      i.kind === 'milestone' ? `Milestone ${i.seq} of action ${i.ref}` : undefined,
      `${dueText(i.due)}${rel ? ` (${rel})` : ''}`,
      i.ownerRole ?? 'No owner',
      STATUS_TEXT[i.status],
      // Every item names its plan: refs repeat across plans.
      i.planName,
    ]
      .filter(Boolean)
      .join(' · ');
    return {
      planId: i.planId,
      ref: i.ref,
      label: itemLabel(i),
      title: truncate(i.title, 160),
      detail,
      ragWord: RAG_WORD[i.rag],
      ragColor: RAG_COLOR[i.rag],
      ragSymbol: RAG_SYMBOL[i.rag],
    };
  });
  const total = input.total ?? input.items.length;
  const remaining = total - (start + shown.length);
  return renderCard('itemList', {
    title: input.title,
    subtitle: total ? `${input.subtitle} · showing ${start + 1}–${start + shown.length} of ${total}` : input.subtitle,
    ragLine: input.showRagCounts && total ? ragCountLine(input.items, input.ragCounts) : '',
    emptyText: input.emptyText,
    rows,
    hasMore: remaining > 0,
    moreText: remaining > 0 ? `${remaining} more not shown.` : '',
    query: input.query,
    nextPage: String(page + 1),
  });
}

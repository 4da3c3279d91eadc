import type { Digest, Movement } from '../../services/digest';
import type { ItemState } from '../../domain/planItem';
import type { Rag } from '../../domain/model';
import { itemLabel } from '../../domain/planItem';
import { kpiLine } from './kpiView';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_CHART_COLOR, RAG_COLOR, RAG_SYMBOL, RAG_WORD, STATUS_TEXT, britishDate, dueText, relativeDue, truncate } from './format';

const SECTION_LIMIT = 8;

function section(heading: string, empty: string, lines: string[]) {
  return { heading, empty, count: lines.length, lines: lines.slice(0, SECTION_LIMIT), more: Math.max(0, lines.length - SECTION_LIMIT) };
}

const line = (i: ItemState & { planName?: string }, today: string) =>
  `**${itemLabel(i)}** ${truncate(i.title, 90)} — ${i.ownerRole ?? 'no owner'}, ${dueText(i.due)}${relativeDue(i.due, i.status, today) ? ` (${relativeDue(i.due, i.status, today)})` : ''}, ${RAG_WORD[i.rag]}`;

export function digestCard(d: Digest): AdaptiveCardJson {
  const rags = (Object.keys(d.ragMix) as Rag[]).filter((r) => d.ragMix[r] > 0);
  return renderCard('digest', {
    title: d.title,
    asAt: britishDate(d.today),
    ragChart: rags.map((r) => ({ legend: RAG_WORD[r], value: d.ragMix[r], color: RAG_CHART_COLOR[r] })),
    ragLine: rags.map((r) => `${RAG_WORD[r]} ${d.ragMix[r]}`).join(' · ') || 'no actions',
    sections: [
      section('Awaiting your sign-off', 'Nothing is waiting for sign-off.', d.awaitingSignOff.map((i) => line(i, d.today))),
      section('What moved this week', 'No RAG or status changes this week.', d.moved.map((m) => `**${m.item}** ${movementText(m)}`)),
      section('Overdue', 'Nothing is overdue.', d.overdue.map((i) => line(i, d.today))),
      section('Due in the next 14 days', 'Nothing is due in the next 14 days.', d.dueSoon.map((i) => line(i, d.today))),
      section('KPIs off target', 'Every KPI is on target.', d.kpisOffTarget.map((k) => kpiLine(k))),
      section('Unowned actions', 'Every action has an owner.', d.unowned ? [`${d.unowned} open actions have no owner in the directory. Ask “unowned” to see them.`] : []),
    ],
  });
}

function movementText(m: Movement): string {
  switch (m.change) {
    case 'signed off':
      return 'signed off as complete';
    case 'marked complete':
      return 'marked complete, awaiting sign-off';
    case 'RAG':
      return `${RAG_WORD[m.from as Rag] ?? m.from} → ${RAG_WORD[m.to as Rag] ?? m.to}${m.to === 'red' ? ' (new red)' : ''}${m.direction === 'worse' ? ' ⚠' : ''}`;
    case 'due date':
      return `due date moved${m.to && /^\d{4}-/.test(m.to) ? ` to ${britishDate(m.to)}` : ''}`;
  }
}

export type ReminderKind = 'week-ahead' | 'day-before' | 'due-today' | 'overdue' | 'stale';

const HEADINGS: Record<ReminderKind, string> = {
  'week-ahead': 'Due in the next week',
  'day-before': 'Due tomorrow',
  'due-today': 'Due today',
  overdue: 'Overdue',
  stale: 'Time for a check-in?',
};

export function reminderCard(item: ItemState, kind: ReminderKind, today: string, staleDays: number): AdaptiveCardJson {
  const rel = relativeDue(item.due, item.status, today);
  return renderCard('reminder', {
    heading: kind === 'stale' ? `${HEADINGS.stale} ${itemLabel(item)} has had no update for ${staleDays}+ days` : `${HEADINGS[kind]}: ${itemLabel(item)}`,
    // The heading says "Overdue"; Teams' attention red is under 4.5:1 on its dark theme.
    headingColor: 'Default',
    label: itemLabel(item),
    title: truncate(item.title, 300),
    ragWord: RAG_WORD[item.rag],
    ragColor: RAG_COLOR[item.rag],
    ragSymbol: RAG_SYMBOL[item.rag],
    statusText: STATUS_TEXT[item.status],
    facts: [
      { title: 'Due', value: `${dueText(item.due)}${rel ? ` (${rel})` : ''}` },
      { title: 'Owner', value: item.ownerRole ?? 'no owner' },
      ...(item.updatedAt ? [{ title: 'Last update', value: `${britishDate(item.updatedAt.slice(0, 10))}${item.updatedByName ? ` by ${item.updatedByName}` : ''}` }] : []),
    ],
    planId: item.planId,
    ref: item.ref,
    seq: item.seq === undefined ? '' : String(item.seq),
  });
}

export interface OwedReminder {
  item: ItemState;
  kind: ReminderKind;
}

const ORDER: Record<ReminderKind, number> = { overdue: 0, 'due-today': 1, 'day-before': 2, 'week-ahead': 3, stale: 4 };

/** One message for everything a person is owed today, most urgent first, each with its own Update. */
export function groupedReminderCard(owed: OwedReminder[], today: string, staleDays: number): AdaptiveCardJson {
  const sorted = [...owed].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const overdue = sorted.filter((o) => o.kind === 'overdue').length;
  return renderCard('reminders', {
    heading: `Your plan items today (${sorted.length})`,
    intro: overdue ? `${overdue} overdue. Press Update on any item to record progress.` : 'Press Update on any item to record progress.',
    items: sorted.map(({ item, kind }) => {
      const rel = relativeDue(item.due, item.status, today);
      return {
        heading: kind === 'stale' ? `${HEADINGS.stale} No update for ${staleDays}+ days` : HEADINGS[kind],
        headingColor: kind === 'overdue' ? 'Attention' : 'Default',
        label: itemLabel(item),
        title: truncate(item.title, 200),
        ragWord: RAG_WORD[item.rag],
        ragSymbol: RAG_SYMBOL[item.rag],
        facts: `Due ${dueText(item.due)}${rel ? ` (${rel})` : ''}${item.updatedAt ? ` · last update ${britishDate(item.updatedAt.slice(0, 10))}` : ''}`,
        planId: item.planId,
        ref: item.ref,
        seq: item.seq === undefined ? '' : String(item.seq),
      };
    }),
  });
}

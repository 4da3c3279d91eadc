import type { AwaitingItem, Digest, Movement } from '../../services/digest';
import type { ItemWithPlan } from '../../services/planQueries';
import type { ItemState } from '../../domain/planItem';
import type { Rag } from '../../domain/model';
import type { DigestCardData, DigestLine } from '../../cards/cardData';
import { daysBetween } from '../../domain/clock';
import { itemLabel } from '../../domain/planItem';
import { kpiLine } from './kpiView';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_CHART_COLOR, RAG_COLOR, RAG_SYMBOL, RAG_WORD, STATUS_TEXT, britishDate, dueText, relativeDue, truncate } from './format';

/** Lines shown per section; the rest are counted ("…and N more"), which keeps the card far under Teams' 28 KB. */
const SECTION_LIMIT = 8;
const UNOWNED_LIMIT = 5;

type Section = DigestCardData['sections'][number];

/** `count` is what the heading says; it is the whole list, never just the lines shown. */
function section(heading: string, empty: string, lines: DigestLine[], o: { count?: number; limit?: number; intro?: string; moreHint?: string } = {}): Section {
  const limit = o.limit ?? SECTION_LIMIT;
  const count = o.count ?? lines.length;
  const shown = lines.slice(0, limit);
  const more = Math.max(0, count - shown.length);
  return {
    heading: `${heading} (${count})`,
    empty: count ? '' : empty,
    intro: o.intro ?? '',
    lines: shown,
    moreText: more ? `…and ${more} more.${o.moreHint ? ` ${o.moreHint}` : ''}` : '',
  };
}

/** Cut at a word boundary, so a title never ends mid-word. */
export function shortTitle(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

const text = (t: string): DigestLine => ({ text: t, open: false, openTitle: '', planId: '', ref: '' });

/** "**2.4** Set out plainly… (Southend 2021)": refs repeat across plans, so every item names its plan. */
const named = (i: ItemWithPlan, max = 90) => `**${itemLabel(i)}** ${shortTitle(i.title, max)} (${i.planName})`;

const itemLine = (i: ItemWithPlan, today: string) => {
  const rel = relativeDue(i.due, i.status, today);
  return text(`${named(i)} — ${i.ownerRole ?? 'no owner'}, ${dueText(i.due)}${rel ? ` (${rel})` : ''}, ${RAG_WORD[i.rag]}`);
};

function waited(since: string | undefined, today: string): string {
  if (!since) return 'awaiting sign-off';
  const days = daysBetween(since.slice(0, 10), today);
  const when = `marked complete ${britishDate(since.slice(0, 10))}`;
  return days <= 0 ? `${when}, waiting since today` : `${when}, waiting ${days} day${days === 1 ? '' : 's'}`;
}

/** Awaiting sign-off: how long it has waited, never "N days overdue"; a manager gets a button to open it. */
function awaitingLine(i: AwaitingItem, today: string, buttons: boolean): DigestLine {
  return {
    text: `${named(i)} — ${i.ownerRole ?? 'no owner'}, ${waited(i.waitingSince, today)}`,
    open: buttons,
    openTitle: buttons ? `Open ${itemLabel(i)} (${truncate(i.planName, 40)})` : '',
    planId: i.planId,
    // The action card shows its milestones; a milestone opens its action.
    ref: i.ref,
  };
}

export function digestCard(d: Digest): AdaptiveCardJson {
  const rags = (Object.keys(d.ragMix) as Rag[]).filter((r) => d.ragMix[r] > 0);
  const manager = d.audience === 'manager';
  // The per-plan counts are the ones "summary" gives for each plan.
  const unownedIntro = d.unowned
    ? `${d.unowned} open action${d.unowned === 1 ? ' has' : 's have'} no owner in the directory: ${d.unownedByPlan.map((p) => `${p.planName}: ${p.count}`).join('; ')}.`
    : '';
  return renderCard('digest', {
    title: d.title,
    asAt: britishDate(d.today),
    scopeLine: manager
      ? d.planNames.length
        ? `Your reports' work in ${d.planNames.join(', ')}.`
        : 'None of your reports owns an action in any plan yet.'
      : '',
    hasChart: d.actions > 0,
    ragChart: rags.map((r) => ({ legend: RAG_WORD[r], value: d.ragMix[r], color: RAG_CHART_COLOR[r] })),
    ragLine: d.actions
      ? `RAG mix of ${d.actions} action${d.actions === 1 ? '' : 's'}: ${rags.map((r) => `${RAG_WORD[r]} ${d.ragMix[r]}`).join(' · ')}`
      : manager
        ? 'No RAG mix to show: your reports own no actions.'
        : 'No RAG mix to show: the plan has no actions.',
    sections: [
      section(manager ? 'Awaiting your sign-off' : 'Awaiting sign-off', 'Nothing is waiting for sign-off.', d.awaitingSignOff.map((i) => awaitingLine(i, d.today, manager))),
      section('What moved this week', 'No RAG or status changes this week.', d.moved.map((m) => text(movementLine(m)))),
      section('Overdue', 'Nothing is overdue.', d.overdue.map((i) => itemLine(i, d.today))),
      section('Due in the next 14 days', 'Nothing is due in the next 14 days.', d.dueSoon.map((i) => itemLine(i, d.today))),
      section('KPIs off target', manager ? "Every KPI your reports own or cite is on target." : 'Every KPI is on target.', d.kpisOffTarget.map((k) => text(kpiLine(k)))),
      section('Unowned actions', 'Every open action has an owner.', d.unownedItems.map((i) => text(`${named(i, 70)} — ${i.ownerRole ? `${i.ownerRole} (nobody in the directory)` : 'no lead named'}`)), {
        count: d.unowned,
        limit: UNOWNED_LIMIT,
        intro: unownedIntro,
        moreHint: 'Ask “unowned” to see them all.',
      }),
    ],
  });
}

const DIRECTION_WORD: Record<Movement['direction'], string> = { better: 'better', worse: 'worse', complete: 'complete', first: 'first rating', cleared: 'rating removed', other: '' };

/** "**2.4** Recruit permanent social workers (Southend 2021) — Amber → Red, worse". */
function movementLine(m: Movement): string {
  const what = m.item.startsWith('KPI ') ? `**${m.item}** ${shortTitle(m.planName, 60)}` : `**${m.item}** ${m.title ? `${shortTitle(m.title, 60)} ` : ''}(${m.planName})`;
  return `${what} — ${movementText(m)}`;
}

function movementText(m: Movement): string {
  switch (m.change) {
    case 'signed off':
      return 'signed off as complete';
    case 'marked complete':
      return 'marked complete, awaiting sign-off';
    case 'RAG': {
      const word = DIRECTION_WORD[m.direction];
      return `${RAG_WORD[m.from as Rag] ?? m.from} → ${RAG_WORD[m.to as Rag] ?? m.to}${word ? `, ${word}` : ''}`;
    }
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

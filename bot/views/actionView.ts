import type { ActionView } from '../../services/planQueries';
import type { KpiStatus } from '../../services/kpiQueries';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { RAG_COLOR, RAG_SYMBOL, RAG_WORD, STATUS_TEXT, britishDateTime, dueText, relativeDue, truncate } from './format';
import { historyLine } from './historyView';
import { kpiLine } from './kpiView';
import { plainText } from './userText';
import { signOffLines } from './signOffView';
import type { SignOffStanding } from '../../services/signoffs';
import { itemLabel } from '../../domain/planItem';

/**
 * One action with its milestones. `standing` is the viewer's place in the focused item's sign-off
 * (services/signoffs.ts, the rule every sign-off write applies): when they may decide and it waits,
 * the card carries Approve and Return with a note; everyone else reads who it waits for.
 */
export function actionCard(view: ActionView, kpis: KpiStatus[], today: string, timeZone: string, standing?: SignOffStanding, notice?: string): AdaptiveCardJson {
  const a = view.action;
  const focus = (view.focusSeq !== undefined ? a.milestones.find((m) => m.seq === view.focusSeq) : undefined) ?? a;
  const rel = relativeDue(a.due, a.status, today);
  const facts = [
    a.priorityTitle ? { title: 'Priority', value: truncate(`${a.priorityRef ? a.priorityRef + ' ' : ''}${a.priorityTitle}`, 200) } : undefined,
    a.objective ? { title: 'Objective', value: truncate(a.objective, 300) } : undefined,
    { title: 'Lead', value: a.ownerRole ? `${a.ownerRole}${view.lead ? ` (${view.lead.name})` : ' (not in the directory)'}` : 'No lead named' },
    { title: 'Due', value: `${dueText(a.due)}${rel ? ` (${rel})` : ''}` },
    a.originalDue ? { title: 'Originally due', value: dueText(a.originalDue) } : undefined,
    a.commentary ? { title: 'Latest commentary', value: plainText(truncate(a.commentary, 500)) } : undefined,
    a.evidenceUrl ? { title: 'Evidence', value: plainText(a.evidenceUrl) } : undefined,
  ].filter((f): f is { title: string; value: string } => f !== undefined);
  return renderCard('action', {
    // Notices are successes as often as problems ("Saved. It now waits for sign-off…"), so the template never shows them red.
    notice: notice ? plainText(notice) : '',
    planId: a.planId,
    planName: view.planName,
    ref: a.ref,
    title: truncate(a.title, 400),
    ragWord: RAG_WORD[a.rag],
    ragColor: RAG_COLOR[a.rag],
    ragSymbol: RAG_SYMBOL[a.rag],
    statusText: STATUS_TEXT[a.status],
    facts,
    outcomes: a.outcomes.slice(0, 8).map((o) => truncate(o, 300)),
    milestones: a.milestones.slice(0, 12).map((m) => {
      const mrel = relativeDue(m.due, m.status, today);
      return {
        label: `${a.ref}.${m.seq}`,
        text: truncate(m.title, 300),
        detail: [`${dueText(m.due)}${mrel ? ` (${mrel})` : ''}`, m.ownerRole ?? a.ownerRole ?? 'No owner', STATUS_TEXT[m.status]].join(' · '),
        ragWord: RAG_WORD[m.rag],
        ragColor: RAG_COLOR[m.rag],
        ragSymbol: RAG_SYMBOL[m.rag],
        style: view.focusSeq === m.seq ? 'emphasis' : 'default',
      };
    }),
    kpis: kpis.map((k) => ({
      code: k.def.code,
      text: kpiLine(k, { bold: false, direction: false }),
    })),
    history: view.history.map((h) => ({ text: historyLine(h, timeZone) })),
    updatedLine: a.updatedByName && a.updatedAt ? `Updated by ${plainText(a.updatedByName)}, ${britishDateTime(a.updatedAt, timeZone)}` : '',
    signOffLines: signOffLines(focus, standing, timeZone, today).map((l) => (focus === a ? l : `Milestone ${itemLabel(focus)}: ${l}`)),
    canSignOff: focus.status === 'awaiting_signoff' && !!standing?.mayDecide,
    signOff: { planId: focus.planId, ref: focus.ref, seq: focus.seq === undefined ? '' : String(focus.seq), version: String(focus.version), owner: focus.ownerRole ?? '' },
  });
}

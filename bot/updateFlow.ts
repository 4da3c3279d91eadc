import type { BotDeps } from './app';
import type { ItemState } from '../domain/planItem';
import { itemLabel } from '../domain/planItem';
import type { Target, UpdateResult } from '../services/updateStatus';
import { findAction, type ActionView } from '../services/planQueries';
import { kpiByCode } from '../services/kpiQueries';
import { signOffStanding } from '../services/signoffs';
import type { Caller } from '../services/context';
import { actionCard } from './views/actionView';
import { messageCard } from './views/helpView';
import { RAG_WORD, britishDateTime } from './views/format';
import type { AdaptiveCardJson } from '../cards/render';

/**
 * The read-only card for an item as stored now: its action, with the milestone highlighted.
 * After a save (`saved`), the owner the permission check already looked up is the action's lead,
 * and the action, its history and the plan list are read at once rather than one after another.
 */
export async function currentCard(deps: BotDeps, t: Target, notice?: string, saved?: Extract<UpdateResult, { kind: 'saved' }>, viewer?: Caller): Promise<AdaptiveCardJson> {
  const ref = t.seq === undefined ? t.ref : `${t.ref}.${t.seq}`;
  const [view] = saved ? await savedView(deps, t, saved) : await findAction(deps.services, { planId: t.planId }, ref);
  if (!view) return messageCard(`No action ${ref}`, [`I couldn't find ${ref} in this plan any more.`]);
  const focus = (view.focusSeq !== undefined ? view.action.milestones.find((m) => m.seq === view.focusSeq) : undefined) ?? view.action;
  // Without a viewer (the shared message) the card names who it waits for but carries no decision buttons.
  const [kpis, standing] = await Promise.all([
    Promise.all(view.action.kpiCodes.slice(0, 6).map((c) => kpiByCode(deps.services, c))).then((ks) => ks.filter((k): k is NonNullable<typeof k> => !!k)),
    signOffStanding(deps.services, viewer ?? { name: '' }, focus).then((st) => (viewer ? st : { ...st, mayDecide: false })),
  ]);
  const card = actionCard(view, kpis, deps.services.clock.today(), deps.timeZone, standing);
  // Notices are successes as often as problems ("Saved. It now waits for sign-off…"), so they are never red.
  if (notice) card.body.unshift({ type: 'TextBlock', text: notice, wrap: true, weight: 'Bolder' });
  return card;
}

async function savedView(deps: BotDeps, t: Target, saved: Extract<UpdateResult, { kind: 'saved' }>): Promise<ActionView[]> {
  const s = deps.services;
  const [action, history, plans] = await Promise.all([s.plans.getAction(t.planId, t.ref), s.plans.listHistory(t.planId, t.ref, 5), s.plans.listPlans()]);
  if (!action) return [];
  const lead = t.seq === undefined && saved.authority.ownerRole === action.ownerRole ? saved.authority.owner : action.ownerRole ? await s.directory.findByRole(action.ownerRole) : undefined;
  return [{ action, planName: plans.find((p) => p.id === t.planId)?.name ?? t.planId, focusSeq: t.seq, lead, history }];
}

export function conflictNotice(latest: ItemState, timeZone: string): string {
  const who = latest.updatedByName ?? 'someone else';
  const when = latest.updatedAt ? britishDateTime(latest.updatedAt, timeZone) : 'just now';
  return `${who} updated ${itemLabel(latest)} at ${when}, after you opened it, so your change was not saved. This shows the latest state: please re-apply your change if it still stands.`;
}

export function refusalNotice(item: ItemState, whoCan: string[]): string {
  return `You can't update ${itemLabel(item)}. It can be updated by ${whoCan.join(', ')}.`;
}

export const NOT_IN_DIRECTORY = "You're not in the plan directory, so I can't tell which actions you may update. Ask your plan administrator to add you.";

/**
 * What follows a saved change: the manager is asked to sign off completed work; the plan's channel
 * hears about RAG moves; the manager hears when something turns red. A failed notification never
 * undoes the saved change; it is logged.
 */
export async function notifyAfterSave(deps: BotDeps, r: Extract<UpdateResult, { kind: 'saved' }>): Promise<void> {
  const { before, item, authority } = r;
  const label = itemLabel(item);
  const manager = authority.manager;
  const tasks: Promise<unknown>[] = [];
  if (item.status === 'awaiting_signoff' && before.status !== 'awaiting_signoff' && manager?.aadObjectId) {
    tasks.push(deps.notifier.requestSignOff(item, manager.aadObjectId));
  }
  if (item.rag !== before.rag) {
    const line = `${label} moved ${RAG_WORD[before.rag]} → ${RAG_WORD[item.rag]} — ${item.ownerRole ?? 'no owner'}${item.commentary ? `: ${item.commentary.slice(0, 300)}` : ''}`;
    const plan = (await deps.services.plans.listPlans()).find((p) => p.id === item.planId);
    if (plan?.channelId) tasks.push(deps.notifier.send('channel', plan.channelId, messageCard(`RAG change: ${label}`, [line, `Updated by ${r.history.byName}.`]), line));
    if (item.rag === 'red' && manager?.aadObjectId && manager.aadObjectId !== r.history.by) {
      tasks.push(deps.notifier.send('user', manager.aadObjectId, messageCard(`${label} is now Red`, [line, `Updated by ${r.history.byName}.`], 'attention'), line));
    }
  }
  const results = await Promise.allSettled(tasks);
  for (const res of results) if (res.status === 'rejected') deps.logger.error({ err: res.reason, item: label }, 'notification after update failed');
}

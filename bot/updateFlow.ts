import type { BotDeps } from './app';
import type { ItemState } from '../domain/planItem';
import { RECENT_CHANGES, itemLabel } from '../domain/planItem';
import type { Target, UpdateResult } from '../services/updateStatus';
import { findAction, type ActionView } from '../services/planQueries';
import { kpisLatest, type KpiStatus } from '../services/kpiQueries';
import { signOffStanding, standingFrom } from '../services/signoffs';
import { noticesAfterSave } from '../services/afterSave';
import type { Caller } from '../services/context';
import { actionCard } from './views/actionView';
import { messageCard } from './views/helpView';
import { britishDateTime } from './views/format';
import type { AdaptiveCardJson } from '../cards/render';

/** What the action card needs from the app: the stores it reads, the clock and the plan's time zone. */
export type CardDeps = Pick<BotDeps, 'services' | 'timeZone'>;

/**
 * The read-only card for an item as stored now: its action, with the milestone highlighted.
 * Without a viewer (the shared message) the card names who it waits for but carries no decision buttons.
 */
export async function currentCard(deps: CardDeps, t: Target, notice?: string, viewer?: Caller): Promise<AdaptiveCardJson> {
  const ref = t.seq === undefined ? t.ref : `${t.ref}.${t.seq}`;
  const [view] = await findAction(deps.services, { planId: t.planId }, ref);
  if (!view) return messageCard(`No action ${ref}`, [`I couldn't find ${ref} in this plan any more.`]);
  const focus = (view.focusSeq !== undefined ? view.action.milestones.find((m) => m.seq === view.focusSeq) : undefined) ?? view.action;
  const [kpis, standing] = await Promise.all([
    kpiLines(deps, view.action.kpiCodes),
    signOffStanding(deps.services, viewer ?? { name: '' }, focus).then((st) => (viewer ? st : { ...st, mayDecide: false })),
  ]);
  return actionCard(view, kpis, deps.services.clock.today(), deps.timeZone, standing, notice);
}

/**
 * The card after a save, built from what the save read and wrote: the action with the written item
 * in place, the owner and manager the permission check looked up, and the caller's authority for
 * the sign-off buttons (`viewer`: the card is the caller's own, not the shared message), and the
 * latest changes the read kept with this one. Only the cited KPIs' latest values are read (one query),
 * and the history when the rows kept none.
 */
export async function savedCard(deps: CardDeps, t: Target, saved: Extract<UpdateResult, { kind: 'saved' }>, notice?: string, viewer = false): Promise<AdaptiveCardJson> {
  const s = deps.services;
  const { action, authority } = saved;
  const [history, plans, kpis] = await Promise.all([saved.recent ?? s.plans.listHistory(t.planId, action.ref, RECENT_CHANGES), s.plans.listPlans(), kpiLines(deps, action.kpiCodes)]);
  const lead = authority.ownerRole === action.ownerRole ? authority.owner : action.ownerRole ? await s.directory.findByRole(action.ownerRole) : undefined;
  const view: ActionView = { action, planName: plans.find((p) => p.id === t.planId)?.name ?? t.planId, focusSeq: t.seq, lead, history };
  return actionCard(view, kpis, s.clock.today(), deps.timeZone, standingFrom(authority, saved.item, viewer), notice);
}

/** The first six cited KPIs' latest values and RAG, in one read (each definition row keeps them). */
function kpiLines(deps: CardDeps, codes: string[]): Promise<KpiStatus[]> {
  return kpisLatest(deps.services, codes.slice(0, 6));
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
 * What follows a saved change (services/afterSave.ts decides who hears what), queued on the
 * proactive path. A failed notification never undoes the saved change; it is logged.
 */
export async function notifyAfterSave(deps: Pick<BotDeps, 'services' | 'notifier' | 'logger'>, r: Extract<UpdateResult, { kind: 'saved' }>): Promise<void> {
  const notices = await noticesAfterSave(deps.services.plans, r);
  const results = await Promise.allSettled(
    notices.map((n) => {
      switch (n.kind) {
        case 'askSignOff':
          return deps.notifier.requestSignOff(n.item, n.managerId);
        case 'ragMoved':
          return deps.notifier.send('channel', n.channelId, messageCard(`RAG change: ${n.label}`, [n.line, `Updated by ${n.byName}.`]), n.line);
        case 'turnedRed':
          return deps.notifier.send('user', n.managerId, messageCard(`${n.label} is now Red`, [n.line, `Updated by ${n.byName}.`], 'attention'), n.line);
      }
    }),
  );
  for (const res of results) if (res.status === 'rejected') deps.logger.error({ err: res.reason, item: itemLabel(r.item) }, 'notification after update failed');
}

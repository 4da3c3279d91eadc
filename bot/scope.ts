import type { TurnContext } from 'botbuilder';
import type { Services } from '../services/context';
import type { Scope } from '../services/planQueries';

/** A channel linked to a plan answers about that plan only; everywhere else covers every plan. */
export async function scopeOf(context: TurnContext, services: Services): Promise<Scope> {
  const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  if (!channelId) return {};
  const linked = (await services.plans.listPlans()).find((p) => p.channelId === channelId);
  return linked ? { planId: linked.id } : {};
}

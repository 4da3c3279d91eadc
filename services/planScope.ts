import type { Services } from './context';
import type { Scope } from './planQueries';
import { namedPlan } from '../domain/language/planNames';

/**
 * Which plans a question covers: the plan it names ("what's overdue in Sefton 2022", "the 2016
 * plan": domain/language/planNames.ts), else the plan the channel (`where.channelId`, the team
 * channel it was asked in) is linked to, else every plan. Returns the text with the plan's name
 * taken out, so the rest parses as usual.
 */
export async function scopeOf(services: Services, where: { channelId?: string }, text = ''): Promise<{ scope: Scope; text: string }> {
  const plans = await services.plans.listPlans();
  const named = namedPlan(plans, text);
  if (named) return { scope: { planId: named.planId }, text: named.text };
  const channelId = where.channelId;
  const linked = channelId ? plans.find((p) => p.channelId === channelId) : undefined;
  return { scope: linked ? { planId: linked.id } : {}, text };
}

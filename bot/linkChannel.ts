import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { callerOf } from './turn';
import { permissionsFor } from '../services/permissions';
import { messageCard } from './views/helpView';
import type { AdaptiveCardJson } from '../cards/render';

export const LINK_COMMAND = /^link (?:this )?channel to (?:plan )?(.{1,100})$/i;

/** An admin links a team channel to a plan: questions there cover that plan, and RAG changes are posted there. */
export async function linkChannel(context: TurnContext, deps: BotDeps, planName: string): Promise<AdaptiveCardJson> {
  const caller = callerOf(context);
  if (!caller.aadObjectId || !permissionsFor(deps.services, caller).mayAdminister())
    return messageCard('Only a plan administrator can link channels', ['Ask a plan administrator to do this: whoever runs the bot for your council can make someone one.']);
  const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  if (!channelId) return messageCard('Not a channel', ['Say this in the team channel you want to link, with an @mention.']);
  const plans = await deps.services.plans.listPlans();
  const wanted = planName.trim().toLowerCase();
  const plan = plans.find((p) => p.name.toLowerCase() === wanted || p.id === wanted);
  if (!plan) return messageCard(`No plan called “${planName.trim()}”`, [`Plans: ${plans.map((p) => p.name).join(', ') || 'none imported yet'}.`]);
  // A channel follows one plan: whichever plan it followed before lets go of it.
  for (const other of plans) if (other.id !== plan.id && other.channelId === channelId) await deps.services.plans.savePlan({ ...other, channelId: '' });
  await deps.services.plans.savePlan({ ...plan, channelId });
  return messageCard(`Linked to ${plan.name}`, ['Questions asked here now cover this plan only, and RAG changes in it will be posted here.'], 'good');
}

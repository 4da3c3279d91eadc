import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { callerOf } from './turn';
import { messageCard } from './views/helpView';
import type { AdaptiveCardJson } from '../cards/render';

/** Admins can send this week's digests early (before a board meeting, say). Once per day. */
export async function sendDigestNow(context: TurnContext, deps: BotDeps): Promise<AdaptiveCardJson> {
  const caller = callerOf(context);
  if (!caller.aadObjectId || !deps.services.adminIds.has(caller.aadObjectId.toLowerCase()))
    return messageCard('Only a plan administrator can send digests', ['Try “digest preview” to see your own digest now.']);
  const n = await deps.sendDigestNow(`${deps.services.clock.today()}-manual`);
  return messageCard('Digests queued', [n ? `${n} digests are on their way to managers and linked channels.` : 'Today’s digests were already sent; nothing new was queued.'], 'good');
}

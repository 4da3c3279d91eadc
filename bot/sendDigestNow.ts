import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { callerOf } from './turn';
import { permissionsFor } from '../services/permissions';
import { messageCard } from './views/helpView';
import type { AdaptiveCardJson } from '../cards/render';

/**
 * Admins can send today's digests early (before a board meeting, say). It answers at once: the
 * recipients are counted, the writes and the sends happen after the reply, and the admin gets a
 * summary message when the run is out. One digest per manager per day, with the scheduled run.
 */
export async function sendDigestNow(context: TurnContext, deps: BotDeps): Promise<AdaptiveCardJson> {
  const caller = callerOf(context);
  if (!caller.aadObjectId || !permissionsFor(deps.services, caller).mayAdminister())
    return messageCard('Only a plan administrator can send digests', ['Try “digest preview” to see your own digest now.']);
  const r = await deps.sendDigestNow(caller.aadObjectId);
  if (r.kind === 'already')
    return messageCard('Digests already sent today', [
      r.state === 'planning' ? 'Today’s digests are being queued already; nothing new was queued.' : `Today’s digests were already sent${r.jobs !== undefined ? ` (${r.jobs})` : ''}; nothing new was queued.`,
      'Say “delivery status” to see how they went.',
    ]);
  return messageCard('Digests queued', [`Queued ${r.jobs} digests to managers and linked channels; you’ll get a summary when they are out.`], 'good');
}

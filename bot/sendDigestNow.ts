import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { callerOf } from './turn';
import { messageCard } from './views/helpView';
import type { AdaptiveCardJson } from '../cards/render';
import { sendDigestNow as send } from '../services/sendDigestNow';

/** What "send digest now" uses of BotDeps: the services and the scheduler. */
export type SendDigestNowDeps = Pick<BotDeps, 'services' | 'sendDigestNow'>;

/**
 * "send digest now": services/sendDigestNow with the scheduler the bot was given. It answers at once:
 * the recipients are counted, the writes and the sends happen after the reply, and the admin gets a
 * summary message when the run is out.
 */
export async function sendDigestNow(context: TurnContext, deps: SendDigestNowDeps): Promise<AdaptiveCardJson> {
  const r = await send(deps.services, callerOf(context), deps);
  if (r.kind === 'notAdmin') return messageCard('Only a plan administrator can send digests', ['Try “digest preview” to see your own digest now.']);
  if (r.kind === 'already')
    return messageCard('Digests already sent today', [
      r.state === 'planning' ? 'Today’s digests are being queued already; nothing new was queued.' : `Today’s digests were already sent${r.jobs !== undefined ? ` (${r.jobs})` : ''}; nothing new was queued.`,
      'Say “delivery status” to see how they went.',
    ]);
  return messageCard('Digests queued', [`Queued ${r.jobs} digests to managers and linked channels; you’ll get a summary when they are out.`], 'good');
}

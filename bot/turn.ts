import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Caller } from '../services/context';
import type { AdaptiveCardJson } from '../cards/render';
import { CardFactory, MessageFactory } from 'botbuilder';

/** Identity comes from the activity that Teams signed, never from anything a card carried. */
export function callerOf(context: TurnContext): Caller {
  const from = context.activity.from ?? { id: '', name: '' };
  const upn = (from as { userPrincipalName?: string; email?: string }).userPrincipalName ?? (from as { email?: string }).email;
  return { aadObjectId: from.aadObjectId, email: upn, name: from.name || 'Someone' };
}

export async function sendCard(context: TurnContext, card: AdaptiveCardJson, summary?: string): Promise<void> {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (summary) activity.summary = summary;
  await context.sendActivity(activity);
}

export type InvokeReply = { kind: 'card'; card: AdaptiveCardJson } | { kind: 'message'; text: string } | { kind: 'error'; status: 400 | 403 | 404 | 409 | 500; message: string };

/**
 * Answer an Action.Execute ourselves. teams-ai would otherwise turn a card with `refresh` into an
 * update of the shared message for everyone, so one user's view would overwrite what others see.
 */
export async function sendInvokeReply(context: TurnContext, reply: InvokeReply): Promise<void> {
  let body: object;
  if (reply.kind === 'card') body = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply.card };
  else if (reply.kind === 'message') body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.text };
  else body = { statusCode: reply.status, type: 'application/vnd.microsoft.error', value: { code: String(reply.status), message: reply.message } };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

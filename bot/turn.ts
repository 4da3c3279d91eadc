import { ActivityTypes, teamsGetChannelId, teamsGetTeamId, type TurnContext } from 'botbuilder';
import type { Caller } from '../services/context';
import type { AdaptiveCardJson } from '../cards/render';
import { CardFactory, MessageFactory } from 'botbuilder';

/** Teams' conversation kinds ('personal', 'groupChat', 'channel'); other channels may send others or none. */
export type ConversationType = 'personal' | 'groupChat' | 'channel' | (string & {});

/**
 * What a turn says about who is asking and where, read from the activity once per turn. Everything
 * below bot/ takes these plain values (or the Caller), never a TurnContext.
 */
export interface TurnFacts {
  caller: Caller;
  /** The connector's id for the sender (what `refresh.userIds` names), not an identity. */
  fromId: string;
  /** The sender's name as the activity gave it (install events often carry none). */
  fromName?: string;
  conversationType?: ConversationType;
  isPersonal: boolean;
  /** A team channel or a group chat: whatever is sent is seen by everyone there. */
  isShared: boolean;
  /** The team channel the message was sent in (botbuilder's teamsGetChannelId). */
  channelId?: string;
  teamId?: string;
  tenantId?: string;
  conversationId?: string;
}

const memo = new WeakMap<TurnContext, TurnFacts>();

/** Identity comes from the activity that Teams signed, never from anything a card carried. */
function callerFrom(context: TurnContext): Caller {
  const from = context.activity.from ?? { id: '', name: '' };
  const upn = (from as { userPrincipalName?: string; email?: string }).userPrincipalName ?? (from as { email?: string }).email;
  return { aadObjectId: from.aadObjectId, email: upn, name: from.name || 'Someone' };
}

/** The turn's facts, built on first use and kept for the rest of the turn. */
export function turnFacts(context: TurnContext): TurnFacts {
  let f = memo.get(context);
  if (f) return f;
  const a = context.activity;
  const conversationType = a.conversation?.conversationType;
  // botbuilder's helpers read channelData without guarding null, which the adapter lets through.
  const teams = a.channelData ? a : undefined;
  f = {
    caller: callerFrom(context),
    fromId: a.from?.id,
    fromName: a.from?.name || undefined,
    conversationType,
    isPersonal: conversationType === 'personal',
    isShared: conversationType === 'channel' || conversationType === 'groupChat',
    channelId: (teams && teamsGetChannelId(teams)) || undefined,
    teamId: (teams && teamsGetTeamId(teams)) || undefined,
    tenantId: (a.channelData as { tenant?: { id?: string } } | undefined | null)?.tenant?.id ?? a.conversation?.tenantId,
    conversationId: a.conversation?.id,
  };
  memo.set(context, f);
  return f;
}

/** The turn's caller (turnFacts(context).caller). */
export function callerOf(context: TurnContext): Caller {
  return turnFacts(context).caller;
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

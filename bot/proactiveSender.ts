import { CardFactory, MessageFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { ConnectorClient } from 'botframework-connector';
import { classify, type Sender, type SendOutcome } from '../proactive/sender';
import { ConversationWindows, TenantPacer, type BudgetSource, type ConversationLog } from '../proactive/rateLimiter';

/**
 * The Bot Connector side of proactive delivery.
 *
 * It needs an adapter of its own, never the one serving /api/messages: botbuilder hands any error
 * inside a turn to `onTurnError` and does not rethrow it, so on the serving adapter a 403 or an
 * exhausted 429 would look like success (and the person would get the "Sorry" text instead of the
 * message). On this adapter errors reach `classify`.
 *
 * The connector client's own retry policies are removed: they retry 429s and 5xx behind the
 * limiter's back (each retry is a request against the tenant's 50/s). The worker retries instead,
 * through the same limiter, after releasing its claim.
 */
const RETRY_POLICIES = ['defaultRetryPolicy', 'exponentialRetryPolicy', 'throttlingRetryPolicy', 'systemErrorRetryPolicy'];

function withoutRetries(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(o: { name: string }): unknown } } }).client?.pipeline;
  for (const name of RETRY_POLICIES) pipeline?.removePolicy({ name });
  return client;
}

export function createProactiveSender(adapter: TeamsAdapter, botAppId: string | undefined, budget: BudgetSource, conversationLog: ConversationLog): Sender {
  if ((adapter as { onTurnError?: unknown }).onTurnError) throw new Error('the proactive adapter must not have a turn error handler: it would hide send failures');
  const pacer = new TenantPacer(budget);
  const conversations = new ConversationWindows(conversationLog);
  return {
    async inSlot(key, work) {
      await conversations.acquire(key, () => pacer.acquire());
      return work();
    },
    async send(ref, message): Promise<SendOutcome> {
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(message.card));
      activity.summary = message.summary;
      let outcome: SendOutcome = { kind: 'retry', status: 0, message: 'no answer' };
      try {
        await adapter.continueConversationAsync(botAppId ?? '', ref as ConversationReference, async (ctx: TurnContext) => {
          const client = withoutRetries(ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey));
          const conversationId = ref.conversation!.id;
          if (message.to === 'channel') {
            // A new post in the channel, not a reply under whichever message linked it.
            const channelId = conversationId.split(';')[0];
            const r = await client.conversations.createConversation({
              isGroup: true,
              channelData: { channel: { id: channelId } },
              activity: { ...activity, channelData: { channel: { id: channelId } } } as never,
              bot: ref.bot,
              tenantId: ref.conversation?.tenantId,
            } as never);
            outcome = { kind: 'sent', activityId: r.activityId ?? r.id };
          } else {
            activity.conversation = ref.conversation as never;
            activity.from = ref.bot as never;
            activity.recipient = ref.user as never;
            const r = await client.conversations.sendToConversation(conversationId, activity as never);
            outcome = { kind: 'sent', activityId: r.id };
          }
        });
      } catch (err) {
        return classify(err);
      }
      return outcome;
    },
    async stop() {},
  };
}

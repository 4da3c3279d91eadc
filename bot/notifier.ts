import { CardFactory, MessageFactory, type ConversationReference } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../cards/render';
import type { ConversationRepository, RefKind } from '../storage/conversationRepository';
import type { Logger } from './logger';

export interface Notifier {
  /** True when sent; false when the person or channel has no conversation with the bot yet. */
  send(kind: RefKind, id: string, card: AdaptiveCardJson, summary: string): Promise<boolean>;
}

export function createNotifier(adapter: TeamsAdapter, conversations: ConversationRepository, botAppId: string | undefined, logger: Logger): Notifier {
  return {
    async send(kind, id, card, summary) {
      const ref = await conversations.get(kind, id);
      if (!ref) {
        logger.info({ kind, id }, 'no conversation reference: proactive card not sent');
        return false;
      }
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
      activity.summary = summary;
      await adapter.continueConversationAsync(botAppId ?? '', ref as ConversationReference, async (ctx) => {
        await ctx.sendActivity(activity);
      });
      return true;
    },
  };
}

import { TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { turnFacts } from './turn';

/** What conversation tracking uses of BotDeps. */
export type ConversationTrackingDeps = Pick<BotDeps, 'services' | 'logger'>;

/**
 * Remember where each person and channel can be reached, so reminders, sign-off requests and
 * RAG-change posts can be sent later. Runs before every handler; never blocks the answer on failure.
 */
export function registerConversationTracking(app: Application<TurnState>, deps: ConversationTrackingDeps): void {
  app.turn('beforeTurn', async (context) => {
    const a = context.activity;
    if (a.type !== 'message' && a.type !== 'conversationUpdate' && a.type !== 'installationUpdate') return true;
    const ref = TurnContext.getConversationReference(a);
    const conv = deps.services.conversations;
    const removed = a.type === 'installationUpdate' && a.action === 'remove';
    const f = turnFacts(context);
    const channelId = f.channelId;
    // A message writes the reference only when it changed (most questions cost no write); an
    // install or membership change always writes, so a reinstall heals a forgotten reference.
    const opts = { ifChanged: a.type === 'message' };
    try {
      const aad = f.caller.aadObjectId;
      if (f.isPersonal && aad) {
        if (removed) await conv.remove('user', aad);
        else await conv.save('user', aad, ref, opts);
      } else if (f.conversationType === 'channel' && channelId) {
        // Post to the channel itself, not into the thread the bot was mentioned in.
        const channelRef = { ...ref, conversation: { ...ref.conversation, id: channelId } } as typeof ref;
        if (removed) await conv.remove('channel', channelId);
        else await conv.save('channel', channelId, channelRef, opts);
      } else if (f.conversationType === 'groupChat' && f.conversationId) {
        if (removed) await conv.remove('group', f.conversationId);
        else await conv.save('group', f.conversationId, ref, opts);
      }
    } catch (err) {
      deps.logger.warn({ err }, 'could not store the conversation reference');
    }
    return true;
  });
}

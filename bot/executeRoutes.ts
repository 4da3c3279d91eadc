import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { sendInvokeReply, type InvokeReply } from './turn';

export type VerbHandler = (context: TurnContext, data: Record<string, unknown>) => Promise<InvokeReply>;

/**
 * Register Action.Execute verbs. Each handler *returns* its reply and this one place sends it, so no
 * path can forget to answer or answer twice, and teams-ai never rewrites the shared message.
 */
export function registerVerbs(app: Application<TurnState>, verbs: Record<string, VerbHandler>): void {
  for (const [verb, handler] of Object.entries(verbs)) {
    app.adaptiveCards.actionExecute(verb, async (context) => {
      const raw = context.activity.value?.action?.data;
      const data = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
      await sendInvokeReply(context, await handler(context, data));
      return '';
    });
  }
}

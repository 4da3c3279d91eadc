import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { sendInvokeReply, type InvokeReply } from './turn';

export type VerbHandler = (context: TurnContext, data: Record<string, unknown>) => Promise<InvokeReply>;

const flat = (raw: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(raw).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)));

/**
 * Register Action.Execute verbs. Each handler *returns* its reply and this one place sends it, so no
 * path can forget to answer or answer twice, and teams-ai never rewrites the shared message.
 */
export function registerVerbs(app: Application<TurnState>, verbs: Record<string, VerbHandler>): void {
  for (const [verb, handler] of Object.entries(verbs)) {
    app.adaptiveCards.actionExecute(verb === UNKNOWN_VERB ? /.*/ : verb, async (context) => {
      const raw = context.activity.value?.action?.data;
      // Card data is flat (ids and Input.* values). Nested values are dropped: zod's coerce calls
      // Number() on them, which throws on an object with a non-callable toString, failing the turn.
      const data = raw && typeof raw === 'object' && !Array.isArray(raw) ? flat(raw as Record<string, unknown>) : {};
      await sendInvokeReply(context, await handler(context, data));
      return '';
    });
  }
}

/** Matches any verb; registered after every real one. */
export const UNKNOWN_VERB = '.*';

export const unknownVerb: VerbHandler = async (context) => ({
  kind: 'error',
  status: 400,
  message: `This card's button (“${String(context.activity.value?.action?.verb ?? '').slice(0, 40)}”) is not one I know; it may be from an older version of the app. Nothing was changed.`,
});

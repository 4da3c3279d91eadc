import { ActivityTypes } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { parseIntent } from '../domain/intent';
import { answer } from './answerQuestion';
import { callerOf, sendCard } from './turn';
import { scopeOf } from './scope';
import { textUpdate } from './textUpdate';
import { linkChannel, LINK_COMMAND } from './linkChannel';
import { sendDigestNow } from './sendDigestNow';

/** Longer than any real question; anything bigger is not worth parsing. */
const MAX_QUESTION = 2000;

/** Every chat message: personal, group, or a channel @mention (teams-ai strips the mention). */
export function registerQuestions(app: Application<TurnState>, deps: BotDeps): void {
  app.activity(ActivityTypes.Message, async (context) => {
    const text = (context.activity.text ?? '').trim();
    if (!text && context.activity.value) return; // legacy Action.Submit posts; we use Action.Execute
    const link = text.match(LINK_COMMAND);
    if (link) return sendCard(context, await linkChannel(context, deps, link[1]));
    const { scope, text: rest } = await scopeOf(context, deps.services, text.slice(0, MAX_QUESTION));
    const intent = parseIntent(rest);
    if (intent.kind === 'update') return sendCard(context, await textUpdate(context, deps, intent, scope));
    if (intent.kind === 'sendDigestNow') return sendCard(context, await sendDigestNow(context, deps));
    const card = await answer({ services: deps.services, caller: callerOf(context), scope, timeZone: deps.timeZone, query: text.slice(0, 200) }, intent);
    await sendCard(context, card);
  });
}

import { ActivityTypes } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { answer, understand } from './answerQuestion';
import { sendCard, turnFacts } from './turn';
import { scopeOf } from '../services/planScope';
import { textUpdate, type TextUpdateDeps } from './textUpdate';
import { linkChannel, LINK_COMMAND, type LinkChannelDeps } from './linkChannel';
import { sendDigestNow, type SendDigestNowDeps } from './sendDigestNow';

/** Longer than any real question; anything bigger is not worth parsing. */
const MAX_QUESTION = 2000;

/** Every chat message: personal, group, or a channel @mention (teams-ai strips the mention). */
/**
 * What the question router uses of BotDeps, with what it hands on: "link this channel", "send
 * digest now", and typed updates (bot/textUpdate.ts).
 */
export type QuestionDeps = Pick<BotDeps, 'services' | 'timeZone' | 'signOffEscalateWorkingDays'> & LinkChannelDeps & SendDigestNowDeps & TextUpdateDeps;

export function registerQuestions(app: Application<TurnState>, deps: QuestionDeps): void {
  app.activity(ActivityTypes.Message, async (context) => {
    const text = (context.activity.text ?? '').trim();
    if (!text && context.activity.value) return; // legacy Action.Submit posts; we use Action.Execute
    const link = text.match(LINK_COMMAND);
    if (link) return sendCard(context, await linkChannel(context, deps, link[1]));
    // Over-long text is refused by the update rules with the limit stated, never cut; questions that
    // long are not questions, and get plain help (the parser stops at its own bound).
    const { scope, text: rest } = await scopeOf(deps.services, turnFacts(context), text.length > MAX_QUESTION ? text.slice(0, 200) : text);
    const { caller } = turnFacts(context);
    const u = await understand({ services: deps.services, caller, scope }, text.length > MAX_QUESTION && /^\s*(update|set|mark)\b/i.test(text) ? text : rest);
    if (u.kind === 'clarify' || u.kind === 'answered') return sendCard(context, u.card);
    if (u.kind === 'update') return textUpdate(context, deps, u.intent, scope);
    if (u.kind === 'sendDigestNow') return sendCard(context, await sendDigestNow(context, deps));
    const card = await answer({ services: deps.services, caller, scope, timeZone: deps.timeZone, signOffEscalateWorkingDays: deps.signOffEscalateWorkingDays, query: text.slice(0, 200) }, u.intent);
    await sendCard(context, card);
  });
}

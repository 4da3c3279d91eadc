import { z } from 'zod';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { ask as askQuestion } from './answerQuestion';
import { REF_SOURCE, MAX_REF_LENGTH } from '../domain/refs';
import { sendCard, turnFacts } from './turn';
import { registerVerbs, type VerbHandler } from './executeRoutes';
import { scopeOf } from '../services/planScope';

/** What the card actions use of BotDeps. */
export type CardActionDeps = Pick<BotDeps, 'services' | 'timeZone'>;

const askData = z.object({ q: z.string().min(1).max(200), planId: z.string().max(100).optional() });
const pageData = z.object({ q: z.string().min(1).max(200), page: z.coerce.number().int().min(0).max(10_000) });
const showActionData = z.object({ planId: z.string().min(1).max(100), ref: z.string().max(MAX_REF_LENGTH).regex(new RegExp(`^${REF_SOURCE}$`, 'i')) });

/** Read-only card buttons (Action.Execute): asking from a button, paging, opening an action. */
export function registerCardActions(app: Application<TurnState>, deps: CardActionDeps): void {
  const ask = async (context: TurnContext, q: string, page?: number, planId?: string) => {
    const { scope, text } = await scopeOf(deps.services, turnFacts(context), q);
    // Buttons only ask questions; a button whose text reads like a write gets help instead.
    return askQuestion({ services: deps.services, caller: turnFacts(context).caller, scope: planId ? { planId } : scope, timeZone: deps.timeZone, query: q, page }, text);
  };

  const verbs: Record<string, VerbHandler> = {
    // A question asked from a button: the answer is a new message, the button's card stays.
    ask: async (context, data) => {
      const d = askData.safeParse(data);
      if (!d.success) return { kind: 'error', status: 400, message: 'That button sent data I could not read.' };
      await sendCard(context, await ask(context, d.data.q, undefined, d.data.planId));
      return { kind: 'message', text: 'Answered below.' };
    },
    // Paging replaces the list for the person who pressed it.
    showMore: async (context, data) => {
      const d = pageData.safeParse(data);
      if (!d.success) return { kind: 'error', status: 400, message: 'That button sent data I could not read.' };
      return { kind: 'card', card: await ask(context, d.data.q, d.data.page) };
    },
    showAction: async (context, data) => {
      const d = showActionData.safeParse(data);
      if (!d.success) return { kind: 'error', status: 400, message: 'That button sent data I could not read.' };
      await sendCard(context, await ask(context, `action ${d.data.ref}`, undefined, d.data.planId));
      return { kind: 'message', text: `Opened ${d.data.ref}.` };
    },
  };

  registerVerbs(app, verbs);
}

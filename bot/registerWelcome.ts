import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { welcomeCard } from './views/helpView';
import { sendCard, turnFacts } from './turn';

/** What the welcome uses of BotDeps. */
export type WelcomeDeps = Pick<BotDeps, 'services'>;

/** A welcome card when the bot is added (personal chat, group chat or team), once per install. */
export function registerWelcome(app: Application<TurnState>, deps: WelcomeDeps): void {
  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (!botAdded) return;
    // Install events often carry no name; the directory knows who this is.
    const f = turnFacts(context);
    const [plans, roles] = await Promise.all([deps.services.plans.listPlans(), deps.services.directory.rolesOf({ aadObjectId: f.caller.aadObjectId })]);
    // In a team channel or group chat the card is for everyone there, not whoever installed the app.
    const name = f.isShared ? 'everyone' : f.fromName || roles[0]?.name;
    await sendCard(context, welcomeCard(name, plans.map((p) => p.name)), 'Welcome to the improvement plan bot');
  });
}

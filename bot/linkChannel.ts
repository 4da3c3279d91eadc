import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import { turnFacts } from './turn';
import { messageCard } from './views/helpView';
import type { AdaptiveCardJson } from '../cards/render';
import { linkChannel as link } from '../services/linkChannel';

/** What "link this channel" uses of BotDeps. */
export type LinkChannelDeps = Pick<BotDeps, 'services'>;

export const LINK_COMMAND = /^link (?:this )?channel to (?:plan )?(.{1,100})$/i;

/** "link this channel to plan X": the turn's caller and channel to services/linkChannel, its answer as a card. */
export async function linkChannel(context: TurnContext, deps: LinkChannelDeps, planName: string): Promise<AdaptiveCardJson> {
  const f = turnFacts(context);
  const r = await link(deps.services, f.caller, f, planName);
  switch (r.kind) {
    case 'notAdmin':
      return messageCard('Only a plan administrator can link channels', ['Ask a plan administrator to do this: whoever runs the bot for your council can make someone one.']);
    case 'notChannel':
      return messageCard('Not a channel', ['Say this in the team channel you want to link, with an @mention.']);
    case 'noPlan':
      return messageCard(`No plan called “${r.name}”`, [`Plans: ${r.plans.map((p) => p.name).join(', ') || 'none imported yet'}.`]);
    case 'linked':
      return messageCard(`Linked to ${r.plan.name}`, ['Questions asked here now cover this plan only, and RAG changes in it will be posted here.'], 'good');
  }
}

import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { AppConfig } from '../config/schema';

/**
 * The Bot Framework adapter. With no MicrosoftAppId (local dev, tests) it accepts unauthenticated
 * requests and sends unauthenticated replies, as the Agents Playground expects; with one, every
 * inbound request must carry a valid Bot Connector token.
 */
export function createAdapter(config: AppConfig): TeamsAdapter {
  const auth = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  };
  return new TeamsAdapter(auth, new ConfigurationServiceClientCredentialFactory(auth));
}

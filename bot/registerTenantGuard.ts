import { ActivityTypes } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { sendInvokeReply, turnFacts } from './turn';

/** What the tenant guard uses of BotDeps. */
export type TenantGuardDeps = Pick<BotDeps, 'allowedTenants' | 'logger'>;

/** When an allow-list is configured, activities from any other tenant are refused before any handler runs. */
export function registerTenantGuard(app: Application<TurnState>, deps: TenantGuardDeps): void {
  if (deps.allowedTenants.size === 0) return;
  app.turn('beforeTurn', async (context) => {
    const tenant = turnFacts(context).tenantId;
    if (tenant && deps.allowedTenants.has(tenant)) return true;
    deps.logger.warn({ tenant }, 'activity from a tenant not in ALLOWED_TENANT_IDS refused');
    if (context.activity.type === ActivityTypes.Invoke) {
      await sendInvokeReply(context, { kind: 'error', status: 403, message: 'This bot is not available to your organisation.' });
    } else if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity('Sorry, this bot is not available to your organisation.');
    }
    return false;
  });
}

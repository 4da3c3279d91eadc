import * as restify from 'restify';
import { randomUUID } from 'node:crypto';
import type { Application, TurnState, TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Logger } from './logger';

export interface ServerDeps {
  adapter: TeamsAdapter;
  app: Application<TurnState>;
  logger: Logger;
  maxBodyBytes: number;
  /** True when storage answers; /readyz reports it. */
  isReady: () => Promise<boolean>;
  /** Extra facts for /readyz (proactive delivery: today's uncertain and failed rows). Never fails the probe. */
  details?: () => Promise<Record<string, unknown>>;
}

/**
 * Errors inside a turn: the user gets a neutral message with a reference they can quote, the log
 * gets the detail under the same reference. Nothing about the failure leaks into chat.
 */
function installTurnErrorHandler(adapter: TeamsAdapter, logger: Logger): void {
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const correlationId = randomUUID().slice(0, 8);
    logger.error({ err: error, correlationId, activityType: context.activity.type, conversation: context.activity.conversation?.id }, 'turn failed');
    const storageDown = /ECONNREFUSED|ETIMEDOUT|ECONNRESET|socket hang up|Timeout/i.test(`${error.message} ${(error as { code?: string }).code ?? ''}`);
    const text = storageDown
      ? `Sorry, I couldn't reach the plan store just now, so nothing was saved. Please try again in a minute. (Reference ${correlationId})`
      : `Sorry, something went wrong on my side and nothing was changed. Please try again; if it keeps happening, quote reference ${correlationId} to your administrator.`;
    try {
      if (context.activity.type === 'invoke') {
        await context.sendActivity({
          type: 'invokeResponse',
          value: { status: 200, body: { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: text } } },
        });
      } else {
        await context.sendActivity(text);
      }
    } catch (sendErr) {
      logger.error({ err: sendErr, correlationId }, 'could not tell the user about a failed turn');
    }
  };
}

export function createServer(deps: ServerDeps): restify.Server {
  installTurnErrorHandler(deps.adapter, deps.logger);
  const server = restify.createServer({ name: 'improvement-plan-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    await deps.adapter.process(req, res, async (context) => {
      await deps.app.run(context);
    });
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady();
    const details = ready && deps.details ? await deps.details().catch(() => undefined) : undefined;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'storage unreachable', ...(details ? { details } : {}) });
  });

  return server;
}

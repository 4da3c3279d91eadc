import { CallerIdConstants, ConfigurationServiceClientCredentialFactory, type Activity, type InvokeResponse, type Request, type Response, type TurnContext } from 'botbuilder';
// botbuilder's own dependency (one copy in node_modules); CloudAdapter answers 401 only for this class.
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { INodeBuffer, INodeSocket } from 'botframework-streaming';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import type { AppConfig } from '../config/schema';
import type { Logger } from './logger';

type Logic = (context: TurnContext) => Promise<void>;

/**
 * Where inbound tokens are checked. Empty means the public cloud's defaults. Setting either value
 * switches botbuilder to its "parameterized" mode, which takes every endpoint as given, so the rest
 * are filled with the public-cloud values to leave replies and OAuth exactly as they were.
 */
function channelAuthSettings(config: AppConfig): Record<string, string | boolean> {
  if (!config.ToBotFromChannelOpenIdMetadataUrl && !config.ToBotFromChannelTokenIssuer) return {};
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: config.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: config.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/**
 * The signing keys could not be fetched: the OpenID metadata document or its key set did not answer
 * (node-fetch's FetchError: DNS, refused, reset, timeout) or answered an error status (botframework's
 * "Failed to load openID config/Keys"). Nothing is wrong with the request, so it is not a 401.
 */
function keySourceUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'FetchError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code)) return true;
  return err instanceof AuthenticationError && /^Failed to load (openID config|Keys)/.test(err.message);
}

export const KEYS_UNAVAILABLE_MESSAGE = 'The bot cannot verify Teams requests just now. Please try again shortly.';
const RETRY_AFTER_SECONDS = '30';

/** Per request: set when token verification failed because the key source was unreachable. */
const requestState = new AsyncLocalStorage<{ keysUnavailable: boolean }>();

/** jsonwebtoken's verification failures (bad signature, wrong algorithm, not yet valid, expired). */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** Ids travel in Bot Connector URLs and headers and in storage keys: Teams' are printable ASCII. */
const wireId = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'is too long')
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII');
const optionalText = z.string().nullish();
const account = z.object({ id: wireId, name: optionalText, aadObjectId: optionalText, role: optionalText }).passthrough();
const entity = z
  .object({ type: z.string() })
  .passthrough()
  .superRefine((e, ctx) => {
    if (e.type.toLowerCase() !== 'mention') return;
    const m = e as { mentioned?: { id?: unknown }; text?: unknown };
    if (typeof m.mentioned?.id !== 'string') ctx.addIssue({ code: 'custom', message: 'a mention must name who is mentioned (mentioned.id)' });
    if (m.text !== undefined && typeof m.text !== 'string') ctx.addIssue({ code: 'custom', message: 'a mention text must be a string' });
  });

function isHttpUrl(u: string): boolean {
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}

/**
 * The parts of an activity that botbuilder and teams-ai dereference without checking: every
 * channel (Teams, the Emulator, the Agents Playground) sends them in these shapes. Anything else
 * passes through untouched for the handlers, which validate their own inputs.
 */
const activityEnvelope = z
  .object({
    type: z.string().min(1, 'is missing'),
    serviceUrl: z.string().refine(isHttpUrl, 'must be an http(s) URL'),
    channelId: wireId,
    id: wireId.nullish(),
    replyToId: wireId.nullish(),
    from: account,
    recipient: account,
    conversation: z.object({ id: wireId, conversationType: optionalText, tenantId: optionalText, isGroup: z.boolean().nullish() }).passthrough(),
    text: optionalText,
    name: optionalText,
    action: optionalText,
    locale: optionalText,
    textFormat: optionalText,
    timestamp: optionalText,
    localTimestamp: optionalText,
    expiration: optionalText,
    channelData: z.record(z.unknown()).nullish(),
    entities: z.array(entity).nullish(),
    attachments: z.array(z.object({}).passthrough()).nullish(),
    membersAdded: z.array(account).nullish(),
    membersRemoved: z.array(account).nullish(),
    reactionsAdded: z.array(z.object({}).passthrough()).nullish(),
    reactionsRemoved: z.array(z.object({}).passthrough()).nullish(),
  })
  .passthrough()
  .superRefine((a, ctx) => {
    // botbuilder strips an @mention of the bot from the text, so a mention needs text to strip it from.
    const mentions = (a.entities ?? []).some((e) => e.type.toLowerCase() === 'mention');
    if (mentions && typeof a.text !== 'string') ctx.addIssue({ code: 'custom', path: ['text'], message: 'is required with a mention' });
  });

/**
 * What is wrong with a request body that cannot be a Bot Framework activity, or undefined. A
 * non-object body is left to CloudAdapter, which answers 400 itself. Null optional fields are
 * dropped, as botbuilder only expects them absent.
 */
export function malformedActivity(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const parsed = activityEnvelope.safeParse(body);
  if (parsed.success) {
    const a = body as Record<string, unknown>;
    for (const k of Object.keys(a)) if (a[k] === null) delete a[k];
    return undefined;
  }
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'activity'} ${i.message}`);
  return `Not a Bot Framework activity: ${problems.join('; ')}.`;
}

/**
 * The Bot Framework adapter. With no MicrosoftAppId (local dev, tests) it accepts unauthenticated
 * requests and sends unauthenticated replies, as the Agents Playground expects; with one, every
 * inbound request must carry a valid Bot Connector token.
 *
 * Two gaps in botbuilder's handling of hostile requests are closed here:
 * - a body that is not an activity is answered 400 (botbuilder answers 500 for a missing or
 *   non-string `type` and for a non-string `serviceUrl`; with no `serviceUrl` it sends the reply to
 *   api.botframework.com; a missing `from.id`, a non-string `text`, a mention without `mentioned.id`
 *   or a non-ASCII conversation id fail the turn in botbuilder or teams-ai before any handler runs);
 * - a token that fails verification (forged signature, `alg: none`, HMAC with the public key, not
 *   yet valid) is answered 401 like every other authentication failure (botbuilder lets
 *   jsonwebtoken's error escape and answers 500 with its message);
 * - when the OpenID metadata or key set cannot be fetched, botbuilder answers 500 with the network
 *   error in the body (`getaddrinfo ENOTFOUND login.botframework.com`). That is our outage, not the
 *   caller's fault: the answer is 503 with Retry-After and a neutral message, and the cause is logged.
 */
export class BotAdapter extends TeamsAdapter {
  private logger: Pick<Logger, 'error'> = { error: (obj: unknown, msg?: string) => console.error(msg, obj) };

  withLogger(logger: Pick<Logger, 'error'>): this {
    this.logger = logger;
    return this;
  }

  override process(req: Request, res: Response, logic: Logic): Promise<void>;
  override process(req: Request, socket: INodeSocket, head: INodeBuffer, logic: Logic): Promise<void>;
  override async process(req: Request, resOrSocket: Response | INodeSocket, logicOrHead: Logic | INodeBuffer, maybeLogic?: Logic): Promise<void> {
    if (maybeLogic) return super.process(req, resOrSocket as INodeSocket, logicOrHead as INodeBuffer, maybeLogic);
    const res = resOrSocket as Response;
    const problem = req.method === 'POST' ? malformedActivity(req.body) : undefined;
    if (problem) {
      res.status(400);
      res.send(problem);
      res.end();
      return;
    }
    const state = { keysUnavailable: false };
    // CloudAdapter turns any error into status + message itself; rewrite that answer on the way out.
    const guarded: Response = {
      socket: res.socket,
      header: (name: string, value: unknown) => res.header(name, value),
      status: (code: number) => {
        if (!state.keysUnavailable) return res.status(code);
        res.header('Retry-After', RETRY_AFTER_SECONDS);
        return res.status(503);
      },
      send: (body?: unknown) => res.send(state.keysUnavailable ? KEYS_UNAVAILABLE_MESSAGE : body),
      end: (...args: unknown[]) => res.end(...args),
    };
    return requestState.run(state, () => super.process(req, guarded, logicOrHead as Logic));
  }

  protected override async processActivity(auth: string | AuthenticateRequestResult, activity: Activity, logic: Logic): Promise<InvokeResponse | undefined> {
    if (typeof auth !== 'string') return super.processActivity(auth, activity, logic);
    let result: AuthenticateRequestResult;
    try {
      result = await this.botFrameworkAuthentication.authenticateRequest(activity, auth);
    } catch (err) {
      if (err instanceof Error && TOKEN_ERRORS.has(err.name)) throw new AuthenticationError(`Unauthorized. ${err.message}`, 401);
      const state = requestState.getStore();
      if (state && keySourceUnavailable(err)) {
        state.keysUnavailable = true;
        this.logger.error({ err }, 'cannot verify Bot Connector tokens: the OpenID metadata or signing keys are unreachable; answering 503');
      }
      throw err;
    }
    return super.processActivity(result, activity, logic);
  }
}

export function createAdapter(config: AppConfig, logger?: Pick<Logger, 'error'>): TeamsAdapter {
  const auth = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    ...channelAuthSettings(config),
  };
  const adapter = new BotAdapter(auth, new ConfigurationServiceClientCredentialFactory(auth));
  return logger ? adapter.withLogger(logger) : adapter;
}

/**
 * A local stand-in for the Bot Connector service (the Teams flavour of it) for integration tests.
 *
 * The bot replies by calling the REST API at the inbound activity's `serviceUrl`; pointing that at
 * this stub lets tests see exactly what the bot would have sent to Teams, without a network or
 * credentials. Routes, methods, status codes and bodies follow botframework-connector's
 * operation specs (connectorApi/operations/conversations.js, teams/operations/teams.js) so the
 * real SDK client cannot tell the difference. Error bodies use the documented ErrorResponse shape
 * `{ error: { code, message } }` with the codes Teams documents for its bot APIs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** A roster entry as Teams returns it (TeamsChannelAccount on the wire). */
export interface TeamsMember {
  /** The Teams user id, e.g. `29:1abc...`. */
  id: string;
  name?: string;
  /** Entra (AAD) object id. Also served as `objectId`, which is what v3 roster calls carry. */
  aadObjectId?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

/** What `/v3/teams/{teamId}` and `/v3/teams/{teamId}/conversations` answer for a team. */
export interface TeamConfig {
  name?: string;
  aadGroupId?: string;
  /** Channels besides General; General (id === team id) is always listed first, as in Teams. */
  channels?: Array<{ id: string; name?: string }>;
}

/** An activity as JSON on the wire: timestamps are strings there, not Dates. */
export type JsonActivity = Omit<Partial<Activity>, 'timestamp' | 'localTimestamp' | 'expiration'> & {
  type: string;
  id: string;
  timestamp?: string;
  localTimestamp?: string;
  expiration?: string;
  [extra: string]: unknown;
};

export type RouteName =
  | 'getConversations'
  | 'createConversation'
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getConversationMembers'
  | 'getConversationPagedMembers'
  | 'getConversationMember'
  | 'deleteConversationMember'
  | 'getActivityMembers'
  | 'fetchTeamDetails'
  | 'fetchChannelList'
  | 'unknown';

export interface RecordedCall {
  /** Arrival order, from 1; survives clear() so ids never repeat within a stub's life. */
  seq: number;
  method: string;
  /** Path below the stub's base path, decoded, e.g. `/v3/conversations/19:x@thread.v2/activities`. */
  path: string;
  query: Record<string, string>;
  route: RouteName;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  teamId?: string;
  /** Parsed JSON body; the raw text if it did not parse; undefined when empty. */
  body: unknown;
  /** Size of the request body in bytes (Teams rejects messages much over ~28 KB of card). */
  bodyBytes: number;
  headers: http.IncomingHttpHeaders;
  /** The Authorization header, if the bot sent one (it sends none when it has no app id). */
  authorization?: string;
  /** Date.now() at arrival. */
  at: number;
  /** HTTP status answered; 0 until the response is written. */
  status: number;
  responseBody?: unknown;
  /** Set when the answer came from fault injection or the rate limiter rather than the route. */
  fault?: 'injected' | 'rateLimited';
}

export interface SentActivity {
  /** The id the stub assigned; also set as `activity.id`. */
  id: string;
  conversationId: string;
  /** The activity id in the URL of a reply (POST .../activities/{activityId}). */
  replyToId?: string;
  via: 'sendToConversation' | 'replyToActivity' | 'createConversation';
  activity: JsonActivity;
  bodyBytes: number;
  at: number;
}

export interface UpdatedActivity {
  conversationId: string;
  activityId: string;
  activity: JsonActivity;
  bodyBytes: number;
  at: number;
}

export interface DeletedActivity {
  conversationId: string;
  activityId: string;
  at: number;
}

export interface CreatedConversation {
  id: string;
  /** Id of the initial activity, when the parameters carried one. */
  activityId?: string;
  /** The ConversationParameters JSON as received. */
  parameters: Record<string, unknown>;
  at: number;
}

/** An answer to force instead of the normal one. */
export interface Fault {
  /** e.g. 429, 403 (bot uninstalled / blocked), 404 (conversation gone), 412, 500, 502, 503, 504. */
  status: number;
  /** Sends `Retry-After: <seconds>`; the SDK's retry policy honours it on 429 and 503. */
  retryAfterSeconds?: number;
  /** ErrorResponse code; defaults to the code Teams documents for the status. */
  code?: string;
  message?: string;
}

export interface FaultRequest {
  seq: number;
  method: string;
  path: string;
  route: RouteName;
  conversationId?: string;
  activityId?: string;
  body: unknown;
}

export interface RateWindow {
  windowMs: number;
  max: number;
}

export interface RateLimitConfig {
  /** Sliding windows applied per conversation id (every call that names one). */
  perConversation?: RateWindow[];
  /** Sliding windows applied across every call to the stub (the stub serves one app). */
  perApp?: RateWindow[];
}

export interface FaultPlan {
  /**
   * Consumed one entry per request, in arrival order, before `decide`; a `null` entry injects
   * nothing for that request (it falls through to `decide`). Handy for "the next call fails,
   * then it recovers".
   */
  queue?: Array<Fault | null>;
  /** Asked for every request the queue did not decide; return a Fault to inject it. */
  decide?: (request: FaultRequest) => Fault | null | undefined;
  /** `true` enforces TEAMS_RATE_LIMITS; an object overrides either set of windows. */
  rateLimit?: boolean | RateLimitConfig;
  /** Milliseconds to hold a request's answer (a slow connector); the answer itself is decided on arrival. */
  latencyMs?: (request: Pick<FaultRequest, 'seq' | 'route' | 'conversationId'>) => number;
}

export interface StubCounters {
  /** Answered 2xx. */
  accepted: number;
  /** Answered 429, whether injected or from the rate limiter. */
  throttled: number;
  /** Answered with any other non-2xx status. */
  failed: number;
}

export interface ConnectorStubOptions {
  /** Rosters by conversation id. Key team rosters by team id: TeamsInfo uses it as the conversation id. */
  members?: Record<string, TeamsMember[]>;
  teams?: Record<string, TeamConfig>;
  faults?: FaultPlan;
  /**
   * Path prefix of the service URL. Real Teams service URLs have one
   * (`https://smba.trafficmanager.net/teams/`), so a bot that builds URLs by hand and drops it
   * fails here as it would in production.
   */
  basePath?: string;
  /** Answer 413 MessageSizeTooBig to bodies larger than this. Off by default: tests assert on bodyBytes. */
  maxBodyBytes?: number;
  /**
   * Answer 404 ActivityNotFoundInConversation to updates/deletes of activities this stub never
   * issued, as Teams would. Default true.
   */
  strictActivityIds?: boolean;
}

export interface ConnectorStub {
  /** The serviceUrl to put in inbound activities, with trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** A snapshot of the counters. */
  readonly counters: StubCounters;
  /** Activities accepted by send, reply or create-conversation, in order. */
  sent(filter?: { conversationId?: string; type?: string }): SentActivity[];
  updates(): UpdatedActivity[];
  deletes(): DeletedActivity[];
  createdConversations(): CreatedConversation[];
  /**
   * Forgets recorded calls, activities, counters and rate-limit history. Keeps server state
   * (issued activity ids, rosters, teams, fault plan) so later updates/deletes still resolve.
   */
  clear(): void;
  /** Resolves with the first sent activity (already recorded or arriving later) that matches. */
  waitFor(predicate: (sent: SentActivity) => boolean, timeoutMs?: number): Promise<SentActivity>;
  /** Resolves with the first answered call (already recorded or arriving later) that matches. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  setMembers(conversationId: string, members: TeamsMember[]): void;
  setTeam(teamId: string, team: TeamConfig): void;
  /** Replaces the fault plan (undefined removes it) and resets rate-limit history. */
  setFaults(plan: FaultPlan | undefined): void;
  /** Appends to the fault queue. */
  enqueueFaults(...faults: Array<Fault | null>): void;
  stop(): Promise<void>;
}

/**
 * Teams' documented limits: per bot per thread 7/1 s, 8/2 s, 60/30 s, 1800/3600 s; per app per
 * tenant 50 requests per second.
 */
export const TEAMS_RATE_LIMITS: Readonly<Required<RateLimitConfig>> = Object.freeze({
  perConversation: [
    { windowMs: 1_000, max: 7 },
    { windowMs: 2_000, max: 8 },
    { windowMs: 30_000, max: 60 },
    { windowMs: 3_600_000, max: 1_800 },
  ],
  perApp: [{ windowMs: 1_000, max: 50 }],
});

// ---------------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------------

const DEFAULT_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['BadArgument', 'The request is invalid.'],
  401: ['BotNotRegistered', 'No registration found for this bot.'],
  403: ['BotNotInConversationRoster', 'The bot is not part of the conversation roster.'],
  404: ['ConversationNotFound', 'Conversation not found.'],
  412: ['PreconditionFailed', 'Precondition failed, please try again.'],
  413: ['MessageSizeTooBig', 'Message size too large.'],
  429: ['Throttled', 'Too many requests.'],
  500: ['ServiceError', 'Internal server error.'],
  502: ['ServiceError', 'Service error.'],
  503: ['ServiceUnavailable', 'Service unavailable.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};

/** Teams serves at most 500 members per page and 200 when no size is asked for. */
const MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 200;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface MatchedRoute {
  route: RouteName;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  teamId?: string;
}

function matchRoute(method: string, segments: string[]): MatchedRoute {
  const [version, collection, id, sub, subId, leaf, ...rest] = segments;
  if (version === 'v3' && collection === 'teams' && id !== undefined && subId === undefined) {
    if (method === 'GET' && sub === undefined) return { route: 'fetchTeamDetails', teamId: id };
    if (method === 'GET' && sub === 'conversations') return { route: 'fetchChannelList', teamId: id };
    return { route: 'unknown', teamId: id };
  }
  if (version !== 'v3' || collection !== 'conversations' || rest.length > 0) return { route: 'unknown' };
  if (id === undefined) {
    if (method === 'GET') return { route: 'getConversations' };
    if (method === 'POST') return { route: 'createConversation' };
    return { route: 'unknown' };
  }
  const conversationId = id;
  if (sub === 'activities') {
    if (subId === undefined && leaf === undefined && method === 'POST') {
      return { route: 'sendToConversation', conversationId };
    }
    if (subId !== undefined && leaf === undefined) {
      const activityId = subId;
      if (method === 'POST') return { route: 'replyToActivity', conversationId, activityId };
      if (method === 'PUT') return { route: 'updateActivity', conversationId, activityId };
      if (method === 'DELETE') return { route: 'deleteActivity', conversationId, activityId };
    }
    if (subId !== undefined && leaf === 'members' && method === 'GET') {
      return { route: 'getActivityMembers', conversationId, activityId: subId };
    }
    return { route: 'unknown', conversationId, activityId: subId };
  }
  if (sub === 'members' && leaf === undefined) {
    if (subId === undefined && method === 'GET') return { route: 'getConversationMembers', conversationId };
    if (subId !== undefined && method === 'GET') {
      return { route: 'getConversationMember', conversationId, memberId: subId };
    }
    if (subId !== undefined && method === 'DELETE') {
      return { route: 'deleteConversationMember', conversationId, memberId: subId };
    }
  }
  if (sub === 'pagedmembers' && subId === undefined && method === 'GET') {
    return { route: 'getConversationPagedMembers', conversationId };
  }
  return { route: 'unknown', conversationId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireActivity(body: unknown): Record<string, unknown> & { type: string } {
  if (!isRecord(body)) throw new HttpError(400, 'BadSyntax', 'Request body must be a JSON Activity object.');
  if (typeof body.type !== 'string' || body.type === '') {
    throw new HttpError(400, 'BadArgument', 'Activity type is required.');
  }
  return body as Record<string, unknown> & { type: string };
}

/** Both spellings: v3 roster calls carry `objectId`, paged/member calls `aadObjectId`. */
function toWireMember(member: TeamsMember): Record<string, unknown> {
  return member.aadObjectId === undefined ? { ...member } : { ...member, objectId: member.aadObjectId };
}

function nestedString(value: unknown, ...keys: string[]): string | undefined {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/** Sliding-window log: the time left until every window has room for one more request. */
function waitForRoom(timestamps: number[], windows: readonly RateWindow[], now: number): number {
  let wait = 0;
  for (const { windowMs, max } of windows) {
    const inWindow = timestamps.filter((t) => t > now - windowMs);
    if (inWindow.length >= max) {
      // The request fits once the oldest stamps that push the count to `max` have left the window.
      const freeing = inWindow[inWindow.length - max];
      wait = Math.max(wait, freeing + windowMs - now);
    }
  }
  return wait;
}

export async function startConnectorStub(opts: ConnectorStubOptions = {}): Promise<ConnectorStub> {
  const basePath = `/${(opts.basePath ?? '/teams/').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const strictActivityIds = opts.strictActivityIds ?? true;

  const rosters = new Map<string, TeamsMember[]>(Object.entries(opts.members ?? {}));
  const teams = new Map<string, TeamConfig>(Object.entries(opts.teams ?? {}));
  let faultPlan: FaultPlan | undefined = opts.faults;
  let faultQueue: Array<Fault | null> = [...(opts.faults?.queue ?? [])];

  // Server state: what Teams would hold. Not reset by clear().
  // `${conv}\n${id}` -> live (false once deleted). Only existence is kept: bodies are in the recordings,
  // which clear() empties, so a long soak does not grow the stand-in's memory.
  const liveActivities = new Map<string, boolean>();
  const personalConversations = new Map<string, string>(); // member id -> 1:1 conversation id
  let lastActivityId = 0;
  let seq = 0;

  // Recordings: reset by clear().
  let calls: RecordedCall[] = [];
  let sentActivities: SentActivity[] = [];
  let updatedActivities: UpdatedActivity[] = [];
  let deletedActivities: DeletedActivity[] = [];
  let created: CreatedConversation[] = [];
  let counters: StubCounters = { accepted: 0, throttled: 0, failed: 0 };
  let conversationStamps = new Map<string, number[]>();
  let appStamps: number[] = [];

  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };

  // Teams message ids are epoch-millisecond strings; keep them unique when sends share a millisecond.
  const nextActivityId = (): string => {
    lastActivityId = Math.max(Date.now(), lastActivityId + 1);
    return String(lastActivityId);
  };
  const activityKey = (conversationId: string, activityId: string): string => `${conversationId}\n${activityId}`;

  function rosterFor(conversationId: string): TeamsMember[] {
    const roster = rosters.get(conversationId);
    if (!roster) throw new HttpError(404, 'ConversationNotFound', `Conversation ${conversationId} not found.`);
    return roster;
  }

  /** Teams accepts either the 29: user id or the AAD object id. */
  function findMember(conversationId: string, memberId: string): TeamsMember {
    const member = rosterFor(conversationId).find((m) => m.id === memberId || m.aadObjectId === memberId);
    if (!member) {
      throw new HttpError(404, 'MemberNotFoundInConversation', `Member ${memberId} not found in conversation ${conversationId}.`);
    }
    return member;
  }

  function knownMember(idOrAad: string): TeamsMember | undefined {
    for (const roster of rosters.values()) {
      const found = roster.find((m) => m.id === idOrAad || m.aadObjectId === idOrAad);
      if (found) return found;
    }
    return undefined;
  }

  function acceptActivity(
    via: SentActivity['via'],
    conversationId: string,
    body: Record<string, unknown>,
    bodyBytes: number,
    at: number,
    replyToId?: string,
    id: string = nextActivityId(),
  ): SentActivity {
    const activity = { ...body, id } as JsonActivity;
    liveActivities.set(activityKey(conversationId, id), true);
    const sent: SentActivity = { id, conversationId, via, activity, bodyBytes, at };
    if (replyToId !== undefined) sent.replyToId = replyToId;
    sentActivities.push(sent);
    return sent;
  }

  function requireLiveActivity(conversationId: string, activityId: string): void {
    if (!strictActivityIds) return;
    if (!liveActivities.get(activityKey(conversationId, activityId))) {
      throw new HttpError(
        404,
        'ActivityNotFoundInConversation',
        `Activity ${activityId} not found in conversation ${conversationId} (the stub never issued it, or it was deleted).`,
      );
    }
  }

  function createConversation(body: unknown, bodyBytes: number, at: number): Answer {
    if (!isRecord(body)) throw new HttpError(400, 'BadSyntax', 'Request body must be JSON ConversationParameters.');
    const tenantId = nestedString(body, 'tenantId') ?? nestedString(body, 'channelData', 'tenant', 'id');
    if (!tenantId) throw new HttpError(400, 'BadArgument', 'Tenant id is required (tenantId or channelData.tenant.id).');
    const channelId = nestedString(body, 'channelData', 'channel', 'id');
    const members = Array.isArray(body.members) ? body.members.filter(isRecord) : [];
    if (!channelId && members.length === 0) {
      throw new HttpError(400, 'BadArgument', 'Conversation parameters need members or channelData.channel.');
    }
    const initial = body.activity === undefined || body.activity === null ? undefined : requireActivity(body.activity);

    let conversationId: string;
    let activityId: string | undefined;
    if (channelId) {
      // A new channel thread is addressed as the channel plus the id of its root message.
      if (initial) {
        activityId = nextActivityId();
        conversationId = `${channelId};messageid=${activityId}`;
      } else {
        conversationId = channelId;
      }
    } else {
      // Teams hands back the same 1:1 conversation every time for the same user.
      const memberKey = members.map((m) => String(m.id ?? m.aadObjectId ?? '')).join(',');
      conversationId =
        personalConversations.get(memberKey) ?? `a:1${Buffer.from(`${memberKey}/${tenantId}`).toString('base64url')}`;
      personalConversations.set(memberKey, conversationId);
      if (!rosters.has(conversationId)) {
        rosters.set(
          conversationId,
          members.map((m) => {
            const id = String(m.id ?? '');
            return knownMember(id) ?? { id, name: typeof m.name === 'string' ? m.name : undefined, tenantId };
          }),
        );
      }
    }

    if (initial) {
      activityId = acceptActivity('createConversation', conversationId, initial, bodyBytes, at, undefined, activityId).id;
    }
    const record: CreatedConversation = { id: conversationId, parameters: body, at };
    if (activityId !== undefined) record.activityId = activityId;
    created.push(record);
    const response: Record<string, unknown> = { id: conversationId, serviceUrl: url };
    if (activityId !== undefined) response.activityId = activityId;
    return { status: 201, body: response };
  }

  function pagedMembers(conversationId: string, query: Record<string, string>): Answer {
    const roster = rosterFor(conversationId);
    const requested = query.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(query.pageSize);
    if (!Number.isInteger(requested) || requested < 1) throw new HttpError(400, 'BadArgument', 'Invalid pageSize.');
    const pageSize = Math.min(requested, MAX_PAGE_SIZE);
    let start = 0;
    if (query.continuationToken !== undefined) {
      start = Number(Buffer.from(query.continuationToken, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0 || start > roster.length) {
        throw new HttpError(400, 'BadArgument', 'Invalid continuationToken.');
      }
    }
    const end = start + pageSize;
    const body: Record<string, unknown> = { members: roster.slice(start, end).map(toWireMember) };
    if (end < roster.length) body.continuationToken = Buffer.from(String(end), 'utf8').toString('base64url');
    return { status: 200, body };
  }

  function route(match: MatchedRoute, call: RecordedCall, parseFailed: boolean): Answer {
    if (parseFailed) throw new HttpError(400, 'BadSyntax', 'Request body is not valid JSON.');
    if (opts.maxBodyBytes !== undefined && call.bodyBytes > opts.maxBodyBytes) {
      throw new HttpError(413, 'MessageSizeTooBig', `Message size ${call.bodyBytes} exceeds ${opts.maxBodyBytes} bytes.`);
    }
    const { conversationId = '', activityId = '', memberId = '', teamId = '' } = match;
    switch (match.route) {
      case 'sendToConversation': {
        const sent = acceptActivity('sendToConversation', conversationId, requireActivity(call.body), call.bodyBytes, call.at);
        return { status: 201, body: { id: sent.id } };
      }
      case 'replyToActivity': {
        const activity = requireActivity(call.body);
        const sent = acceptActivity('replyToActivity', conversationId, activity, call.bodyBytes, call.at, activityId);
        return { status: 201, body: { id: sent.id } };
      }
      case 'updateActivity': {
        const activity = requireActivity(call.body);
        requireLiveActivity(conversationId, activityId);
        const stored = { ...activity, id: activityId } as JsonActivity;
        liveActivities.set(activityKey(conversationId, activityId), true);
        updatedActivities.push({ conversationId, activityId, activity: stored, bodyBytes: call.bodyBytes, at: call.at });
        return { status: 200, body: { id: activityId } };
      }
      case 'deleteActivity':
        requireLiveActivity(conversationId, activityId);
        liveActivities.set(activityKey(conversationId, activityId), false);
        deletedActivities.push({ conversationId, activityId, at: call.at });
        return { status: 200 };
      case 'createConversation': {
        const answer = createConversation(call.body, call.bodyBytes, call.at);
        call.conversationId = (answer.body as { id: string }).id;
        return answer;
      }
      case 'getConversations':
        return {
          status: 200,
          body: { conversations: [...rosters].map(([id, members]) => ({ id, members: members.map(toWireMember) })) },
        };
      case 'getConversationMembers':
      case 'getActivityMembers':
        return { status: 200, body: rosterFor(conversationId).map(toWireMember) };
      case 'getConversationPagedMembers':
        return pagedMembers(conversationId, call.query);
      case 'getConversationMember':
        return { status: 200, body: toWireMember(findMember(conversationId, memberId)) };
      case 'deleteConversationMember': {
        const member = findMember(conversationId, memberId);
        rosters.set(conversationId, rosterFor(conversationId).filter((m) => m !== member));
        return { status: 200 };
      }
      case 'fetchTeamDetails': {
        const team = teams.get(teamId);
        if (!team) throw new HttpError(404, 'NotFound', `Team ${teamId} not found.`);
        return {
          status: 200,
          body: {
            id: teamId,
            name: team.name,
            aadGroupId: team.aadGroupId,
            type: 'standard',
            memberCount: rosters.get(teamId)?.length ?? 0,
            channelCount: channelsOf(teamId, team).length,
          },
        };
      }
      case 'fetchChannelList': {
        const team = teams.get(teamId);
        if (!team) throw new HttpError(404, 'NotFound', `Team ${teamId} not found.`);
        return { status: 200, body: { conversations: channelsOf(teamId, team) } };
      }
      case 'unknown':
        throw new HttpError(404, 'NotFound', `No Bot Connector operation for ${call.method} ${call.path}.`);
    }
  }

  function channelsOf(teamId: string, team: TeamConfig): Array<{ id: string; name?: string }> {
    const channels = team.channels ?? [];
    return channels.some((c) => c.id === teamId) ? channels : [{ id: teamId }, ...channels];
  }

  function pickFault(request: FaultRequest): Fault | undefined {
    const queued = faultQueue.shift();
    if (queued) return queued;
    return faultPlan?.decide?.(request) ?? undefined;
  }

  function rateLimitAnswer(conversationId: string | undefined, now: number): Answer | undefined {
    const setting = faultPlan?.rateLimit;
    if (!setting) return undefined;
    const limits =
      setting === true
        ? TEAMS_RATE_LIMITS
        : {
            perConversation: setting.perConversation ?? TEAMS_RATE_LIMITS.perConversation,
            perApp: setting.perApp ?? TEAMS_RATE_LIMITS.perApp,
          };
    const longest = Math.max(0, ...[...limits.perConversation, ...limits.perApp].map((w) => w.windowMs));
    const prune = (stamps: number[]): number[] => stamps.filter((t) => t > now - longest);

    appStamps = prune(appStamps);
    let conversation: number[] | undefined;
    if (conversationId !== undefined) {
      conversation = prune(conversationStamps.get(conversationId) ?? []);
      conversationStamps.set(conversationId, conversation);
    }
    const wait = Math.max(
      waitForRoom(appStamps, limits.perApp, now),
      conversation ? waitForRoom(conversation, limits.perConversation, now) : 0,
    );
    if (wait > 0) return errorAnswer(429, 'Throttled', 'Too many requests.', Math.max(1, Math.ceil(wait / 1000)));
    // Only accepted requests occupy the windows, so a client that backs off as told gets through.
    appStamps.push(now);
    conversation?.push(now);
    return undefined;
  }

  function errorAnswer(status: number, code: string, message: string, retryAfterSeconds?: number): Answer {
    const answer: Answer = { status, body: { error: { code, message } } };
    if (retryAfterSeconds !== undefined) answer.headers = { 'Retry-After': String(retryAfterSeconds) };
    return answer;
  }

  function faultAnswer(fault: Fault): Answer {
    const [code, message] = DEFAULT_ERRORS[fault.status] ?? ['ServiceError', `Injected status ${fault.status}.`];
    return errorAnswer(fault.status, fault.code ?? code, fault.message ?? message, fault.retryAfterSeconds);
  }

  function handle(req: http.IncomingMessage, raw: Buffer): { call: RecordedCall; answer: Answer } {
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const parsedUrl = new URL(req.url ?? '/', 'http://stub.invalid');
    const query = Object.fromEntries(parsedUrl.searchParams);
    const inBase = parsedUrl.pathname.startsWith(basePath);
    const relative = inBase ? parsedUrl.pathname.slice(basePath.length) : parsedUrl.pathname.replace(/^\/+/, '');
    let segments: string[] | undefined;
    try {
      segments = relative.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      segments = undefined;
    }
    const match: MatchedRoute = inBase && segments ? matchRoute(method, segments) : { route: 'unknown' };

    let body: unknown;
    let parseFailed = false;
    if (raw.length > 0) {
      const text = raw.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        parseFailed = true;
      }
    }
    const headers = req.headers;
    const call: RecordedCall = {
      seq: ++seq,
      method,
      path: `/${(segments ?? [relative]).join('/')}`,
      query,
      route: match.route,
      body,
      bodyBytes: raw.length,
      headers,
      at,
      status: 0,
    };
    if (match.conversationId !== undefined) call.conversationId = match.conversationId;
    if (match.activityId !== undefined) call.activityId = match.activityId;
    if (match.memberId !== undefined) call.memberId = match.memberId;
    if (match.teamId !== undefined) call.teamId = match.teamId;
    if (typeof headers.authorization === 'string') call.authorization = headers.authorization;
    calls.push(call);

    const fault = pickFault({
      seq: call.seq,
      method,
      path: call.path,
      route: call.route,
      conversationId: call.conversationId,
      activityId: call.activityId,
      body,
    });
    if (fault) {
      call.fault = 'injected';
      return { call, answer: faultAnswer(fault) };
    }
    const limited = rateLimitAnswer(match.conversationId, at);
    if (limited) {
      call.fault = 'rateLimited';
      return { call, answer: limited };
    }
    try {
      return { call, answer: route(match, call, parseFailed) };
    } catch (error) {
      if (error instanceof HttpError) return { call, answer: errorAnswer(error.status, error.code, error.message) };
      const message = error instanceof Error ? error.message : String(error);
      return { call, answer: errorAnswer(500, 'ServiceError', `Stub failure: ${message}`) };
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A client that gives up mid-request (e.g. a test timing out) must not crash the test process.
    req.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { call, answer } = handle(req, Buffer.concat(chunks));
      const wait = faultPlan?.latencyMs?.({ seq: call.seq, route: call.route, conversationId: call.conversationId }) ?? 0;
      if (wait > 0) setTimeout(answerWith, wait);
      else answerWith();
      function answerWith(): void {
        const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          ...(payload === '' ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
          'Content-Length': String(Buffer.byteLength(payload)),
          ...answer.headers,
        });
        res.end(payload);
        call.status = answer.status;
        call.responseBody = answer.body;
        if (answer.status >= 200 && answer.status < 300) counters.accepted++;
        else if (answer.status === 429) counters.throttled++;
        else counters.failed++;
        notify();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${basePath}`;

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        const hit = find();
        if (hit === undefined) return;
        listeners.delete(listener);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`connectorStub: nothing matched within ${timeoutMs} ms; ${describe()}`));
      }, timeoutMs);
      listeners.add(listener);
    });
  }

  const describeSent = (): string =>
    `sent so far: ${JSON.stringify(
      sentActivities.map((s) => ({ conversationId: s.conversationId, type: s.activity.type, text: s.activity.text })),
    )}`;
  const describeCalls = (): string =>
    `calls so far: ${JSON.stringify(calls.map((c) => `${c.method} ${c.path} -> ${c.status}`))}`;

  return {
    url,
    port,
    get calls() {
      return calls;
    },
    get counters() {
      return { ...counters };
    },
    sent(filter) {
      return sentActivities.filter(
        (s) =>
          (filter?.conversationId === undefined || s.conversationId === filter.conversationId) &&
          (filter?.type === undefined || s.activity.type === filter.type),
      );
    },
    updates: () => [...updatedActivities],
    deletes: () => [...deletedActivities],
    createdConversations: () => [...created],
    clear() {
      calls = [];
      sentActivities = [];
      updatedActivities = [];
      deletedActivities = [];
      created = [];
      counters = { accepted: 0, throttled: 0, failed: 0 };
      conversationStamps = new Map();
      appStamps = [];
    },
    waitFor: (predicate, timeoutMs = 5_000) =>
      waitUntil(() => sentActivities.find(predicate), timeoutMs, describeSent),
    waitForCall: (predicate, timeoutMs = 5_000) =>
      waitUntil(() => calls.find((c) => c.status !== 0 && predicate(c)), timeoutMs, describeCalls),
    setMembers(conversationId, members) {
      rosters.set(conversationId, [...members]);
    },
    setTeam(teamId, team) {
      teams.set(teamId, team);
    },
    setFaults(plan) {
      faultPlan = plan;
      faultQueue = [...(plan?.queue ?? [])];
      conversationStamps = new Map();
      appStamps = [];
    },
    enqueueFaults(...faults) {
      faultQueue.push(...faults);
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}

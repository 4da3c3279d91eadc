import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/loadConfig';
import { startBot, type RunningBot } from '../../bot/start';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { startConnectorStub, type ConnectorStub, type SentActivity } from './connectorStub';
import { createLogger, type Logger } from '../../bot/logger';
import type { Clock } from '../../domain/clock';

export interface Person {
  aadObjectId: string;
  name: string;
  id?: string;
}

export const ROSA: Person = { aadObjectId: '6f1c2a10-0004-4c1e-9a51-000000000004', name: 'Rosa Bennett' };
export const JORDAN: Person = { aadObjectId: '6f1c2a10-0001-4c1e-9a51-000000000001', name: 'Jordan Hale' };
export const STRANGER: Person = { aadObjectId: '99999999-9999-4999-9999-999999999999', name: 'Pat Stranger' };

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export type Where = { kind: 'personal' } | { kind: 'channel'; channelId?: string; teamId?: string } | { kind: 'groupChat' };

export interface Harness {
  bot: RunningBot;
  stub: ConnectorStub;
  azurite: EmbeddedAzurite;
  url: string;
  clock: Clock & { set(today: string): void };
  /** POST an activity to /api/messages; resolves with the HTTP status and body. */
  post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Say something to the bot and return what it sent back in reply to this message. */
  say(text: string, opts?: { from?: Person; where?: Where }): Promise<SentActivity[]>;
  /** Press an Action.Execute button; resolves with the invoke response body. */
  execute(verb: string, data: Record<string, unknown>, opts?: { from?: Person; where?: Where; activityId?: string; replyToId?: string }): Promise<{ status: number; body: InvokeBody }>;
  stop(): Promise<void>;
}

export interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

function conversationFor(where: Where, from: Person): Record<string, unknown> {
  switch (where.kind) {
    case 'personal':
      return { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId: TENANT };
    case 'groupChat':
      return { id: '19:group-chat-1@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT };
    case 'channel':
      return { id: `${where.channelId ?? '19:plan-channel@thread.tacv2'};messageid=1700000000000`, conversationType: 'channel', isGroup: true, tenantId: TENANT };
  }
}

export async function startHarness(opts: { today?: string; env?: Record<string, string>; logger?: Logger; bot?: Omit<Parameters<typeof startBot>[1], 'clock' | 'logger'> } = {}): Promise<Harness> {
  let today = opts.today ?? '2026-11-22';
  const azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const stub = await startConnectorStub();
  // The scheduler is driven by hand in tests (tick/drain with a fixed clock), never by wall-clock timers.
  const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false', ...opts.env });
  const clock = { today: () => today, now: () => new Date(`${today}T10:00:00Z`), set: (d: string) => (today = d) };
  const bot = await startBot({ ...config, STORAGE_CONNECTION_STRING: azurite.connectionString }, { ...opts.bot, clock, logger: opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const url = `http://127.0.0.1:${bot.port}/api/messages`;

  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body };
  };

  const base = (from: Person, where: Where) => {
    const channelData: Record<string, unknown> = { tenant: { id: TENANT } };
    if (where.kind === 'channel') {
      channelData.channel = { id: where.channelId ?? '19:plan-channel@thread.tacv2' };
      channelData.team = { id: where.teamId ?? '19:team-1@thread.tacv2' };
    }
    return {
      channelId: 'msteams',
      serviceUrl: stub.url,
      // The harness's day, not the wall clock's: nothing in a test may depend on when it runs.
      timestamp: clock.now().toISOString(),
      from: { id: from.id ?? `29:${from.aadObjectId}`, name: from.name, aadObjectId: from.aadObjectId },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: conversationFor(where, from),
      channelData,
      locale: 'en-GB',
    };
  };

  return {
    bot,
    stub,
    azurite,
    url,
    clock,
    post,
    async say(text, o = {}) {
      const from = o.from ?? ROSA;
      const where = o.where ?? { kind: 'personal' };
      const id = randomUUID();
      const activity: Record<string, unknown> = { ...base(from, where), type: 'message', id, text };
      if (where.kind !== 'personal') {
        // A channel message reaches the bot only when it is @mentioned; Teams puts the mention in the text.
        activity.text = `<at>Improvement Plan</at> ${text}`;
        activity.entities = [{ type: 'mention', text: '<at>Improvement Plan</at>', mentioned: { id: '28:bot-id', name: 'Improvement Plan' } }];
      }
      const before = stub.sent().length;
      const res = await post(activity);
      if (res.status >= 300) throw new Error(`POST /api/messages answered ${res.status}: ${JSON.stringify(res.body)}`);
      // The turn's own replies first: a background proactive send (a pending sign-off queued on
      // someone's first contact, say) can reach the stand-in during this turn, and "the first
      // thing sent" must mean the reply. Sends elsewhere stay in the list, after it.
      const conversationId = (activity.conversation as { id: string }).id;
      const sent = stub.sent().slice(before);
      return [...sent.filter((x) => x.conversationId === conversationId), ...sent.filter((x) => x.conversationId !== conversationId)];
    },
    async execute(verb, data, o = {}) {
      const from = o.from ?? ROSA;
      const where = o.where ?? { kind: 'personal' };
      const activity = {
        ...base(from, where),
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: o.activityId ?? randomUUID(),
        replyToId: o.replyToId ?? 'card-message-1',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      };
      const res = await post(activity);
      return { status: res.status, body: res.body as InvokeBody };
    },
    async stop() {
      await bot.stop();
      await stub.stop();
      await azurite.stop();
    },
  };
}

/** The Adaptive Card in a sent activity, or a failure that says what came instead. */
export function cardOf(sent: SentActivity | undefined): { body: unknown[]; actions?: unknown[]; [k: string]: unknown } {
  const att = sent?.activity.attachments?.[0];
  if (!att || att.contentType !== 'application/vnd.microsoft.card.adaptive') throw new Error(`expected an Adaptive Card, got ${JSON.stringify(sent?.activity).slice(0, 300)}`);
  return att.content as { body: unknown[] };
}

/** Every piece of text in a card, flattened, so tests can assert on what a person would read. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of ['text', 'title', 'value']) if (typeof o[k] === 'string') out.push(o[k] as string);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
}

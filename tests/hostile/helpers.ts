/**
 * Shared by the hostile-input and fault specs: activity builders that do not depend on the order of
 * replies (several requests are in flight at once), a whole-store snapshot for "nothing was
 * written", and reading what a reply said.
 */
import { randomUUID } from 'node:crypto';
import { TableServiceClient, TableClient } from '@azure/data-tables';
import type { ConnectorStub, SentActivity } from '../support/connectorStub';
import { TENANT, cardText, type Person } from '../support/botHarness';

export const PLAN = 'southend-2021';
/** Action 2.4 of the Southend 2021 fixture: owned by HoS (RB), Rosa Bennett, who reports to the DCS, Jordan Hale. */
export const REF = '2.4';

export function personalActivity(from: Person, serviceUrl: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl,
    // A fixed instant: nothing in a test may depend on when it runs.
    timestamp: '2026-11-22T10:00:00.000Z',
    id: randomUUID(),
    from: { id: from.id ?? `29:${from.aadObjectId}`, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:bot-id', name: 'Improvement Plan' },
    conversation: { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...extra,
  };
}

export function messageActivity(from: Person, serviceUrl: string, text: string, id: string = randomUUID()): Record<string, unknown> {
  return personalActivity(from, serviceUrl, { type: 'message', id, text });
}

/** An Action.Execute press. No replyToId unless given, so the bot has no shared message to rewrite. */
export function executeActivity(from: Person, serviceUrl: string, verb: string, data: unknown, opts: { id?: string; replyToId?: string } = {}): Record<string, unknown> {
  const a = personalActivity(from, serviceUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: opts.id ?? randomUUID(),
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  if (opts.replyToId) a.replyToId = opts.replyToId;
  return a;
}

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return postRaw(url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body: parsed, text };
}

/**
 * The bot's replies to one inbound message, found by the id they reply to, so concurrent turns
 * cannot mix. Only messages: teams-ai sends "typing" every second while a turn is slow.
 */
export function repliesTo(stub: ConnectorStub, activityId: string): SentActivity[] {
  return stub.sent().filter((s) => (s.replyToId === activityId || s.activity.replyToId === activityId) && s.activity.type === 'message');
}

/** Everything a person would read in a sent activity: its text and every card's text. */
export function readable(sent: SentActivity | { activity: { text?: unknown; attachments?: { content?: unknown }[] } }): string {
  const parts: string[] = [];
  if (typeof sent.activity.text === 'string') parts.push(sent.activity.text);
  for (const a of sent.activity.attachments ?? []) parts.push(cardText(a.content));
  return parts.join('\n');
}

/** Every entity in every table, as `table/partition/row` → ETag: equal snapshots mean nothing was written. */
export async function snapshotStore(connectionString: string, only?: { tables?: string[]; partition?: string }): Promise<Map<string, string>> {
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const out = new Map<string, string>();
  for await (const t of service.listTables()) {
    const name = t.name!;
    if (only?.tables && !only.tables.includes(name)) continue;
    const client = TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
    const filter = only?.partition === undefined ? undefined : `PartitionKey eq '${only.partition.replace(/'/g, "''")}'`;
    for await (const e of client.listEntities(filter ? { queryOptions: { filter } } : {})) {
      out.set(`${name}/${e.partitionKey}/${e.rowKey}`, String(e.etag));
    }
  }
  return out;
}

/** What changed between two snapshots, for an assertion message a person can act on. */
export function snapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [k, v] of after) if (!before.has(k)) diff.push(`added ${k}`);
  else if (before.get(k) !== v) diff.push(`changed ${k}`);
  for (const k of before.keys()) if (!after.has(k)) diff.push(`removed ${k}`);
  return diff;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

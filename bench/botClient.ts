import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TENANT } from '../tests/support/botHarness';

/**
 * Posts Teams-shaped activities to a bot's /api/messages, the way tests/support/botHarness.ts does
 * (same shapes), but over a keep-alive agent and with timing, so the client costs as little as it
 * can on a 2-core machine where it shares the CPU with the bot and Azurite.
 */
export interface Caller {
  aadObjectId: string;
  name: string;
}

export interface Posted {
  status: number;
  ms: number;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function destroyClientAgent(): void {
  agent.destroy();
}

export function post(port: number, activity: Record<string, unknown>): Promise<Posted> {
  const payload = Buffer.from(JSON.stringify(activity));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/messages', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function base(serviceUrl: string, from: Caller): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${from.aadObjectId}`, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:bot-id', name: 'Improvement Plan' },
    conversation: { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
  };
}

/** A message in the caller's personal chat with the bot. */
export function messageActivity(serviceUrl: string, from: Caller, text: string): Record<string, unknown> {
  return { ...base(serviceUrl, from), type: 'message', id: randomUUID(), text };
}

/** An Action.Execute press on a card the bot posted earlier (replyToId names that message). */
export function executeActivity(serviceUrl: string, from: Caller, verb: string, data: Record<string, unknown>, replyToId: string): Record<string, unknown> {
  return {
    ...base(serviceUrl, from),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

import type { ConversationRef } from '../services/ports/conversationStore';

/**
 * What the worker needs from whatever delivers a message to Teams. The implementation (the Bot
 * Connector client) lives in bot/; everything here is transport-neutral so the worker's decisions
 * (send, drop, retry) are made on the connector's real answers.
 */
export type SendOutcome =
  | { kind: 'sent'; activityId?: string }
  | { kind: 'gone'; status: number; message: string }
  | { kind: 'retry'; status: number; retryAfterMs?: number; message: string };

export interface OutgoingMessage {
  card: Record<string, unknown>;
  summary: string;
  /** A channel message starts a new post in the channel; a personal message goes to the chat. */
  to: 'user' | 'channel' | 'group';
}

export interface Sender {
  /**
   * Run `work` inside a send slot: after the conversation's own windows allow it and the tenant-wide
   * budget granted a place. A claim made in it is one round trip from the send.
   */
  inSlot<T>(conversationKey: string, work: () => Promise<T>): Promise<T>;
  send(ref: ConversationRef, message: OutgoingMessage): Promise<SendOutcome>;
  stop(): Promise<void>;
}

const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

type HeaderBag = { get?(n: string): string | undefined | null } | Record<string, string | undefined>;

function retryAfterOf(headers: HeaderBag | undefined): number | undefined {
  if (!headers) return undefined;
  const raw = typeof (headers as { get?: unknown }).get === 'function' ? (headers as { get(n: string): string | undefined | null }).get('retry-after') : (headers as Record<string, string | undefined>)['retry-after'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - (performance.timeOrigin + performance.now())) : undefined;
}

/**
 * The connector's answer, as the worker acts on it:
 *   403/404 → gone (the app was removed or the conversation no longer exists): drop, forget the reference
 *   408/412/429/5xx and network errors → retry, no sooner than Retry-After
 *   anything else (400, 401, 413) → retry too, but it will fail the same way, so after N attempts it is "failed"
 */
export function classify(err: unknown): SendOutcome {
  const e = err as { statusCode?: number; status?: number; response?: { status?: number; headers?: HeaderBag }; code?: string; message?: string };
  const status = e.statusCode ?? e.response?.status ?? e.status ?? 0;
  const message = e.message ?? String(err);
  if (status === 403 || status === 404) return { kind: 'gone', status, message };
  if (RETRYABLE.has(status) || !status) return { kind: 'retry', status, retryAfterMs: retryAfterOf(e.response?.headers), message };
  return { kind: 'retry', status, message };
}

/** Full-jitter exponential backoff, at least what the service asked for. */
export function backoffMs(attempt: number, retryAfterMs?: number, baseMs = 1000, capMs = 60_000, random = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * exp));
}

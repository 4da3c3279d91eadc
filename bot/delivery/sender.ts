import Bottleneck from 'bottleneck';
import { CardFactory, MessageFactory, type ConversationReference } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../../cards/render';

/**
 * Sends proactive cards within Teams' limits. Every send waits for a slot from two limiters: the app
 * (Teams allows 50 requests/s per app per tenant; we default to 47 per instance, and an operator
 * running N instances sets SEND_RATE_PER_SECOND to 47/N), and the conversation (7/s, 8 per 2 s,
 * 60 per 30 s: one message per 500 ms satisfies all three).
 */
export type SendOutcome =
  | { kind: 'sent'; activityId?: string }
  | { kind: 'gone'; status: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number; message: string };

export interface Sender {
  /** Run `work` inside a send slot, so a claim made in it is as close to the send as possible. */
  inSlot<T>(conversationKey: string, work: () => Promise<T>): Promise<T>;
  send(ref: Partial<ConversationReference>, card: AdaptiveCardJson, summary: string): Promise<SendOutcome>;
  stop(): Promise<void>;
}

const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

function classify(err: unknown): SendOutcome {
  const e = err as { statusCode?: number; response?: { headers?: { get?(n: string): string | undefined } }; code?: string; message?: string };
  const status = e.statusCode ?? 0;
  if (status === 403 || status === 404) return { kind: 'gone', status };
  const retryAfter = Number(e.response?.headers?.get?.('retry-after'));
  if (RETRYABLE.has(status) || !status) {
    return { kind: 'retry', status, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined, message: e.message ?? String(err) };
  }
  return { kind: 'retry', status, message: e.message ?? String(err) };
}

export function createSender(adapter: TeamsAdapter, botAppId: string | undefined, perSecond: number): Sender {
  const app = new Bottleneck({ minTime: 1000 / perSecond, maxConcurrent: 32 });
  const conversations = new Bottleneck.Group({ minTime: 500, maxConcurrent: 1 });
  return {
    inSlot: (key, work) => conversations.key(key).schedule(() => app.schedule(work)),
    async send(ref, card, summary) {
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
      activity.summary = summary;
      let activityId: string | undefined;
      try {
        await adapter.continueConversationAsync(botAppId ?? '', ref as ConversationReference, async (ctx) => {
          activityId = (await ctx.sendActivity(activity))?.id;
        });
        return { kind: 'sent', activityId };
      } catch (err) {
        return classify(err);
      }
    },
    async stop() {
      await app.stop({ dropWaitingJobs: false });
    },
  };
}

/** Full-jitter exponential backoff, at least what the service asked for. */
export function backoffMs(attempt: number, retryAfterMs?: number, baseMs = 500, capMs = 30_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.max(retryAfterMs ?? 0, Math.floor(Math.random() * exp));
}

import { createHash } from 'node:crypto';
import type { AdaptiveCardJson } from '../cards/render';
import type { RefKind } from '../services/ports/conversationStore';
import type { Job } from '../domain/job';
import type { ItemState } from '../domain/planItem';
import type { Clock } from '../domain/clock';

/**
 * Event messages (sign-off requests and outcomes, RAG-change posts, red alerts, run summaries).
 * Nothing here sends: each message becomes a job on the one proactive path (ledger row, outbox,
 * rate limiter, worker), so a throttle, an outage or a removed app is handled and recorded like any
 * digest, and the user's request never waits on the Bot Connector.
 */
export interface Notifier {
  /** Queue a card for a person or a channel. Resolves once it is durably queued. */
  send(kind: RefKind, id: string, card: AdaptiveCardJson, summary: string): Promise<boolean>;
  /** Ask a manager to sign off an item. The card is built when it is sent, so a decided item is not asked about. */
  requestSignOff(item: ItemState, managerId: string): Promise<void>;
}

export function createNotifier(enqueue: (jobs: Job[]) => Promise<number>, clock: Clock): Notifier {
  return {
    async send(kind, id, card, summary) {
      // The id is the content's: a retried request that repeats the event is de-duplicated by the ledger.
      const digest = createHash('sha256').update(JSON.stringify([kind, id, card, summary])).digest('base64url').slice(0, 22);
      const day = clock.today();
      await enqueue([{ id: `notice|${day}|${digest}|${id}`, kind: 'notice', to: kind, recipient: id, day, card, summary }]);
      return true;
    },
    async requestSignOff(item, managerId) {
      const day = clock.today();
      await enqueue([{ id: `signoff|${item.planId}|${item.ref}|${item.seq ?? ''}|v${item.version}|${managerId}`, kind: 'signoff', recipient: managerId, planId: item.planId, ref: item.ref, seq: item.seq, day }]);
    },
  };
}

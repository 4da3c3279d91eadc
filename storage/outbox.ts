import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { Job } from '../domain/job';

// The job is a domain value; it is re-exported for the modules that read it with the queue.
export type { Job, JobKind } from '../domain/job';
export { recipientKind } from '../domain/job';
import type { JobQueue, Received } from '../proactive/ports';
export type { Received } from '../proactive/ports';

/**
 * The queue between the scheduler (which decides what to send) and the workers (which send it).
 * One message per (message, recipient), holding ids only: the worker builds the card from current
 * state at send time, so nothing stale is ever sent.
 */
export const OUTBOX = 'outbox';
export const POISON = 'outbox-poison';

export class Outbox implements JobQueue {
  private readonly queue: QueueClient;
  private readonly poisonQueue: QueueClient;

  constructor(connectionString: string, name = OUTBOX) {
    const service = QueueServiceClient.fromConnectionString(connectionString);
    this.queue = service.getQueueClient(name);
    this.poisonQueue = service.getQueueClient(`${name}-poison`);
  }

  async ensure(): Promise<void> {
    await this.queue.createIfNotExists();
    await this.poisonQueue.createIfNotExists();
  }

  async enqueue(jobs: Job[], delaySeconds = 0): Promise<void> {
    // The queue API takes one message per call; a small pool keeps planning 1,000 jobs quick.
    const pending = [...jobs];
    const worker = async () => {
      for (let job = pending.shift(); job; job = pending.shift()) {
        await this.queue.sendMessage(Buffer.from(JSON.stringify(job)).toString('base64'), delaySeconds > 0 ? { visibilityTimeout: Math.ceil(delaySeconds) } : undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, jobs.length) }, worker));
  }

  async receive(max: number, visibilityTimeoutSeconds: number): Promise<Received[]> {
    const r = await this.queue.receiveMessages({ numberOfMessages: Math.min(32, max), visibilityTimeout: visibilityTimeoutSeconds });
    return r.receivedMessageItems.map((m) => ({
      job: JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as Job,
      messageId: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
    }));
  }

  async complete(m: Received): Promise<void> {
    try {
      await this.queue.deleteMessage(m.messageId, m.popReceipt);
    } catch (err) {
      // Another worker received the message since (its pop receipt replaced ours): it will see the
      // ledger's final state and delete it itself.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /** Hand a message back to be received again after `delaySeconds` (a retry after back-off). */
  async retryLater(m: Received, delaySeconds: number): Promise<void> {
    try {
      await this.queue.updateMessage(m.messageId, m.popReceipt, undefined, Math.max(0, Math.ceil(delaySeconds)));
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /** Give up on a job: park it with the reason, so an operator can see what failed and why. */
  async poison(m: Received, reason: string, at: Date): Promise<void> {
    await this.poisonQueue.sendMessage(Buffer.from(JSON.stringify({ job: m.job, reason, dequeueCount: m.dequeueCount, at: at.toISOString() })).toString('base64'));
    await this.complete(m);
  }

  async approximateCount(): Promise<number> {
    return (await this.queue.getProperties()).approximateMessagesCount ?? 0;
  }

  async peekPoison(max = 32): Promise<{ job: Job; reason: string }[]> {
    const r = await this.poisonQueue.peekMessages({ numberOfMessages: max });
    return r.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { job: Job; reason: string });
  }
}

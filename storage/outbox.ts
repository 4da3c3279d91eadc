import { QueueClient, QueueServiceClient } from '@azure/storage-queue';

/**
 * The queue between the scheduler (which decides what to send) and the workers (which send it).
 * One message per (message, recipient), holding ids only: the worker builds the card from current
 * state at send time, so nothing stale is ever sent.
 */
export interface Job {
  /** Stable and unique per (message, recipient): also the ledger row's identity. */
  id: string;
  kind: 'reminder' | 'nudge' | 'digest' | 'channelDigest' | 'boardPack' | 'channelBoardPack' | 'kpiReminder';
  /** Entra object id, or channel id for channel digests and channel board packs. */
  recipient: string;
  planId?: string;
  ref?: string;
  seq?: number;
  stage?: string;
  /** kpiReminder: the KPI (in ref) and the period whose value is owed. */
  period?: string;
  /** The day the scheduler planned it for, in the council's zone. */
  day: string;
}

export interface Received {
  job: Job;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
}

export const OUTBOX = 'outbox';
export const POISON = 'outbox-poison';

export class Outbox {
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

  async enqueue(jobs: Job[]): Promise<void> {
    // The queue API takes one message per call; a small pool keeps planning 1,000 jobs quick.
    const pending = [...jobs];
    const worker = async () => {
      for (let job = pending.shift(); job; job = pending.shift()) {
        await this.queue.sendMessage(Buffer.from(JSON.stringify(job)).toString('base64'));
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
    await this.queue.deleteMessage(m.messageId, m.popReceipt);
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

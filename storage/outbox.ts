import { QueueClient, QueueServiceClient } from '@azure/storage-queue';

/**
 * The queue between the scheduler (which decides what to send) and the workers (which send it).
 * One message per (message, recipient), holding ids only: the worker builds the card from current
 * state at send time, so nothing stale is ever sent.
 */
export type JobKind =
  | 'reminder'
  | 'nudge'
  /** One message per person per day grouping every reminder and nudge they are owed (`items`). */
  | 'reminders'
  | 'digest'
  | 'channelDigest'
  /** Ask a manager to sign off one item; the card is built at send time, so a decided item is skipped. */
  | 'signoff'
  /** A sign-off left waiting, escalated once per request (stage `v<version>`) to the manager's manager. */
  | 'signoffEscalation'
  /** Everything awaiting a manager's sign-off, sent when they first talk to the bot. */
  | 'pendingSignoffs'
  /** An event's message (RAG change, red alert, sign-off outcome, run summary): its card travels in the job. */
  | 'notice'
  /** A board pack for an admin, or for a plan's channel (bot/registerBoardPack.ts builds it). */
  | 'boardPack'
  | 'channelBoardPack'
  /** A KPI value owed for a period (bot/kpiReminderContent.ts). */
  | 'kpiReminder';

export interface Job {
  /** Stable and unique per (message, recipient): also the ledger row's identity. */
  id: string;
  kind: JobKind;
  /** Entra object id, or channel id for channel messages. */
  recipient: string;
  /** Who the recipient is: a person's personal chat (default) or a channel (a new post in it). */
  to?: 'user' | 'channel' | 'group';
  planId?: string;
  ref?: string;
  seq?: number;
  stage?: string;
  /** kpiReminder: the KPI (in ref) and the period whose value is owed. */
  period?: string;
  /** The day the scheduler planned it for, in the council's zone. */
  day: string;
  /** Grouped reminders: each item and the stage it is owed. */
  items?: { planId: string; ref: string; seq?: number; stage: string; id: string; kind: 'reminder' | 'nudge' }[];
  /** Notices: the card and its notification summary, fixed when the event happened. */
  card?: Record<string, unknown>;
  summary?: string;
}

export const recipientKind = (job: Pick<Job, 'kind' | 'to'>): 'user' | 'channel' | 'group' => job.to ?? (job.kind === 'channelDigest' || job.kind === 'channelBoardPack' ? 'channel' : 'user');

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

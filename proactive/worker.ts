import type { Job } from '../domain/job';
import { recipientKind } from '../domain/job';
import type { Claim, DeliveryLedger, JobQueue, Received } from './ports';
import type { Services } from '../services/context';
import type { Sender, SendOutcome } from './sender';
import { backoffMs } from './sender';
import type { ProactiveContent, Content } from './content';

/** The worker logs through this (pino's shape), so it depends on no bot code. */
export interface ProactiveLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface WorkerOptions {
  visibilitySeconds: number;
  /** How long a claim ("sending") is honoured before the row is judged uncertain. */
  leaseMs: number;
  /** Sends per job before it is "failed" (each throttle or server error is one). */
  maxAttempts: number;
  /** Deliveries of one queue message before it is parked, whatever the reason (a job that crashes the worker). */
  maxDeliveries: number;
  pollMs: number;
  /** Back-off base for retries; the connector's Retry-After wins when longer. */
  backoffBaseMs: number;
}

const BUSY_RECHECK_SECONDS = 3;

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = { visibilitySeconds: 60, leaseMs: 120_000, maxAttempts: 6, maxDeliveries: 12, pollMs: 1000, backoffBaseMs: 1000 };

/**
 * Takes jobs off the outbox and sends them, once. Stateless: any number of workers may run, in any
 * number of processes; the ledger decides who sends what.
 *
 * A job's claim ("sending") lives exactly as long as one send: it is taken inside the send slot and
 * released with the answer. A throttled or failed send records "retrying" and hands the message
 * back to the queue, visible again after the back-off, so no worker holds a claim while it waits
 * and a crash during the wait leaves a row any worker can take.
 */
export class DeliveryWorker {
  private running = false;
  private loop?: Promise<void>;
  /** Jobs in hand in any drain of this worker: a drain that finds the queue empty waits for these too. */
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly deps: { outbox: JobQueue; ledger: DeliveryLedger; services: Services; sender: Sender; content: ProactiveContent; logger: ProactiveLogger; now?: () => Date },
    private readonly o: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {}

  private now(): Date {
    // Leases compare instants across processes: the real instant, not the injected business date.
    return this.deps.now ? this.deps.now() : new Date(performance.timeOrigin + performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.drain();
        } catch (err) {
          this.deps.logger.error({ err }, 'delivery loop failed; retrying');
        }
        await new Promise((r) => setTimeout(r, this.o.pollMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Keep up to `maxInFlight` jobs moving until the queue shows nothing. A slow job must not hold up
   * the others, so messages are received as slots free up, not batch by batch. Returns how many
   * messages were handled. Messages handed back for a later retry are not waited for.
   *
   * Drains may overlap (an event sent after a reply starts one while the loop or a caller runs
   * another): a message another drain holds is invisible to this one, so an empty queue only means
   * "done" once every job this worker has in hand is settled too.
   */
  async drain(maxInFlight = 16): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let handled = 0;
    for (;;) {
      if (inFlight.size < maxInFlight) {
        const batch = await this.deps.outbox.receive(maxInFlight - inFlight.size, this.o.visibilitySeconds);
        if (batch.length === 0) {
          if (inFlight.size > 0) await Promise.race(inFlight);
          else if (this.active.size > 0) await Promise.all([...this.active]);
          else return handled;
          continue;
        }
        for (const m of batch) {
          handled++;
          const p: Promise<void> = this.handle(m)
            .catch((err) => this.deps.logger.error({ err, job: m.job.id }, 'job failed; it will be redelivered'))
            .finally(() => {
              inFlight.delete(p);
              this.active.delete(p);
            });
          inFlight.add(p);
          this.active.add(p);
        }
      } else {
        await Promise.race(inFlight);
      }
    }
  }

  /** Drain until every job is settled, including those waiting out a back-off (tests, "send now" without a scheduler). */
  async drainAll(timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.drain();
      if ((await this.deps.outbox.approximateCount()) === 0 || performance.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async handle(m: Received): Promise<void> {
    const { outbox, ledger, services, sender, logger } = this.deps;
    const job = m.job;
    if (m.dequeueCount > this.o.maxDeliveries) {
      const reason = `gave up after ${m.dequeueCount - 1} deliveries`;
      await ledger.markFailed(job, reason);
      await outbox.poison(m, reason, this.now());
      logger.error({ job: job.id, recipient: job.recipient, state: 'failed', reason }, 'proactive message failed: moved to the poison queue');
      return;
    }
    const peeked = await ledger.peek(job);
    const judged = ledger.judge(peeked, this.now(), this.o.leaseMs);
    if (judged === 'expired') {
      if (job.kind === 'reminders') await ledger.recordStages(job, 'uncertain', this.now().toISOString());
      if (await ledger.markUncertain(peeked!)) logger.error({ job: job.id, recipient: job.recipient, state: 'uncertain' }, 'proactive message uncertain: a worker stopped mid-send; not resent');
      await outbox.complete(m);
      return;
    }
    if (judged !== 'claimable') {
      if (judged.kind === 'busy') {
        // Another worker holds it (this is a duplicate message, e.g. from the sweeper): look again
        // shortly; by then it is settled, or its holder died and the lease decides.
        await outbox.retryLater(m, BUSY_RECHECK_SECONDS);
        return;
      }
      if (judged.kind === 'missing') {
        // The queue message was written before its row (or the row's write was lost): plan it now.
        await ledger.plan(job, new Date(this.now().getTime() + this.o.leaseMs));
        await outbox.retryLater(m, 0);
        return;
      }
      await outbox.complete(m); // already settled
      return;
    }

    const kind = recipientKind(job);
    const ref = await services.conversations.get(kind, job.recipient);
    const content: Content = ref ? await this.deps.content.build(job) : { kind: 'skip', reason: 'recipient has no conversation with the bot' };

    if (content.kind === 'skip') {
      const c = await ledger.claim(peeked!, this.now());
      if (c.kind !== 'claimed') {
        await outbox.retryLater(m, BUSY_RECHECK_SECONDS);
        return;
      }
      await ledger.transition(c.claim, 'dropped', { reason: content.reason });
      await outbox.complete(m);
      logger.info({ job: job.id, state: 'dropped', reason: content.reason }, 'proactive message not sent');
      return;
    }

    // The claim is taken inside the send slot, so "sending" is one HTTP round trip wide.
    const r = await sender.inSlot(`${kind}:${job.recipient}`, async () => {
      const c = await ledger.claim(peeked!, this.now());
      if (c.kind !== 'claimed') return { c };
      return { c, r: await sender.send(ref!, { card: content.card, summary: content.summary, to: kind }) };
    });
    if (r.c.kind !== 'claimed' || !r.r) {
      await outbox.retryLater(m, BUSY_RECHECK_SECONDS);
      return;
    }
    await this.settle(m, job, r.c.claim, r.r);
  }

  private async settle(m: Received, job: Job, claim: Claim, r: SendOutcome): Promise<void> {
    const { outbox, ledger, services, logger } = this.deps;
    if (r.kind === 'sent') {
      await ledger.transition(claim, 'sent', { activityId: r.activityId, sentAt: this.now().toISOString() });
      if (job.kind === 'reminders') await ledger.recordStages(job, 'sent', this.now().toISOString());
      await outbox.complete(m);
      return;
    }
    if (r.kind === 'gone') {
      // The person removed the app or the conversation is gone: forget the reference so we stop trying.
      await services.conversations.remove(recipientKind(job), job.recipient);
      const reason = `connector answered ${r.status}: ${r.message.slice(0, 200)}`;
      await ledger.transition(claim, 'dropped', { reason });
      await outbox.complete(m);
      logger.warn({ job: job.id, recipient: job.recipient, state: 'dropped', reason }, 'proactive message dropped: recipient unreachable; reference forgotten');
      return;
    }
    const reason = `connector answered ${r.status || 'no response'}: ${r.message.slice(0, 200)}`;
    if (claim.attempts >= this.o.maxAttempts) {
      await ledger.transition(claim, 'failed', { reason: `gave up after ${claim.attempts} attempts; last: ${reason}` });
      await outbox.poison(m, reason, this.now());
      logger.error({ job: job.id, recipient: job.recipient, state: 'failed', reason }, 'proactive message failed after every retry');
      return;
    }
    const delay = backoffMs(claim.attempts - 1, r.retryAfterMs, this.o.backoffBaseMs);
    // Release first, then wait: the wait is the queue's, not this worker's.
    await ledger.transition(claim, 'retrying', { reason, checkAt: new Date(this.now().getTime() + delay + this.o.leaseMs + this.o.visibilitySeconds * 1000).toISOString() });
    await outbox.retryLater(m, delay / 1000);
  }
}

import type { Outbox, Received, Job } from '../../storage/outbox';
import type { Ledger } from '../../storage/ledger';
import type { Services } from '../../services/context';
import type { Logger } from '../logger';
import type { AdaptiveCardJson } from '../../cards/render';
import type { Sender } from './sender';
import { backoffMs } from './sender';
import { buildDigest, digestShared, type DigestShared } from '../../services/digest';
import { kpiReminderContent } from '../kpiReminderContent';
import { digestCard, reminderCard, type ReminderKind } from '../views/proactiveViews';
import { isOpen } from '../../domain/schedule';
import { itemLabel } from '../../domain/planItem';

export interface WorkerOptions {
  visibilitySeconds: number;
  leaseMs: number;
  maxDeliveries: number;
  attemptsPerDelivery: number;
  staleDays: number;
  pollMs: number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = { visibilitySeconds: 60, leaseMs: 120_000, maxDeliveries: 5, attemptsPerDelivery: 4, staleDays: 30, pollMs: 1000 };

export type Content = { kind: 'card'; card: AdaptiveCardJson; summary: string } | { kind: 'skip'; reason: string };

/** Channel jobs go to a channel's conversation; the rest to a person's. */
const refKind = (job: Job) => (job.kind === 'channelDigest' || job.kind === 'channelBoardPack' ? 'channel' : 'user');

/**
 * Takes jobs off the outbox and sends them, once. Stateless: any number of workers may run, in any
 * number of processes; the ledger decides who sends what.
 */
export class DeliveryWorker {
  private running = false;
  private loop?: Promise<void>;
  /** Directory, KPIs and unowned counts, shared by the digests of one run; a weekly digest can be a minute stale. */
  private shared?: { at: number; value: Promise<DigestShared> };

  constructor(
    private readonly deps: {
      outbox: Outbox;
      ledger: Ledger;
      services: Services;
      sender: Sender;
      logger: Logger;
      /** Content for job kinds built elsewhere (board packs: bot/registerBoardPack.ts). */
      contentFor?: (job: Job) => Promise<Content | undefined>;
    },
    private readonly o: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.drain();
          await new Promise((r) => setTimeout(r, this.o.pollMs));
        } catch (err) {
          this.deps.logger.error({ err }, 'delivery loop failed; retrying');
          await new Promise((r) => setTimeout(r, this.o.pollMs));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Keep up to `maxInFlight` jobs moving until the queue is empty. A slow job (backing off after a
   * 429) must not hold up the others, so messages are received as slots free up, not batch by batch.
   * Returns how many messages were handled.
   */
  async drain(maxInFlight = 64): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let handled = 0;
    for (;;) {
      if (inFlight.size < maxInFlight) {
        const batch = await this.deps.outbox.receive(maxInFlight - inFlight.size, this.o.visibilitySeconds);
        if (batch.length === 0) {
          if (inFlight.size === 0) return handled;
          await Promise.race(inFlight);
          continue;
        }
        for (const m of batch) {
          handled++;
          const p: Promise<void> = this.handle(m)
            .catch((err) => this.deps.logger.error({ err, job: m.job.id }, 'job failed; it will be redelivered'))
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
      } else {
        await Promise.race(inFlight);
      }
    }
  }

  private async handle(m: Received): Promise<void> {
    const { outbox, ledger, services, sender, logger } = this.deps;
    const job = m.job;
    if (m.dequeueCount > this.o.maxDeliveries) {
      const reason = `gave up after ${m.dequeueCount - 1} deliveries`;
      await ledger.markFailed(job, reason);
      await outbox.poison(m, reason, services.clock.now());
      logger.error({ job: job.id }, 'job moved to the poison queue');
      return;
    }
    const ref = await services.conversations.get(refKind(job), job.recipient);
    const content = ref ? await this.content(job) : ({ kind: 'skip', reason: 'recipient has no conversation with the bot' } as Content);

    // The claim is taken inside the first send slot, so the gap between "claimed" and "sent" (the
    // only window in which a crash leaves a message uncertain) is one HTTP round trip, not a queue wait.
    const first = await sender.inSlot(job.recipient, async () => {
      const c = await ledger.claim(job, services.clock.now(), this.o.leaseMs);
      if (c.kind !== 'claimed' || content.kind === 'skip' || !ref) return { c };
      return { c, r: await sender.send(ref, content.card, content.summary) };
    });
    const c = first.c;
    if (c.kind === 'busy') return; // another worker holds it; the message comes back if that worker dies
    if (c.kind === 'missing') {
      await ledger.plan(job); // planned now; the redelivery will claim it
      return;
    }
    if (c.kind === 'done') {
      await outbox.complete(m);
      return;
    }
    if (content.kind === 'skip' || !ref) {
      await ledger.transition(c.claim, 'dropped', { reason: content.kind === 'skip' ? content.reason : 'no reference' });
      await outbox.complete(m);
      return;
    }
    let r = first.r!;
    for (let attempt = 1; ; attempt++) {
      if (r.kind === 'sent') {
        await ledger.transition(c.claim, 'sent', { activityId: r.activityId, sentAt: services.clock.now().toISOString() });
        await outbox.complete(m);
        return;
      }
      if (r.kind === 'gone') {
        // The person removed the app or left: forget the reference so we stop trying.
        await services.conversations.remove(refKind(job), job.recipient);
        await ledger.transition(c.claim, 'dropped', { reason: `connector answered ${r.status}` });
        await outbox.complete(m);
        return;
      }
      if (attempt >= this.o.attemptsPerDelivery) break;
      // Back off outside the slot, so a throttled message does not hold up everyone else's.
      await new Promise((res) => setTimeout(res, backoffMs(attempt, r.kind === 'retry' ? r.retryAfterMs : undefined)));
      r = await sender.inSlot(job.recipient, () => sender.send(ref, content.card, content.summary));
    }
    // Definite failures only reach here: hand the job back for a later delivery.
    await ledger.transition(c.claim, 'queued', { reason: 'send failed; will retry' });
  }

  private async content(job: Job): Promise<Content> {
    const other = await this.deps.contentFor?.(job);
    if (other) return other;
    const s = this.deps.services;
    const today = s.clock.today();
    if (job.kind === 'digest' || job.kind === 'channelDigest') {
      const manager = job.kind === 'digest' ? (await s.directory.rolesOf({ aadObjectId: job.recipient }))[0] : undefined;
      // A cache age, not a date: monotonic, so it is not part of the injected clock.
      if (!this.shared || performance.now() - this.shared.at > 60_000) this.shared = { at: performance.now(), value: digestShared(s) };
      const d = await buildDigest(s, { manager, planId: job.kind === 'channelDigest' ? job.planId : undefined, today }, await this.shared.value);
      return { kind: 'card', card: digestCard(d), summary: d.title };
    }
    if (job.kind === 'kpiReminder') return kpiReminderContent(s, job);
    const loaded = job.planId && job.ref ? await s.plans.getItemForUpdate(job.planId, job.ref, job.seq) : undefined;
    if (!loaded) return { kind: 'skip', reason: 'item no longer exists' };
    const item = loaded.item;
    // State may have moved since planning: never remind someone about work they have finished.
    if (!isOpen(item.status)) return { kind: 'skip', reason: `item is ${item.status}` };
    const kind: ReminderKind = job.kind === 'nudge' ? 'stale' : job.stage?.startsWith('overdue') ? 'overdue' : (job.stage as ReminderKind);
    return { kind: 'card', card: reminderCard(item, kind, today, this.o.staleDays), summary: `${itemLabel(item)}: ${kind.replace('-', ' ')}` };
  }
}

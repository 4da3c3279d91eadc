import { Cron } from 'croner';
import type { Outbox, Job } from '../../storage/outbox';
import type { Ledger } from '../../storage/ledger';
import type { ScheduleClaims } from '../../storage/scheduleClaims';
import type { Services } from '../../services/context';
import type { Logger } from '../logger';
import { isWorkingTime, localTime, type WorkingHours } from '../../domain/workingTime';
import { planDigests, planNudges, planReminders } from '../../services/proactivePlanner';
import { planKpiReminderJobs } from '../../services/kpiReminders';

export interface SchedulerOptions {
  timeZone: string;
  hours: WorkingHours;
  digestCron: string;
  staleDays: number;
  instanceId: string;
  /** How often every instance looks for work; only one instance plans each period. */
  tickCron: string;
}

/**
 * Decides, on every tick of every instance, whether a period's work is due, claims the period with a
 * conditional write so only one instance plans it, and puts one job per (message, recipient) on the
 * outbox. Nothing is planned outside working hours or at weekends: a missed day is caught up at the
 * next working tick, because reminder stages, not dates, are what the ledger remembers.
 */
export class Scheduler {
  private cron?: Cron;
  private readonly digest: Cron;

  constructor(
    private readonly deps: {
      services: Services;
      outbox: Outbox;
      ledger: Ledger;
      claims: ScheduleClaims;
      logger: Logger;
      /** Further periods due today, each claimed by one instance (board packs before a meeting). */
      morePeriods?: (today: string) => Promise<{ period: string; plan(): Promise<Job[]> }[]>;
    },
    private readonly o: SchedulerOptions,
  ) {
    this.digest = new Cron(o.digestCron, { timezone: o.timeZone, paused: true });
  }

  start(): void {
    this.cron = new Cron(this.o.tickCron, { timezone: this.o.timeZone, protect: true }, async () => {
      try {
        // Cron fires on the wall clock; what the tick plans for is the injected clock's time (FAKE_TODAY included).
        await this.tick(this.deps.services.clock.now());
      } catch (err) {
        this.deps.logger.error({ err }, 'scheduler tick failed');
      }
    });
  }

  stop(): void {
    this.cron?.stop();
    this.digest.stop();
  }

  async tick(now: Date): Promise<{ planned: number; periods: string[] }> {
    if (!isWorkingTime(now, this.o.timeZone, this.o.hours)) return { planned: 0, periods: [] };
    const today = localTime(now, this.o.timeZone).date;
    const periods: string[] = [];
    let planned = 0;
    if (await this.deps.claims.claim(`daily|${today}`, this.o.instanceId, now)) {
      const s = this.deps.services;
      const jobs = [...(await planReminders(s, { today, staleDays: this.o.staleDays })), ...(await planNudges(s, { today, staleDays: this.o.staleDays })), ...(await planKpiReminderJobs(s, today))];
      planned += await this.enqueue(jobs);
      await this.deps.claims.done(`daily|${today}`, jobs.length);
      periods.push(`daily|${today}`);
    }
    // The digest is due once its most recent scheduled time has passed today (so a late start still sends it).
    const last = this.digest.previousRuns(1, now)[0];
    if (last && localTime(last, this.o.timeZone).date === today && (await this.deps.claims.claim(`digest|${today}`, this.o.instanceId, now))) {
      planned += await this.sendDigests(today);
      periods.push(`digest|${today}`);
    }
    for (const extra of (await this.deps.morePeriods?.(today)) ?? []) {
      if (!(await this.deps.claims.claim(extra.period, this.o.instanceId, now))) continue;
      const jobs = await extra.plan();
      planned += await this.enqueue(jobs);
      await this.deps.claims.done(extra.period, jobs.length);
      periods.push(extra.period);
    }
    return { planned, periods };
  }

  /** Plan digests for a day key now (the weekly run, or an admin's "send digest now"). */
  async sendDigests(dayKey: string): Promise<number> {
    const jobs = await planDigests(this.deps.services, dayKey);
    const n = await this.enqueue(jobs);
    await this.deps.claims.done(`digest|${dayKey}`, jobs.length).catch(() => undefined);
    return n;
  }

  /** Ledger first, then queue: a job on the queue always has its row. Re-planning re-queues only unsent jobs. */
  private async enqueue(jobs: Job[]): Promise<number> {
    const toQueue: Job[] = [];
    for (const job of jobs) {
      const r = await this.deps.ledger.plan(job);
      if (r.created || r.state === 'queued') toQueue.push(job);
    }
    await this.deps.outbox.enqueue(toQueue);
    this.deps.logger.info({ planned: jobs.length, queued: toQueue.length }, 'proactive jobs queued');
    return toQueue.length;
  }
}

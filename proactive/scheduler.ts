import { Cron } from 'croner';
import type { Job } from '../domain/job';
import type { DeliveryLedger, JobQueue, PeriodClaims } from './ports';
import type { Services } from '../services/context';
import type { Clock } from '../domain/clock';
import { daysBetween } from '../domain/clock';
import { isWorkingTime, localTime, type WorkingHours } from '../domain/workingTime';
import { planDaily, planDigests, planEscalations, type ReminderPreference } from './planner';
import { DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS } from '../domain/signOff';
import { planKpiReminderJobs, type KpiTiming } from '../services/kpiReminders';
import type { ProactiveLogger } from './worker';

export interface SchedulerOptions {
  timeZone: string;
  hours: WorkingHours;
  digestCron: string;
  staleDays: number;
  /** KPI_REMINDER_WORKING_DAYS and KPI_NUDGE_DAYS. */
  kpiTiming: KpiTiming;
  /** SIGNOFF_ESCALATE_WORKING_DAYS (0 = off; default 5). */
  signOffEscalateWorkingDays?: number;
  instanceId: string;
  /** How often every instance looks for work; only one instance plans each period. */
  tickCron: string;
  /** A period left "planning" this long is taken over by another instance (its planner died). */
  takeoverMs: number;
  /** A row still queued this long after planning has lost its queue message: the sweeper re-enqueues it. */
  sweepAfterMs: number;
}

export const DEFAULT_SCHEDULER_TIMING = { takeoverMs: 10 * 60_000, sweepAfterMs: 10 * 60_000 };

/**
 * Decides, on every tick of every instance, whether a period's work is due, claims the period with a
 * conditional write so only one instance plans it, and puts one job per (message, recipient) on the
 * outbox. Nothing is planned outside working hours or at weekends: a missed day is caught up at the
 * next working tick, because reminder stages, not dates, are what the ledger remembers.
 *
 * Every message the bot sends on its own initiative comes through here (`enqueue`), whether planned
 * (reminders, digests) or caused by an event (sign-off requests, RAG posts): one path, one ledger,
 * one limiter.
 *
 * Time comes from the injected clock, so FAKE_TODAY (and the tests' clocks) move the scheduler too:
 * the time of day is the real one, the date is the clock's.
 */
export class Scheduler {
  private cron?: Cron;
  private readonly digest: Cron;

  constructor(
    private readonly deps: { services: Services; outbox: JobQueue; ledger: DeliveryLedger; claims: PeriodClaims; logger: ProactiveLogger; clock: Clock; preferences?: () => Promise<Map<string, ReminderPreference>>;
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
        await this.tick();
      } catch (err) {
        this.deps.logger.error({ err }, 'scheduler tick failed');
      }
    });
  }

  stop(): void {
    this.cron?.stop();
    this.digest.stop();
  }

  /** The clock's date at the real time of day: what "now" means under FAKE_TODAY. */
  private clockNow(): Date {
    const real = this.deps.clock.now();
    const shift = daysBetween(localTime(real, this.o.timeZone).date, this.deps.clock.today());
    return new Date(real.getTime() + shift * 86_400_000);
  }

  async tick(at?: Date): Promise<{ planned: number; periods: string[]; swept: number }> {
    const now = at ?? this.clockNow();
    const periods: string[] = [];
    let planned = 0;
    // Work others began and did not finish is resumed whatever the hour: it was due when they began.
    for (const period of await this.deps.claims.resumeStale(now, this.o.instanceId, this.o.takeoverMs)) {
      this.deps.logger.warn({ period }, 'resuming a period another instance did not finish planning');
      planned += await this.planPeriod(period, now);
      periods.push(period);
    }
    const swept = await this.sweep(now);
    if (!isWorkingTime(now, this.o.timeZone, this.o.hours)) return { planned, periods, swept };
    const today = localTime(now, this.o.timeZone).date;
    if (await this.deps.claims.claim(`daily|${today}`, this.o.instanceId, now, this.o.takeoverMs)) {
      planned += await this.planPeriod(`daily|${today}`, now);
      periods.push(`daily|${today}`);
    }
    // The digest is due once its most recent scheduled time has passed today (so a late start still sends it).
    const last = this.digest.previousRuns(1, now)[0];
    if (last && localTime(last, this.o.timeZone).date === today && (await this.deps.claims.claim(`digest|${today}`, this.o.instanceId, now, this.o.takeoverMs))) {
      planned += await this.planPeriod(`digest|${today}`, now);
      periods.push(`digest|${today}`);
    }
    for (const extra of (await this.deps.morePeriods?.(today)) ?? []) {
      if (!(await this.deps.claims.claim(extra.period, this.o.instanceId, now, this.o.takeoverMs))) continue;
      const jobs = await extra.plan();
      planned += await this.enqueue(jobs, now);
      await this.deps.claims.done(extra.period, jobs.length);
      periods.push(extra.period);
    }
    return { planned, periods, swept };
  }

  /** Plan a claimed period. Marked done only when every job is both in the ledger and on the queue. */
  private async planPeriod(period: string, now: Date): Promise<number> {
    const [kind, day] = period.split('|');
    const s = this.deps.services;
    const jobs =
      kind === 'digest'
        ? await planDigests(s, day)
        : [
            ...(await planDaily(s, {
              today: day,
              staleDays: this.o.staleDays,
              delivered: (partition) => this.deps.ledger.settledIds(partition),
              preferences: this.deps.preferences ?? (async () => new Map()),
            })),
            ...(await planKpiReminderJobs(s, day, this.o.kpiTiming)),
            ...(await planEscalations(s, { today: day, workingDays: this.o.signOffEscalateWorkingDays ?? DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS, timeZone: this.o.timeZone })),
          ];
    const n = await this.enqueue(jobs, now);
    await this.deps.claims.done(period, jobs.length);
    return n;
  }

  /**
   * An admin's "send digest now": claimed like the scheduled run (same period, same job ids), so a
   * manager gets one digest a day whatever triggered it. Answers as soon as the recipients are known;
   * the writes happen in `planning`, which the caller need not wait for.
   */
  async digestNow(): Promise<{ kind: 'already'; state: 'planning' | 'done'; jobs?: number } | { kind: 'queued'; jobs: number; planning: Promise<number> }> {
    const now = this.clockNow();
    const today = this.deps.clock.today();
    const period = `digest|${today}`;
    if (!(await this.deps.claims.claim(period, this.o.instanceId, now, this.o.takeoverMs))) {
      const st = await this.deps.claims.state(period);
      return { kind: 'already', state: st?.state ?? 'done', jobs: st?.jobs };
    }
    const jobs = await planDigests(this.deps.services, today);
    const planning = (async () => {
      const n = await this.enqueue(jobs, now);
      await this.deps.claims.done(period, jobs.length);
      return n;
    })();
    // A failure here is not lost: the period stays "planning" and another tick resumes it.
    planning.catch((err) => this.deps.logger.error({ err, period }, 'planning digests failed; another instance will resume it'));
    return { kind: 'queued', jobs: jobs.length, planning };
  }

  /** Compatibility for tests and scripts: plan a day's digests now and wait for the writes. */
  async sendDigests(dayKey: string): Promise<number> {
    const now = this.clockNow();
    const jobs = await planDigests(this.deps.services, dayKey);
    const n = await this.enqueue(jobs, now);
    await this.deps.claims.done(`digest|${dayKey}`, jobs.length).catch(() => undefined);
    return n;
  }

  /**
   * Ledger first, then queue. A crash between the two leaves rows "queued" with no message; each row
   * carries `checkAt`, after which the sweeper re-enqueues it. Re-planning re-queues only unsent jobs.
   */
  async enqueue(jobs: Job[], now: Date = this.clockNow()): Promise<number> {
    const checkAt = new Date(now.getTime() + this.o.sweepAfterMs);
    const toQueue: Job[] = [];
    const pending = [...jobs];
    const writer = async () => {
      for (let job = pending.shift(); job; job = pending.shift()) {
        const r = await this.deps.ledger.plan(job, checkAt);
        if (r.created || r.state === 'queued' || r.state === 'retrying') toQueue.push(job);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, jobs.length) }, writer));
    await this.deps.outbox.enqueue(toQueue);
    if (jobs.length > 1) this.deps.logger.info({ planned: jobs.length, queued: toQueue.length }, 'proactive jobs queued');
    return toQueue.length;
  }

  /** Re-enqueue rows whose queue message was lost (a crash or outage between the ledger and queue writes). */
  async sweep(now: Date = this.clockNow()): Promise<number> {
    const stranded = await this.deps.ledger.takeStranded(now, this.o.sweepAfterMs);
    if (stranded.length) {
      await this.deps.outbox.enqueue(stranded);
      this.deps.logger.warn({ count: stranded.length }, 'sweeper re-enqueued proactive jobs that had lost their queue message');
    }
    return stranded.length;
  }
}

import type { Job } from '../domain/job';
import type { ReminderPreference } from './planner';

/**
 * What the scheduler and the delivery worker need from the outside world, named by what they do
 * with it. storage/ implements each (outbox.ts, ledger.ts, scheduleClaims.ts); bot/start.ts and
 * bot/workerMain.ts put them together. Each lists the methods proactive/ calls, no more: operators'
 * and tests' reads (counts, rows of a day) are on the storage classes themselves.
 */

// ---- JobQueue: the queue between planning and sending, so the worker can run on any queue (storage/outbox.ts).

/** A job as received from the queue, with what is needed to settle it there. */
export interface Received {
  job: Job;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
}

export interface JobQueue {
  enqueue(jobs: Job[], delaySeconds?: number): Promise<void>;
  /** Up to `max` jobs, hidden from other receivers for `visibilityTimeoutSeconds`. */
  receive(max: number, visibilityTimeoutSeconds: number): Promise<Received[]>;
  complete(m: Received): Promise<void>;
  /** Hand a message back to be received again after `delaySeconds`. */
  retryLater(m: Received, delaySeconds: number): Promise<void>;
  /** Give up on a job: park it with the reason. */
  poison(m: Received, reason: string, at: Date): Promise<void>;
  approximateCount(): Promise<number>;
}

// ---- DeliveryLedger: the exactly-once record of each (message, recipient), so sends are decided on it and not on the queue (storage/ledger.ts, whose header explains the states).

export type LedgerState = 'queued' | 'sending' | 'retrying' | 'sent' | 'uncertain' | 'dropped' | 'failed';

declare const claimBrand: unique symbol;
/** The right to send one job, as the ledger granted it. */
export type Claim = { pk: string; rk: string; etag: string; attempts: number } & { readonly [claimBrand]?: true };

export type ClaimResult = { kind: 'claimed'; claim: Claim } | { kind: 'done'; state: LedgerState } | { kind: 'busy' } | { kind: 'missing' };

/** A ledger row as read, to claim it later with one conditional write. */
export interface Peeked {
  pk: string;
  rk: string;
  etag: string;
  state: LedgerState;
  attempts: number;
  claimedAt?: string;
}

/** One row as operators see it. */
export interface LedgerRow {
  id: string;
  kind: string;
  recipient: string;
  day: string;
  state: LedgerState;
  attempts: number;
  reason?: string;
}

export interface DeliveryLedger {
  /** Record a planned job. `created` false when it was planned before. */
  plan(job: Job, checkAt: Date): Promise<{ created: boolean; state?: LedgerState }>;
  peek(job: Job): Promise<Peeked | undefined>;
  /** What a peeked row means for a worker holding its message, before any send slot is taken. */
  judge(p: Peeked | undefined, now: Date, leaseMs: number): ClaimResult | 'claimable' | 'expired';
  /** A row left "sending" past its lease: nobody can say whether it arrived. */
  markUncertain(p: Peeked): Promise<boolean>;
  /** Take the right to send, conditional on the row being as peeked. */
  claim(p: Peeked, now: Date): Promise<ClaimResult>;
  transition(claim: Claim, state: LedgerState, extra?: { activityId?: string; reason?: string; sentAt?: string; checkAt?: string }): Promise<void>;
  markFailed(job: Job, reason: string): Promise<void>;
  /** Ids of the rows in a partition that were delivered (or settled for good). */
  settledIds(partition: string): Promise<Set<string>>;
  /** A grouped reminder went out: each item stage it carried is owed no more. */
  recordStages(job: Job, state: 'sent' | 'uncertain', sentAt: string): Promise<void>;
  /** Rows still waiting whose queue message should have been handled by now, moved on so one sweeper re-enqueues each. */
  takeStranded(now: Date, leaseMs: number, max?: number): Promise<Job[]>;
}

// ---- PeriodClaims: which instance plans a period, so every instance can tick and only one plans (storage/scheduleClaims.ts).

export interface PeriodClaims {
  /** true when this instance may plan `period` (first to claim it, or taking over a stale claim). */
  claim(period: string, instance: string, now: Date, takeoverMs?: number): Promise<boolean>;
  /** Periods another instance began planning and did not finish, now claimed by this one. */
  resumeStale(now: Date, instance: string, takeoverMs?: number, kinds?: readonly string[]): Promise<string[]>;
  state(period: string): Promise<{ state: 'planning' | 'done'; jobs?: number; at: string } | undefined>;
  done(period: string, jobs: number): Promise<void>;
}

// ---- ReminderPrefStore: each person's "reminders weekly / daily / off for N weeks" (storage/reminderPrefs.ts).

export interface ReminderPrefStore {
  set(aadObjectId: string, pref: ReminderPreference, now: Date): Promise<void>;
}

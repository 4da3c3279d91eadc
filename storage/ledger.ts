import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { encodeKey } from './keys';
import type { Job } from './outbox';

/**
 * One row per (message, recipient): the promise that each is sent once.
 *   PK = job kind and plan (reminders, nudges) or day (digests), RK = encoded job id.
 *
 * queued → sending → sent            the normal path
 * sending → queued                   the send failed with a definite answer; try again later
 * sending → uncertain                the worker died between claiming and recording the result
 * queued|sending → dropped           the recipient removed the app (403/404)
 * → failed                           given up after N attempts (also parked in the poison queue)
 *
 * Every transition is conditional on the ETag read just before it, so two workers holding the same
 * redelivered message cannot both send. The one window no system can close without an idempotency
 * key at the receiver (the Bot Connector has none) is a crash after the send and before "sent" is
 * written: that row is left "sending", and is marked "uncertain" rather than sent again.
 */
export type LedgerState = 'queued' | 'sending' | 'sent' | 'uncertain' | 'dropped' | 'failed';

type LedgerEntity = {
  partitionKey: string;
  rowKey: string;
  state: LedgerState;
  recipient: string;
  kind: string;
  attempts: number;
  claimedAt?: string;
  sentAt?: string;
  activityId?: string;
  reason?: string;
};

declare const claimBrand: unique symbol;
export type Claim = { pk: string; rk: string; etag: string; attempts: number } & { readonly [claimBrand]?: true };

export type ClaimResult = { kind: 'claimed'; claim: Claim } | { kind: 'done'; state: LedgerState } | { kind: 'busy' } | { kind: 'missing' };

// Reminders and nudges are keyed by item and stage, not by day: "week-ahead" is owed once, whichever
// day it goes out. Digests are keyed by day (their id names it).
const keysOf = (job: Pick<Job, 'id' | 'kind' | 'day' | 'planId'>) => ({ pk: `${job.kind}|${job.kind === 'digest' || job.kind === 'channelDigest' ? job.day : job.planId}`, rk: encodeKey(job.id) });

export class Ledger {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.ledger);
  }

  /** Record a planned job. False when it was planned before (the run is being re-planned). */
  async plan(job: Job): Promise<{ created: boolean; state?: LedgerState }> {
    const { pk, rk } = keysOf(job);
    try {
      await this.table.createEntity<LedgerEntity>({ partitionKey: pk, rowKey: rk, state: 'queued', recipient: job.recipient, kind: job.kind, attempts: 0 });
      return { created: true };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 409) {
        const e = await this.table.getEntity<LedgerEntity>(pk, rk);
        return { created: false, state: e.state };
      }
      throw err;
    }
  }

  /**
   * Take the right to send. A row left "sending" by a worker whose lease has run out is marked
   * "uncertain"; one still within its lease belongs to a live worker.
   */
  async claim(job: Job, now: Date, leaseMs: number): Promise<ClaimResult> {
    const { pk, rk } = keysOf(job);
    let e: LedgerEntity & { etag: string };
    try {
      e = await this.table.getEntity<LedgerEntity>(pk, rk);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return { kind: 'missing' };
      throw err;
    }
    if (e.state === 'sending') {
      if (e.claimedAt && now.getTime() - Date.parse(e.claimedAt) < leaseMs) return { kind: 'busy' };
      await this.transition({ pk, rk, etag: e.etag, attempts: e.attempts }, 'uncertain', { reason: 'worker stopped between claiming and recording the send' }).catch(() => undefined);
      return { kind: 'done', state: 'uncertain' };
    }
    if (e.state !== 'queued') return { kind: 'done', state: e.state };
    try {
      const r = await this.table.updateEntity({ partitionKey: pk, rowKey: rk, state: 'sending', claimedAt: now.toISOString(), attempts: e.attempts + 1 }, 'Merge', { etag: e.etag });
      return { kind: 'claimed', claim: { pk, rk, etag: r.etag ?? '*', attempts: e.attempts + 1 } };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 412) return { kind: 'busy' };
      throw err;
    }
  }

  async transition(claim: Claim, state: LedgerState, extra: { activityId?: string; reason?: string; sentAt?: string } = {}): Promise<void> {
    await this.table.updateEntity({ partitionKey: claim.pk, rowKey: claim.rk, state, ...extra }, 'Merge', { etag: claim.etag });
  }

  /** Given up: recorded whatever state the row was in, because the job will not be tried again. */
  async markFailed(job: Job, reason: string): Promise<void> {
    const { pk, rk } = keysOf(job);
    await this.table.upsertEntity({ partitionKey: pk, rowKey: rk, state: 'failed' as LedgerState, reason }, 'Merge');
  }

  async stateOf(job: Pick<Job, 'id' | 'kind' | 'day' | 'planId'>): Promise<LedgerState | undefined> {
    const { pk, rk } = keysOf(job);
    try {
      return (await this.table.getEntity<LedgerEntity>(pk, rk)).state;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Counts for one ledger partition: a digest day ("digest", "2026-11-23") or a plan's reminders ("reminder", planId). */
  async countByState(kind: string, dayOrPlan: string): Promise<Record<LedgerState, number>> {
    const out: Record<LedgerState, number> = { queued: 0, sending: 0, sent: 0, uncertain: 0, dropped: 0, failed: 0 };
    for await (const e of this.table.listEntities<LedgerEntity>({ queryOptions: { filter: `PartitionKey eq '${kind}|${dayOrPlan}'` } })) out[e.state]++;
    return out;
  }
}

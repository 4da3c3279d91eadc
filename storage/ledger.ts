import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { decodeKey, encodeKey, odataString } from './keys';
import type { Job } from '../domain/job';
import type { Claim, ClaimResult, DeliveryLedger, LedgerRow, LedgerState, Peeked } from '../proactive/ports';
// The contract's types live with the port (proactive/ports.ts); re-exported for the modules that read them here.
export type { Claim, ClaimResult, LedgerRow, LedgerState, Peeked } from '../proactive/ports';

/**
 * One row per (message, recipient): the promise that each is sent once, and the truth about what
 * happened to it.
 *   PK = job kind and plan (reminders, nudges) or day (everything else), RK = encoded job id.
 *
 * queued → sending → sent            the normal path
 * sending → retrying → sending       a throttle or server error: the claim is released before the
 *                                    back-off, so a crash while waiting leaves a claimable row
 * sending → uncertain                the worker died between claiming and recording the result
 * queued|sending → dropped           the recipient removed the app (403/404), or cannot be reached
 * → failed                           given up after N attempts (also parked in the poison queue)
 *
 * Every transition is conditional on the ETag read just before it, so two workers holding the same
 * redelivered message cannot both send. The one window no system can close without an idempotency
 * key at the receiver (the Bot Connector has none) is a crash after the send and before "sent" is
 * written: that row is left "sending", and is marked "uncertain" rather than sent again.
 *
 * Each row carries its job and `checkAt`: a row still queued or retrying after that time has lost
 * its queue message (a planner crashed between the two writes, or the queue was unreachable), and
 * the sweeper re-enqueues it.
 *
 * Open rows are indexed in PK "open" (RK = the row's keys), so the sweeper reads what is still in
 * flight, not a ledger that grows every day. The index row is written before the ledger row (it is
 * the intent: a crash between the two leaves an index row whose ledger row the sweeper creates) and
 * removed after the row settles (a crash before that leaves an index row the sweeper finds settled
 * and removes). Its `checkAt` is never later than the row's, so a sweep that reads it early just
 * moves it on. The two cannot share a transaction (different partitions), hence that order.
 */
export const LEDGER_STATES: readonly LedgerState[] = ['sent', 'queued', 'sending', 'retrying', 'dropped', 'failed', 'uncertain'];

type LedgerEntity = {
  partitionKey: string;
  rowKey: string;
  state: LedgerState;
  recipient: string;
  kind: string;
  day: string;
  attempts: number;
  job?: string;
  checkAt?: string;
  claimedAt?: string;
  sentAt?: string;
  activityId?: string;
  reason?: string;
};

// Reminders and nudges are keyed by item and stage, not by day: "week-ahead" is owed once, whichever
// day it goes out. Everything else is keyed by day (their ids name it).
// KPI reminders are owed once per KPI and period, whichever day: keyed by KPI (in ref).
// Sign-off escalations are owed once per request (item version), whichever day: keyed by plan.
const keysOf = (job: Pick<Job, 'id' | 'kind' | 'day' | 'planId'> & { ref?: string }) => ({
  pk: `${job.kind}|${job.kind === 'reminder' || job.kind === 'nudge' || job.kind === 'signoffEscalation' ? job.planId : job.kind === 'kpiReminder' ? job.ref : job.day}`,
  rk: encodeKey(job.id),
});

const CLAIMABLE = new Set<LedgerState>(['queued', 'retrying']);
const SETTLED = new Set<LedgerState>(['sent', 'dropped', 'failed', 'uncertain']);

const OPEN = 'open';
type OpenEntity = { partitionKey: string; rowKey: string; lpk: string; lrk: string; checkAt: string; job: string };
const openKey = (pk: string, rk: string) => `${encodeKey(pk)}~${rk}`;

/** Marks a ledger whose rows from before the open-row index have been indexed (ensureOpenIndex). */
const META = { pk: 'meta', rk: 'openIndex' };

export class Ledger implements DeliveryLedger {
  private openIndexChecked = false;

  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.ledger);
  }

  /** Record a planned job. `created` false when it was planned before (the run is being re-planned). */
  async plan(job: Job, checkAt: Date): Promise<{ created: boolean; state?: LedgerState }> {
    const { pk, rk } = keysOf(job);
    await this.openIndex(pk, rk, job, checkAt);
    try {
      await this.table.createEntity<LedgerEntity>({
        partitionKey: pk,
        rowKey: rk,
        state: 'queued',
        recipient: job.recipient,
        kind: job.kind,
        day: job.day,
        attempts: 0,
        job: JSON.stringify(job),
        checkAt: checkAt.toISOString(),
      });
      return { created: true };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 409) {
        const e = await this.table.getEntity<LedgerEntity>(pk, rk);
        if (SETTLED.has(e.state)) await this.closeIndex(pk, rk);
        return { created: false, state: e.state };
      }
      throw err;
    }
  }

  private openIndex(pk: string, rk: string, job: Job, checkAt: Date) {
    return this.table.upsertEntity<OpenEntity>({ partitionKey: OPEN, rowKey: openKey(pk, rk), lpk: pk, lrk: rk, checkAt: checkAt.toISOString(), job: JSON.stringify(job) }, 'Replace');
  }

  private async closeIndex(pk: string, rk: string): Promise<void> {
    try {
      await this.table.deleteEntity(OPEN, openKey(pk, rk));
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    }
  }

  /** The row as it is now, to claim it later with one conditional write. */
  async peek(job: Job): Promise<Peeked | undefined> {
    const { pk, rk } = keysOf(job);
    try {
      const e = await this.table.getEntity<LedgerEntity>(pk, rk);
      return { pk, rk, etag: e.etag, state: e.state, attempts: e.attempts, claimedAt: e.claimedAt };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** What a peeked row means for a worker holding its message, before any send slot is taken. */
  judge(p: Peeked | undefined, now: Date, leaseMs: number): ClaimResult | 'claimable' | 'expired' {
    if (!p) return { kind: 'missing' };
    if (p.state === 'sending') {
      if (p.claimedAt && now.getTime() - Date.parse(p.claimedAt) < leaseMs) return { kind: 'busy' };
      return 'expired';
    }
    if (!CLAIMABLE.has(p.state)) return { kind: 'done', state: p.state };
    return 'claimable';
  }

  /** A row left "sending" past its lease: its worker died mid-send, so nobody can say if it arrived. */
  async markUncertain(p: Peeked): Promise<boolean> {
    try {
      await this.table.updateEntity({ partitionKey: p.pk, rowKey: p.rk, state: 'uncertain' as LedgerState, reason: 'worker stopped between claiming and recording the send' }, 'Merge', { etag: p.etag });
      await this.closeIndex(p.pk, p.rk);
      return true;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 412) return false;
      throw err;
    }
  }

  /** Take the right to send, with one conditional write on the peeked ETag. */
  async claim(p: Peeked, now: Date): Promise<ClaimResult> {
    try {
      const r = await this.table.updateEntity({ partitionKey: p.pk, rowKey: p.rk, state: 'sending' as LedgerState, claimedAt: now.toISOString(), attempts: p.attempts + 1 }, 'Merge', { etag: p.etag });
      return { kind: 'claimed', claim: { pk: p.pk, rk: p.rk, etag: r.etag ?? '*', attempts: p.attempts + 1 } };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 412) return { kind: 'busy' };
      throw err;
    }
  }

  async transition(claim: Claim, state: LedgerState, extra: { activityId?: string; reason?: string; sentAt?: string; checkAt?: string } = {}): Promise<void> {
    await this.table.updateEntity({ partitionKey: claim.pk, rowKey: claim.rk, state, ...extra }, 'Merge', { etag: claim.etag });
    if (SETTLED.has(state)) await this.closeIndex(claim.pk, claim.rk);
  }

  /** Given up: recorded whatever state the row was in, because the job will not be tried again. */
  async markFailed(job: Job, reason: string): Promise<void> {
    const { pk, rk } = keysOf(job);
    await this.table.upsertEntity({ partitionKey: pk, rowKey: rk, state: 'failed' as LedgerState, reason, recipient: job.recipient, kind: job.kind, day: job.day }, 'Merge');
    await this.closeIndex(pk, rk);
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

  /**
   * Rows still waiting to be sent whose queue message should have been handled by now, found through
   * the open-row index. Each is pushed `leaseMs` further with a conditional write, so of several
   * sweepers only one re-enqueues it. Index rows left behind by a crash are settled here: a missing
   * ledger row is written from the index (the job was being planned), a settled one is unindexed.
   */
  async takeStranded(now: Date, leaseMs: number, max = 1000): Promise<Job[]> {
    await this.ensureOpenIndex(now);
    const out: Job[] = [];
    const nowIso = now.toISOString();
    const later = new Date(now.getTime() + leaseMs).toISOString();
    const filter = `PartitionKey eq '${OPEN}' and checkAt lt ${odataString(nowIso)}`;
    for await (const ix of this.table.listEntities<OpenEntity>({ queryOptions: { filter } })) {
      const { lpk: pk, lrk: rk } = ix;
      let e: (LedgerEntity & { etag: string }) | undefined;
      try {
        e = await this.table.getEntity<LedgerEntity>(pk, rk);
      } catch (err) {
        if (!(err instanceof RestError && err.statusCode === 404)) throw err;
      }
      try {
        if (!e) {
          // Planned but the ledger write never happened: write it now; the queue message follows.
          const job = JSON.parse(ix.job) as Job;
          await this.table.createEntity<LedgerEntity>({ partitionKey: pk, rowKey: rk, state: 'queued', recipient: job.recipient, kind: job.kind, day: job.day, attempts: 0, job: ix.job, checkAt: later });
          await this.table.updateEntity({ partitionKey: OPEN, rowKey: ix.rowKey, checkAt: later }, 'Merge', { etag: ix.etag });
          out.push(job);
        } else if (SETTLED.has(e.state)) {
          await this.closeIndex(pk, rk);
        } else if (!CLAIMABLE.has(e.state) || !e.job || (e.checkAt && e.checkAt >= nowIso)) {
          // In a worker's hands, or not due yet: look again when the row's own time comes.
          const next = e.state === 'sending' ? later : e.checkAt && e.checkAt >= nowIso ? e.checkAt : later;
          await this.table.updateEntity({ partitionKey: OPEN, rowKey: ix.rowKey, checkAt: next }, 'Merge', { etag: ix.etag });
        } else {
          await this.table.updateEntity({ partitionKey: pk, rowKey: rk, checkAt: later }, 'Merge', { etag: e.etag });
          await this.table.updateEntity({ partitionKey: OPEN, rowKey: ix.rowKey, checkAt: later }, 'Merge', { etag: ix.etag });
          out.push(JSON.parse(e.job) as Job);
        }
      } catch (err) {
        // Another sweeper or a worker moved the row first: it is theirs.
        if (!(err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412))) throw err;
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /**
   * A ledger written before the open-row index existed has unsettled rows the sweeper cannot see.
   * Once per ledger (a marker row records it; once per process it is checked), every row still
   * queued, sending or retrying is indexed with its own checkAt, so the sweeper takes it from there.
   * A row with no job to re-send cannot be swept: it is marked failed with the reason, so delivery
   * status shows it rather than leaving it queued for ever. Several instances may do this at once:
   * index writes are idempotent, and an index row whose ledger row has settled meanwhile is removed
   * by the sweeper.
   */
  async ensureOpenIndex(now: Date): Promise<void> {
    if (this.openIndexChecked) return;
    const marked = await this.table.getEntity(META.pk, META.rk).then(
      () => true,
      (err: unknown) => {
        if (err instanceof RestError && err.statusCode === 404) return false;
        throw err;
      },
    );
    if (!marked) {
      const filter = `PartitionKey ne '${OPEN}' and PartitionKey ne '${META.pk}' and (state eq 'queued' or state eq 'sending' or state eq 'retrying')`;
      for await (const e of this.table.listEntities<LedgerEntity>({ queryOptions: { filter } })) {
        if (e.job) {
          await this.openIndex(e.partitionKey, e.rowKey, JSON.parse(e.job) as Job, new Date(e.checkAt ?? now.toISOString()));
          continue;
        }
        await this.table
          .updateEntity({ partitionKey: e.partitionKey, rowKey: e.rowKey, state: 'failed', reason: 'planned by an older version that did not keep the job, so it cannot be re-sent' }, 'Merge', { etag: e.etag as string })
          .catch((err: unknown) => {
            if (!(err instanceof RestError && err.statusCode === 412)) throw err;
          });
      }
      await this.table.upsertEntity({ partitionKey: META.pk, rowKey: META.rk, at: now.toISOString() }, 'Replace');
    }
    this.openIndexChecked = true;
  }

  /** Rows in flight (planned and not yet settled), for tests and operators. */
  async openCount(): Promise<number> {
    let n = 0;
    for await (const _ of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${OPEN}'`, select: ['RowKey'] } })) n++;
    return n;
  }

  /** Ids of the rows in a partition that were delivered (or settled for good), e.g. item stages of a plan. */
  async settledIds(partition: string): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const e of this.table.listEntities<LedgerEntity>({ queryOptions: { filter: `PartitionKey eq ${odataString(partition)}`, select: ['RowKey', 'state'] } })) {
      if (e.state === 'sent' || e.state === 'uncertain') out.add(decodeKey(e.rowKey));
    }
    return out;
  }

  /** A grouped reminder went out: each item stage it carried is delivered, so it is owed no more. */
  async recordStages(job: Job, state: 'sent' | 'uncertain', sentAt: string): Promise<void> {
    for (const i of job.items ?? []) {
      const { pk, rk } = keysOf({ id: i.id, kind: i.kind, day: job.day, planId: i.planId });
      await this.table.upsertEntity({ partitionKey: pk, rowKey: rk, state, recipient: job.recipient, kind: `${i.kind}-stage`, day: job.day, attempts: 1, sentAt, reason: `in ${job.id}` }, 'Merge');
    }
  }

  /** Counts for one ledger partition: a digest day ("digest", "2026-11-23") or a plan's reminders ("reminder", planId). */
  async countByState(kind: string, dayOrPlan: string): Promise<Record<LedgerState, number>> {
    const out = emptyCounts();
    for await (const e of this.table.listEntities<LedgerEntity>({ queryOptions: { filter: `PartitionKey eq '${kind}|${dayOrPlan}'` } })) out[e.state]++;
    return out;
  }

  /** Every row planned for a day, for operators: counts by state and the rows that need a look. */
  async rowsOfDay(day: string): Promise<LedgerRow[]> {
    const out: LedgerRow[] = [];
    for await (const e of this.table.listEntities<LedgerEntity>({ queryOptions: { filter: `day eq ${odataString(day)}` } })) {
      if (e.kind.endsWith('-stage')) continue; // an item stage delivered inside a grouped reminder, counted there
      out.push({ id: decodeKey(e.rowKey), kind: e.kind, recipient: e.recipient, day: e.day, state: e.state, attempts: e.attempts ?? 0, reason: e.reason });
    }
    return out;
  }
}

export const emptyCounts = (): Record<LedgerState, number> => ({ queued: 0, sending: 0, retrying: 0, sent: 0, uncertain: 0, dropped: 0, failed: 0 });

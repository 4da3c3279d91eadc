import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { decodeKey, encodeKey } from './keys';
import type { PeriodClaims } from '../proactive/ports';

/**
 * One row per scheduler period ("reminders|2026-11-23", "digest|2026-11-23"). Every instance ticks;
 * the first to create the row plans the period, the others see 409 and do nothing. A planner that
 * died mid-way leaves the row "planning"; after the takeover time another instance re-plans (which
 * is safe: the ledger de-duplicates jobs).
 */
type ClaimEntity = { partitionKey: string; rowKey: string; state: 'planning' | 'done'; instance: string; at: string; jobs?: number };

export class ScheduleClaims implements PeriodClaims {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.schedule);
  }

  async claim(period: string, instance: string, now: Date, takeoverMs = 10 * 60_000): Promise<boolean> {
    const rk = encodeKey(period);
    try {
      await this.table.createEntity<ClaimEntity>({ partitionKey: 'period', rowKey: rk, state: 'planning', instance, at: now.toISOString() });
      return true;
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 409)) throw err;
    }
    const e = await this.table.getEntity<ClaimEntity>('period', rk);
    if (e.state === 'done' || now.getTime() - Date.parse(e.at) < takeoverMs) return false;
    try {
      await this.table.updateEntity({ partitionKey: 'period', rowKey: rk, state: 'planning', instance, at: now.toISOString() }, 'Merge', { etag: e.etag });
      return true;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 412) return false;
      throw err;
    }
  }

  /**
   * Take over a period another instance began planning and did not finish (it crashed, or the store
   * failed under it), without starting periods nobody began: a manual digest on a day with no
   * scheduled one is resumed here, not by the digest schedule.
   */
  async resumeStale(now: Date, instance: string, takeoverMs = 10 * 60_000, kinds: readonly string[] = ['daily', 'digest']): Promise<string[]> {
    const out: string[] = [];
    for await (const e of this.table.listEntities<ClaimEntity>({ queryOptions: { filter: `PartitionKey eq 'period' and state eq 'planning'` } })) {
      if (now.getTime() - Date.parse(e.at) < takeoverMs || !kinds.includes(decodeKey(e.rowKey).split('|')[0])) continue;
      try {
        await this.table.updateEntity({ partitionKey: 'period', rowKey: e.rowKey, state: 'planning', instance, at: now.toISOString() }, 'Merge', { etag: e.etag });
        out.push(decodeKey(e.rowKey));
      } catch (err) {
        if (!(err instanceof RestError && err.statusCode === 412)) throw err;
      }
    }
    return out;
  }

  async state(period: string): Promise<{ state: 'planning' | 'done'; jobs?: number; at: string } | undefined> {
    try {
      const e = await this.table.getEntity<ClaimEntity>('period', encodeKey(period));
      return { state: e.state, jobs: e.jobs, at: e.at };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The latest day a period of this kind was claimed ("digest" → "2026-11-23"). */
  async lastDay(kind: string): Promise<string | undefined> {
    let last: string | undefined;
    for await (const e of this.table.listEntities<ClaimEntity>({ queryOptions: { filter: `PartitionKey eq 'period' and RowKey ge '${kind}|' and RowKey lt '${kind}}'` } })) {
      const day = decodeKey(e.rowKey).split('|')[1];
      if (!last || day > last) last = day;
    }
    return last;
  }

  async done(period: string, jobs: number): Promise<void> {
    await this.table.updateEntity({ partitionKey: 'period', rowKey: encodeKey(period), state: 'done', jobs }, 'Merge');
  }
}

import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { encodeKey } from './keys';

/**
 * One row per scheduler period ("reminders|2026-11-23", "digest|2026-11-23"). Every instance ticks;
 * the first to create the row plans the period, the others see 409 and do nothing. A planner that
 * died mid-way leaves the row "planning"; after the takeover time another instance re-plans (which
 * is safe: the ledger de-duplicates jobs).
 */
type ClaimEntity = { partitionKey: string; rowKey: string; state: 'planning' | 'done'; instance: string; at: string; jobs?: number };

export class ScheduleClaims {
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

  async done(period: string, jobs: number): Promise<void> {
    await this.table.updateEntity({ partitionKey: 'period', rowKey: encodeKey(period), state: 'done', jobs }, 'Merge');
  }
}

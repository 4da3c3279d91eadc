import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import type { BudgetSource, Grant } from '../proactive/rateLimiter';
export type { Grant } from '../proactive/rateLimiter';

/**
 * The tenant-wide proactive send budget, shared by every instance through the store: Teams allows
 * 50 requests per second per app per tenant however many instances send, so the budget is counted
 * where they all see it rather than divided by hand.
 *
 * One row per second, in a ring of RING rows (RK = second mod RING) so the table never grows: a row
 * holding an older second is simply reused. A grant is a conditional write on the row's ETag, so two
 * instances can never be granted the same places. Places are numbered within their second; the
 * caller spaces sends at 1000/perSecond ms by number, so sends are even across the second as well as
 * counted (a sliding one-second window then never holds more than perSecond).
 */
const RING = 120;
type BudgetEntity = { partitionKey: string; rowKey: string; second: number; used: number };

export class SendBudget implements BudgetSource {
  constructor(
    private readonly tables: TableSet,
    readonly perSecond: number,
  ) {}

  private get table() {
    return this.tables.client(TABLES.sendBudget);
  }

  /**
   * Up to `want` places in the earliest second from `fromSecond` that has room. In `fromSecond`
   * itself places before `minPlace` are skipped: their moment has passed, and using them late would
   * crowd the places after them.
   */
  async take(fromSecond: number, want: number, minPlace = 0): Promise<Grant> {
    for (let second = fromSecond, tries = 0; tries < 200; tries++) {
      const rk = String(second % RING).padStart(3, '0');
      let e: (BudgetEntity & { etag: string }) | undefined;
      try {
        e = await this.table.getEntity<BudgetEntity>('budget', rk);
      } catch (err) {
        if (!(err instanceof RestError && err.statusCode === 404)) throw err;
      }
      const counted = e && e.second === second ? e.used : e && e.second > second ? this.perSecond : 0;
      const used = second === fromSecond ? Math.max(counted, Math.min(this.perSecond, minPlace)) : counted;
      if (used >= this.perSecond) {
        second++;
        continue;
      }
      const count = Math.min(want, this.perSecond - used);
      try {
        if (!e) await this.table.createEntity<BudgetEntity>({ partitionKey: 'budget', rowKey: rk, second, used: count });
        else await this.table.updateEntity<BudgetEntity>({ partitionKey: 'budget', rowKey: rk, second, used: used + count }, 'Replace', { etag: e.etag });
        return { second, first: used, count };
      } catch (err) {
        // Another instance took places in the same second first: read again and retry.
        if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) continue;
        throw err;
      }
    }
    throw new Error('send budget: could not take a place after 200 tries');
  }
}

import { createHash } from 'node:crypto';
import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import type { ConversationLog, SendStamps } from '../proactive/rateLimiter';

/**
 * Recent proactive sends per conversation, shared by every instance, so Teams' per-conversation
 * windows (7/1 s, 8/2 s, 60/30 s, 1,800/hour) hold however many instances send to one conversation.
 *
 * One row per conversation: PK = sha256 of the conversation key (keys hold characters Table
 * Storage forbids in keys, and a hash spreads conversations over partitions), RK "sends". The row
 * keeps exact stamps for the short windows and per-minute counts for the hour (rateLimiter.ts
 * decides what they mean). A reservation is a conditional write on the row's ETag, so two instances
 * can never both take the last place in a window; the loser reads again.
 */
type Row = { partitionKey: string; rowKey: string; stamps: string };

export class ConversationSends implements ConversationLog {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.conversationSends);
  }

  async reserve(key: string, decide: (current: SendStamps) => { wait: number; next: SendStamps }): Promise<number> {
    const pk = createHash('sha256').update(key).digest('hex');
    for (let tries = 0; tries < 50; tries++) {
      let row: (Row & { etag: string }) | undefined;
      try {
        row = await this.table.getEntity<Row>(pk, 'sends');
      } catch (err) {
        if (!(err instanceof RestError && err.statusCode === 404)) throw err;
      }
      const current: SendStamps = row ? (JSON.parse(row.stamps) as SendStamps) : { recent: [], minutes: [] };
      const d = decide(current);
      if (d.wait > 0) return d.wait;
      const next: Row = { partitionKey: pk, rowKey: 'sends', stamps: JSON.stringify(d.next) };
      try {
        if (row) await this.table.updateEntity(next, 'Replace', { etag: row.etag });
        else await this.table.createEntity(next);
        return 0;
      } catch (err) {
        // Another instance sent to this conversation in between: read its stamps and decide again.
        if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) continue;
        throw err;
      }
    }
    throw new Error('conversation send log: could not reserve after 50 tries');
  }
}

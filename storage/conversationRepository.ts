import { RestError } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import { TABLES, type TableSet } from './tables';
import { encodeKey } from './keys';
import { countRequest } from './requestCounter';
import type { Clock } from '../domain/clock';

/**
 * Where the bot can reach people and channels without being spoken to first.
 *   PK "user",    RK = Entra object id      the personal chat with that user
 *   PK "channel", RK = encoded channel id   a team channel the bot is installed in
 *   PK "group",   RK = encoded conversation id
 * Refreshed on every message, so a moved or reinstalled app heals itself.
 */
type RefEntity = { partitionKey: string; rowKey: string; json: string; updatedAt: string };

export type RefKind = 'user' | 'channel' | 'group';

export class ConversationRepository {
  constructor(
    private readonly tables: TableSet,
    private readonly clock: Clock,
  ) {}

  private get table() {
    return this.tables.client(TABLES.conversations);
  }

  async save(kind: RefKind, id: string, ref: Partial<ConversationReference>): Promise<void> {
    countRequest();
    await this.table.upsertEntity<RefEntity>({ partitionKey: kind, rowKey: encodeKey(id.toLowerCase()), json: JSON.stringify(ref), updatedAt: this.clock.now().toISOString() }, 'Replace');
  }

  async get(kind: RefKind, id: string): Promise<Partial<ConversationReference> | undefined> {
    try {
      countRequest();
      const e = await this.table.getEntity<RefEntity>(kind, encodeKey(id.toLowerCase()));
      return JSON.parse(e.json) as Partial<ConversationReference>;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async remove(kind: RefKind, id: string): Promise<void> {
    try {
      countRequest();
      await this.table.deleteEntity(kind, encodeKey(id.toLowerCase()));
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    }
  }
}

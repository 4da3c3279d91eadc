import { RestError } from '@azure/data-tables';
import type { Storage, StoreItems } from 'botbuilder';
import { TABLES, type TableSet } from './tables';
import { encodeKey } from './keys';

/**
 * botbuilder's Storage on Azure Tables, for teams-ai turn state.
 * PK = the encoded key, RK = "" : each state document is independent, so spreading them over
 * partitions gives the most throughput. Values are JSON (state is small; a 64 KiB property cap
 * applies, and we fail loudly rather than truncate).
 */
export class TableStateStorage implements Storage {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.botState);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        try {
          const e = await this.table.getEntity<{ json: string }>(encodeKey(key), '');
          out[key] = { ...JSON.parse(e.json), eTag: e.etag };
        } catch (err) {
          if (!(err instanceof RestError && err.statusCode === 404)) throw err;
        }
      }),
    );
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, value]) => {
        const { eTag, ...doc } = (value ?? {}) as { eTag?: string };
        const entity = { partitionKey: encodeKey(key), rowKey: '', json: JSON.stringify(doc) };
        // "*" or absent means last-writer-wins, which is what botbuilder's own stores do.
        if (eTag && eTag !== '*') {
          await this.table.updateEntity(entity, 'Replace', { etag: eTag });
        } else {
          await this.table.upsertEntity(entity, 'Replace');
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        try {
          await this.table.deleteEntity(encodeKey(key), '');
        } catch (err) {
          if (!(err instanceof RestError && err.statusCode === 404)) throw err;
        }
      }),
    );
  }
}

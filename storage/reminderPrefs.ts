import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { encodeKey, decodeKey } from './keys';
import type { ReminderPreference } from '../proactive/planner';
import type { ReminderPrefStore } from '../proactive/ports';

/**
 * A person's reminder preference ("reminders weekly", "reminders off for 2 weeks", "reminders daily").
 * Kept beside the scheduler's claims (PK "pref", RK = Entra object id): the planner reads the whole
 * partition once per day.
 */
type PrefEntity = { partitionKey: string; rowKey: string; mode: 'daily' | 'weekly' | 'off'; until?: string; at: string };

export class ReminderPrefs implements ReminderPrefStore {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.schedule);
  }

  async set(aadObjectId: string, pref: ReminderPreference, now: Date): Promise<void> {
    await this.table.upsertEntity<PrefEntity>({ partitionKey: 'pref', rowKey: encodeKey(aadObjectId.toLowerCase()), mode: pref.mode, until: pref.mode === 'off' ? pref.until : '', at: now.toISOString() }, 'Replace');
  }

  async get(aadObjectId: string): Promise<ReminderPreference | undefined> {
    try {
      const e = await this.table.getEntity<PrefEntity>('pref', encodeKey(aadObjectId.toLowerCase()));
      return toPref(e);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async all(): Promise<Map<string, ReminderPreference>> {
    const out = new Map<string, ReminderPreference>();
    for await (const e of this.table.listEntities<PrefEntity>({ queryOptions: { filter: `PartitionKey eq 'pref'` } })) out.set(decodeKey(e.rowKey), toPref(e));
    return out;
  }
}

const toPref = (e: PrefEntity): ReminderPreference => (e.mode === 'off' ? { mode: 'off', until: e.until ?? '' } : { mode: e.mode });

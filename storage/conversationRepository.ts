import { RestError } from '@azure/data-tables';
import { TABLES, type TableSet } from './tables';
import { encodeKey } from './keys';
import type { Clock } from '../domain/clock';
import type { ConversationRef, ConversationStore, RefKind } from '../services/ports/conversationStore';
// The reference's structural type lives with the port, so nothing below bot/ needs botbuilder; re-exported here.
export type { ConversationRef, RefKind } from '../services/ports/conversationStore';

/**
 * Where the bot can reach people and channels without being spoken to first.
 *   PK "user",    RK = Entra object id      the personal chat with that user
 *   PK "channel", RK = encoded channel id   a team channel the bot is installed in
 *   PK "group",   RK = encoded conversation id
 * Refreshed whenever it changes, so a moved or reinstalled app heals itself. Messages write it only
 * when it differs from what this process last wrote (see save), so a question costs no write.
 */
type RefEntity = { partitionKey: string; rowKey: string; json: string; updatedAt: string };

/**
 * How long a remembered write stands in for the stored row. Bounded because another process (a
 * stand-alone delivery worker) may forget a reference after a 403/404; a message after that window
 * writes it again even when nothing changed.
 */
export const REF_CACHE_TTL_MS = 15 * 60_000;

/** The reference minus the id of the message it came from, which changes on every message. */
function comparable(ref: ConversationRef): string {
  const { activityId: _ignored, ...rest } = ref;
  return JSON.stringify(rest);
}

export class ConversationRepository implements ConversationStore {
  /** What this process last wrote per key, so unchanged references are not written again. */
  private readonly written = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly tables: TableSet,
    private readonly clock: Clock,
  ) {}

  private get table() {
    return this.tables.client(TABLES.conversations);
  }

  /**
   * Stores the reference. With `ifChanged`, skips the write when this process wrote the same
   * reference (ignoring the message id) within REF_CACHE_TTL_MS; resolves whether it wrote.
   * The cache is only filled after a successful write and cleared by remove(), so a changed or
   * forgotten reference is always written.
   */
  async save(kind: RefKind, id: string, ref: ConversationRef, opts: { ifChanged?: boolean } = {}): Promise<boolean> {
    const key = `${kind}|${id.toLowerCase()}`;
    const value = comparable(ref);
    const last = this.written.get(key);
    // The cache's age is on the monotonic timer (not a date); the row's updatedAt comes from the injected clock.
    if (opts.ifChanged && last && last.value === value && performance.now() - last.at < REF_CACHE_TTL_MS) return false;
    this.written.delete(key);
    await this.table.upsertEntity<RefEntity>({ partitionKey: kind, rowKey: encodeKey(id.toLowerCase()), json: JSON.stringify(ref), updatedAt: this.clock.now().toISOString() }, 'Replace');
    this.written.set(key, { value, at: performance.now() });
    return true;
  }

  async get(kind: RefKind, id: string): Promise<ConversationRef | undefined> {
    try {
      const e = await this.table.getEntity<RefEntity>(kind, encodeKey(id.toLowerCase()));
      return JSON.parse(e.json) as ConversationRef;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async remove(kind: RefKind, id: string): Promise<void> {
    this.written.delete(`${kind}|${id.toLowerCase()}`);
    try {
      await this.table.deleteEntity(kind, encodeKey(id.toLowerCase()));
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    }
  }
}

import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RestError, type TransactionAction } from '@azure/data-tables';
import type { Meeting, PlanSnapshot } from '../domain/boardPack';
import { TABLES, type TableSet } from './tables';
import type { SaveSnapshotResult, SnapshotHeader, SnapshotStore } from '../services/ports/snapshotStore';
// The contract's types live with the port; re-exported for the modules that read them here.
export type { SaveSnapshotResult, SnapshotHeader } from '../services/ports/snapshotStore';
import { decodeKey, encodeKey, odataString } from './keys';

/**
 * Board-pack snapshots: a plan frozen as at a date, written once and never changed, so a later pack
 * can say what moved and an old pack can be produced again exactly.
 *
 * Table `BoardPacks`
 *
 * | PartitionKey       | RowKey                 | what                                                       |
 * |--------------------|------------------------|------------------------------------------------------------|
 * | `snap|<planId>`    | `<asAt>|h`             | header: takenAt, planName, meeting, chunk count, sha256    |
 * | `snap|<planId>`    | `<asAt>|c|<nnn>`       | the snapshot JSON, gzipped, base64, in chunks              |
 * | `meeting`          | `<planId>`             | the plan's next board meeting (the one mutable row: last set wins) |
 *
 * Why this shape:
 * - One partition per plan, RowKeys starting with the ISO as-at date: "every pack of this plan" and
 *   "the pack before this date" are range reads in one partition, in date order.
 * - Immutable: the header and every chunk are written in ONE entity-group transaction of creates
 *   (no upsert, no update). A second writer for the same plan and date gets 409 and reads what the
 *   first wrote; a crash leaves nothing half-written, because the transaction is all or nothing.
 * - Size: a property holds at most 64 KiB (32 K UTF-16 characters) and an entity 1 MiB, so the
 *   base64 text is cut into properties of CHUNK_CHARS characters, PROPS_PER_ROW to a row (~900 KB),
 *   as many rows as needed. A transaction carries at most 100 entities and 4 MiB, which after gzip
 *   is a plan far larger than any council's (a 2,000-action plan is well under 1 MB compressed);
 *   a larger one is refused with a clear message rather than written in pieces.
 * - The sha256 of the JSON is kept on the header and checked on read, so a pack produced again
 *   from storage is provably the same snapshot.
 */

const CHUNK_CHARS = 30_000;
const PROPS_PER_ROW = 15;
const MAX_TRANSACTION_BYTES = 3_800_000;
const MAX_ROWS = 99; // plus the header: Azure's 100-entity transaction limit

type HeaderEntity = {
  partitionKey: string;
  rowKey: string;
  kind: 'header';
  asAt: string;
  takenAt: string;
  planName: string;
  meetingDate?: string;
  meetingTitle?: string;
  chunks: number;
  sha256: string;
  bytes: number;
};

type ChunkEntity = { partitionKey: string; rowKey: string; kind: 'chunk' } & Record<string, string>;

type MeetingEntity = { partitionKey: string; rowKey: string; date: string; title?: string; setBy: string; setAt: string };

export interface SnapshotRepositoryOptions {
  /** Characters per property; tests make it small to prove a snapshot spans several rows. */
  chunkChars?: number;
  propsPerRow?: number;
}

export class SnapshotRepository implements SnapshotStore {
  private readonly chunkChars: number;
  private readonly propsPerRow: number;

  constructor(
    private readonly tables: TableSet,
    opts: SnapshotRepositoryOptions = {},
  ) {
    this.chunkChars = opts.chunkChars ?? CHUNK_CHARS;
    this.propsPerRow = opts.propsPerRow ?? PROPS_PER_ROW;
  }

  private get table() {
    return this.tables.client(TABLES.boardPacks);
  }

  /**
   * Write a snapshot once. If one already exists for that plan and date it is kept and returned
   * (created: false): snapshots are never rewritten.
   */
  async save(snap: PlanSnapshot): Promise<SaveSnapshotResult> {
    const pk = partitionOf(snap.planId);
    const json = JSON.stringify(snap);
    const text = gzipSync(Buffer.from(json, 'utf8')).toString('base64');
    if (text.length > MAX_TRANSACTION_BYTES) throw new Error(`The snapshot of ${snap.planName} is ${Math.round(text.length / 1e6)} MB compressed, over the ${MAX_TRANSACTION_BYTES / 1e6} MB a single write can hold.`);
    const rows: ChunkEntity[] = [];
    const perRow = this.chunkChars * this.propsPerRow;
    for (let at = 0, n = 0; at < text.length || n === 0; at += perRow, n++) {
      const slice = text.slice(at, at + perRow);
      const row: ChunkEntity = { partitionKey: pk, rowKey: chunkKey(snap.asAt, n), kind: 'chunk' };
      for (let p = 0; p * this.chunkChars < slice.length; p++) row[propName(p)] = slice.slice(p * this.chunkChars, (p + 1) * this.chunkChars);
      rows.push(row);
    }
    if (rows.length > MAX_ROWS) throw new Error(`The snapshot of ${snap.planName} needs ${rows.length} rows, over the ${MAX_ROWS} a single write can hold.`);
    const header: HeaderEntity = {
      partitionKey: pk,
      rowKey: headerKey(snap.asAt),
      kind: 'header',
      asAt: snap.asAt,
      takenAt: snap.takenAt,
      planName: snap.planName,
      meetingDate: snap.meeting?.date,
      meetingTitle: snap.meeting?.title,
      chunks: rows.length,
      sha256: sha256(json),
      bytes: json.length,
    };
    const actions: TransactionAction[] = [['create', header], ...rows.map((r): TransactionAction => ['create', r])];
    try {
      await this.table.submitTransaction(actions);
      return { created: true, snapshot: snap };
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    const existing = await this.get(snap.planId, snap.asAt);
    if (!existing) throw new Error(`A snapshot of ${snap.planName} as at ${snap.asAt} exists but could not be read back.`);
    return { created: false, snapshot: existing };
  }

  async get(planId: string, asAt: string): Promise<PlanSnapshot | undefined> {
    const pk = partitionOf(planId);
    const rows: (HeaderEntity | ChunkEntity)[] = [];
    const from = `${asAt}|`;
    const filter = `PartitionKey eq ${odataString(pk)} and RowKey ge ${odataString(from)} and RowKey lt ${odataString(`${asAt}}`)}`;
    for await (const page of this.table.listEntities<HeaderEntity | ChunkEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: 1000 })) {
      rows.push(...page);
    }
    const header = rows.find((r): r is HeaderEntity => r.kind === 'header');
    if (!header) return undefined;
    const chunks = rows.filter((r): r is ChunkEntity => r.kind === 'chunk').sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    if (chunks.length !== header.chunks) throw new Error(`Snapshot ${planId} as at ${asAt} has ${chunks.length} of ${header.chunks} parts.`);
    let text = '';
    for (const c of chunks) for (let p = 0; c[propName(p)] !== undefined; p++) text += c[propName(p)];
    const json = gunzipSync(Buffer.from(text, 'base64')).toString('utf8');
    if (sha256(json) !== header.sha256) throw new Error(`Snapshot ${planId} as at ${asAt} does not match its checksum.`);
    return JSON.parse(json) as PlanSnapshot;
  }

  /** Every snapshot of a plan, oldest first (headers only). */
  async list(planId: string): Promise<SnapshotHeader[]> {
    const pk = partitionOf(planId);
    const out: SnapshotHeader[] = [];
    const filter = `PartitionKey eq ${odataString(pk)} and kind eq 'header'`;
    for await (const page of this.table.listEntities<HeaderEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: 1000 })) {
      for (const h of page)
        out.push({ planId, asAt: h.asAt, takenAt: h.takenAt, planName: h.planName, meeting: h.meetingDate ? { date: h.meetingDate, title: h.meetingTitle || undefined } : undefined });
    }
    return out.sort((a, b) => a.asAt.localeCompare(b.asAt));
  }

  /** The latest snapshot strictly before `asAt`: what a pack is compared with. */
  async previous(planId: string, asAt: string): Promise<PlanSnapshot | undefined> {
    const before = (await this.list(planId)).filter((h) => h.asAt < asAt).at(-1);
    return before ? this.get(planId, before.asAt) : undefined;
  }

  async getMeeting(planId: string): Promise<(Meeting & { setBy: string; setAt: string }) | undefined> {
    try {
      const e = await this.table.getEntity<MeetingEntity>('meeting', encodeKey(planId));
      return { date: e.date, title: e.title || undefined, setBy: e.setBy, setAt: e.setAt };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Every plan's next meeting, for the scheduler. */
  async listMeetings(): Promise<(Meeting & { planId: string })[]> {
    const out: (Meeting & { planId: string })[] = [];
    for await (const e of this.table.listEntities<MeetingEntity>({ queryOptions: { filter: `PartitionKey eq 'meeting'` } })) {
      out.push({ planId: decodeKey(e.rowKey), date: e.date, title: e.title || undefined });
    }
    return out;
  }

  /** Set the next meeting. The last admin to set it wins; it is one fact, not a history. */
  async setMeeting(planId: string, meeting: Meeting, setBy: string, setAt: string): Promise<void> {
    await this.table.upsertEntity<MeetingEntity>({ partitionKey: 'meeting', rowKey: encodeKey(planId), date: meeting.date, title: meeting.title ?? '', setBy, setAt }, 'Replace');
  }
}

function partitionOf(planId: string): string {
  return `snap|${encodeKey(planId)}`;
}
const headerKey = (asAt: string) => `${asAt}|h`;
const chunkKey = (asAt: string, n: number) => `${asAt}|c|${String(n).padStart(3, '0')}`;
const propName = (p: number) => `d${String(p).padStart(2, '0')}`;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isConflict(err: unknown): boolean {
  if (err instanceof RestError && err.statusCode === 409) return true;
  // Entity-group transactions report the failing operation inside the batch response.
  const msg = String((err as { message?: string })?.message ?? '');
  return /EntityAlreadyExists|already exists/i.test(msg);
}

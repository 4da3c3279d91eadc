import { RestError, type TransactionAction } from '@azure/data-tables';
import type { KpiCorrection, KpiDefinition, KpiPoint, KpiValue } from '../domain/model';
export type { KpiCorrection, KpiPoint } from '../domain/model';
import type { KpiMove, KpiStore, LoadedPoint, SavePointResult } from '../services/ports/kpiStore';
// The contract's types live with the port; re-exported for the modules that read them here.
export type { KpiMove, LoadedPoint, SavePointResult } from '../services/ports/kpiStore';
import { TABLES, type TableSet } from './tables';
import { encodeKey, odataString } from './keys';

/**
 * KPI definitions in PK "def" (RK = code): a few hundred at most, listed together for "kpis off target".
 * One partition per series, PK "series|<code>", RK = period (yyyy-mm sorts in time order), so "kpi c056"
 * is a point read plus one range read whatever the number of KPIs.
 */
type DefEntity = { partitionKey: string; rowKey: string; json: string; latestJson?: string; previousJson?: string; ownerRole?: string };
type ValueEntity = {
  partitionKey: string;
  rowKey: string;
  value: number;
  enteredAt: string;
  enteredBy: string;
  enteredByName?: string;
  note?: string;
  source?: string;
  /** 1 for the first value of a period, +1 per correction; cards carry it to detect a lost update. */
  version?: number;
  lastRequestId?: string;
};
/** RK "hist|<period>|<inverted time>": a period's replaced values, newest first. Sorts after every period. */
// The row is the domain's correction, keyed by KPI in the partition (so no code column).
type HistoryEntity = { partitionKey: string; rowKey: string } & Omit<KpiCorrection, 'code'>;

// A LoadedPoint's token is the period row's ETag as read.

const HISTORY_PREFIX = 'hist|';
const invertedTime = (iso: string) => String(8_640_000_000_000_000 - Date.parse(iso)).padStart(16, '0');

function toDefinition(e: DefEntity): KpiDefinition {
  const def = JSON.parse(e.json) as KpiDefinition;
  // The owner is a column of its own, so re-importing a file without an owner column keeps the one set in chat.
  if (e.ownerRole) def.ownerRole = e.ownerRole;
  return def;
}

function isStatus(err: unknown, ...codes: number[]): boolean {
  return err instanceof RestError && codes.includes(err.statusCode ?? 0);
}

const codeKey = (code: string) => encodeKey(code.toLowerCase());

export class KpiRepository implements KpiStore {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.kpis);
  }

  async upsertDefinitions(defs: KpiDefinition[]): Promise<void> {
    const rows = defs.map((d): DefEntity => {
      const { ownerRole, ...rest } = d;
      const row: DefEntity = { partitionKey: 'def', rowKey: codeKey(d.code), json: JSON.stringify({ ...rest, code: d.code.toLowerCase() }) };
      if (ownerRole) row.ownerRole = ownerRole;
      return row;
    });
    await this.batched(rows, 'Merge');
  }

  /** enteredAt comes from the caller's Clock (services.clock), never the wall clock. */
  async upsertValues(values: KpiValue[], enteredBy: string, enteredAt: string): Promise<void> {
    const byCode = new Map<string, ValueEntity[]>();
    for (const v of values) {
      const pk = `series|${codeKey(v.code)}`;
      byCode.set(pk, [...(byCode.get(pk) ?? []), { partitionKey: pk, rowKey: encodeKey(v.period), value: v.value, enteredAt, enteredBy }]);
    }
    for (const rows of byCode.values()) await this.batched(rows);
    // Keep the last two values on the definition row: "kpis off target" then reads one partition.
    for (const code of new Set(values.map((v) => v.code.toLowerCase()))) await this.refreshLatest(code);
  }

  /** Copy the series' last two values onto the definition row. Idempotent: safe to repeat after a crash. */
  async refreshLatest(code: string): Promise<void> {
    const series = await this.getSeries(code);
    const [previous, latest] = series.slice(-2).length === 2 ? series.slice(-2) : [undefined, series.at(-1)];
    await this.table.upsertEntity(
      { partitionKey: 'def', rowKey: codeKey(code), latestJson: JSON.stringify(latest ?? null), previousJson: JSON.stringify(previous ?? null) },
      'Merge',
    );
  }

  /** Set the role that records a KPI; conditional on the definition not having changed since it was read. */
  async setOwner(code: string, ownerRole: string): Promise<'ok' | 'notFound' | 'conflict'> {
    let e: DefEntity & { etag?: string };
    try {
      e = await this.table.getEntity<DefEntity>('def', codeKey(code));
    } catch (err) {
      if (isStatus(err, 404)) return 'notFound';
      throw err;
    }
    if (!e.json) return 'notFound';
    try {
      await this.table.updateEntity({ partitionKey: 'def', rowKey: codeKey(code), ownerRole }, 'Merge', { etag: e.etag });
      return 'ok';
    } catch (err) {
      if (isStatus(err, 412)) return 'conflict';
      throw err;
    }
  }

  /** One period's value as stored now, with the token for a conditional write. */
  async getPoint(code: string, period: string): Promise<LoadedPoint> {
    try {
      const e = await this.table.getEntity<ValueEntity>(`series|${codeKey(code)}`, encodeKey(period));
      return { point: toPoint(code, e), token: e.etag };
    } catch (err) {
      if (isStatus(err, 404)) return {};
      throw err;
    }
  }

  /**
   * Write a period's value: created if the period had none, otherwise replaced on condition that it is
   * still the value that was read, with the replaced value kept in a history row in the same
   * transaction. Nothing is written on conflict.
   */
  async savePoint(loaded: LoadedPoint, next: KpiPoint, correction?: KpiCorrection): Promise<SavePointResult> {
    const pk = `series|${codeKey(next.code)}`;
    const row: ValueEntity = { partitionKey: pk, rowKey: encodeKey(next.period), value: next.value, enteredAt: next.enteredAt, enteredBy: next.enteredBy, version: next.version ?? 1 };
    for (const k of ['enteredByName', 'note', 'source', 'lastRequestId'] as const) if (next[k] !== undefined) row[k] = next[k];
    const actions: TransactionAction[] = [loaded.point ? ['update', row, 'Replace', { etag: loaded.token }] : ['create', row]];
    if (correction) {
      const h: HistoryEntity = { partitionKey: pk, rowKey: `${HISTORY_PREFIX}${encodeKey(correction.period)}|${invertedTime(correction.at)}|${next.version ?? 1}`, ...correction };
      delete (h as Partial<KpiCorrection>).code;
      actions.push(['create', h]);
    }
    try {
      await this.table.submitTransaction(actions);
    } catch (err) {
      // 412: someone else's value landed first; 409: the period was created meanwhile.
      if (isStatus(err, 412, 409)) return { ok: false, reason: 'conflict' };
      throw err;
    }
    return { ok: true };
  }

  /**
   * A KPI's RAG moving (PK "moved", RK "<time>|<code>|<period>"), so a digest asks "what moved since"
   * with one range read. Written after the value; a repeat of the same move is the same row.
   */
  async recordMove(m: KpiMove): Promise<void> {
    await this.table.upsertEntity({ partitionKey: 'moved', rowKey: `${m.at}|${codeKey(m.code)}|${encodeKey(m.period)}|${String(m.version).padStart(6, '0')}`, ...m }, 'Replace');
  }

  async listMovesSince(sinceIso: string): Promise<KpiMove[]> {
    const out: KpiMove[] = [];
    for await (const e of this.table.listEntities<KpiMove & { partitionKey: string; rowKey: string }>({
      queryOptions: { filter: `PartitionKey eq 'moved' and RowKey ge ${odataString(sinceIso)}` },
    })) {
      out.push({ code: e.code, name: e.name, period: e.period, from: e.from, to: e.to, at: e.at, byName: e.byName, version: e.version });
    }
    return out;
  }

  /** A KPI's corrections, newest first (for one period, or all). */
  async getCorrections(code: string, period?: string): Promise<KpiCorrection[]> {
    const prefix = period ? `${HISTORY_PREFIX}${encodeKey(period)}|` : HISTORY_PREFIX;
    const out: KpiCorrection[] = [];
    for await (const e of this.table.listEntities<HistoryEntity>({
      queryOptions: { filter: `PartitionKey eq ${odataString(`series|${codeKey(code)}`)} and RowKey ge ${odataString(prefix)} and RowKey lt ${odataString(prefix + '~')}` },
    })) {
      out.push({ code: code.toLowerCase(), period: e.period, oldValue: e.oldValue, newValue: e.newValue, oldEnteredAt: e.oldEnteredAt, oldEnteredBy: e.oldEnteredBy, reason: e.reason, at: e.at, by: e.by, byName: e.byName });
    }
    return out;
  }

  async listDefinitionsWithLatest(): Promise<{ def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[]> {
    const out: { def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[] = [];
    for await (const e of this.table.listEntities<DefEntity>({ queryOptions: { filter: `PartitionKey eq 'def'` } })) {
      if (!e.json) continue; // values arrived before their definition
      out.push({
        def: toDefinition(e),
        latest: e.latestJson ? ((JSON.parse(e.latestJson) as KpiPoint | null) ?? undefined) : undefined,
        previous: e.previousJson ? ((JSON.parse(e.previousJson) as KpiPoint | null) ?? undefined) : undefined,
      });
    }
    return out;
  }

  /**
   * The definitions of the codes an action cites, each with the last two values kept on its row
   * (refreshLatest), in one query of point conditions; in the order asked, unknown codes left out.
   */
  async getDefinitionsWithLatest(codes: readonly string[]): Promise<{ def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[]> {
    const keys = [...new Set(codes.map(codeKey))];
    if (!keys.length) return [];
    const filter = `PartitionKey eq 'def' and (${keys.map((k) => `RowKey eq ${odataString(k)}`).join(' or ')})`;
    const found = new Map<string, { def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }>();
    for await (const e of this.table.listEntities<DefEntity>({ queryOptions: { filter } })) {
      if (!e.json) continue; // values arrived before their definition
      found.set(e.rowKey as string, {
        def: toDefinition(e),
        latest: e.latestJson ? ((JSON.parse(e.latestJson) as KpiPoint | null) ?? undefined) : undefined,
        previous: e.previousJson ? ((JSON.parse(e.previousJson) as KpiPoint | null) ?? undefined) : undefined,
      });
    }
    return keys.flatMap((k) => found.get(k) ?? []);
  }

  async getDefinition(code: string): Promise<KpiDefinition | undefined> {
    try {
      const e = await this.table.getEntity<DefEntity>('def', codeKey(code));
      return e.json ? toDefinition(e) : undefined;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async listDefinitions(): Promise<KpiDefinition[]> {
    const out: KpiDefinition[] = [];
    for await (const e of this.table.listEntities<DefEntity>({ queryOptions: { filter: `PartitionKey eq 'def'` } })) {
      if (e.json) out.push(toDefinition(e));
    }
    return out;
  }

  /** The whole series, oldest first. */
  async getSeries(code: string): Promise<KpiPoint[]> {
    const out: KpiPoint[] = [];
    for await (const e of this.table.listEntities<ValueEntity>({
      // History rows ("hist|…") sort after every period; a period starts with a digit.
      queryOptions: { filter: `PartitionKey eq ${odataString(`series|${codeKey(code)}`)} and RowKey lt ${odataString(HISTORY_PREFIX)}` },
    })) {
      out.push(toPoint(code, e));
    }
    return out;
  }

  private async batched(rows: (DefEntity | ValueEntity)[], mode: 'Merge' | 'Replace' = 'Replace'): Promise<void> {
    for (let i = 0; i < rows.length; i += 100) {
      await this.table.submitTransaction(rows.slice(i, i + 100).map((r): TransactionAction => ['upsert', r, mode]));
    }
  }
}

function toPoint(code: string, e: ValueEntity): KpiPoint {
  const p: KpiPoint = { code: code.toLowerCase(), period: e.rowKey, value: e.value, enteredAt: e.enteredAt, enteredBy: e.enteredBy };
  for (const k of ['enteredByName', 'note', 'source', 'lastRequestId'] as const) if (typeof e[k] === 'string') p[k] = e[k];
  if (typeof e.version === 'number') p.version = e.version;
  return p;
}

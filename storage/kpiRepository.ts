import { RestError, type TransactionAction } from '@azure/data-tables';
import type { KpiDefinition, KpiValue } from '../domain/model';
import { TABLES, type TableSet } from './tables';
import { encodeKey, odataString } from './keys';

/**
 * KPI definitions in PK "def" (RK = code): a few hundred at most, listed together for "kpis off target".
 * One partition per series, PK "series|<code>", RK = period (yyyy-mm sorts in time order), so "kpi c056"
 * is a point read plus one range read whatever the number of KPIs.
 */
type DefEntity = { partitionKey: string; rowKey: string; json: string; latestJson?: string; previousJson?: string };
type ValueEntity = { partitionKey: string; rowKey: string; value: number; enteredAt: string; enteredBy: string };

export interface KpiPoint extends KpiValue {
  enteredAt: string;
  enteredBy: string;
}

const codeKey = (code: string) => encodeKey(code.toLowerCase());

export class KpiRepository {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.kpis);
  }

  async upsertDefinitions(defs: KpiDefinition[]): Promise<void> {
    const rows = defs.map((d): DefEntity => ({ partitionKey: 'def', rowKey: codeKey(d.code), json: JSON.stringify({ ...d, code: d.code.toLowerCase() }) }));
    await this.batched(rows, 'Merge');
  }

  async upsertValues(values: KpiValue[], enteredBy: string, enteredAt = new Date().toISOString()): Promise<void> {
    const byCode = new Map<string, ValueEntity[]>();
    for (const v of values) {
      const pk = `series|${codeKey(v.code)}`;
      byCode.set(pk, [...(byCode.get(pk) ?? []), { partitionKey: pk, rowKey: encodeKey(v.period), value: v.value, enteredAt, enteredBy }]);
    }
    for (const rows of byCode.values()) await this.batched(rows);
    // Keep the last two values on the definition row: "kpis off target" then reads one partition.
    for (const code of new Set(values.map((v) => v.code.toLowerCase()))) {
      const series = await this.getSeries(code);
      const [previous, latest] = series.slice(-2).length === 2 ? series.slice(-2) : [undefined, series.at(-1)];
      await this.table.upsertEntity(
        { partitionKey: 'def', rowKey: codeKey(code), latestJson: JSON.stringify(latest ?? null), previousJson: JSON.stringify(previous ?? null) },
        'Merge',
      );
    }
  }

  async listDefinitionsWithLatest(): Promise<{ def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[]> {
    const out: { def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[] = [];
    for await (const e of this.table.listEntities<DefEntity>({ queryOptions: { filter: `PartitionKey eq 'def'` } })) {
      if (!e.json) continue; // values arrived before their definition
      out.push({
        def: JSON.parse(e.json) as KpiDefinition,
        latest: e.latestJson ? ((JSON.parse(e.latestJson) as KpiPoint | null) ?? undefined) : undefined,
        previous: e.previousJson ? ((JSON.parse(e.previousJson) as KpiPoint | null) ?? undefined) : undefined,
      });
    }
    return out;
  }

  async getDefinition(code: string): Promise<KpiDefinition | undefined> {
    try {
      const e = await this.table.getEntity<DefEntity>('def', codeKey(code));
      return e.json ? (JSON.parse(e.json) as KpiDefinition) : undefined;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async listDefinitions(): Promise<KpiDefinition[]> {
    const out: KpiDefinition[] = [];
    for await (const e of this.table.listEntities<DefEntity>({ queryOptions: { filter: `PartitionKey eq 'def'` } })) {
      if (e.json) out.push(JSON.parse(e.json) as KpiDefinition);
    }
    return out;
  }

  /** The whole series, oldest first. */
  async getSeries(code: string): Promise<KpiPoint[]> {
    const out: KpiPoint[] = [];
    for await (const e of this.table.listEntities<ValueEntity>({
      queryOptions: { filter: `PartitionKey eq ${odataString(`series|${codeKey(code)}`)}` },
    })) {
      out.push({ code: code.toLowerCase(), period: e.rowKey as string, value: e.value, enteredAt: e.enteredAt, enteredBy: e.enteredBy });
    }
    return out;
  }

  private async batched(rows: (DefEntity | ValueEntity)[], mode: 'Merge' | 'Replace' = 'Replace'): Promise<void> {
    for (let i = 0; i < rows.length; i += 100) {
      await this.table.submitTransaction(rows.slice(i, i + 100).map((r): TransactionAction => ['upsert', r, mode]));
    }
  }
}

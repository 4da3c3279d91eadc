import type { HistoryEntry } from '../domain/planItem';
import { RECENT_CHANGES } from '../domain/planItem';
import type { KeptChanges } from '../services/ports/planStore';
import { planKeys } from './planKeys';

/** A history row (hist|<ref>|<inv-ts>|<inv-version>|<m> in the plan's partition): append-only, never rewritten. */
export type HistoryEntity = {
  partitionKey: string;
  rowKey: string;
  ref: string;
  seq?: number;
  at: string;
  by: string;
  byName: string;
  source: HistoryEntry['source'];
  changesJson: string;
  commentary?: string;
  evidenceUrl?: string;
  note?: string;
};

export function historyEntity(h: HistoryEntry, version: number): HistoryEntity {
  const e: HistoryEntity = {
    partitionKey: h.planId,
    rowKey: planKeys.history(h.ref, new Date(h.at), h.seq, version),
    ref: h.ref,
    at: h.at,
    by: h.by,
    byName: h.byName,
    source: h.source,
    changesJson: JSON.stringify(h.changes),
  };
  if (h.seq !== undefined) e.seq = h.seq;
  if (h.commentary) e.commentary = h.commentary;
  if (h.evidenceUrl) e.evidenceUrl = h.evidenceUrl;
  if (h.note) e.note = h.note;
  return e;
}

export function toHistory(planId: string, r: Omit<HistoryEntity, 'partitionKey'>): HistoryEntry {
  return {
    planId,
    ref: r.ref,
    seq: r.seq ?? undefined,
    at: r.at,
    by: r.by,
    byName: r.byName,
    source: r.source,
    changes: JSON.parse(r.changesJson) as HistoryEntry['changes'],
    commentary: r.commentary,
    evidenceUrl: r.evidenceUrl,
    note: r.note,
  };
}

/*
 * Kept changes: each item row carries its own latest history rows (`recentJson`, newest first, at
 * most RECENT_CHANGES), so the action card's "last five changes" come with the one range read of
 * the action's rows instead of a second query over hist|.
 *
 * Why the copy cannot drift from the history rows: a row's copy is written in the same transaction
 * as each of its history rows, under the item's ETag, so no change of a row can land without its copy
 * moving too. The card's list is the first five, in history-row-key order (the order listHistory
 * reads), of the union of the action's and its milestones' copies. That is exact: a change a row's
 * copy dropped has five newer changes on that row, so it is not among the action's last five either.
 *
 * A row keeps none ('' or no column) when it was written before this, when an import replaced it
 * without knowing its copy, or when five changes would not fit a table property: the action's
 * history is then read from hist| as before. A copy started from hist| (seedFrom) keeps the row's
 * changes among the action's last five, which is all the union needs: older ones cannot come back.
 */

type KeptEntry = Omit<HistoryEntity, 'partitionKey'>;

/** A table string property holds 32K UTF-16 characters; a copy that would not fit is not kept. */
const MAX_KEPT_CHARS = 30_000;

export function keptOf(row: { recentJson?: string | null }): KeptChanges | undefined {
  return row.recentJson ? (row.recentJson as KeptChanges) : undefined;
}

function entries(kept: KeptChanges): KeptEntry[] {
  return JSON.parse(kept) as KeptEntry[];
}

/** The row's copy after one more change: '' (keeps none) when it would not fit. */
export function keptWith(newest: HistoryEntity | undefined, kept: KeptChanges | KeptEntry[]): string {
  const prior = typeof kept === 'string' ? entries(kept) : kept;
  const next = [...(newest ? [strip(newest)] : []), ...prior].slice(0, RECENT_CHANGES);
  const json = JSON.stringify(next);
  return json.length > MAX_KEPT_CHARS ? '' : json;
}

/** A row's copy started from the action's latest history rows: the ones that are this row's. */
export function seedFrom(actionLatest: HistoryEntity[], seq: number | undefined): KeptEntry[] {
  return actionLatest.filter((r) => (r.seq ?? undefined) === seq).map(strip);
}

const byKey = (a: KeptEntry, b: KeptEntry) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0);

/** The action's last RECENT_CHANGES changes, merged from its rows' copies (row-key order, as listHistory reads); undefined when any row keeps none. */
export function actionKept(rows: { recentJson?: string | null }[]): KeptChanges | undefined {
  const all: KeptEntry[] = [];
  for (const r of rows) {
    const kept = keptOf(r);
    if (!kept) return undefined;
    all.push(...entries(kept));
  }
  return JSON.stringify(all.sort(byKey).slice(0, RECENT_CHANGES)) as KeptChanges;
}

/** An action's kept changes as history, with a change just written (its row) in its place in the order. */
export function historyOf(planId: string, kept: KeptChanges, written?: HistoryEntity): HistoryEntry[] {
  const all = entries(kept);
  if (written) all.push(strip(written));
  return all
    .sort(byKey)
    .slice(0, RECENT_CHANGES)
    .map((e) => toHistory(planId, e));
}

/** The history row's own fields (a row read back also carries etag and timestamp). */
function strip(e: KeptEntry): KeptEntry {
  const out: KeptEntry = { rowKey: e.rowKey, ref: e.ref, at: e.at, by: e.by, byName: e.byName, source: e.source, changesJson: e.changesJson };
  if (e.seq !== undefined && e.seq !== null) out.seq = e.seq;
  if (e.commentary) out.commentary = e.commentary;
  if (e.evidenceUrl) out.evidenceUrl = e.evidenceUrl;
  if (e.note) out.note = e.note;
  return out;
}

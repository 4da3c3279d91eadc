import type { Rag } from '../domain/model';
import type { ItemState } from '../domain/planItem';
import { dueDateOf, isOpen } from '../domain/schedule';
import { RAGS, ragCounts } from '../domain/status';

/**
 * The per-plan summary row (PlanItems, PK = planId, RK "due!summary"): how many open, dated items
 * fall due on each date, by RAG. "N overdue" and the RAG mix of the overdue list are sums over the
 * dates before today, so the overdue question reads this one row and the page it shows instead of
 * every overdue row. '!' sorts before '|', so the row sits just before the due| index and one range
 * read from it returns the counts and then the oldest overdue items (PlanRepository.overdueFirst).
 *
 * Kept exact by PlanRepository.saveChange, which updates it in the same entity-group transaction
 * as the item (conditional on its ETag). Bulk import does not maintain it: every import re-stamps
 * the plan's `revision` (savePlan), and a summary built for another revision is rebuilt from the
 * due| index on the next read. (It was "summary|due" until the overdue page shared its read: a plan
 * still holding that row rebuilds the new one on its first read; savePlan deletes the old one.)
 */
export const SUMMARY_ROW = 'due!summary';
export const OLD_SUMMARY_ROW = 'summary|due';


/** date (yyyy-mm-dd) → counts in RAGS order. */
export type DueCounts = Record<string, number[]>;

export type SummaryEntity = {
  partitionKey: string;
  rowKey: string;
  /** JSON DueCounts; "" marks a summary that must be rebuilt before use. Continued in countsJson1… */
  countsJson: string;
  /** The plan revision (Plans row) the counts were built from or for. */
  revision: string;
  [more: `countsJson${number}`]: string;
};

// A string property holds at most 64 KiB (32K UTF-16 characters); a plan with dates spread over
// many years can need more, so the JSON is split over as many properties as it takes (1 MiB entity).
const CHUNK = 30_000;

export function summaryEntity(planId: string, counts: DueCounts | undefined, revision: string): SummaryEntity {
  const json = counts ? JSON.stringify(counts) : '';
  const e: SummaryEntity = { partitionKey: planId, rowKey: SUMMARY_ROW, countsJson: json.slice(0, CHUNK), revision };
  for (let i = 1; i * CHUNK < json.length; i++) e[`countsJson${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return e;
}

/** The counts a summary row holds, or undefined when it must be rebuilt. */
export function countsOf(e: SummaryEntity): DueCounts | undefined {
  if (!e.countsJson) return undefined;
  let json = e.countsJson;
  for (let i = 1; typeof e[`countsJson${i}`] === 'string'; i++) json += e[`countsJson${i}`];
  return JSON.parse(json) as DueCounts;
}

/** What an item contributes to the summary: its due date and RAG when it is open and dated. */
export function dueKeyOf(item: Pick<ItemState, 'due' | 'status' | 'rag'>): { date: string; rag: Rag } | undefined {
  const date = dueDateOf(item.due);
  return date && isOpen(item.status) ? { date, rag: item.rag } : undefined;
}

export function addTo(counts: DueCounts, key: { date: string; rag: Rag } | undefined, delta: number): void {
  if (!key) return;
  const row = (counts[key.date] ??= [0, 0, 0, 0, 0]);
  row[RAGS.indexOf(key.rag)] += delta;
  if (row.every((n) => n === 0)) delete counts[key.date];
}

/** Totals over the dates strictly before `beforeDate`. */
export function countBefore(counts: DueCounts, beforeDate: string): { total: number; rag: Record<Rag, number> } {
  const rag = ragCounts();
  let total = 0;
  for (const [date, row] of Object.entries(counts)) {
    if (date >= beforeDate) continue;
    row.forEach((n, i) => {
      rag[RAGS[i]] += n;
      total += n;
    });
  }
  return { total, rag };
}

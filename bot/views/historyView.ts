import type { HistoryEntry } from '../../domain/planItem';
import { britishDateTime, truncate } from './format';

export function historyLine(h: HistoryEntry, timeZone: string): string {
  const what = h.changes.map((c) => `${c.field} ${c.from || '—'} → ${c.to || '—'}`).join('; ');
  const item = h.seq !== undefined ? `milestone ${h.ref}.${h.seq}: ` : '';
  const note = h.commentary ? ` — “${truncate(h.commentary, 200)}”` : '';
  const evidence = h.evidenceUrl && !h.changes.some((c) => c.field === 'evidence') ? ` (evidence: ${h.evidenceUrl})` : '';
  return `${britishDateTime(h.at, timeZone)}, ${h.byName}: ${item}${what}${note}${evidence}`;
}

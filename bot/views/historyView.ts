import type { HistoryEntry } from '../../domain/planItem';
import { plainText } from './userText';
import { RAG_WORD, STATUS_TEXT, britishDate, britishDateTime, truncate } from './format';

/** Stored values are codes ("some_issues", "amber"); people read the words the cards use. */
function shown(field: string, value: string): string {
  if (!value) return '—';
  if (field === 'status' && value in STATUS_TEXT) return STATUS_TEXT[value as keyof typeof STATUS_TEXT];
  if (field === 'RAG' && value in RAG_WORD) return RAG_WORD[value as keyof typeof RAG_WORD];
  if (field === 'due' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return britishDate(value);
  return value;
}

export function historyLine(h: HistoryEntry, timeZone: string): string {
  const what = h.changes.map((c) => `${c.field} ${shown(c.field, c.from)} → ${shown(c.field, c.to)}`).join('; ');
  const item = h.seq !== undefined ? `milestone ${h.ref}.${h.seq}: ` : '';
  // A sign-off's note is the manager's, labelled as theirs, not the item's commentary.
  const signed = h.source === 'signoff' && h.note ? ` — ${h.changes.some((c) => c.field === 'status' && c.to === 'complete') ? 'Signed off' : 'Returned'} by ${plainText(h.byName)}: “${plainText(truncate(h.note, 200))}”` : '';
  const note = h.commentary ? ` — “${plainText(truncate(h.commentary, 200))}”` : signed;
  const evidence = h.evidenceUrl && !h.changes.some((c) => c.field === 'evidence') ? ` (evidence: ${plainText(h.evidenceUrl)})` : '';
  return `${britishDateTime(h.at, timeZone)}, ${plainText(h.byName)}: ${item}${plainText(what)}${note}${evidence}`;
}

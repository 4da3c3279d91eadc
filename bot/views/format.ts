import type { Due, ProgressStatus, Rag } from '../../domain/model';
import { daysBetween } from '../../domain/clock';
import { localTime } from '../../domain/workingTime';
import { formatBritishDate, formatDue } from '../../domain/dueDate';

/** "31 Oct 2026": the British short form lives with the date grammar in the domain. */
export const britishDate = formatBritishDate;

/** "31 Oct 2026", "Monthly at LSMT", "No due date". */
export const dueText = formatDue;

/** "31 Oct 2026, 14:05" in the council's zone. */
export function britishDateTime(instant: string | Date, timeZone: string): string {
  const t = localTime(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  const hhmm = `${String(Math.floor(t.minutes / 60)).padStart(2, '0')}:${String(t.minutes % 60).padStart(2, '0')}`;
  return `${britishDate(t.date)}, ${hhmm}`;
}

/** "3 days overdue", "due tomorrow", "due in 5 days", "due today". */
export function relativeDue(due: Due, status: ProgressStatus, today: string): string {
  if (due.kind !== 'date') return '';
  if (status === 'complete') return 'complete';
  const d = daysBetween(today, due.date);
  if (d === 0) return 'due today';
  if (d === 1) return 'due tomorrow';
  if (d === -1) return '1 day overdue';
  if (d < 0) return `${-d} days overdue`;
  return `due in ${d} days`;
}

// The words and symbols are the domain's (one table for cards, packs and exports); colours are the card's.
export { RAG_SYMBOL, RAG_WORD, STATUS_TEXT } from '../../domain/status';
/**
 * RAG text is drawn in the host's default text colour. Teams' "good" (#92C353) and "warning" (#F8D22A)
 * text is about 2:1 and 1.5:1 on its light theme, and "attention" (#D74654) about 3.3:1 on its dark one,
 * all under WCAG's 4.5:1 for text, and a card cannot pick its own hex colours. So the word and a symbol
 * carry RAG; colour appears only in charts, beside a legend that names it.
 * tests/accessibility.spec.ts checks every template and view against the theme values.
 */
export const RAG_COLOR: Record<Rag, string> = { red: 'Default', amber: 'Default', green: 'Default', blue: 'Default', none: 'Default' };
/** Teams chart colour names; without them every slice is a shade of purple. */
export const RAG_CHART_COLOR: Record<Rag, string> = { red: 'attention', amber: 'warning', green: 'good', blue: 'categoricalBlue', none: 'neutral' };


export function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

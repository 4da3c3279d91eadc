import type { Due, ProgressStatus, Rag } from '../../domain/model';
import { daysBetween } from '../../domain/clock';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "31 Oct 2026": the short British form, with a three-letter month (Intl's en-GB says "Sept"). */
export function britishDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "31 Oct 2026, 14:05" in the council's zone. */
export function britishDateTime(instant: string | Date, timeZone: string): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${britishDate(`${get('year')}-${get('month')}-${get('day')}`)}, ${get('hour')}:${get('minute')}`;
}

const RECURRENCE_TEXT: Record<string, string> = {
  ongoing: 'Ongoing',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  termly: 'Termly',
  six_monthly: 'Every 6 months',
  annually: 'Annually',
  bau: 'Business as usual',
};

export function dueText(due: Due): string {
  switch (due.kind) {
    case 'date':
      return britishDate(due.date) + (due.onwards ? ' onwards' : '') + (due.recurrence ? `, then ${RECURRENCE_TEXT[due.recurrence]?.toLowerCase() ?? due.recurrence}` : '');
    case 'recurring':
      return RECURRENCE_TEXT[due.recurrence] ?? due.recurrence;
    case 'none':
      return 'No due date';
  }
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

/** RAG is always a word as well as a colour, for colour-blind readers and screen readers. */
export const RAG_WORD: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Complete', none: 'No RAG' };
export const RAG_COLOR: Record<Rag, string> = { red: 'Attention', amber: 'Warning', green: 'Good', blue: 'Accent', none: 'Default' };
/** Teams chart colour names; without them every slice is a shade of purple. */
export const RAG_CHART_COLOR: Record<Rag, string> = { red: 'attention', amber: 'warning', green: 'good', blue: 'categoricalBlue', none: 'neutral' };

export const STATUS_TEXT: Record<ProgressStatus, string> = {
  complete: 'Complete',
  awaiting_signoff: 'Complete, awaiting sign-off',
  on_track: 'On track',
  some_issues: 'Some issues, recovering',
  not_on_track: 'Not on track',
  not_started: 'Not started',
  bau: 'Business as usual',
};

export function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

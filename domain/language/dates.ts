/**
 * Date windows and dates in British English ("in January", "by the end of the month", "next
 * fortnight", "before Friday", "this quarter", "31/1").
 *
 * Dates are read by chrono-node in its en-GB mode rather than by more regular expressions: it reads
 * day-first numeric dates ("31/1", "1/2/2027"), month and weekday names, casual forms ("end of the
 * month", "tomorrow") and takes a reference date, so the injected clock's today is the only "now"
 * it sees. @microsoft/recognizers-text-suite (installed by botbuilder) was the alternative; its
 * English culture is month-first for "1/2/2027" and it answers in TIMEX strings that need a second
 * parser, so chrono is the smaller and safer fit. Named windows chrono does not know ("this
 * quarter", "next fortnight") are the short table below.
 */
import * as chrono from 'chrono-node';
import { addDays, endOfMonthOf, endOfWeekOf } from '../clock';
import { formatBritishDate } from '../dueDate';
import { NUMBER_WORDS } from './text';
import { MONTH_NAME } from '../calendar';

export type DueWindow =
  | { kind: 'days'; days: number }
  | { kind: 'thisWeek' }
  | { kind: 'nextWeek' }
  | { kind: 'thisMonth' }
  | { kind: 'nextMonth' }
  /** A window read from the words, fixed against the clock's today when the question was asked. */
  | { kind: 'range'; from: string; to: string; label: string };

export type WindowReading = { ok: true; window: DueWindow; words: string } | { ok: false; words: string };

const MONTHS = MONTH_NAME.map((m) => m.toLowerCase());
const MONTH_RE = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const NUM = String.raw`(\d{1,3}|${Object.keys(NUMBER_WORDS).filter((w) => !/(st|nd|rd|th)$/.test(w)).join('|')}|a|an)`;

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : s === 'a' || s === 'an' ? 1 : NUMBER_WORDS[s]);

function monthStart(y: number, m: number): string {
  return `${y}-${String(m).padStart(2, '0')}-01`;
}

function quarterOf(today: string, offset: number): { from: string; to: string } {
  const y = Number(today.slice(0, 4));
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + offset;
  const year = y + Math.floor(q / 4);
  const firstMonth = ((q % 4) + 4) % 4 * 3 + 1;
  return { from: monthStart(year, firstMonth), to: endOfMonthOf(monthStart(year, firstMonth + 2)) };
}

const range = (from: string, to: string, label: string): DueWindow => ({ kind: 'range', from, to, label });

/**
 * Finds the window a question names. `undefined` when it names none (the caller picks its default);
 * `{ ok: false }` when it names one that cannot be read, so no default is ever put in its place.
 */
export function readWindow(text: string, today: string | undefined): WindowReading | undefined {
  const t = ` ${text} `;
  let m: RegExpMatchArray | null;
  if ((m = t.match(new RegExp(String.raw`\b(?:in|within|over|during|for)?\s*(?:the\s+)?(?:next|coming)?\s*${NUM}\s+(days?|weeks?|fortnights?|months?)\b`)))) {
    const n = num(m[1]);
    if (n !== undefined && (m[0].includes('next') || m[0].includes('coming') || /\b(in|within|over|during)\b/.test(m[0]))) {
      const unit = m[2].replace(/s$/, '');
      if (unit === 'month' && today) {
        const to = addMonths(today, n);
        return { ok: true, window: range(today, to, `in the next ${n} month${n === 1 ? '' : 's'}`), words: m[0].trim() };
      }
      const days = Math.min(366, n * (unit === 'week' ? 7 : unit === 'fortnight' ? 14 : unit === 'month' ? 30 : 1));
      return { ok: true, window: { kind: 'days', days }, words: m[0].trim() };
    }
  }
  if ((m = t.match(/\b(?:(?:this|next|the next|coming|the coming|in the next|within the next|over the next|in a|within a)\s+)fortnight\b/))) return { ok: true, window: { kind: 'days', days: 14 }, words: m[0].trim() };
  // "within 48 hours": due dates are days, so whole days, rounded up.
  if ((m = t.match(/\b(?:in|within|over|during)\s+(?:the\s+)?(?:next\s+)?(\d{1,3})\s*(?:hours?|hrs?)\b/))) return { ok: true, window: { kind: 'days', days: Math.max(1, Math.ceil(Number(m[1]) / 24)) }, words: m[0].trim() };
  if ((m = t.match(/\b(?:by |before |until |till |for )?(?:the )?end of (?:this |the )?week\b|\bthis week\b/))) return { ok: true, window: { kind: 'thisWeek' }, words: m[0].trim() };
  if ((m = t.match(/\bnext week\b/))) return { ok: true, window: { kind: 'nextWeek' }, words: m[0] };
  if ((m = t.match(/\b(?:by |before |until |till )?(?:the )?end of (?:this |the )?month\b|\bthis month\b|\brest of (?:the |this )?month\b/))) return { ok: true, window: { kind: 'thisMonth' }, words: m[0].trim() };
  if ((m = t.match(/\bnext month\b/))) return { ok: true, window: { kind: 'nextMonth' }, words: m[0] };
  if ((m = t.match(/\b(this|next|last) quarter\b|\b(?:by |before )?(?:the )?end of (?:the |this )?quarter\b/))) {
    if (!today) return { ok: false, words: m[0].trim() };
    const which = m[1] === 'next' ? 1 : m[1] === 'last' ? -1 : 0;
    const q = quarterOf(today, which);
    return { ok: true, window: range(which === 0 ? today : q.from, q.to, `${which === 1 ? 'next' : which === -1 ? 'last' : 'this'} quarter (${formatBritishDate(q.from)} to ${formatBritishDate(q.to)})`), words: m[0].trim() };
  }
  if ((m = t.match(/\b(?:by |before )?(?:the )?end of (?:the |this )?(financial year|year)\b|\bthis (financial year|year)\b/))) {
    if (!today) return { ok: false, words: m[0].trim() };
    const y = Number(today.slice(0, 4));
    const fin = (m[1] ?? m[2]).startsWith('financial');
    const to = fin ? (today.slice(5) <= '03-31' ? `${y}-03-31` : `${y + 1}-03-31`) : `${y}-12-31`;
    return { ok: true, window: range(today, to, `by ${formatBritishDate(to)}`), words: m[0].trim() };
  }
  if ((m = t.match(/\btoday\b/)) && !/\b(as at|as of)\s+today\b/.test(t)) {
    if (!today) return { ok: false, words: 'today' };
    return { ok: true, window: range(today, today, 'today'), words: 'today' };
  }

  // Month names: "in January", "during march 2027", "by Feb", "before April".
  if (/\bbetween\b/.test(t)) {
    // "between now and Christmas": both ends must be read, or the window is not understood.
    if (!today) return { ok: false, words: t.slice(t.indexOf('between')).trim() };
    const words = t.slice(t.indexOf('between')).trim();
    const parts = words.replace(/^between\s+/, '').split(/\s+(?:and|to|-)\s+/);
    const end = (p: string | undefined) => (p && /^(now|today)$/.test(p.trim()) ? today : p ? readDate(p, today) : undefined);
    const from = end(parts[0]);
    const to = end(parts[1]);
    if (parts.length !== 2 || !from || !to || to < from) return { ok: false, words };
    return { ok: true, window: range(from < today ? today : from, to, `${formatBritishDate(from)} to ${formatBritishDate(to)}`), words };
  }
  // A day and a month ("22 Nov", "30th of February"): a date for chrono below, never the whole
  // month; a day the month does not have is not read at all, so it is asked back, not guessed.
  const dayMonth = t.match(new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH_RE}\b(?:\s+(\d{4}))?`));
  if (dayMonth) {
    const month = MONTHS.findIndex((name) => name.startsWith(dayMonth[2].slice(0, 3))) + 1;
    const day = Number(dayMonth[1]);
    const year = dayMonth[3] ? Number(dayMonth[3]) : 2000; // a leap year: 29 Feb is a real day in some year
    if (day < 1 || day > Number(endOfMonthOf(monthStart(year, month)).slice(8))) {
      const lead = t.slice(0, dayMonth.index).match(/\b(?:w\/c|wc|w\/b|week commencing|week beginning|week starting|by|before|until|till|on|for)\s*$/)?.[0] ?? '';
      return { ok: false, words: `${lead}${dayMonth[0]}`.trim() };
    }
  }
  if ((m = t.match(new RegExp(String.raw`\b(?:by |before |until )?(?:the )?end of ${MONTH_RE}\b(?:\s+(\d{4}))?`)))) {
    if (!today) return { ok: false, words: m[0].trim() };
    const month = MONTHS.findIndex((name) => name.startsWith(m![1].slice(0, 3))) + 1;
    const y = Number(today.slice(0, 4));
    const year = m[2] ? Number(m[2]) : month >= Number(today.slice(5, 7)) ? y : y + 1;
    const to = endOfMonthOf(monthStart(year, month));
    return { ok: true, window: range(today, to, `by ${formatBritishDate(to)}`), words: m[0].trim() };
  }
  if (!dayMonth && (m = t.match(new RegExp(String.raw`\b(in|during|for|by|before|until|till|on|of)?\s*${MONTH_RE}\b(?:\s+(\d{4}))?(?!\s*\d|\s*\/)`))) && (m[1] || !/^(may|mar|march)$/.test(m[2]))) {
    if (!today) return { ok: false, words: m[0].trim() };
    const month = MONTHS.findIndex((name) => name.startsWith(m![2].slice(0, 3))) + 1;
    const y = Number(today.slice(0, 4));
    const thisMonth = Number(today.slice(5, 7));
    const year = m[3] ? Number(m[3]) : month >= thisMonth ? y : y + 1;
    const from = monthStart(year, month);
    const to = endOfMonthOf(from);
    const name = `${MONTHS[month - 1][0].toUpperCase()}${MONTHS[month - 1].slice(1)} ${year}`;
    const prep = m[1];
    if (prep === 'before') return { ok: true, window: range(today, addDays(from, -1), `before ${name}`), words: m[0].trim() };
    if (prep === 'by' || prep === 'until' || prep === 'till') return { ok: true, window: range(today, to, `by the end of ${name}`), words: m[0].trim() };
    return { ok: true, window: range(from < today && to >= today ? today : from, to, `in ${name}`), words: m[0].trim() };
  }

  // Christmas: "before Christmas" runs to Christmas Eve, "by Christmas" to Christmas Day, of the
  // next Christmas from today.
  if ((m = t.match(/\b(before|by|until|till|for|at|over)?\s*(?:the )?christmas(?: break| holidays?)?\b/))) {
    if (!today) return { ok: false, words: m[0].trim() };
    const y = Number(today.slice(0, 4));
    const day = today.slice(5) <= '12-25' ? `${y}-12-25` : `${y + 1}-12-25`;
    if (m[1] === 'before') return { ok: true, window: range(today, addDays(day, -1), `before Christmas (${formatBritishDate(addDays(day, -1))})`), words: m[0].trim() };
    if (m[1] === 'by' || m[1] === 'until' || m[1] === 'till') return { ok: true, window: range(today, day, `by Christmas (${formatBritishDate(day)})`), words: m[0].trim() };
    return { ok: false, words: m[0].trim() };
  }

  // Anything else date-like: chrono reads it day-first against the clock's today.
  if (!today) return undefined;
  const ref = new Date(`${today}T12:00:00`);
  const found = chrono.en.GB.parse(text, ref, { forwardDate: true });
  for (const r of found) {
    if (/^(now|right now|at the moment)$/i.test(r.text.trim())) continue;
    // A time of today ("this afternoon", "tonight") says when someone is asking, not a window.
    if (/^(?:this |later )?(?:morning|afternoon|evening|tonight|lunchtime)$/i.test(r.text.trim())) continue;
    // "in a few weeks", "in a couple of months": no dates to read, so asked back rather than guessed.
    if (/\b(few|couple|several|some)\b/i.test(r.text)) return { ok: false, words: r.text.trim() };
    const before = text.slice(0, r.index).trimEnd();
    const prep = before.match(/\b(by|before|until|till|on|for|due)$/)?.[1];
    const date = iso(r.start.date());
    // "w/c 22 Nov", "week commencing 22/11": that week, Monday to Sunday, from the day named.
    const wc = before.match(/\b(?:w\/c|wc|w\/b|week commencing|week beginning|week starting|the week of|week of)$/)?.[0];
    if (wc) return { ok: true, window: range(date, addDays(date, 6), `the week commencing ${formatBritishDate(date)}`), words: `${wc} ${r.text}` };
    const words = `${prep && prep !== 'due' ? prep + ' ' : ''}${r.text}`;
    if (prep === 'before') return date <= today ? { ok: false, words } : { ok: true, window: range(today, addDays(date, -1), `before ${formatBritishDate(date)}`), words };
    if (prep === 'by' || prep === 'until' || prep === 'till') return date < today ? { ok: false, words } : { ok: true, window: range(today, date, `by ${formatBritishDate(date)}`), words };
    if (r.end) return { ok: true, window: range(date, iso(r.end.date()), `${formatBritishDate(date)} to ${formatBritishDate(iso(r.end.date()))}`), words };
    return { ok: true, window: range(date, date, `on ${formatBritishDate(date)}`), words };
  }
  return undefined;
}

function addMonths(today: string, n: number): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  const month = (m % 12) + 1;
  const last = Number(endOfMonthOf(monthStart(year, month)).slice(8));
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(last, Number(today.slice(8)))).padStart(2, '0')}`;
}

/** One date, for revised due dates typed in chat ("31 Jan 2027", "31/1/2027", "end of March"). */
export function readDate(text: string, today: string): string | undefined {
  const t = text.trim();
  const monthOnly = t.match(new RegExp(String.raw`^(?:end of\s+)?${MONTH_RE}\s+(\d{4})$`, 'i'));
  if (monthOnly) {
    const month = MONTHS.findIndex((name) => name.startsWith(monthOnly[1].toLowerCase().slice(0, 3))) + 1;
    return endOfMonthOf(monthStart(Number(monthOnly[2]), month));
  }
  const r = chrono.en.GB.parse(t, new Date(`${today}T12:00:00`), { forwardDate: true })[0];
  if (!r || r.index > 0 || r.text.length < t.length - 1) return undefined;
  return iso(r.start.date());
}

export { endOfWeekOf };

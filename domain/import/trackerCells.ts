import type { ProgressStatus, Rag } from '../model';
import { endOfMonth, parseDue, type DueResult } from '../dueDate';
import { parseStatus, type StatusResult } from '../status';
import { monthOfPrefix } from '../calendar';

/**
 * The phrasing real trackers use that the core date and status readers refuse on their own, read
 * here only where the meaning is clear: a range means its end, a financial-year quarter has fixed
 * months, a week commencing ends on its Friday, and a status key printed on the sheet says what
 * its letters mean.
 */

export type StatusKey = ReadonlyMap<string, { status: ProgressStatus; rag: Rag; label: string }>;

const norm = (s: string) => s.replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * A status key row: "Key: B = complete, G = on track, A = some issues, R = off track" (also with
 * ":" or "-" between a code and its meaning, separated by commas, semicolons or line breaks).
 * Returns undefined when the text is not a key.
 */
export function parseStatusKey(text: string): StatusKey | undefined {
  const m = /^\s*(?:status\s+)?key\s*[:\-–]?\s*(.+)$/is.exec(text);
  if (!m) return undefined;
  const key = new Map<string, { status: ProgressStatus; rag: Rag; label: string }>();
  for (const part of m[1].split(/[,;\n|]+/)) {
    const pm = /^\s*([A-Za-z0-9]{1,12})\s*(?:=|:|-|–|—)\s*(.+?)\s*$/.exec(part);
    if (!pm) continue;
    const meaning = readStatusWords(pm[2]);
    if (meaning.ok) key.set(norm(pm[1]), { status: meaning.status, rag: meaning.rag, label: pm[2] });
  }
  return key.size > 0 ? key : undefined;
}

/** Footers and notes below a plan that name no action: never a priority, never an action. */
export function isFooterText(text: string): boolean {
  return /^\s*(?:(?:status\s+)?key\b|document (?:owner|author|version|control)|version\s*(?:no\.?|number)?\s*[:\d]|last reviewed|date of (?:last )?review|next review|approved by|owner\s*:|author\s*:|notes?\s*:|source\s*:|page \d)/i.test(
    text,
  );
}

/** Status words that need the context of a tracker: plain "At risk", "Achieved", "Green – on track". */
function readStatusWords(raw: string): StatusResult {
  const direct = parseStatus(raw);
  if (direct.ok) return direct;
  const s = norm(raw).replace(/[.;,]+$/, '');
  if (/^(?:achieved|delivered|closed|met)$/.test(s)) return { ok: true, status: 'complete', rag: 'blue' };
  if (/^(?:at risk|some risk|slipping|delayed)$/.test(s)) return { ok: true, status: 'some_issues', rag: 'amber' };
  // Work under way, with no colour given: the status says so, and no RAG is made up for it.
  if (/^(?:in progress|ongoing|progressing)$/.test(s)) {
    return { ok: true, status: 'on_track', rag: 'none', note: `"${raw.trim()}" gives no RAG colour; read as in progress (On track) with no RAG` };
  }
  if (/^(?:off target|significant risk|not achieved|overdue)$/.test(s)) return { ok: true, status: 'not_on_track', rag: 'red' };
  // A colour with its meaning, "Green - on track", "Amber (some issues)": the colour decides, and
  // the words must not contradict it.
  const m = /^(blue|green|amber|red|b|g|a|r)\s*(?:-|:|\(|—)\s*(.+?)\)?$/.exec(s);
  if (m) {
    const colour = parseStatus(m[1]);
    const words = readStatusWords(m[2]);
    // Both given: the words say where the work is, the colour how it is rated ("Amber - on track").
    if (colour.ok && words.ok) return { ok: true, status: words.status, rag: colour.rag };
    if (colour.ok) return colour;
  }
  return direct;
}

/** A status cell, read with the sheet's key first when the sheet has one. */
export function readTrackerStatus(raw: string, key?: StatusKey): StatusResult {
  const k = key?.get(norm(raw).replace(/[.;,]+$/, ''));
  if (k) return { ok: true, status: k.status, rag: k.rag };
  return readStatusWords(raw);
}

const monthOf = monthOfPrefix;

/**
 * A due cell, with the tracker phrasings rewritten into what parseDue reads:
 * "By end of Q4 2020/21" → 31 Mar 2021 (financial-year quarters: Q1 Apr–Jun … Q4 Jan–Mar);
 * "w/c 12/10/2020" → Friday 16 Oct 2020 (the working week it commences);
 * "Oct–Dec 2020" → 31 Dec 2020 (a range is due by its end).
 */
export function readTrackerDue(raw: string): DueResult {
  const direct = parseDue(raw);
  if (direct.ok) return direct;
  const s = norm(raw)
    .replace(/[.;,]+$/, '')
    .replace(/^(?:due\s+)?(?:by\s+)?(?:the\s+)?(?:end\s+of\s+)/, '')
    .replace(/^by\s+/, '');
  let m: RegExpExecArray | null;
  if ((m = /^q([1-4])\s*(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$/.exec(s))) {
    const start = Number(m[2]);
    const endYear = m[3].length === 2 ? Math.floor(start / 100) * 100 + Number(m[3]) : Number(m[3]);
    if (endYear !== start + 1) return direct;
    const q = Number(m[1]);
    const [y, mo] = q === 4 ? [start + 1, 3] : [start, 3 + q * 3];
    return { ok: true, due: { kind: 'date', date: endOfMonth(y, mo) }, note: `end of Q${q} of financial year ${m[2]}/${m[3]}` };
  }
  if ((m = /^w\/?c\.?\s+(.+)$/.exec(s)) || (m = /^week commencing\s+(.+)$/.exec(s))) {
    const start = parseDue(m[1]);
    if (start.ok && start.due.kind === 'date') {
      const d = new Date(start.due.date + 'T00:00:00Z');
      if (d.getUTCDay() === 1) {
        d.setUTCDate(d.getUTCDate() + 4);
        return { ok: true, due: { kind: 'date', date: d.toISOString().slice(0, 10) }, note: `end of the week commencing ${m[1]}` };
      }
      return { ok: false, reason: `"${raw.trim()}" is a week commencing a day that is not a Monday` };
    }
  }
  if ((m = /^([a-z]+)\s*(?:-|to|until)\s*([a-z]+)\.?\s+(\d{4})$/.exec(s))) {
    const a = monthOf(m[1]);
    const b = monthOf(m[2]);
    if (a !== undefined && b !== undefined) {
      // "Nov–Feb 2021": the range crosses a year end, and the year is the end's.
      return { ok: true, due: { kind: 'date', date: endOfMonth(Number(m[3]), b) }, note: `end of the range ${raw.trim()}` };
    }
  }
  if ((m = /^(.+?)\s*(?:-|to|until)\s*(\d{1,2}\/\d{1,2}\/\d{2,4}|\d{1,2}\s+[a-z]+\s+\d{4}|[a-z]+\s+\d{4})$/.exec(s))) {
    const end = parseDue(m[2]);
    const begin = parseDue(m[1]);
    if (end.ok && begin.ok && end.due.kind === 'date') return { ok: true, due: end.due, note: `end of the range ${raw.trim()}` };
  }
  return direct;
}

export interface LastUpdated {
  /** ISO calendar date of the latest commentary. */
  date?: string;
  by?: string;
}

/**
 * A "Last updated" cell: a date, optionally followed by who ("12/10/2020 – J Patel",
 * "14 Oct 2020 (Head of Service)"), or a person alone when the date sits in its own column.
 */
export function readLastUpdated(raw: string): { ok: true; value: LastUpdated } | { ok: false; reason: string } {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return { ok: true, value: {} };
  const whole = parseDue(text);
  if (whole.ok && whole.due.kind === 'date') return { ok: true, value: { date: whole.due.date } };
  const words = text.split(' ');
  for (let n = Math.min(words.length - 1, 4); n >= 1; n--) {
    const head = parseDue(words.slice(0, n).join(' '));
    if (head.ok && head.due.kind === 'date') {
      const by = words
        .slice(n)
        .join(' ')
        .replace(/^(?:by\s+|[-–—:,(]\s*)+/i, '')
        .replace(/\)$/, '')
        .trim();
      return { ok: true, value: by ? { date: head.due.date, by } : { date: head.due.date } };
    }
  }
  return { ok: false, reason: `"${text}" does not start with a date` };
}

/** Named fill colours that trackers use for RAG, read from the cell's ARGB fill. */
export function ragOfFill(argb: string | undefined): { rag: Rag; status: ProgressStatus; colour: string } | undefined {
  if (!argb || !/^[0-9A-Fa-f]{6,8}$/.test(argb)) return undefined;
  const hex = argb.slice(-6);
  const r = parseInt(hex.slice(0, 2), 16);
  const g = parseInt(hex.slice(2, 4), 16);
  const b = parseInt(hex.slice(4, 6), 16);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 40) return undefined; // white, greys, black: no colour, so no rating
  let rag: Rag;
  if (b === max && b > r + 30) rag = 'blue';
  else if (g === max && g > r + 30) rag = 'green';
  else if (r === max && g >= 0x80 && g > b + 40) rag = 'amber';
  else if (r === max && (g < 0x80 || (g < r - 40 && b < r - 40))) rag = 'red';
  else return undefined;
  const name = { red: 'red', amber: 'amber', green: 'green', blue: 'blue', none: 'none' }[rag];
  return { rag, status: statusForRag(rag), colour: `${name} (#${hex.toUpperCase()})` };
}

function statusForRag(rag: Rag): ProgressStatus {
  return rag === 'blue' ? 'complete' : rag === 'green' ? 'on_track' : rag === 'amber' ? 'some_issues' : rag === 'red' ? 'not_on_track' : 'not_started';
}

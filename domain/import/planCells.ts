import { findKpiCode, knownCodesIn, shapedCodesIn } from '../kpiCodes';

/**
 * Reading the text inside single plan cells: priority labels, refs, outcome lists, the
 * "Overarching action / Milestone N" blocks of the 2016-style plans, KPI codes.
 */

/** Collapses all whitespace, including line breaks, for one-line fields such as titles. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
];

export interface PriorityLabel {
  /** The number the label carries ("Priority One" → "1", "1.2 …" → "1.2"), when it carries one. */
  ref?: string;
  title: string;
}

/**
 * "Priority One: Leadership will…" → 1 / "Leadership will…"; "Recommendation 2" → 2 / "Recommendation 2";
 * "2.2. Audit frameworks…" → 2.2 / "Audit frameworks…"; "LA recommendations – Misc" → no number.
 */
export function parsePriorityLabel(label: string): PriorityLabel {
  const text = oneLine(label);
  const words = NUMBER_WORDS.join('|');
  let m = new RegExp(`^(?:priority|recommendation|theme|objective|outcome|area)\\s+(\\d+|${words})\\b\\s*[:.\\-–—]?\\s*(.*)$`, 'i').exec(text);
  if (m) {
    const n = /^\d+$/.test(m[1]) ? m[1] : String(NUMBER_WORDS.indexOf(m[1].toLowerCase()));
    return { ref: n, title: m[2] || text };
  }
  if ((m = /^(\d+(?:\.\d+)*)\.?\s+(\S.*)$/.exec(text))) return { ref: m[1], title: m[2] };
  if ((m = /^(\d+(?:\.\d+)*)\.?$/.exec(text))) return { ref: m[1], title: text };
  return { title: text };
}

/**
 * A short key for a priority label with no number, to prefix refs that restart under it:
 * "LA recommendations – Misc" → "LA-Misc", so its Ref 1 becomes "LA-Misc.1".
 */
export function priorityKey(label: string): string {
  const words = oneLine(label)
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '' && !/^(?:recommendations?|priorit(?:y|ies)|themes?)$/i.test(w));
  const key = words
    .slice(0, 3)
    .map((w) => w.slice(0, 12))
    .join('-');
  // The ref grammar (domain/refs.ts) needs a prefix to start with a letter.
  return key === '' ? 'P' : /^[A-Za-z]/.test(key) ? key : `P-${key}`;
}

/** Tidies a ref cell: "1." → "1", inner spaces removed ("1. 2" → "1.2"). */
export function tidyRef(raw: string): string {
  return oneLine(raw).replace(/\s*\.\s*/g, '.').replace(/\.+$/, '');
}

/** Bijective base-26 letters: 1 → a, 2 → b, … 26 → z, 27 → aa. */
export function letters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * Splits "A. / B. / C." into its parts only when every part reads as its own statement: at least
 * two words each and every later part starting with a capital or digit. That keeps prose such as
 * "Processes / systems / working practices will…" or "communication / updates regarding…" whole.
 */
export function splitSlashList(text: string): string[] {
  const parts = text.split(/\s+\/\s+/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length < 2) return parts;
  const statements = parts.every((p, i) => p.split(/\s+/).length >= 2 && (i === 0 || /^[A-Z0-9"'(‘“]/.test(p)));
  return statements ? parts : [text.trim()];
}

/** Outcome cells: bulleted lines become separate outcomes, other line breaks are wrapping; then " / " lists. */
export function splitOutcomes(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return [];
  const bullet = /^[•\-*·■▪–]\s*/;
  const chunks = lines.length > 1 && lines.every((l) => bullet.test(l)) ? lines.map((l) => l.replace(bullet, '')) : [oneLine(text)];
  return chunks.flatMap(splitSlashList);
}

/** Non-blank lines of a cell, for the parallel date and owner lines of milestone plans. */
export function cellLines(text: string): string[] {
  return text.split('\n').map((l) => oneLine(l)).filter((l) => l !== '');
}

export interface EmbeddedMilestones {
  title: string;
  milestones: { label: number; text: string }[];
}

const OVERARCHING = /^\s*Overarching\s+(?:action|aim)\s*[:;.\-–]?\s*/i;
const MARKER = /(^|\s)Milestone\s*(\d+)\s*[:;.\-–]\s*/gi;

/**
 * "Overarching action: X\nMilestone 1: Y\nMilestone 2: Z" → title X and milestones Y, Z. Markers
 * may also sit mid-line ("…requirements Milestone 2: Ask…"). Lines under a milestone that are not
 * markers continue it. Returns undefined for ordinary action text.
 */
export function splitEmbeddedMilestones(text: string): EmbeddedMilestones | undefined {
  const markers = [...text.matchAll(MARKER)];
  if (markers.length === 0 && !OVERARCHING.test(text)) return undefined;
  const titleEnd = markers.length > 0 ? (markers[0].index ?? 0) + markers[0][1].length : text.length;
  const title = oneLine(text.slice(0, titleEnd).replace(OVERARCHING, ''));
  const milestones = markers.map((mk, i) => {
    const start = (mk.index ?? 0) + mk[0].length;
    const next = markers[i + 1];
    const end = next ? (next.index ?? 0) + next[1].length : text.length;
    const body = cellLines(text.slice(start, end)).join('\n');
    return { label: Number(mk[2]), text: body };
  });
  return { title, milestones };
}

/**
 * KPI codes mentioned in text, in their stored form, unique, in order of appearance:
 * - with `known` (the codes of the KPIs defined), each of those written in any spacing or case
 *   ("NI062", "ni 062", "CSC 07"); codes without a digit are not looked for, being words too;
 * - the shapes of domain/kpiCodes shapedCodesIn: the cNNN family, "NI 062", "PI-12", "KPI 4.1",
 *   "SH.KPI.3" (where a known code covers the same words, the known code is taken);
 * - DfE adoption scorecard indicators cited as "Adoption Scorecard 16-19, A2" (→ a2), which
 *   kpis.csv defines as a2 and a10. A bare "A2" elsewhere is not taken: too many things are A2.
 * Action refs ("2.4") and ordinary words are never codes.
 */
export function kpiCodesIn(texts: readonly string[], known: readonly string[] = []): string[] {
  const found: { at: number; code: string }[] = [];
  texts.forEach((text, t) => {
    const base = t * 1_000_000;
    const mine = knownCodesIn(text, known);
    for (const f of mine) found.push({ at: base + f.index, code: f.code });
    for (const f of shapedCodesIn(text)) {
      if (mine.some((k) => f.index < k.index + k.length && k.index < f.index + f.length)) continue;
      found.push({ at: base + f.index, code: findKpiCode(f.code, known) ?? f.code });
    }
    for (const m of text.matchAll(/\bAdoption Scorecard\b[^)]*?\bA(\d{1,2})\b/gi)) {
      found.push({ at: base + (m.index ?? 0) + m[0].length, code: `a${Number(m[1])}` });
    }
  });
  found.sort((x, y) => x.at - y.at);
  return [...new Set(found.map((f) => f.code))];
}

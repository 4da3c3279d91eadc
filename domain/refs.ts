/**
 * One grammar for action refs, shared by the importer (which must only produce refs people can
 * type), the chat parser, typed commands and the card-data validators (which must accept exactly
 * what the importer produces).
 *
 * A ref is an optional prefix, then a dotted number with an optional letter suffix:
 *   "2.4", "3.10", "1.3.6", "1.1.1b"  plain council numbering (letters mark later actions under one ref);
 *   "2.1.3"                            also milestone 3 of action 2.1 in layouts with two-part refs;
 *   "SH-1.2a"                          a council's own prefix joined by "-";
 *   "LA-Misc.1"                        a prefix the importer made from an unnumbered priority, joined by ".";
 *   "ASC01", "C01", "QS2", "M1"        letters written straight before the number (adult social care
 *                                      and SEND trackers): kept as the file writes them.
 * A prefix is up to three words of letters and digits joined by "-", the first starting with a
 * letter, so it never reads as part of the number. Refs compare without regard to case: people
 * type "sh-1.2a" as readily as "SH-1.2A".
 */

const WORD = '[A-Za-z][A-Za-z0-9]{0,11}';
const TAIL_WORD = '[A-Za-z0-9]{1,12}';
const PREFIX = `${WORD}(?:-${TAIL_WORD}){0,2}[-.]`;
const NUMBER = String.raw`\d{1,3}(?:\.\d{1,3}){0,3}[a-zA-Z]{0,2}`;
/** Up to five letters joined straight to the number: "ASC01", "QS2", "C01". */
const GLUED = '[A-Za-z]{1,5}';

/** Regex source for a ref with no anchors or flags, to embed in larger patterns (use the i flag). */
export const REF_SOURCE = `(?:${PREFIX})?(?:${GLUED})?${NUMBER}`;

/** Priority refs: a ref, or a prefix key on its own ("3", "1.3", "LA-Misc"). */
export const PRIORITY_REF_SOURCE = `(?:${REF_SOURCE}|${WORD}(?:-${TAIL_WORD}){1,2})`;

/** Longest ref the grammar allows; card data and table keys rely on it. */
export const MAX_REF_LENGTH = 48;

const WHOLE = new RegExp(`^${REF_SOURCE}$`, 'i');

export function isRef(text: string): boolean {
  return text.length <= MAX_REF_LENGTH && WHOLE.test(text);
}

/** The form two refs are compared in: "sh-1.2a" and "SH-1.2A" are the same action. */
export function refKey(ref: string): string {
  return ref.toLowerCase();
}

/**
 * Refs inside a sentence, as typed. In running text a prefix must carry a hyphen ("SH-1.2",
 * "LA-Misc.1") so ordinary words next to a number ("in.2") are never read as refs, and a bare
 * number needs a dot ("2.4") so "14 days" or "priority 3" stay numbers. Letters glued to a number
 * ("ASC03", "QS2") are a ref only straight after "action", "ref", "milestone" or "item": on their
 * own they are as often a KPI code ("c056"), a quarter ("Q3") or a key stage ("KS2").
 */
const IN_TEXT = new RegExp(
  String.raw`(?<![\w.-])((?:${WORD}(?:-${TAIL_WORD}){0,2}-|${WORD}(?:-${TAIL_WORD}){1,2}\.)${NUMBER}|\d{1,3}(?:\.\d{1,3}){1,3}[a-zA-Z]{0,2}|(?<=\b(?:action|ref|milestone|item)\s+)${GLUED}${NUMBER})(?![\w-]|\.\d)`,
  'gi',
);

export function refsInText(text: string): { ref: string; index: number }[] {
  return [...text.matchAll(IN_TEXT)].map((m) => ({ ref: m[1], index: m.index ?? 0 }));
}

/**
 * The nearest ref in the grammar to a ref cell as written, or undefined when there is none:
 * "SH 1.2a" → "SH-1.2a", "1(a)" → "1a", "A/1" → "A-1", "1.2.A" → "1.2a".
 */
export function coerceRef(raw: string): string | undefined {
  if (isRef(raw)) return raw;
  const tidy = raw
    .trim()
    .replace(/\(([a-z])\)/gi, '$1')
    .replace(/\.([a-z])$/i, '$1')
    .replace(/[\s/_:]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return isRef(tidy) ? tidy : undefined;
}

/**
 * A string whose plain (code-unit) order is the order lists show refs in (planQueries naturalRef:
 * number by number, "2.4" before "2.10", letters without regard to case) for refs of this grammar:
 * lower case, each run of digits padded to ten. Index keys use it, so a range read comes back in
 * the order a list shows and a page can be cut from its first rows.
 */
export function refOrderKey(ref: string): string {
  return ref.toLowerCase().replace(/\d+/g, (d) => d.replace(/^0+(?=\d)/, '').padStart(10, '0'));
}

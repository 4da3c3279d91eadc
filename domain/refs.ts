/**
 * One grammar for action refs, shared by the importer (which must only produce refs people can
 * type), typed commands and the card-data validators (which must accept exactly what the importer
 * produces).
 *
 * A ref is an optional prefix, then a dotted number with an optional letter suffix:
 *   "2.4", "1.1.1b"            plain council numbering (letters mark later actions under one ref);
 *   "SH-1.2a"                  a council's own prefix joined by "-";
 *   "LA-Misc.1"                a prefix the importer made from an unnumbered priority, joined by ".".
 * A prefix is up to three words of letters and digits joined by "-", the first starting with a
 * letter, so it never reads as part of the number. Refs compare without regard to case: people
 * type "sh-1.2a" as readily as "SH-1.2A".
 *
 * Minimal version written by the trackers branch so the import can validate against it; the nlu
 * branch owns it and may extend it (keep REF_SOURCE accepting everything isRef accepts today).
 */

const WORD = '[A-Za-z][A-Za-z0-9]{0,11}';
const TAIL_WORD = '[A-Za-z0-9]{1,12}';
const PREFIX = `${WORD}(?:-${TAIL_WORD}){0,2}[-.]`;
const NUMBER = String.raw`\d{1,3}(?:\.\d{1,3}){0,3}[a-zA-Z]{0,2}`;

/** Regex source for a ref with no anchors or flags, to embed in larger patterns (use the i flag). */
export const REF_SOURCE = `(?:${PREFIX})?${NUMBER}`;

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

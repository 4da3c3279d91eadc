/**
 * The one grammar for action, milestone and priority refs, in every scheme the import produces:
 *   "3.10", "1.3.6" (Sefton's three-part refs), "2.1.3" (a milestone of 2.1), "2.1a" (a repeated
 *   ref given the next letter), "SH-1.2a" and "LA-Misc.1" (refs under a priority with no number,
 *   prefixed by its key, see domain/import/planCells.priorityKey).
 * Card data validators and the chat parser both use this, so a ref the import wrote can always be
 * asked about and opened from a button.
 */
const NUMERIC = String.raw`\d{1,4}[a-z]{0,2}(?:\.\d{1,4}[a-z]{0,2}){0,5}`;
/** A key prefix: words joined by hyphens, then "-" or "." before the number ("SH-", "LA-Misc."). */
const PREFIX = String.raw`[A-Za-z][A-Za-z0-9]{0,19}(?:-[A-Za-z0-9]{1,20}){0,3}[-.]`;

export const REF_SOURCE = String.raw`(?:${PREFIX})?${NUMERIC}`;
/** Priority refs are the same grammar without the trailing number: "3", "1.3", "LA-Misc". */
export const PRIORITY_REF_SOURCE = String.raw`(?:${REF_SOURCE}|[A-Za-z][A-Za-z0-9]{0,19}(?:-[A-Za-z0-9]{1,20}){1,3})`;

const WHOLE_REF = new RegExp(`^${REF_SOURCE}$`, 'i');
const WHOLE_PRIORITY = new RegExp(`^${PRIORITY_REF_SOURCE}$`, 'i');

export const MAX_REF_LENGTH = 40;

export function isRef(s: string): boolean {
  return s.length <= MAX_REF_LENGTH && WHOLE_REF.test(s);
}

export function isPriorityRef(s: string): boolean {
  return s.length <= MAX_REF_LENGTH && WHOLE_PRIORITY.test(s);
}

/**
 * Refs inside a sentence, as typed. A prefixed ref must carry a hyphen in its prefix ("LA-Misc.1",
 * "SH-1.2") so that ordinary words next to a number ("in.2") are never read as refs; a bare numeric
 * ref needs a dot ("2.4") so that "14 days" or "priority 3" are numbers, not refs.
 */
const IN_TEXT = new RegExp(
  String.raw`(?<![\w.-])((?:[a-z][a-z0-9]{0,19}(?:-[a-z0-9]{1,20}){0,3}-|[a-z][a-z0-9]{0,19}(?:-[a-z0-9]{1,20}){1,3}\.)${NUMERIC}|\d{1,4}[a-z]{0,2}(?:\.\d{1,4}[a-z]{0,2}){1,5})(?![\w-]|\.\d)`,
  'gi',
);

export function refsInText(text: string): { ref: string; index: number }[] {
  return [...text.matchAll(IN_TEXT)].map((m) => ({ ref: m[1], index: m.index ?? 0 }));
}

/** Case-insensitive comparison key: refs are stored as the plan printed them ("LA-Misc.1"). */
export function refKey(ref: string): string {
  return ref.toLowerCase();
}

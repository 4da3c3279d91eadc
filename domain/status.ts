import type { ProgressStatus, Rag } from './model';

/**
 * Every progress vocabulary the councils use, read into one ProgressStatus and one Rag.
 *
 * The table below is the single source of truth. Matching is on a normalised cell: lower case,
 * curly quotes straightened, dashes unified, whitespace collapsed, trailing full stop dropped.
 * The long Sefton phrases must match whole (with their known endings only), so a cell that runs a
 * status into something else, "Activity progressing, … recover January 2023", is not taken as
 * a status: the importer splits such cells itself and must not lose the date.
 *
 * | written in the plan                                                            | status         | rag   |
 * |--------------------------------------------------------------------------------|----------------|-------|
 * | Sefton 1: "Action complete" (also "Action Complete", "Actions completed")       | complete       | blue  |
 * | Sefton 2: "Action(s) not yet completed, but on track [and will be completed…]"  | on_track       | green |
 * | Sefton 3: "Activity progressing, some issues [but realistic plans…]"            | some_issues    | amber |
 * | Sefton 4: "Action not on track, risk to implementation"                         | not_on_track   | red   |
 * | Sefton 5: "Longer-term action not yet started[. No risk…]"                      | not_started    | none  |
 * | Sefton 6: "Business As Usual Activity[ - quarterly/annual monitoring]"          | bau            | none  |
 * | 1 2 3 4 5 6 (the same scale by number)                                          | as above       |       |
 * | Complete, Completed, Done                                                       | complete       | blue  |
 * | Blue, B (BRAG's "complete")                                                     | complete       | blue  |
 * | Awaiting sign-off (also "Complete - awaiting sign off")                        | awaiting_signoff | green |
 * | Green, G, On track                                                              | on_track       | green |
 * | Amber, A, Some issues                                                           | some_issues    | amber |
 * | Red, R, Not on track, Off track                                                 | not_on_track   | red   |
 * | Not started, Not yet started                                                    | not_started    | none  |
 * | BAU, Business as usual                                                          | bau            | none  |
 * | Two colours joined, "Amber/Red", "G/A", "Red-Amber"                             | the WORSE one  |       |
 *
 * Two colours are read as the worse of the pair: a status exists to make people look, and an
 * item someone has already called partly red should not be filed as amber. Awaiting sign-off is
 * green rather than blue because nobody has yet confirmed the work is complete.
 */

interface StatusRule {
  test: RegExp;
  status: ProgressStatus;
  rag: Rag;
}

const STATUS_TABLE: readonly StatusRule[] = [
  // Sefton's six-level scale, verbatim and the variants seen in the wild.
  { test: /^actions? (?:is )?complete(?:d)?$/, status: 'complete', rag: 'blue' },
  { test: /^actions? not yet complete(?:d)?,? but on track(?: and will be completed by (?:the )?milestone)?$/, status: 'on_track', rag: 'green' },
  { test: /^activity progressing,? some issues(?:,? but realistic plans in place to recover)?$/, status: 'some_issues', rag: 'amber' },
  { test: /^actions? not on track,? risk to implementation$/, status: 'not_on_track', rag: 'red' },
  { test: /^longer[- ]term action not yet started(?:\.? no risk to implementation currently anticipated)?$/, status: 'not_started', rag: 'none' },
  { test: /^business as usual(?: activity)?(?: - (?:\w+ )?monitoring)?$/, status: 'bau', rag: 'none' },
  // The same scale by number.
  { test: /^1$/, status: 'complete', rag: 'blue' },
  { test: /^2$/, status: 'on_track', rag: 'green' },
  { test: /^3$/, status: 'some_issues', rag: 'amber' },
  { test: /^4$/, status: 'not_on_track', rag: 'red' },
  { test: /^5$/, status: 'not_started', rag: 'none' },
  { test: /^6$/, status: 'bau', rag: 'none' },
  // Plain words and RAG/BRAG colours.
  { test: /^(?:complete|completed|done)$/, status: 'complete', rag: 'blue' },
  { test: /^(?:blue|b)$/, status: 'complete', rag: 'blue' },
  { test: /^(?:(?:complete(?:d)?|action complete(?:d)?)\s*[-,]\s*)?awaiting sign[- ]?off$/, status: 'awaiting_signoff', rag: 'green' },
  { test: /^(?:green|g|on track)$/, status: 'on_track', rag: 'green' },
  { test: /^(?:amber|a|some issues(?:,? recovering)?)$/, status: 'some_issues', rag: 'amber' },
  { test: /^(?:red|r|not on track|off track)$/, status: 'not_on_track', rag: 'red' },
  { test: /^(?:not started|not yet started)$/, status: 'not_started', rag: 'none' },
  { test: /^(?:bau|business as usual)$/, status: 'bau', rag: 'none' },
];

/** Every RAG value, worst first: the order counts are shown and stored in. */
export const RAGS: readonly Rag[] = ['red', 'amber', 'green', 'blue', 'none'];

/** How many of `items` carry each RAG (all zero for none). */
export function ragCounts(items: readonly { rag: Rag }[] = []): Record<Rag, number> {
  const out: Record<Rag, number> = { red: 0, amber: 0, green: 0, blue: 0, none: 0 };
  for (const i of items) out[i.rag]++;
  return out;
}

const COLOUR: Record<string, Rag> = { red: 'red', r: 'red', amber: 'amber', a: 'amber', green: 'green', g: 'green', blue: 'blue', b: 'blue' };
/** Worst first: used to pick the worse of two colours. */
const RAG_SEVERITY: readonly Rag[] = ['red', 'amber', 'green', 'blue'];
const STATUS_FOR_RAG: Record<Rag, ProgressStatus> = {
  red: 'not_on_track',
  amber: 'some_issues',
  green: 'on_track',
  blue: 'complete',
  none: 'not_started',
};

/**
 * `note` says what the reading took for granted, for the import to report beside the value: a
 * two-colour rating kept as its worse colour, a status word with no colour.
 */
export type StatusResult = { ok: true; status: ProgressStatus; rag: Rag; note?: string } | { ok: false; reason: string };

function normalise(raw: string): string {
  return raw
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[.;,]+$/, '')
    .trim();
}

/** A two-colour rating as people write it: "amber/green" → "Amber/Green", "a/g" → "A/G". */
function raw2(s: string): string {
  return s.replace(/[a-z]+/g, (w) => (w.length === 1 ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)));
}

function twoColours(s: string): StatusResult | undefined {
  const m = /^([a-z]+)\s*[/-]\s*([a-z]+)$/.exec(s);
  if (!m || !(m[1] in COLOUR) || !(m[2] in COLOUR)) return undefined;
  const rags = [COLOUR[m[1]], COLOUR[m[2]]];
  const worse = RAG_SEVERITY.find((r) => rags.includes(r)) ?? 'none';
  const word = RAG_WORD[worse];
  const note = rags[0] === rags[1] ? undefined : `read as ${word}, the worse of its two colours; the file's rating ${raw2(m[0])} has no single colour here`;
  return note ? { ok: true, status: STATUS_FOR_RAG[worse], rag: worse, note } : { ok: true, status: STATUS_FOR_RAG[worse], rag: worse };
}

export function parseStatus(raw: string): StatusResult {
  const s = normalise(raw);
  if (s === '') return { ok: false, reason: 'no status given' };
  for (const rule of STATUS_TABLE) {
    if (rule.test.test(s)) return { ok: true, status: rule.status, rag: rule.rag };
  }
  const pair = twoColours(s);
  if (pair) return pair;
  if (/^\d+$/.test(s)) return { ok: false, reason: `${s} is outside the six-level progress scale (1–6)` };
  if (s.includes(' / ')) return { ok: false, reason: `"${raw.trim()}" holds several statuses; give one per item` };
  return {
    ok: false,
    reason:
      `"${raw.trim()}" is not a recognised status (expected the six-level scale, Red/Amber/Green/Blue, ` +
      'or words such as Complete, On track, Not started, BAU)',
  };
}

/**
 * True when the cell is unmistakably a status, used to spot values sitting one column off.
 * Bare numbers and single letters parse as statuses but are too weak as evidence that a
 * column has slipped (a "2" or an "A" can be many things), so they do not count here.
 */
export function isStatusWord(raw: string): boolean {
  const s = normalise(raw);
  if (/^\d+$/.test(s) || /^[a-z]$/.test(s)) return false;
  return parseStatus(raw).ok;
}

const DEFAULT_RAG: Record<ProgressStatus, Rag> = {
  complete: 'blue',
  awaiting_signoff: 'green',
  on_track: 'green',
  some_issues: 'amber',
  not_on_track: 'red',
  not_started: 'none',
  bau: 'none',
};

export function defaultRagFor(status: ProgressStatus): Rag {
  return DEFAULT_RAG[status];
}

/**
 * The words for statuses and RAG, everywhere: cards, chat answers, board packs, exports. One table,
 * so a card and the pack a board reads never name the same state differently.
 */
export const STATUS_TEXT: Record<ProgressStatus, string> = {
  complete: 'Complete',
  awaiting_signoff: 'Complete, awaiting sign-off',
  on_track: 'On track',
  some_issues: 'Some issues, recovering',
  not_on_track: 'Not on track',
  not_started: 'Not started',
  bau: 'Business as usual',
};

export function statusLabel(status: ProgressStatus): string {
  return STATUS_TEXT[status];
}

/** RAG is always a word as well as a colour, for colour-blind readers and screen readers. */
export const RAG_WORD: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Complete', none: 'No RAG' };
/** One shape per RAG, so RAG can be told apart without colour and without reading the word. */
export const RAG_SYMBOL: Record<Rag, string> = { red: '✖', amber: '▲', green: '✔', blue: '★', none: '○' };

export function ragLabel(rag: Rag): string {
  return RAG_WORD[rag];
}

/** A RAG in running text: its symbol, then its word ("▲ Amber"). */
export function ragText(rag: Rag): string {
  return `${RAG_SYMBOL[rag]} ${RAG_WORD[rag]}`;
}

/**
 * How bad a RAG is, for "has it got worse?" and worst-first ordering: red 3, amber 2, green and no
 * rating 1 (no rating is not news), blue (complete) 0.
 */
const RAG_BADNESS: Record<Rag, number> = { blue: 0, green: 1, none: 1, amber: 2, red: 3 };
export function ragBadness(rag: Rag): number {
  return RAG_BADNESS[rag];
}

/** Worst first, for rolling milestone statuses up to their action. */
const ROLLUP_ORDER: readonly ProgressStatus[] = [
  'not_on_track',
  'some_issues',
  'on_track',
  'not_started',
  'awaiting_signoff',
  'bau',
  'complete',
];

/**
 * One status for an action from its milestones: the worst one present, so an action is only
 * complete when every milestone is. The rag follows the chosen milestone's own rag.
 */
export function rollUpStatus(items: ReadonlyArray<{ status: ProgressStatus; rag: Rag }>): { status: ProgressStatus; rag: Rag } {
  for (const status of ROLLUP_ORDER) {
    const hit = items.find((i) => i.status === status);
    if (hit) return { status: hit.status, rag: hit.rag };
  }
  return { status: 'not_started', rag: 'none' };
}

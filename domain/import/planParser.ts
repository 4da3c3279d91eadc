import type { Action, Due, ImportProblem, Milestone, ParsedPlan, Priority, ProgressStatus, Rag, UnreadCell } from '../model';
import { formatBritishDate, formatDue, parseDue } from '../dueDate';
import { isStatusWord, rollUpStatus } from '../status';
import { roleKey } from '../roles';
import { ACTION_HEADINGS, isWeakActionHeading, recogniseColumns, recognisedCount, REVISION_REASON, roleOfHeader, ROLE_LABEL, type ColumnMap, type ColumnRole } from './columns';
import { coerceRef, isRef, refKey } from '../refs';
import { isFooterText, parseStatusKey, ragOfFill, readLastUpdated, readTrackerDue, readTrackerStatus, type StatusKey } from './trackerCells';
import { alignRow, headerOf, isStatusList, type RowView } from './rowAlignment';
import {
  cellLines,
  kpiCodesIn,
  letters,
  oneLine,
  parsePriorityLabel,
  priorityKey,
  splitEmbeddedMilestones,
  splitOutcomes,
  splitSlashList,
  tidyRef,
} from './planCells';

/**
 * Reads an improvement plan table (rows of text cells, see readTable) into actions and milestones.
 *
 * One grammar covers the three layouts councils use:
 * - one row per outcome, where a row with no action text continues the action above (Southend 2021);
 * - one row per action whose cell holds "Overarching action:" and "Milestone N:" lines, with the
 *   date and owner cells holding one line per milestone (Southend 2016);
 * - one row per action under a shared objective ref, blank cells meaning "same as above" and the
 *   odd row with its status and date slipped a column (Sefton 2022).
 *
 * Decisions:
 * - Refs. A bare-number ref is local to its priority ("Recommendation 2", Ref 1 → "2.1"; under a
 *   label with no number, "LA recommendations – Misc", Ref 1 → "LA-Misc.1"). Several actions under
 *   one printed ref (Sefton's objective refs): the first keeps the printed ref, later ones add a
 *   letter for their position: 1.1.1, 1.1.1b, 1.1.1c… Letters, not a fourth number, because a
 *   milestone is addressed as action ref + "." + seq ("2.1.3"): "1.1.1.2" would be ambiguous
 *   between an action and a milestone. The first keeps the printed ref so people find "1.1.1".
 * - Milestones are numbered by position (seq 1..N), whatever the source's labels say; labels that
 *   repeat or skip are reported.
 * - Parallel date/owner lines pair with milestones by position only when the counts are equal,
 *   or when there is one line (it applies to every milestone, as a merged cell does). Otherwise
 *   nothing is paired and the mismatch is reported; the action still falls due on the latest date
 *   listed, and its lead is the first owner listed (or the one owner common to all lines).
 * - Status when the plan gives none: not_started, rag none. Nothing says work has begun, and
 *   "no rating" is the honest colour. A blank cell in a plan that HAS a status column is reported.
 * - Blank priority, ref, objective and lead cells repeat the value above (within a priority).
 *   Status, dates and outcomes never repeat: a blank there is a real gap and is reported.
 * - Rows that are entirely blank are skipped silently. Row numbers are 1-based with the header as
 *   row 1 when it is the first row; a CSV record spanning several lines is one row.
 */

export interface ParsePlanResult {
  plan: ParsedPlan;
  problems: ImportProblem[];
  /** Non-blank rows read after the header. */
  rowsRead: number;
  /** Every column of the header row, with what it was read as ("ignored" for a blank one). */
  columns: { column: string; readAs: string }[];
  /** The status key found on the sheet, as printed ("B = complete"), when there is one. */
  statusKey?: string[];
  /** Every blank lead cell that took the lead of the row above (see FilledLead), for the report. */
  filledDown: FilledLead[];
}

/**
 * A blank lead cell read as "same as above". Only where the file says so: the row continues the
 * ref above (its ref cell is blank or repeats that ref: several actions under one printed ref), the
 * cell is covered by a merged range (XLSX), or a slipped row left the lead no cell. A blank lead on
 * an action with a ref of its own is another action's lead, so it is reported as missing instead.
 */
export interface FilledLead {
  row: number;
  column: string;
  ref: string;
  value: string;
  fromRow: number;
  why: 'same ref' | 'merged cell' | 'slipped row';
}

export interface ParsePlanOptions {
  /** Cell fill colours by "row,col" (0-based), from an XLSX: read as RAG where the status cell is blank. */
  fills?: ReadonlyMap<string, string>;
  /** The codes of the KPIs defined, so actions citing them in any spelling link to them ("NI062" → "ni 062"). */
  kpiCodes?: readonly string[];
  /** Cells covered by a merged range but not its first cell, by "row,col" (0-based), from an XLSX. */
  merged?: ReadonlySet<string>;
}

interface Context {
  cols: ColumnMap;
  problems: ImportProblem[];
  priority?: { label: string; ref?: string; title: string };
  group?: string;
  groupCount: Map<string, number>;
  usedRefs: Map<string, number>;
  filled: { lead?: string; leadRow?: number; objective?: string };
  /** The row's ref cell is blank or repeats the ref above: it is another action under that ref. */
  continuesRef: boolean;
  filledDown: FilledLead[];
  merged?: ReadonlySet<string>;
  current?: Action;
  actions: Action[];
  priorities: Priority[];
  autoNumber: number;
  statusKey?: StatusKey;
  fills?: ReadonlyMap<string, string>;
  rowIndex: number;
  /** Status words with no colour ("In progress"), by value: reported once for the file, naming the rows. */
  noColour: Map<string, { row: number; column: string; value: string; note: string; rows: number[] }>;
}

const STATUS_NONE: { status: ProgressStatus; rag: Rag } = { status: 'not_started', rag: 'none' };

/** True when the rows hold a plan header (used to pass over cover sheets). */
export function hasPlanHeader(rows: readonly string[][]): boolean {
  return findHeaderRow(rows) >= 0;
}

/** How far down a title block, notes or a key may push the header row. */
export const HEADER_SEARCH_ROWS = 30;

function findHeaderRow(rows: readonly string[][]): number {
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const cells = rows[i].map((c) => oneLine(c));
    const cols = recogniseColumns(cells);
    if (cols.roles.action === undefined) continue;
    // "Title" or "Description" as the action heading needs more company: a cover sheet says "Title: …, Owner: …".
    const needed = isWeakActionHeading(cells[cols.roles.action]) ? 3 : 2;
    if (recognisedCount(cells) >= needed) return i;
  }
  return -1;
}

function tidyCell(cell: string | undefined): string {
  return (cell ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/** A key printed anywhere on the sheet ("Key: B = complete, G = on track…"), in one cell. */
function findStatusKey(rows: readonly string[][]): { key: StatusKey; row: number; text: string } | undefined {
  for (let i = 0; i < rows.length; i++) {
    for (const c of rows[i]) {
      if (c.length > 400) continue;
      const key = parseStatusKey(c);
      if (key) return { key, row: i, text: c };
    }
  }
  return undefined;
}

function columnReport(cols: ColumnMap, rows: readonly string[][], headerRow: readonly string[], dataStart: number): { column: string; readAs: string }[] {
  const used = new Map<number, ColumnRole>((Object.entries(cols.roles) as [ColumnRole, number][]).map(([r, i]) => [i, r]));
  const dup = new Map(cols.duplicates.map((d) => [d.index, d.role]));
  return cols.headers.map((header, index) => {
    const role = used.get(index);
    if (role) return { column: header, readAs: ROLE_LABEL[role] };
    if (dup.has(index)) return { column: header, readAs: `kept as text (a second ${ROLE_LABEL[dup.get(index)!]} column)` };
    const blankHeader = oneLine(headerRow[index] ?? '') === '';
    const hasData = rows.slice(dataStart).some((r) => tidyCell(r[index]) !== '');
    if (blankHeader && !hasData) return { column: header, readAs: 'ignored (empty)' };
    return { column: header, readAs: 'kept as text on the action (not recognised)' };
  });
}

const SPAN_START = /^(?:start|start date|from|begin|begins|commence|commencing)$/i;
const SPAN_END = /^(?:end|end date|finish|finish date|to|due|due date|deadline|completion|completion date)$/i;

type SecondHeader =
  | { kind: 'merged'; header: string[]; start: number; end: number }
  | { kind: 'refused'; problem: ImportProblem };

/**
 * A header that runs over two rows ("Timescale" over "Start | End"): the row under the header holds
 * only labels, with the action and ref cells blank and no cell a date or a status. Start and End
 * under one heading are read as the start and due dates, named "Timescale: Start", "Timescale: End".
 * Any other second row is refused: which column holds the due date cannot be told, and a start
 * date must never be taken for a due date.
 */
function secondHeaderRow(rows: readonly string[][], headerIndex: number): SecondHeader | undefined {
  const top = rows[headerIndex].map((c) => oneLine(c));
  const next = (rows[headerIndex + 1] ?? []).map((c) => oneLine(c));
  const topCols = recogniseColumns(top);
  const actionAt = topCols.roles.action as number;
  if (next.every((c) => c === '') || (next[actionAt] ?? '') !== '' || (topCols.roles.ref !== undefined && (next[topCols.roles.ref] ?? '') !== '')) return undefined;
  const labels = next.flatMap((c, i) => (c === '' ? [] : [{ i, c }]));
  if (labels.some(({ c }) => isStatusWord(c) || parseDue(c).ok || c.length > 40)) return undefined;
  // A label under a blank heading continues the heading to its left; a label under any heading
  // that says nothing about dates is not a second header row either.
  const underSpan = labels.some(({ i, c }) => top[i] === '' || SPAN_START.test(c) || SPAN_END.test(c) || i === topCols.roles.due);
  if (!underSpan) return undefined;
  const heading = (i: number): string => {
    for (let k = i; k >= 0; k--) if (top[k] !== '') return top[k];
    return '';
  };
  const starts = labels.filter(({ c }) => SPAN_START.test(c));
  const ends = labels.filter(({ c }) => SPAN_END.test(c));
  const otherDueAt = topCols.roles.due !== undefined && ![starts[0]?.i, ends[0]?.i].includes(topCols.roles.due) ? topCols.roles.due : undefined;
  const otherStartAt = topCols.roles.start !== undefined && ![starts[0]?.i, ends[0]?.i].includes(topCols.roles.start) ? topCols.roles.start : undefined;
  const sameHeading = starts.length === 1 && ends.length === 1 && heading(starts[0].i) !== '' && heading(starts[0].i) === heading(ends[0].i) && starts[0].i < ends[0].i;
  if (sameHeading && labels.length === 2 && otherDueAt === undefined && otherStartAt === undefined) {
    const header = top.map((h, i) => (next[i] === '' ? h : `${heading(i)}: ${next[i]}`));
    return { kind: 'merged', header, start: starts[0].i, end: ends[0].i };
  }
  return {
    kind: 'refused',
    problem: {
      row: headerIndex + 2,
      column: '',
      value: labels.map(({ c }) => c).join(', '),
      message:
        `The header runs over two rows: row ${headerIndex + 1} (${top.filter((c) => c !== '').join(', ')}) and row ${headerIndex + 2} (${labels.map(({ c }) => c).join(', ')}). ` +
        'Which column holds the due date cannot be told from them, so nothing was imported. Put the header on one row, with the due dates under a heading such as "Due date" (and any start dates under "Start date"), and import again.',
      outcome: 'skipped',
    },
  };
}

/**
 * Why no header was found: the headings looked for, and the row of the first HEADER_SEARCH_ROWS that looked most
 * like a header (the most cells recognised), with its cells and what each was recognised as.
 */
function noHeaderProblem(rows: readonly string[][]): ImportProblem {
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  let best = 0;
  let bestCount = -1;
  for (let i = 0; i < limit; i++) {
    const n = recognisedCount(rows[i].map((c) => oneLine(c)));
    if (n > bestCount) [best, bestCount] = [i, n];
  }
  const cells = (rows[best] ?? []).map((c) => oneLine(c)).filter((c) => c !== '');
  const seen = cells.map((c) => {
    const role = roleOfHeader(c);
    return role ? `"${c}" (${ROLE_LABEL[role]})` : `"${c}"`;
  });
  const looked = ACTION_HEADINGS.map((h) => `"${h}"`).join(', ');
  return {
    row: best + 1,
    column: '',
    value: cells.join(', '),
    message:
      `No header row with an action column was found in the first ${limit} rows, so nothing was imported. An action column is headed one of ${looked}. ` +
      (cells.length > 0 ? `The row most like a header, row ${best + 1}, has ${seen.join(', ')}. ` : '') +
      `Rename the column holding the actions to "Action" (and put the header in the first ${HEADER_SEARCH_ROWS} rows), then import again.`,
    outcome: 'skipped',
  };
}

/** Gives column `index` the role, taking it from whatever it was read as before. */
function forceRole(cols: ColumnMap, index: number, role: ColumnRole): void {
  for (const [r, i] of Object.entries(cols.roles) as [ColumnRole, number][]) if (i === index) delete cols.roles[r];
  cols.extra = cols.extra.filter((e) => e.index !== index);
  cols.duplicates = cols.duplicates.filter((d) => d.index !== index);
  cols.roles[role] = index;
}

export function parsePlan(rows: readonly string[][], opts: ParsePlanOptions = {}): ParsePlanResult {
  const problems: ImportProblem[] = [];
  const headerIndex = findHeaderRow(rows);
  if (headerIndex < 0) {
    problems.push(noHeaderProblem(rows));
    return { plan: { priorities: [], actions: [] }, problems, rowsRead: 0, columns: [], filledDown: [] };
  }
  const two = secondHeaderRow(rows, headerIndex);
  if (two?.kind === 'refused') {
    problems.push(two.problem);
    return { plan: { priorities: [], actions: [] }, problems, rowsRead: 0, columns: [], filledDown: [] };
  }
  const headerRow = two?.kind === 'merged' ? two.header : rows[headerIndex].map((c) => oneLine(c));
  const cols = recogniseColumns(headerRow);
  if (two?.kind === 'merged') {
    forceRole(cols, two.start, 'start');
    forceRole(cols, two.end, 'due');
    problems.push({
      row: headerIndex + 2,
      column: headerOf(cols, two.end),
      value: rows[headerIndex + 1].map((c) => oneLine(c)).filter((c) => c !== '').join(', '),
      message: `The header runs over rows ${headerIndex + 1} and ${headerIndex + 2}; read '${headerOf(cols, two.start)}' as the start date and '${headerOf(cols, two.end)}' as the due date.`,
      outcome: 'fixed',
    });
  }
  const dataStart = headerIndex + (two ? 2 : 1);
  const foundKey = findStatusKey(rows);
  const ctx: Context = {
    cols,
    problems,
    groupCount: new Map(),
    usedRefs: new Map(),
    filled: {},
    actions: [],
    priorities: [],
    autoNumber: 0,
    statusKey: foundKey?.key,
    fills: opts.fills,
    rowIndex: 0,
    noColour: new Map(),
    continuesRef: false,
    filledDown: [],
    merged: opts.merged,
  };
  for (const dup of cols.duplicates) {
    problems.push({
      row: headerIndex + 1,
      column: dup.header,
      value: dup.header,
      message: `A second ${dup.role} column; only '${headerOf(cols, cols.roles[dup.role] as number)}' is read as ${dup.role}, this one is kept as extra text.`,
      outcome: 'kept as text',
    });
  }
  // A missing column is one problem, not one per action.
  for (const [role, word] of [['lead', 'lead'], ['due', 'due-date']] as const) {
    if (cols.roles[role] === undefined) {
      problems.push({
        row: headerIndex + 1,
        column: '',
        value: '',
        message: `No ${word} column was recognised, so no action has a ${role === 'due' ? 'due date' : 'lead'}.`,
        outcome: 'left blank',
      });
    }
  }
  if (cols.roles.status === undefined) {
    problems.push({
      row: headerIndex + 1,
      column: '',
      value: '',
      message:
        'No status column found: every action imported as Not started (no RAG)' +
        (cols.roles.signoff !== undefined ? ', except where the sign-off column marks it awaiting sign-off.' : '.') +
        ' A status column is headed Status, RAG, BRAG or Progress (a legend in brackets is fine, "RAG (B/G/A/R)").',
      outcome: 'left blank',
    });
  }
  if (cols.roles.ref === undefined) {
    problems.push({
      row: headerIndex + 1,
      column: '',
      value: '',
      message: 'No Ref column: actions are numbered 1, 2, 3… in file order.',
      outcome: 'fixed',
    });
  }

  let rowsRead = 0;
  let carry = 0;
  for (let i = dataStart; i < rows.length; i++) {
    const cells = rows[i].map(tidyCell);
    if (cells.every((c) => c === '')) continue;
    rowsRead++;
    const row = i + 1;
    const firstText = cells.find((c) => c !== '') ?? '';
    if (isFooterText(firstText) && cells.filter((c) => c !== '').length <= 2) {
      // A key or a document footer below the plan: it names no action, so it must not start a priority.
      problem(ctx, row, '', firstText, foundKey?.row === i ? 'The status key; used to read the status column, not imported as an action.' : 'A note or footer below the plan, not an action; not imported.', 'skipped');
      continue;
    }
    ctx.rowIndex = i;
    const aligned = alignRow(cells, cols, row, carry);
    carry = aligned.carry;
    problems.push(...aligned.problems);
    readRow(aligned.view, row, ctx);
  }

  for (const n of ctx.noColour.values()) {
    const where = n.rows.length === 1 ? `row ${n.rows[0]}` : `${n.rows.length} rows (${n.rows.slice(0, 10).join(', ')}${n.rows.length > 10 ? ', …' : ''})`;
    problem(ctx, n.row, n.column, n.value, `${n.note}, on ${where}.`, 'fixed');
  }
  for (const action of ctx.actions) {
    action.kpiCodes = kpiCodesIn([action.title, ...action.outcomes, action.commentary ?? '', ...action.milestones.map((m) => m.text)], opts.kpiCodes);
  }
  const result: ParsePlanResult = {
    plan: { priorities: ctx.priorities, actions: ctx.actions },
    problems,
    rowsRead,
    columns: columnReport(cols, rows, headerRow, dataStart),
    filledDown: ctx.filledDown,
  };
  if (foundKey) result.statusKey = [...foundKey.key.entries()].map(([code, v]) => `${code.toUpperCase()} = ${v.label}`);
  return result;
}

function cell(view: RowView, role: ColumnRole): string {
  return view.cells[role] ?? '';
}

/** The column a value was actually read from (after any repair of a slipped row). */
function columnName(ctx: Context, view: RowView, role: ColumnRole): string {
  const at = view.from[role] ?? ctx.cols.roles[role];
  return at === undefined ? role : headerOf(ctx.cols, at);
}

/** The column a missing value belongs in, named by the header people see. */
function homeColumn(ctx: Context, role: ColumnRole): string {
  const at = ctx.cols.roles[role];
  return at === undefined ? role : headerOf(ctx.cols, at);
}

function problem(ctx: Context, row: number, column: string, value: string, message: string, outcome: ImportProblem['outcome']): void {
  ctx.problems.push({ row, column, value, message, outcome });
}

/**
 * Records that a field's cell was not taken (its problem is reported beside it), so a re-import
 * keeps what the plan already holds for it instead of the blank the parse leaves.
 */
function markUnread(target: { unread?: UnreadCell[] }, field: UnreadCell['field'], row: number, column: string, value: string): void {
  const list = (target.unread ??= []);
  if (!list.some((u) => u.field === field)) list.push({ field, row, column, value });
}

function readRow(view: RowView, row: number, ctx: Context): void {
  const priorityText = cell(view, 'priority');
  if (priorityText !== '' && priorityText !== ctx.priority?.label) startPriority(priorityText, view, row, ctx);

  let refText = tidyRef(cell(view, 'ref'));
  // A blank ref cell continues the ref above; an unreadable one ("M2") names another action.
  ctx.continuesRef = ctx.cols.roles.ref !== undefined && refText === '' && ctx.group !== undefined;
  if (refText !== '' && !/^\d+$/.test(refText) && !isRef(refText)) {
    const coerced = coerceRef(refText);
    if (coerced !== undefined) {
      problem(ctx, row, columnName(ctx, view, 'ref'), cell(view, 'ref'), `Ref "${refText}" cannot be typed in Teams as written; stored as ${coerced}.`, 'fixed');
      refText = coerced;
    } else {
      problem(ctx, row, columnName(ctx, view, 'ref'), cell(view, 'ref'), `"${refText}" is not a ref that can be typed in Teams (a number such as 2.4 or 1.1.1b, optionally after a prefix such as SH-); read as a blank ref cell, so the action is numbered from the ref above or in file order.`, 'fixed');
      refText = '';
    }
  }
  if (refText !== '') {
    const base = /^\d+$/.test(refText) && ctx.priority?.ref ? `${ctx.priority.ref}.${refText}` : refText;
    ctx.continuesRef = base === ctx.group;
    if (base !== ctx.group) {
      ctx.group = base;
      const earlier = ctx.usedRefs.get(refKey(base));
      if (earlier !== undefined) {
        problem(ctx, row, columnName(ctx, view, 'ref'), cell(view, 'ref'), `Ref ${base} was already used at row ${earlier}; this action gets the next free letter instead.`, 'fixed');
      }
    }
  }
  if (cell(view, 'objective') !== '') ctx.filled.objective = oneLine(cell(view, 'objective'));

  if (cell(view, 'action') !== '') {
    const action = buildAction(view, row, ctx);
    ctx.actions.push(action);
    ctx.current = action;
    return;
  }
  continueAction(view, row, ctx);
}

function startPriority(label: string, view: RowView, row: number, ctx: Context): void {
  const parsed = parsePriorityLabel(label);
  let ref = parsed.ref;
  const refCell = tidyRef(cell(view, 'ref'));
  if (ref === undefined && /^\d+(?:\.\d+)+$/.test(refCell)) {
    // Sefton's "Commissioned services provide…" lacks the 4.4 its siblings carry; its action ref says it.
    ref = refCell.split('.').slice(0, -1).join('.');
    problem(ctx, row, columnName(ctx, view, 'priority'), label, `The priority has no number; took ${ref} from its action ref ${refCell}.`, 'fixed');
  }
  ref ??= priorityKey(label);
  ctx.priority = { label, ref, title: parsed.title };
  ctx.group = undefined;
  ctx.filled = {};
  if (ctx.cols.roles.ref === undefined) ctx.autoNumber = 0;
  if (!ctx.priorities.some((p) => p.ref === ref)) ctx.priorities.push({ ref, title: parsed.title });
}

function nextRef(ctx: Context, row: number, view: RowView): string {
  let base = ctx.group;
  if (ctx.cols.roles.ref === undefined) {
    // No Ref column at all: every action is numbered in file order, within its priority if any.
    ctx.autoNumber++;
    base = ctx.priority?.ref ? `${ctx.priority.ref}.${ctx.autoNumber}` : String(ctx.autoNumber);
  } else if (base === undefined) {
    ctx.autoNumber++;
    base = String(ctx.autoNumber);
    problem(ctx, row, columnName(ctx, view, 'ref'), '', `No ref for this action or any above it; numbered ${base}.`, 'fixed');
    ctx.group = base;
  }
  let n = ctx.groupCount.get(base) ?? 0;
  let ref: string;
  do {
    n++;
    ref = n === 1 ? base : `${base}${letters(n)}`;
  } while (ctx.usedRefs.has(refKey(ref)));
  ctx.groupCount.set(base, n);
  ctx.usedRefs.set(refKey(ref), row);
  return ref;
}

interface Parallel {
  values: (string | undefined)[];
  paired: boolean;
}

/**
 * Pairs n milestones with the lines of a parallel cell, or reports why it cannot. One line, or
 * lines that all say the same thing, apply to every milestone: which line belongs where cannot
 * change the answer.
 */
function pairLines(n: number, lines: string[], what: string, row: number, column: string, raw: string, ctx: Context, consequence: string): Parallel {
  if (lines.length === n) return { values: lines, paired: true };
  if (lines.length > 0 && lines.every((l) => roleKey(l) === roleKey(lines[0]))) return { values: Array<string>(n).fill(lines[0]), paired: true };
  if (lines.length > 0) {
    problem(
      ctx,
      row,
      column,
      raw,
      `${n} milestones but ${lines.length} ${what}; which ${what.replace(/s$/, '')} belongs to which milestone cannot be told, so the milestones' ${what} were left blank${consequence}.`,
      'left blank',
    );
  }
  return { values: Array<string | undefined>(n).fill(undefined), paired: false };
}

/** The action falls due with its last dated milestone; recurring-only work is ongoing. */
function latestDue(dues: readonly Due[]): Due {
  const dated = dues.filter((d): d is Extract<Due, { kind: 'date' }> => d.kind === 'date');
  if (dated.length > 0) return dated.reduce((a, b) => (b.date > a.date ? b : a));
  const recurring = dues.filter((d): d is Extract<Due, { kind: 'recurring' }> => d.kind === 'recurring');
  if (recurring.length === 0) return { kind: 'none' };
  const kinds = new Set(recurring.map((d) => d.recurrence));
  if (kinds.size === 1 && recurring.every((d) => d.note === recurring[0].note)) return recurring[0];
  if (kinds.size === 1) return { kind: 'recurring', recurrence: recurring[0].recurrence };
  return { kind: 'recurring', recurrence: 'ongoing', note: recurring.map((d) => formatDue(d)).join('; ') };
}

function isCrossReference(text: string): boolean {
  return /^see\b/i.test(text);
}

function buildAction(view: RowView, row: number, ctx: Context): Action {
  const ref = nextRef(ctx, row, view);
  const actionText = cell(view, 'action');
  const dueText = cell(view, 'due');
  const leadText = cell(view, 'lead');
  const statusText = cell(view, 'status');
  const dueColumn = columnName(ctx, view, 'due');
  const leadColumn = columnName(ctx, view, 'lead');
  const statusColumn = columnName(ctx, view, 'status');

  const action: Action = {
    ref,
    priorityRef: ctx.priority?.ref,
    priorityTitle: ctx.priority?.title,
    title: oneLine(actionText),
    outcomes: splitOutcomes(cell(view, 'outcome')),
    objective: ctx.filled.objective,
    due: { kind: 'none' },
    status: STATUS_NONE.status,
    rag: STATUS_NONE.rag,
    kpiCodes: [],
    milestones: [],
    extra: { ...view.extra },
    sourceRow: row,
  };
  if (action.priorityRef === undefined) delete action.priorityRef;
  if (action.priorityTitle === undefined) delete action.priorityTitle;
  if (action.objective === undefined) delete action.objective;
  const commentary = oneLine(cell(view, 'commentary'));
  if (commentary !== '') action.commentary = commentary;

  const startText = cell(view, 'start');
  if (startText !== '') {
    const start = parseDue(startText, { anchor: 'start' });
    if (start.ok) action.start = start.due;
    else problem(ctx, row, columnName(ctx, view, 'start'), startText, `Start date not read: ${start.reason}.`, 'left blank');
  }

  let dueReported = false;
  let leadReported = false;
  const found = milestoneSteps(actionText, dueText, leadText, statusText);
  if (found && found.title !== '') action.title = found.title;
  const steps = found && found.texts.length > 0 ? found : undefined;
  if (steps) {
    const n = steps.texts.length;
    const labels = steps.labels;
    if (labels && labels.some((l, i) => l !== i + 1)) {
      problem(
        ctx,
        row,
        columnName(ctx, view, 'action'),
        labels.map((l) => `Milestone ${l}`).join(', '),
        `Milestone labels run ${labels.join(', ')}; milestones are numbered by position instead (${ref}.1–${ref}.${n}).`,
        'fixed',
      );
    }
    const parsedLines = steps.dues.map((line) => ({ line, result: readTrackerDue(line) }));
    const latestListed = latestDue(parsedLines.flatMap((p) => (p.result.ok ? [p.result.due] : [])));
    const dueConsequence =
      latestListed.kind === 'date'
        ? `; the action is due by the latest date listed, ${formatBritishDate(latestListed.date)}`
        : latestListed.kind === 'recurring'
          ? `; the action counts as recurring work (${formatDue(latestListed)})`
          : '';
    const duePairs = pairLines(n, steps.dues, 'dates', row, dueColumn, dueText, ctx, dueConsequence);
    const firstOwner = steps.leads[0];
    const ownerConsequence = firstOwner ? `; the action's lead is the first listed, ${firstOwner}` : '';
    const commonOwner = steps.leads.length > 0 && steps.leads.every((l) => roleKey(l) === roleKey(steps.leads[0]));
    const leadPairs = pairLines(n, steps.leads, 'owners', row, leadColumn, leadText, ctx, commonOwner ? '' : ownerConsequence);
    const statusPairs = pairLines(n, steps.statuses, 'statuses', row, statusColumn, statusText, ctx, '');
    if (!duePairs.paired && steps.dues.length > 0) {
      dueReported = true;
      for (const p of parsedLines) {
        if (!p.result.ok) problem(ctx, row, dueColumn, p.line, `Date not read: ${p.result.reason}.`, 'left blank');
      }
    }

    for (let k = 0; k < n; k++) {
      const milestone: Milestone = { seq: k + 1, text: steps.texts[k], due: { kind: 'none' }, status: 'not_started', rag: 'none' };
      const dueLine = duePairs.values[k];
      if (dueLine !== undefined) {
        const parsed = readTrackerDue(dueLine);
        if (parsed.ok) milestone.due = parsed.due;
        else markUnread(milestone, 'due', row, dueColumn, dueLine);
        // A line shared by every milestone is reported once, on the first.
        if (!parsed.ok && (steps.dues.length > 1 || k === 0)) {
          problem(
            ctx,
            row,
            dueColumn,
            dueLine,
            `Milestone ${ref}.${k + 1} date not read: ${parsed.reason}. ${ref} is due by the latest of its other milestones.`,
            'left blank',
          );
        }
      }
      const owner = leadPairs.values[k];
      if (owner !== undefined && !isCrossReference(owner)) milestone.ownerRole = owner;
      const statusLine = statusPairs.values[k];
      if (statusLine !== undefined) {
        const parsed = readTrackerStatus(statusLine, ctx.statusKey);
        if (parsed.ok) {
          milestone.status = parsed.status;
          milestone.rag = parsed.rag;
          if (parsed.note) statusNote(ctx, row, statusColumn, statusLine, parsed.rag, parsed.note, `milestone ${ref}.${k + 1}`);
        } else {
          markUnread(milestone, 'status', row, statusColumn, statusLine);
          markUnread(milestone, 'rag', row, statusColumn, statusLine);
        }
        if (!parsed.ok && (steps.statuses.length > 1 || k === 0)) {
          problem(ctx, row, statusColumn, statusLine, `Milestone ${ref}.${k + 1} status not read: ${parsed.reason}; recorded as not started.`, 'left blank');
        }
      }
      action.milestones.push(milestone);
    }
    action.due = duePairs.paired ? latestDue(action.milestones.map((m) => m.due)) : latestListed;
    if (steps.leads.length > 0) action.leadRole = commonOwner ? steps.leads[0] : firstOwner;
    if (steps.statuses.length > 0) Object.assign(action, rollUpStatus(action.milestones));
    if (action.due.kind === 'none' && parsedLines.some((p) => !p.result.ok)) dueReported = true;
  } else {
    if (dueText !== '') {
      const parsed = readTrackerDue(dueText);
      if (parsed.ok) action.due = parsed.due;
      else {
        problem(ctx, row, dueColumn, dueText, `Due date not read: ${parsed.reason}.`, 'left blank');
        markUnread(action, 'due', row, dueColumn, dueText);
        dueReported = true;
      }
    }
    const fill = ctx.cols.roles.status === undefined ? undefined : ragOfFill(ctx.fills?.get(`${ctx.rowIndex},${ctx.cols.roles.status}`));
    if (statusText !== '') {
      const parsed = readTrackerStatus(statusText, ctx.statusKey);
      if (parsed.ok) {
        action.status = parsed.status;
        action.rag = parsed.rag;
        // A RAG column on the row decides the colour (readTrackerFields), so the note would not hold.
        if (parsed.note && oneLine(cell(view, 'rag')) === '') statusNote(ctx, row, statusColumn, statusText, parsed.rag, parsed.note, `action ${ref}`);
      } else if (fill) {
        action.status = fill.status;
        action.rag = fill.rag;
        problem(ctx, row, statusColumn, statusText, `Status words not read (${parsed.reason}); took ${fill.rag} from the cell's fill colour, ${fill.colour}.`, 'fixed');
      } else {
        problem(ctx, row, statusColumn, statusText, `Status not read: ${parsed.reason}; recorded as not started.`, 'left blank');
        markUnread(action, 'status', row, statusColumn, statusText);
        markUnread(action, 'rag', row, statusColumn, statusText);
      }
    } else if (fill) {
      // Colour-only RAG: the sheet shows the status by the cell's fill alone.
      action.status = fill.status;
      action.rag = fill.rag;
      problem(ctx, row, statusColumn, '', `No status text; read ${fill.rag} from the cell's fill colour, ${fill.colour}.`, 'fixed');
    } else if (ctx.cols.roles.status !== undefined) {
      problem(ctx, row, homeColumn(ctx, 'status'), '', `No status for ${ref}; recorded as not started (no rating).`, 'left blank');
      markUnread(action, 'status', row, homeColumn(ctx, 'status'), '');
      markUnread(action, 'rag', row, homeColumn(ctx, 'status'), '');
    }
    const lead = leadText !== '' ? leadText : fillLead(view, row, ref, ctx);
    if (lead !== undefined && isCrossReference(lead)) {
      problem(ctx, row, leadColumn, lead, `The lead is a cross-reference, not a role; ${ref} has no lead.`, 'left blank');
      markUnread(action, 'owner', row, leadColumn, lead);
      leadReported = true;
    } else if (lead !== undefined) {
      action.leadRole = oneLine(lead);
    }
  }
  if (action.leadRole !== undefined && (leadText !== '' || action.leadRole !== ctx.filled.lead)) {
    ctx.filled.lead = action.leadRole;
    ctx.filled.leadRow = row;
  }
  readTrackerFields(action, view, row, ctx);

  if (action.due.kind === 'none' && !dueReported && ctx.cols.roles.due !== undefined) {
    problem(ctx, row, homeColumn(ctx, 'due'), dueText, `No due date for ${ref}: an action without a timescale cannot be chased.`, 'left blank');
    markUnread(action, 'due', row, homeColumn(ctx, 'due'), dueText);
  }
  if (action.leadRole === undefined && !leadReported && ctx.cols.roles.lead !== undefined) {
    problem(ctx, row, homeColumn(ctx, 'lead'), leadText, `No lead named for ${ref}.`, 'left blank');
    markUnread(action, 'owner', row, homeColumn(ctx, 'lead'), leadText);
  }
  return action;
}

/**
 * What a status reading took for granted: a two-colour rating kept as its worse colour is reported
 * on its row; a status word with no colour ("In progress") once for the file, with its rows.
 */
function statusNote(ctx: Context, row: number, column: string, value: string, rag: Rag, note: string, what: string): void {
  if (rag !== 'none') {
    problem(ctx, row, column, value, `${note[0].toUpperCase()}${note.slice(1)} (${what}).`, 'fixed');
    return;
  }
  const key = oneLine(value).toLowerCase();
  const seen = ctx.noColour.get(key);
  if (seen) seen.rows.push(row);
  else ctx.noColour.set(key, { row, column, value, note: note[0].toUpperCase() + note.slice(1), rows: [row] });
}

/** The lead above, for a blank lead cell, where the file says the cell means "same as above" (FilledLead). */
function fillLead(view: RowView, row: number, ref: string, ctx: Context): string | undefined {
  const value = ctx.filled.lead;
  const leadAt = ctx.cols.roles.lead;
  if (value === undefined || leadAt === undefined) return undefined;
  const at = view.from.lead ?? leadAt;
  const why: FilledLead['why'] | undefined =
    view.cells.lead === undefined ? 'slipped row' : ctx.merged?.has(`${ctx.rowIndex},${at}`) ? 'merged cell' : ctx.continuesRef ? 'same ref' : undefined;
  if (why === undefined) return undefined;
  ctx.filledDown.push({ row, column: headerOf(ctx.cols, at), ref, value, fromRow: ctx.filled.leadRow ?? row, why });
  return value;
}

interface Steps {
  title: string;
  texts: string[];
  labels?: number[];
  dues: string[];
  leads: string[];
  statuses: string[];
}

/**
 * The milestones an action row holds, if any: "Milestone N:" blocks with one date/owner line each,
 * or a " / " list of steps whose status, date or owner cells are " / " lists too (Sefton 1.3.7).
 */
function milestoneSteps(actionText: string, dueText: string, leadText: string, statusText: string): Steps | undefined {
  const embedded = splitEmbeddedMilestones(actionText);
  if (embedded && embedded.milestones.length === 0) {
    // "Overarching action:" with no milestones: the row is the action itself, minus the label.
    return { title: embedded.title, texts: [], dues: [], leads: [], statuses: [] };
  }
  if (embedded) {
    return {
      title: embedded.title,
      texts: embedded.milestones.map((m) => m.text),
      labels: embedded.milestones.map((m) => m.label),
      dues: cellLines(dueText),
      leads: cellLines(leadText),
      statuses: cellLines(statusText),
    };
  }
  const list = (text: string): string[] => text.split(/\s+\/\s+/).map((p) => oneLine(p)).filter((p) => p !== '');
  const listed = isStatusList(statusText) || list(dueText).length > 1 || list(leadText).length > 1;
  const steps = splitSlashList(oneLine(actionText));
  if (listed && steps.length > 1) {
    return { title: oneLine(actionText), texts: steps, dues: list(dueText), leads: list(leadText), statuses: list(statusText) };
  }
  return undefined;
}

function continueAction(view: RowView, row: number, ctx: Context): void {
  const current = ctx.current;
  const outcome = cell(view, 'outcome');
  const dueText = cell(view, 'due');
  const leadText = cell(view, 'lead');
  const statusText = cell(view, 'status');
  if (!current) {
    const first = Object.entries(view.cells).find(([, v]) => v !== '');
    problem(ctx, row, first ? columnName(ctx, view, first[0] as ColumnRole) : '', first?.[1] ?? '', 'Row comes before any action; not imported.', 'skipped');
    return;
  }
  if (outcome === '' && (statusText !== '' || dueText !== '')) {
    const parts = [statusText && `status '${statusText}'`, dueText && `date '${dueText}'`].filter(Boolean).join(' and ');
    const role: ColumnRole = statusText !== '' ? 'status' : 'due';
    problem(
      ctx,
      row,
      columnName(ctx, view, role),
      statusText || dueText,
      `A row with ${parts} but no action or outcome text; not imported (it may belong to ${current.ref} above, which keeps its own).`,
      'skipped',
    );
    return;
  }
  current.outcomes.push(...splitOutcomes(outcome));
  if (dueText !== '') {
    const parsed = readTrackerDue(dueText);
    const same = parsed.ok && JSON.stringify(parsed.due) === JSON.stringify(current.due);
    if (!same) {
      problem(
        ctx,
        row,
        columnName(ctx, view, 'due'),
        dueText,
        `This outcome row gives its own due date; an action has one due date, so ${current.ref} keeps ${formatDue(current.due)}.`,
        'skipped',
      );
    }
  }
  if (leadText !== '' && roleKey(leadText) !== roleKey(current.leadRole ?? '')) {
    problem(
      ctx,
      row,
      columnName(ctx, view, 'lead'),
      leadText,
      `This outcome row names its own lead; an action has one lead, so ${current.ref} keeps ${current.leadRole ?? 'no lead'}.`,
      'skipped',
    );
  }
  if (statusText !== '') {
    problem(ctx, row, columnName(ctx, view, 'status'), statusText, `A status on an outcome row; ${current.ref} keeps its own status.`, 'skipped');
  }
  const commentary = oneLine(cell(view, 'commentary'));
  if (commentary !== '') current.commentary = current.commentary ? `${current.commentary}\n${commentary}` : commentary;
  const evidence = oneLine(cell(view, 'evidence'));
  if (evidence !== '') current.evidence = current.evidence ? `${current.evidence}\n${evidence}` : evidence;
  for (const [header, value] of Object.entries(view.extra)) {
    const before = current.extra[header];
    if (before === undefined) current.extra[header] = value;
    else if (before !== value) current.extra[header] = `${before}\n${value}`;
  }
}

const YES = /^(?:y|yes|true|awaiting(?: sign[- ]?off)?)$/i;

/**
 * The columns that make a plan a tracker: latest commentary with its date and author, evidence,
 * a revised due date, and a sign-off flag. The commentary date is what the card shows and what
 * the stale-update nudge counts from.
 */
function readTrackerFields(action: Action, view: RowView, row: number, ctx: Context): void {
  const lastText = cell(view, 'lastUpdated');
  if (lastText !== '') {
    const read = readLastUpdated(lastText);
    if (!read.ok) problem(ctx, row, columnName(ctx, view, 'lastUpdated'), lastText, `Last-updated date not read: ${read.reason}; the commentary counts as updated at the import.`, 'left blank');
    else {
      if (read.value.date) action.commentaryDate = read.value.date;
      if (read.value.by) action.commentaryBy = read.value.by;
    }
  }
  const by = oneLine(cell(view, 'updatedBy'));
  if (by !== '') action.commentaryBy = by;
  const evidence = oneLine(cell(view, 'evidence'));
  if (evidence !== '') action.evidence = evidence;
  const revisedText = cell(view, 'revisedDue');
  if (revisedText !== '') {
    const revised = readTrackerDue(revisedText);
    if (revised.ok && revised.due.kind !== 'none') {
      action.originalDue = action.due;
      action.due = revised.due;
    } else if (!revised.ok) {
      problem(ctx, row, columnName(ctx, view, 'revisedDue'), revisedText, `Revised due date not read: ${revised.reason}; ${action.ref} keeps its original due date.`, 'left blank');
      markUnread(action, 'revisedDue', row, columnName(ctx, view, 'revisedDue'), revisedText);
    }
  }
  const reason = oneLine(cell(view, 'revisedReason'));
  if (reason !== '') action.extra[REVISION_REASON] = reason;
  const ragText = oneLine(cell(view, 'rag')).toLowerCase();
  if (ragText !== '') {
    const rag = ({ red: 'red', r: 'red', amber: 'amber', a: 'amber', green: 'green', g: 'green', blue: 'blue', b: 'blue', none: 'none', 'no rating': 'none' } as const)[ragText];
    if (rag) {
      action.rag = rag;
      // The RAG column is read, so the colour no longer depends on an unread status cell.
      if (action.unread) action.unread = action.unread.filter((u) => u.field !== 'rag');
      if (action.unread?.length === 0) delete action.unread;
    } else {
      // The colour of the status cell stands (or, when that was not read either, 'rag' is already unread).
      problem(ctx, row, columnName(ctx, view, 'rag'), cell(view, 'rag'), `RAG colour not read (expected Red, Amber, Green, Blue or No rating); ${action.ref} keeps ${action.rag}.`, 'left blank');
    }
  }
  const signoff = oneLine(cell(view, 'signoff'));
  if (signoff !== '' && YES.test(signoff) && (action.status === 'complete' || action.status === 'on_track' || action.status === 'not_started')) {
    action.status = 'awaiting_signoff';
    action.rag = 'green';
  }
  if (!isRef(action.ref)) {
    problem(ctx, row, columnName(ctx, view, 'ref'), action.ref, `The ref ${action.ref} made for this action is longer than Teams commands accept; shorten the priority label or give refs.`, 'kept as text');
  }
}

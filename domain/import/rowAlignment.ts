import type { ImportProblem } from '../model';
import { parseDue } from '../dueDate';
import { isStatusWord, parseStatus } from '../status';
import type { ColumnMap, ColumnRole } from './columns';

/**
 * Puts a row's cells back under the right headers when a status and its date have slipped a
 * column, as happens when a committee-pack table is extracted from PDF: empty cells get dropped
 * (everything moves left) or a merged cell gets split (everything moves right).
 *
 * Slips are recognised by vocabulary, never by position alone: a cell that is unmistakably a
 * status (see isStatusWord) sitting outside the status column, or a status and a date run together
 * in one cell. Each repair is reported as 'fixed' with the columns it read from, so a person can
 * check it against the source.
 */

export interface RowView {
  /** Text for each recognised role, after any repair. */
  cells: Partial<Record<ColumnRole, string>>;
  /** Column each role was read from, to name it in problems. */
  from: Partial<Record<ColumnRole, number>>;
  extra: Record<string, string>;
}

export interface Alignment {
  view: RowView;
  problems: ImportProblem[];
  /** Right-shift to carry to the next row of the same block (see alignRow). */
  carry: number;
}

const ROLE_WORD: Record<ColumnRole, string> = {
  ref: 'ref',
  due: 'date',
  lead: 'lead',
  status: 'status',
  action: 'action',
  outcome: 'outcome',
  objective: 'objective',
  priority: 'priority',
  start: 'start date',
  commentary: 'commentary',
  lastUpdated: 'last-updated date',
  updatedBy: 'author',
  evidence: 'evidence',
  revisedDue: 'revised due date',
  revisedReason: 'revision reason',
  signoff: 'sign-off',
  rag: 'RAG',
};

export function headerOf(cols: ColumnMap, index: number): string {
  return cols.headers[index] ?? `Column ${index + 1}`;
}

function isDueLike(cell: string): boolean {
  const r = parseDue(cell);
  return r.ok && r.due.kind !== 'none';
}

export function isStatusList(cell: string): boolean {
  const parts = cell.split(/\s+\/\s+/);
  return parts.length > 1 && parts.every((p) => parseStatus(p).ok);
}

/** "Business As Usual Activity Ongoing" → status + due, taking the longest status that leaves a valid date. */
export function splitStatusAndDue(cell: string): { status: string; due: string } | undefined {
  const words = cell.trim().split(/\s+/);
  for (let n = words.length - 1; n >= 1; n--) {
    const status = words.slice(0, n).join(' ');
    const due = words.slice(n).join(' ');
    if (isStatusWord(status) && isDueLike(due)) return { status, due };
  }
  return undefined;
}

function straight(cells: readonly string[], cols: ColumnMap): RowView {
  const view: RowView = { cells: {}, from: {}, extra: {} };
  for (const [role, index] of Object.entries(cols.roles) as [ColumnRole, number][]) {
    view.cells[role] = cells[index] ?? '';
    view.from[role] = index;
  }
  const width = Math.max(cells.length, cols.headers.length);
  const known = new Set(Object.values(cols.roles));
  for (let i = 0; i < width; i++) {
    if (!known.has(i) && (cells[i] ?? '') !== '') view.extra[headerOf(cols, i)] = cells[i];
  }
  return view;
}

/** Every role from the action column onwards read `k` columns further right. */
function shiftedRight(cells: readonly string[], cols: ColumnMap, k: number): { view: RowView; surplus: number[] } {
  const action = cols.roles.action ?? 0;
  const view: RowView = { cells: {}, from: {}, extra: {} };
  const used = new Set<number>();
  for (const [role, index] of Object.entries(cols.roles) as [ColumnRole, number][]) {
    const at = index >= action ? index + k : index;
    view.cells[role] = cells[at] ?? '';
    view.from[role] = at;
    used.add(at);
  }
  const surplus: number[] = [];
  for (let i = action; i < action + k; i++) {
    if (!used.has(i) && (cells[i] ?? '') !== '') surplus.push(i);
    used.add(i);
  }
  const width = Math.max(cells.length, cols.headers.length);
  for (let i = 0; i < width; i++) {
    if (!used.has(i) && (cells[i] ?? '') !== '') view.extra[headerOf(cols, i)] = cells[i];
  }
  return { view, surplus };
}

/** Separates "status date" run together in the status or date cell. */
function splitJoined(view: RowView): { status: string; due: string } | undefined {
  const status = view.cells.status ?? '';
  const due = view.cells.due ?? '';
  if (status !== '' && parseStatus(status).ok) return undefined;
  for (const cell of [due, status]) {
    if (cell === '') continue;
    const other = cell === due ? status : due;
    if (other !== '' && other !== cell) continue;
    const split = splitStatusAndDue(cell);
    if (split) return split;
  }
  return undefined;
}

function describeReads(view: RowView, cols: ColumnMap, roles: readonly ColumnRole[]): string {
  // Roles read from the same cell are named together: "the status and date from 'X'".
  const groups: { words: string[]; at: number }[] = [];
  for (const r of roles) {
    const at = view.from[r];
    if (at === undefined || (view.cells[r] ?? '') === '') continue;
    const last = groups[groups.length - 1];
    if (last && last.at === at) last.words.push(ROLE_WORD[r]);
    else groups.push({ words: [ROLE_WORD[r]], at });
  }
  const parts = groups.map((g) => `the ${g.words.join(' and ')} from '${headerOf(cols, g.at)}'`);
  if (parts.length === 0) return '';
  const last = parts.pop();
  return parts.length ? `${parts.join(', ')} and ${last}` : `${last}`;
}

interface FoundStatus {
  index: number;
  status: string;
  due?: string;
}

function findStatusElsewhere(cells: readonly string[], cols: ColumnMap): FoundStatus | undefined {
  const s = cols.roles.status as number;
  const skip = new Set([cols.roles.priority, cols.roles.ref, s].filter((i): i is number => i !== undefined));
  const order = cells.map((_, i) => i).filter((i) => !skip.has(i) && cells[i] !== '');
  order.sort((a, b) => Math.abs(a - s) - Math.abs(b - s) || a - b);
  for (const i of order) {
    if (isStatusWord(cells[i])) return { index: i, status: cells[i] };
    const split = splitStatusAndDue(cells[i]);
    if (split) return { index: i, status: split.status, due: split.due };
  }
  return undefined;
}

/**
 * A status word alone is not enough to move a whole row: the date must sit where the same slip
 * puts it (right after the status), otherwise a stray "Complete" in a notes column would drag
 * every other cell sideways.
 */
function plausible(found: FoundStatus | undefined, cells: readonly string[], s: number, d: number): FoundStatus | undefined {
  if (!found || found.due !== undefined) return found;
  if (found.index > s) {
    const k = found.index - s;
    return isDueLike(cells[d + k] ?? '') ? found : undefined;
  }
  const next = [found.index + 1, found.index + 2].some((j) => isDueLike(cells[j] ?? ''));
  return next ? found : undefined;
}

/**
 * True when the row's own status and date cells say nothing of a slip: the status cell holds no
 * date (nor a status and date run together) and the date cell holds no status. A blank or
 * unreadable status ("TBC") in its own column is such a row: it is reported, never a reason to
 * move the row. A status word elsewhere ("On track" in a commentary column, a "Previous RAG"
 * beside a blank current one) is then just text.
 */
function readsInPlace(cells: readonly string[], s: number, d: number): boolean {
  const statusCell = cells[s] ?? '';
  const dueCell = cells[d] ?? '';
  const statusOk = statusCell === '' || (!isDueLike(statusCell) && splitStatusAndDue(statusCell) === undefined);
  const dueOk = dueCell === '' || (!isStatusWord(dueCell) && !isStatusList(dueCell) && splitStatusAndDue(dueCell) === undefined);
  return statusOk && dueOk;
}

/**
 * Reads one row. `carried` is the right-shift found on the row above: in a block pushed one
 * column right, the following rows often have a blank action column and no status at all, so
 * vocabulary alone cannot spot them; they are read like the row above while they keep that shape.
 */
export function alignRow(cells: readonly string[], cols: ColumnMap, row: number, carried: number): Alignment {
  const { status: s, due: d, action: a } = cols.roles;
  const plain: Alignment = { view: straight(cells, cols), problems: [], carry: 0 };
  if (s === undefined || d === undefined || a === undefined) return plain;

  const statusCell = cells[s] ?? '';
  const dueCell = cells[d] ?? '';
  if (statusCell !== '' && (parseStatus(statusCell).ok || isStatusList(statusCell))) return plain;

  const problems: ImportProblem[] = [];
  const fixed = (column: number, value: string, message: string): void => {
    problems.push({ row, column: headerOf(cols, column), value, message, outcome: 'fixed' });
  };

  // Status and date swapped between their own two columns.
  if (isDueLike(statusCell) && isStatusWord(dueCell)) {
    const view = straight(cells, cols);
    view.cells.status = dueCell;
    view.cells.due = statusCell;
    view.from.status = d;
    view.from.due = s;
    fixed(s, statusCell, `Date '${statusCell}' and status '${dueCell}' were in each other's columns; swapped back.`);
    return { view, problems, carry: 0 };
  }

  const refBlank = cols.roles.ref === undefined || (cells[cols.roles.ref] ?? '') === '';
  const continuesBlock = carried > 0 && refBlank && (cells[a] ?? '') === '' && (cells[a + carried] ?? '') !== '';
  // Strong evidence only: a row no wider than the header whose own cells read in place is read as it stands.
  if (!continuesBlock && cells.length <= cols.headers.length && readsInPlace(cells, s, d)) return plain;

  const found = plausible(findStatusElsewhere(cells, cols), cells, s, d);
  if (!found) {
    if (continuesBlock) {
      const { view } = shiftedRight(cells, cols, carried);
      const joined = splitJoined(view);
      if (joined) Object.assign(view.cells, joined);
      const reads = describeReads(view, cols, ['action', 'outcome', 'lead', 'status', 'due']);
      fixed(
        a + carried,
        cells[a + carried],
        `Continues the block above that sits one column to the right ('${headerOf(cols, a)}' is blank); read ${reads}.`,
      );
      return { view, problems, carry: carried };
    }
    // A joined "status date" in its own column needs no shift, only a split.
    const view = straight(cells, cols);
    const joined = splitJoined(view);
    if (!joined) return plain;
    Object.assign(view.cells, joined);
    const at = statusCell !== '' ? s : d;
    fixed(at, cells[at], `Status and date were run together in one cell; read status '${joined.status}' and date '${joined.due}'.`);
    return { view, problems, carry: 0 };
  }

  const where = headerOf(cols, found.index);
  if (found.index > s) {
    // Pushed right: the status word sits k columns past its own column (a joined "status date"
    // stands where the date should be).
    const k = found.due !== undefined ? Math.max(found.index - d, 0) : found.index - s;
    if (k === 0) {
      const view = straight(cells, cols);
      view.cells.status = found.status;
      view.cells.due = found.due ?? '';
      view.from.status = found.index;
      view.from.due = found.index;
      fixed(found.index, cells[found.index], `Status and date were run together in one cell; read status '${found.status}' and date '${found.due ?? ''}'.`);
      return { view, problems, carry: 0 };
    }
    const { view, surplus } = shiftedRight(cells, cols, k);
    if (found.due !== undefined) {
      view.cells.status = found.status;
      view.cells.due = found.due;
      view.from.status = found.index;
      view.from.due = found.index;
    }
    const reads = describeReads(view, cols, ['action', 'outcome', 'lead', 'status', 'due']);
    const what = found.due !== undefined ? `Status and date run together ('${cells[found.index]}') were in '${where}'` : `Status '${found.status}' was in '${where}'`;
    fixed(
      found.index,
      cells[found.index],
      `${what}: the row sits ${k === 1 ? 'one column' : `${k} columns`} to the right from '${headerOf(cols, a)}' on; read ${reads}.`,
    );
    for (const i of surplus) {
      problems.push({
        row,
        column: headerOf(cols, i),
        value: cells[i],
        message: `Extra cell in a row shifted right: not used, because the action was read from '${headerOf(cols, a + k)}'.`,
        outcome: 'skipped',
      });
    }
    return { view, problems, carry: k };
  }

  // Pulled left: blank cells were dropped, so the text before the status is read from the right
  // (outcome, then action, then objective) and the lead, which had no cell, is left blank.
  const view: RowView = { cells: {}, from: {}, extra: {} };
  for (const role of ['priority', 'ref'] as const) {
    const index = cols.roles[role];
    if (index !== undefined) {
      view.cells[role] = cells[index] ?? '';
      view.from[role] = index;
    }
  }
  view.cells.status = found.status;
  view.from.status = found.index;
  let dueAt: number | undefined;
  if (found.due !== undefined) {
    view.cells.due = found.due;
    view.from.due = found.index;
  } else {
    for (let j = found.index + 1; j <= found.index + 2 && j < cells.length; j++) {
      if (cells[j] !== '' && isDueLike(cells[j])) {
        dueAt = j;
        break;
      }
    }
    view.cells.due = dueAt === undefined ? '' : cells[dueAt];
    if (dueAt !== undefined) view.from.due = dueAt;
  }
  const anchorEnd = Math.max(cols.roles.priority ?? -1, cols.roles.ref ?? -1);
  const text: number[] = [];
  for (let i = anchorEnd + 1; i < found.index; i++) if (cells[i] !== '') text.push(i);
  const slots = (['outcome', 'action', 'objective'] as const).filter((r) => cols.roles[r] !== undefined);
  for (const role of slots) {
    const i = text.pop();
    if (i === undefined) break;
    view.cells[role] = cells[i];
    view.from[role] = i;
  }
  const lastUsed = Math.max(found.index, dueAt ?? found.index);
  for (let i = lastUsed + 1; i < Math.max(cells.length, cols.headers.length); i++) {
    if ((cells[i] ?? '') !== '') view.extra[headerOf(cols, i)] = cells[i];
  }
  const dueText = view.cells.due ? ` and the date '${view.cells.due}' in '${headerOf(cols, dueAt ?? found.index)}'` : '';
  fixed(
    found.index,
    cells[found.index],
    `Status '${found.status}' was in '${where}'${dueText}: the row is shifted left. ` +
      `Read ${describeReads(view, cols, ['objective', 'action', 'outcome'])}; the lead has no cell on this row, so it is the same as above.`,
  );
  for (const i of text) {
    problems.push({
      row,
      column: headerOf(cols, i),
      value: cells[i],
      message: 'Extra cell in a row shifted left: not used.',
      outcome: 'skipped',
    });
  }
  return { view, problems, carry: 0 };
}

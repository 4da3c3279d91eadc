import type { Action, Due, ParsedPlan, UnreadCell } from '../domain/model';
import type { ActionDetail, HistoryEntry, ItemState } from '../domain/planItem';
import { formatDue } from '../domain/dueDate';
import { ragLabel, statusLabel } from '../domain/status';
import type { ConcurrencyToken, ImportWrite, LoadedItem, PlanItem, PlanStore } from './ports/planStore';

export interface ImportSummary {
  planId: string;
  actions: number;
  milestones: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Items in storage that the file no longer has. Kept, never deleted: history must survive. */
  notInFile: string[];
  historyRecorded: number;
  transactions: number;
  /**
   * Items changed in Teams after this import read them and before it wrote: not written, so the
   * Teams update stands. Re-run the import to compare again.
   */
  conflicts: string[];
  /** Where the file's status or commentary differs from a newer update made in Teams, which is kept. */
  keptFromTeams: { item: string; field: string; file: string; kept: string }[];
  /**
   * Cells the file could not give (unreadable or blank, each a reported problem) for items already
   * in the plan: the stored value was kept, and no history was recorded for the field.
   */
  keptStored: KeptStored[];
  /** True when the plan was archived: the import updated it, and it stays archived. */
  archived?: boolean;
}

export interface KeptStored {
  item: string;
  field: UnreadCell['field'];
  /** The cell, as its problem names it. */
  row: number;
  column: string;
  value: string;
  /** The stored value kept, as people read it. */
  kept: string;
}

/** Thrown before anything is written: the file holds no action, so storing it would make an empty plan. */
export class NothingToImportError extends Error {}

export function planIdFor(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  if (!slug) throw new Error(`A plan name needs at least one letter or digit (got "${name}")`);
  return slug;
}

const IMPORT_USER = 'import';

function actionItem(planId: string, a: Action): ActionDetail {
  const item: ActionDetail = {
    planId,
    kind: 'action',
    ref: a.ref,
    title: a.title,
    ownerRole: a.leadRole,
    due: a.due,
    status: a.status,
    rag: a.rag,
    commentary: a.commentary,
    evidenceUrl: a.evidence,
    originalDue: a.originalDue,
    version: 1,
    priorityRef: a.priorityRef,
    priorityTitle: a.priorityTitle,
    objective: a.objective,
    outcomes: a.outcomes,
    kpiCodes: a.kpiCodes,
    extra: a.extra,
    milestones: [],
  };
  // The tracker's "last updated" is when the latest commentary was written: the card shows it and
  // the stale-update nudge counts from it. Noon UTC keeps the day the same in Europe/London.
  if (a.commentaryDate) item.updatedAt = `${a.commentaryDate}T12:00:00.000Z`;
  if (a.commentaryBy) item.updatedByName = a.commentaryBy;
  for (const k of ['commentary', 'evidenceUrl', 'originalDue'] as const) if (item[k] === undefined) delete item[k];
  return item;
}

function milestoneItems(planId: string, a: Action): ItemState[] {
  return a.milestones.map((m) => ({
    planId,
    kind: 'milestone',
    ref: a.ref,
    seq: m.seq,
    title: m.text,
    ownerRole: m.ownerRole ?? a.leadRole,
    due: m.due,
    status: m.status,
    rag: m.rag,
    version: 1,
  }));
}

/** The items a parsed plan becomes, before any comparison with what is stored: version 1, unstamped. */
export function itemsOfPlan(planId: string, parsed: ParsedPlan): (ItemState | ActionDetail)[] {
  return parsed.actions.flatMap((a) => [actionItem(planId, a), ...milestoneItems(planId, a)]);
}

const dueKey = (d: Due) => JSON.stringify(d);
const NONE: Due = { kind: 'none' };
const show = (d: Due) => (d.kind === 'date' ? d.date : d.kind === 'recurring' ? d.recurrence : 'none');

/** Fields the spreadsheet owns. Status belongs to the file only until someone updates it in the bot. */
function sourceFingerprint(e: PlanItem): string {
  const a = e.kind === 'action' && 'outcomes' in e ? e : undefined;
  const extra = a ? Object.entries(a.extra ?? {}).sort(([x], [y]) => x.localeCompare(y)) : null;
  return JSON.stringify([e.title, e.ownerRole ?? null, e.due, e.originalDue ?? null, a?.outcomes ?? null, a?.priorityTitle ?? null, a?.objective ?? null, extra]);
}

/** The tracker's own update: commentary and evidence, compared apart because Teams may own them. */
function updateFingerprint(e: PlanItem): string {
  return JSON.stringify([e.commentary ?? null, e.evidenceUrl ?? null]);
}

const keyOf = (i: Pick<ItemState, 'ref' | 'seq'>) => `${i.ref}|${i.seq ?? ''}`;

/** The cells each item's file row could not give, by item key. A milestone without an owner of its own shares its action's. */
function unreadByItem(parsed: ParsedPlan): Map<string, UnreadCell[]> {
  const out = new Map<string, UnreadCell[]>();
  for (const a of parsed.actions) {
    if (a.unread?.length) out.set(keyOf({ ref: a.ref }), a.unread);
    const ownerUnread = a.unread?.find((u) => u.field === 'owner');
    for (const m of a.milestones) {
      const cells = [...(m.unread ?? []), ...(ownerUnread && m.ownerRole === undefined ? [ownerUnread] : [])];
      if (cells.length) out.set(keyOf({ ref: a.ref, seq: m.seq }), cells);
    }
  }
  return out;
}

const FIELD_WORD: Record<UnreadCell['field'], string> = { due: 'due date', revisedDue: 'revised due date', status: 'status', rag: 'RAG', owner: 'owner' };

/**
 * The file's item with the stored value put back for every field whose cell was not read: a bad or
 * blank cell never overwrites what the plan holds. Dates: the due date of a file with a revised
 * column is the revised date when there is one, the original otherwise, so each of the two is
 * taken from storage alone when its own cell was not read.
 */
function keepStored<T extends PlanItem>(item: T, previous: PlanItem, unread: readonly UnreadCell[], label: string, kept: KeptStored[]): T {
  const fields = new Set(unread.map((u) => u.field));
  const next = { ...item };
  const storedRevised = previous.originalDue !== undefined ? previous.due : undefined;
  const storedOriginal = previous.originalDue ?? previous.due;
  const fileRevised = item.originalDue !== undefined ? item.due : undefined;
  const fileOriginal = item.originalDue ?? item.due;
  const keepBoth = (): void => {
    next.due = previous.due;
    next.originalDue = previous.originalDue;
  };
  if (fields.has('due') && (fields.has('revisedDue') || fileRevised === undefined)) keepBoth();
  else if (fields.has('due')) {
    next.due = fileRevised as Due;
    next.originalDue = storedOriginal;
  } else if (fields.has('revisedDue') && storedRevised !== undefined) {
    next.due = storedRevised;
    next.originalDue = fileOriginal;
  }
  if (next.originalDue === undefined) delete next.originalDue;
  if (fields.has('status')) next.status = previous.status;
  if (fields.has('rag')) next.rag = previous.rag;
  if (fields.has('owner')) next.ownerRole = previous.ownerRole;
  if (next.ownerRole === undefined) delete next.ownerRole;
  const shown: Record<UnreadCell['field'], string> = {
    due: formatDue(fields.has('revisedDue') || fileRevised === undefined ? previous.due : storedOriginal),
    revisedDue: storedRevised ? formatDue(storedRevised) : 'none',
    status: statusLabel(previous.status),
    rag: ragLabel(previous.rag),
    owner: previous.ownerRole ?? 'none',
  };
  // Where the plan held nothing either, the field is simply blank: its problem stands as it is.
  const differs: Record<UnreadCell['field'], boolean> = {
    due: dueKey(next.due) !== dueKey(item.due) || dueKey(next.originalDue ?? NONE) !== dueKey(item.originalDue ?? NONE),
    revisedDue: dueKey(next.due) !== dueKey(item.due) || dueKey(next.originalDue ?? NONE) !== dueKey(item.originalDue ?? NONE),
    status: next.status !== item.status,
    rag: next.rag !== item.rag,
    owner: (next.ownerRole ?? '') !== (item.ownerRole ?? ''),
  };
  for (const u of unread) if (differs[u.field]) kept.push({ item: label, field: u.field, row: u.row, column: u.column, value: u.value, kept: shown[u.field] });
  return next;
}

/** "due date 31 Jan 2027", "owner Head of MASH": the report words for a kept value. */
export function describeKept(k: KeptStored): string {
  return `${FIELD_WORD[k.field]} ${k.kept}`;
}

/**
 * Bring a plan in storage in line with a parsed file, by ref. Re-importing the same file writes
 * nothing; an edited file updates what changed and records due-date, owner, status and commentary
 * changes as history from the import.
 *
 * All or nothing for the plan's content: every item is compared and built before the first write,
 * and a file with no action writes nothing at all. Each write is conditional on the version read,
 * so an update made in Teams meanwhile is reported as a conflict and kept, never overwritten.
 */
export async function importPlan(
  repo: PlanStore,
  args: { planId: string; planName: string; parsed: ParsedPlan; dryRun: boolean; now: Date },
): Promise<ImportSummary> {
  const { planId, parsed } = args;
  if (parsed.actions.length === 0) throw new NothingToImportError('The file yields no actions, so nothing was written.');
  const now = args.now.toISOString();
  const read = await repo.listAllItemsForImport(planId);
  const existing = new Map(read.map((e) => [keyOf(e.item), e]));
  const desired = itemsOfPlan(planId, parsed);
  const unread = unreadByItem(parsed);
  const summary: ImportSummary = {
    planId,
    actions: parsed.actions.length,
    milestones: desired.length - parsed.actions.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    notInFile: [],
    historyRecorded: 0,
    transactions: 0,
    conflicts: [],
    keptFromTeams: [],
    keptStored: [],
  };
  const writes: ImportWrite[] = [];
  const unchanged: LoadedItem[] = [];
  const seen = new Set<string>();

  for (const fileItem of desired) {
    const key = keyOf(fileItem);
    seen.add(key);
    const found = existing.get(key);
    const label = fileItem.seq ? `${fileItem.ref}.${fileItem.seq}` : fileItem.ref;
    // A new item takes the file as it is (the unread field blank, its problem reported); one in the plan keeps its value.
    const item = found && unread.has(key) ? keepStored(fileItem, found.item, unread.get(key)!, label, summary.keptStored) : fileItem;
    if (!found) {
      summary.created++;
      writes.push({ item: { ...item, updatedAt: item.updatedAt ?? now, updatedBy: IMPORT_USER, updatedByName: item.updatedByName ?? 'Plan import' } });
      continue;
    }
    const old = found.item;
    const touchedInBot = old.updatedBy !== undefined && old.updatedBy !== IMPORT_USER;
    // A tracker row dated after the last Teams update is newer news than the bot holds.
    const fileIsNewer = touchedInBot && item.updatedAt !== undefined && old.updatedAt !== undefined && item.updatedAt.slice(0, 10) > old.updatedAt.slice(0, 10);
    const fileOwnsUpdate = !touchedInBot || fileIsNewer;
    const statusDiffers = old.status !== item.status || old.rag !== item.rag;
    const updateDiffers = updateFingerprint(old) !== updateFingerprint(item) && (item.commentary !== undefined || item.evidenceUrl !== undefined);
    const statusChanged = fileOwnsUpdate && statusDiffers;
    const updateChanged = fileOwnsUpdate && updateDiffers;
    if (!fileOwnsUpdate) {
      if (statusDiffers) summary.keptFromTeams.push({ item: label, field: 'status', file: `${item.status}/${item.rag}`, kept: `${old.status}/${old.rag}` });
      if (updateDiffers && (item.commentary ?? '') !== (old.commentary ?? '')) summary.keptFromTeams.push({ item: label, field: 'commentary', file: item.commentary ?? '', kept: old.commentary ?? '' });
    }
    if (sourceFingerprint(old) === sourceFingerprint(item) && !statusChanged && !updateChanged) {
      summary.unchanged++;
      unchanged.push(found);
      continue;
    }
    const previous = old;
    const stamp = statusChanged || updateChanged;
    const next = {
      ...item,
      // What people recorded in the bot outlives the spreadsheet, unless the tracker is newer.
      status: statusChanged ? item.status : previous.status,
      rag: statusChanged ? item.rag : previous.rag,
      commentary: updateChanged ? item.commentary ?? previous.commentary : previous.commentary,
      evidenceUrl: updateChanged ? item.evidenceUrl ?? previous.evidenceUrl : previous.evidenceUrl,
      originalDue: item.originalDue ?? previous.originalDue,
      version: previous.version + 1,
      updatedAt: stamp ? item.updatedAt ?? now : previous.updatedAt,
      updatedBy: stamp ? IMPORT_USER : previous.updatedBy,
      updatedByName: stamp ? item.updatedByName ?? 'Plan import' : previous.updatedByName,
      lastRequestId: previous.lastRequestId,
      // A sign-off request and its decision belong to the status they were about.
      signOff: statusChanged ? undefined : previous.signOff,
    };
    if (next.signOff === undefined) delete next.signOff;
    if (next.commentary === undefined) delete next.commentary;
    if (next.evidenceUrl === undefined) delete next.evidenceUrl;
    if (next.originalDue === undefined) delete next.originalDue;
    const changes: HistoryEntry['changes'] = [];
    if (dueKey(previous.due) !== dueKey(item.due)) changes.push({ field: 'due', from: show(previous.due), to: show(item.due) });
    if ((previous.ownerRole ?? '') !== (item.ownerRole ?? '')) changes.push({ field: 'owner', from: previous.ownerRole ?? '', to: item.ownerRole ?? '' });
    if (statusChanged) {
      if (previous.status !== item.status) changes.push({ field: 'status', from: previous.status, to: item.status });
      if (previous.rag !== item.rag) changes.push({ field: 'RAG', from: previous.rag, to: item.rag });
    }
    if (updateChanged && (previous.commentary ?? '') !== (next.commentary ?? '')) changes.push({ field: 'commentary', from: previous.commentary ? 'earlier commentary' : '', to: 'updated in the tracker' });
    if (updateChanged && (previous.evidenceUrl ?? '') !== (next.evidenceUrl ?? '')) changes.push({ field: 'evidence', from: previous.evidenceUrl ?? '', to: next.evidenceUrl ?? '' });
    const history: HistoryEntry | undefined = changes.length
      ? { planId, ref: item.ref, seq: item.seq, at: now, by: IMPORT_USER, byName: item.updatedByName && stamp ? `${item.updatedByName} (tracker)` : 'Plan import', source: 'import', changes }
      : undefined;
    if (history && updateChanged && next.commentary) history.commentary = next.commentary;
    if (history) summary.historyRecorded++;
    summary.updated++;
    writes.push({ item: next, previous, token: found.token as ConcurrencyToken, kept: found.kept, history });
  }
  for (const [key, e] of existing) {
    if (seen.has(key)) continue;
    summary.notInFile.push(e.item.seq ? `${e.item.ref}.${e.item.seq}` : e.item.ref);
    unchanged.push(e); // kept in storage as it is
  }
  const knownPriorities = new Map((await repo.listPriorities(planId)).map((p) => [p.ref, p.title]));
  const priorities = parsed.priorities.filter((p) => knownPriorities.get(p.ref) !== p.title);
  const plan = (await repo.listAllPlans()).find((p) => p.id === planId);
  if (plan?.archivedAt) summary.archived = true;
  if (!args.dryRun) {
    const result = await repo.writeImport(planId, writes, priorities, unchanged);
    summary.transactions = result.transactions;
    for (const c of result.conflicts) {
      summary.conflicts.push(c.item.seq ? `${c.item.ref}.${c.item.seq}` : c.item.ref);
      if (c.previous) summary.updated--;
      else summary.created--;
      if (c.history) summary.historyRecorded--;
    }
    await repo.savePlan({ id: planId, name: args.planName, importedAt: now });
  }
  return summary;
}

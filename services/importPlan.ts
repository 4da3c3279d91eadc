import type { Action, Due, ParsedPlan } from '../domain/model';
import type { ActionDetail, HistoryEntry, ItemState } from '../domain/planItem';
import type { PlanItem, PlanRepository } from '../storage/planRepository';

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
}

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
  return {
    planId,
    kind: 'action',
    ref: a.ref,
    title: a.title,
    ownerRole: a.leadRole,
    due: a.due,
    status: a.status,
    rag: a.rag,
    commentary: a.commentary,
    version: 1,
    priorityRef: a.priorityRef,
    priorityTitle: a.priorityTitle,
    objective: a.objective,
    outcomes: a.outcomes,
    kpiCodes: a.kpiCodes,
    extra: a.extra,
    milestones: [],
  };
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
const show = (d: Due) => (d.kind === 'date' ? d.date : d.kind === 'recurring' ? d.recurrence : 'none');

/** Fields the spreadsheet owns. Status belongs to the file only until someone updates it in the bot. */
function sourceFingerprint(e: PlanItem): string {
  const a = e.kind === 'action' && 'outcomes' in e ? e : undefined;
  return JSON.stringify([e.title, e.ownerRole ?? null, e.due, a?.outcomes ?? null, a?.priorityTitle ?? null, a?.objective ?? null]);
}

const keyOf = (i: Pick<ItemState, 'ref' | 'seq'>) => `${i.ref}|${i.seq ?? ''}`;

/**
 * Bring a plan in storage in line with a parsed file, by ref. Re-importing the same file writes
 * nothing; an edited file updates what changed and records due-date and owner changes as history.
 */
export async function importPlan(
  repo: PlanRepository,
  args: { planId: string; planName: string; parsed: ParsedPlan; dryRun: boolean; now: Date },
): Promise<ImportSummary> {
  const { planId, parsed } = args;
  const now = args.now.toISOString();
  const existing = new Map((await repo.listAllItems(planId)).map((e) => [keyOf(e), e]));
  const desired = itemsOfPlan(planId, parsed);
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
  };
  const writes: { item: ItemState | ActionDetail; previous?: ItemState; history?: HistoryEntry }[] = [];
  const seen = new Set<string>();

  for (const item of desired) {
    const key = keyOf(item);
    seen.add(key);
    const old = existing.get(key);
    if (!old) {
      summary.created++;
      writes.push({ item: { ...item, updatedAt: now, updatedBy: IMPORT_USER, updatedByName: 'Plan import' } });
      continue;
    }
    const touchedInBot = old.updatedBy !== undefined && old.updatedBy !== IMPORT_USER;
    const statusChanged = !touchedInBot && (old.status !== item.status || old.rag !== item.rag);
    if (sourceFingerprint(old) === sourceFingerprint(item) && !statusChanged) {
      summary.unchanged++;
      continue;
    }
    const previous = old;
    const next = {
      ...item,
      // What people recorded in the bot outlives the spreadsheet.
      status: touchedInBot ? previous.status : item.status,
      rag: touchedInBot ? previous.rag : item.rag,
      commentary: touchedInBot ? previous.commentary : item.commentary ?? previous.commentary,
      evidenceUrl: previous.evidenceUrl,
      originalDue: previous.originalDue,
      version: previous.version + 1,
      updatedAt: touchedInBot ? previous.updatedAt : now,
      updatedBy: touchedInBot ? previous.updatedBy : IMPORT_USER,
      updatedByName: touchedInBot ? previous.updatedByName : 'Plan import',
      lastRequestId: previous.lastRequestId,
    };
    const changes: HistoryEntry['changes'] = [];
    if (dueKey(previous.due) !== dueKey(item.due)) changes.push({ field: 'due', from: show(previous.due), to: show(item.due) });
    if ((previous.ownerRole ?? '') !== (item.ownerRole ?? '')) changes.push({ field: 'owner', from: previous.ownerRole ?? '', to: item.ownerRole ?? '' });
    if (statusChanged) {
      if (previous.status !== item.status) changes.push({ field: 'status', from: previous.status, to: item.status });
      if (previous.rag !== item.rag) changes.push({ field: 'RAG', from: previous.rag, to: item.rag });
    }
    const history: HistoryEntry | undefined = changes.length
      ? { planId, ref: item.ref, seq: item.seq, at: now, by: IMPORT_USER, byName: 'Plan import', source: 'import', changes }
      : undefined;
    if (history) summary.historyRecorded++;
    summary.updated++;
    writes.push({ item: next, previous, history });
  }
  for (const [key, e] of existing) {
    if (!seen.has(key)) summary.notInFile.push(e.seq ? `${e.ref}.${e.seq}` : e.ref);
  }
  const knownPriorities = new Map((await repo.listPriorities(planId)).map((p) => [p.ref, p.title]));
  const priorities = parsed.priorities.filter((p) => knownPriorities.get(p.ref) !== p.title);
  if (!args.dryRun) {
    summary.transactions = await repo.bulkWrite(planId, writes, priorities);
    await repo.savePlan({ id: planId, name: args.planName, importedAt: now });
  }
  return summary;
}

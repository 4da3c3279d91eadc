import type { Due, ProgressStatus, Rag } from './model';

/**
 * The current state of one trackable thing: an action or one of its milestones. Both share the same
 * life (owner, due date, status, RAG, updates), so reminders, overdue lists and updates treat them alike.
 */
export interface ItemState {
  planId: string;
  /** Action ref ("2.4"); a milestone carries its action's ref plus seq. */
  ref: string;
  seq?: number;
  kind: 'action' | 'milestone';
  title: string;
  ownerRole?: string;
  due: Due;
  /** The due date as first planned; kept when a revised date is agreed, so drift stays visible. */
  originalDue?: Due;
  status: ProgressStatus;
  rag: Rag;
  commentary?: string;
  evidenceUrl?: string;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
  updatedByName?: string;
  /** Id of the last request applied, so a retried invoke is recognised and not written twice. */
  lastRequestId?: string;
  /** The latest sign-off request and, once made, its decision (kept apart from the owner's commentary). */
  signOff?: SignOffRecord;
}

/**
 * What an index row knows about an item: enough to list it and to decide whether to read it, not
 * its version, commentary or who last changed it. A distinct type, so a summary can never be taken
 * for the item itself (a write needs the full item and its ETag).
 */
export type ItemSummary = Pick<ItemState, 'planId' | 'ref' | 'seq' | 'kind' | 'title' | 'ownerRole' | 'due' | 'status' | 'rag'>;

/**
 * One sign-off request: when the work was marked complete (the version that asked), and the
 * manager's decision once made. The return note is the manager's, not the item's commentary.
 */
export interface SignOffRecord {
  requestedAt: string;
  requestedVersion: number;
  decision?: { kind: 'approved' | 'returned'; by: string; byName: string; at: string; note?: string };
}

export interface ActionDetail extends ItemState {
  kind: 'action';
  priorityRef?: string;
  priorityTitle?: string;
  objective?: string;
  outcomes: string[];
  kpiCodes: string[];
  extra: Record<string, string>;
  milestones: ItemState[];
}

/** An action with its plan fields, or a milestone: what a whole-plan read returns. */
export type PlanItem = ItemState | ActionDetail;

/** "2.4" for an action, "2.4.3" for its third milestone: what people type. */
export function itemLabel(item: Pick<ItemState, 'ref' | 'seq'>): string {
  return item.seq === undefined ? item.ref : `${item.ref}.${item.seq}`;
}

/** How many of an action's latest changes its card shows. */
export const RECENT_CHANGES = 5;

export interface HistoryEntry {
  planId: string;
  ref: string;
  seq?: number;
  at: string;
  by: string;
  byName: string;
  source: 'card' | 'text' | 'import' | 'signoff';
  changes: { field: string; from: string; to: string }[];
  commentary?: string;
  evidenceUrl?: string;
  /** A sign-off decision's note (the manager's words, not the item's commentary). */
  note?: string;
}

/**
 * The improvement-plan vocabulary shared by every layer. Plain data only: no Teams, no storage.
 * Dates are ISO calendar dates (yyyy-mm-dd) with no time: a due date is a day in Europe/London.
 */

/** Progress on the six-level scale councils use (Sefton's legend), plus the sign-off gate. */
export type ProgressStatus =
  | 'complete'
  | 'awaiting_signoff'
  | 'on_track'
  | 'some_issues'
  | 'not_on_track'
  | 'not_started'
  | 'bau';

/** Blue is BRAG's "complete"; none is "no rating" (not started, business as usual). */
export type Rag = 'red' | 'amber' | 'green' | 'blue' | 'none';

export type Recurrence =
  | 'ongoing'
  | 'daily'
  | 'weekly'
  | 'monthly'
  | 'quarterly'
  | 'termly'
  | 'six_monthly'
  | 'annually'
  | 'bau';

/**
 * When something is due. `date` items can be overdue; `recurring` items never are;
 * `none` is "no timescale", which the seeds name as a failure, so it is reported, not hidden.
 */
export type Due =
  | { kind: 'date'; date: string; recurrence?: Recurrence; onwards?: boolean }
  | { kind: 'recurring'; recurrence: Recurrence; note?: string }
  | { kind: 'none' };

export interface Milestone {
  /** 1-based position within the action. */
  seq: number;
  text: string;
  due: Due;
  ownerRole?: string;
  status: ProgressStatus;
  rag: Rag;
  /** Cells of this milestone the importer could not take (each has its problem reported). */
  unread?: UnreadCell[];
}

/**
 * A field of an action or milestone whose cell the importer could not take as a value: unreadable
 * ("31/13/2027", "Purple") or blank where the plan has the column. Each has its problem reported
 * (same row, column and value). A new item is imported with the field blank; an item already in
 * the plan keeps its stored value for the field (services/importPlan.ts), so a bad cell never
 * overwrites good data.
 */
export interface UnreadCell {
  /** due: the due date (the original one where there is a revised column); status and rag are kept apart. */
  field: 'due' | 'revisedDue' | 'status' | 'rag' | 'owner';
  row: number;
  column: string;
  value: string;
}

export interface Action {
  ref: string;
  priorityRef?: string;
  priorityTitle?: string;
  title: string;
  /** Outcomes / success measures / "how we will know it has worked", one per entry. */
  outcomes: string[];
  objective?: string;
  leadRole?: string;
  start?: Due;
  due: Due;
  status: ProgressStatus;
  rag: Rag;
  commentary?: string;
  /** ISO date of the latest commentary, from a tracker's "Last updated" column. */
  commentaryDate?: string;
  /** Who wrote the latest commentary, from a tracker's "Updated by" column. */
  commentaryBy?: string;
  /** A tracker's evidence column: a link or a note of where the evidence is. */
  evidence?: string;
  /** The due date as first planned, when the tracker has a revised due date column. */
  originalDue?: Due;
  /** KPI codes mentioned in the text, lower-case (c056). */
  kpiCodes: string[];
  milestones: Milestone[];
  /** Columns the importer did not recognise, kept by header. */
  extra: Record<string, string>;
  /** 1-based row in the source file (header is row 1) where the action starts. */
  sourceRow: number;
  /** Cells of this action the importer could not take (each has its problem reported). */
  unread?: UnreadCell[];
}

export interface Priority {
  ref: string;
  title: string;
}

export interface ParsedPlan {
  priorities: Priority[];
  actions: Action[];
}

/** What an import did with a cell it could not take as it was. */
export interface ImportProblem {
  /** 1-based row number in the source file, header row = 1. */
  row: number;
  column: string;
  value: string;
  message: string;
  /** 'kept the stored value': the cell was not read and the item already in the plan keeps what it held. */
  outcome: 'skipped' | 'fixed' | 'left blank' | 'kept as text' | 'kept the stored value';
}

export interface KpiDefinition {
  code: string;
  name: string;
  unit: string;
  polarity: 'higher' | 'lower';
  target: number;
  tolerance: number;
  frequency: string;
  statNeighbours?: number;
  england?: number;
  source?: string;
  /** The role that records this KPI's values (a directory role label), from the file or set in chat. */
  ownerRole?: string;
}

export interface KpiValue {
  code: string;
  /** yyyy-mm for monthly, yyyy-Qn for quarterly, yyyy-mm-dd for weekly. */
  period: string;
  value: number;
}

export interface Person {
  role: string;
  name: string;
  email: string;
  aadObjectId: string;
  managerRole?: string;
}

/** A plan as a whole: its name, the channel linked to it, when it was imported or archived. */
export interface PlanInfo {
  id: string;
  name: string;
  channelId?: string;
  importedAt?: string;
  /** Set when an admin archived the plan: hidden from questions and digests, kept with its history. */
  archivedAt?: string;
  /** Changes on every write of the plan row (each import); storage/dueSummary.ts keys its counts by it. */
  revision?: string;
}

/** One recorded value of a KPI for a period, with who recorded it and why. */
export interface KpiPoint extends KpiValue {
  enteredAt: string;
  enteredBy: string;
  enteredByName?: string;
  note?: string;
  source?: string;
  version?: number;
  lastRequestId?: string;
}

/** A correction of a period's value: the old value kept, with the reason. */
export interface KpiCorrection {
  code: string;
  period: string;
  oldValue: number;
  newValue: number;
  oldEnteredAt: string;
  oldEnteredBy: string;
  reason: string;
  at: string;
  by: string;
  byName: string;
}

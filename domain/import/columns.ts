/**
 * Recognises plan columns by what their header means, not where they sit: every council orders
 * (and names) its columns differently, and the same plan is often re-exported with columns moved.
 */

export type ColumnRole =
  | 'ref'
  | 'due'
  | 'lead'
  | 'status'
  | 'action'
  | 'outcome'
  | 'objective'
  | 'priority'
  | 'start'
  | 'commentary'
  | 'lastUpdated'
  | 'updatedBy'
  | 'evidence'
  | 'revisedDue'
  | 'revisedReason'
  | 'signoff'
  /** A RAG colour column beside a status column (as the export writes): it sets the colour only. */
  | 'rag';

/** Header text with case, spaces and punctuation removed: "Action No." → "actionno". */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
}

const SYNONYMS: Record<ColumnRole, readonly string[]> = {
  ref: ['Ref', 'Action Ref', 'Action No.', 'Action Number', 'Reference', 'Ref No', 'Action Reference', 'No.', 'Action ID', 'ID'],
  // Sefton's "Milestones" column holds the dates, not milestone text.
  due: ['Due Date', 'Date Due', 'Milestone Due', 'Target date', 'Deadline', 'Milestones', 'Due', 'Target Completion Date', 'Timescale', 'Timescales', 'By When', 'Due by', 'Completion date', 'Target', 'Original due date',
    'Original target date', 'Original deadline', 'Original date', 'Target end date', 'Planned completion date', 'Planned end date', 'Expected completion date', 'End date', 'Delivery date', 'Complete by'],
  lead: ['Lead', 'Action owners', 'Action owner', 'Responsible Lead Officer', 'Owner', 'Owners', 'Lead Officer', 'Responsible Officer', 'Lead Role', 'Responsible', 'Accountable officer', 'Lead officers',
    'Responsible lead', 'Responsible leads', 'Responsible lead(s)', 'Lead(s)', 'Action lead', 'Accountable lead', 'Lead person', 'Responsible person', 'Owner(s)'],
  status: ['Rag Rating', 'RAG', 'BRAG', 'Status', 'Progress', 'RAG Status', 'BRAG Rating', 'Progress Status', 'BRAG status', 'Status (BRAG)', 'Status (RAG)', 'RAG / status', 'Status / RAG', 'Current RAG'],
  action: [
    'Action', 'The Actions We Are Taking', 'Actions', 'Action Description', 'Action required', 'Actions required', 'What we will do',
    'Key action', 'Key actions', 'Key action(s)', 'Improvement activity', 'Improvement activities', 'Improvement action', 'Improvement actions',
  ],
  outcome: ['Outcome', 'Outcomes', 'How we will know it has worked', 'Success measures', 'Success criteria', 'Success measure', 'Measures of success', 'Measure of success', 'Impact measure', 'Expected outcome'],
  objective: ['Objective', 'Objectives'],
  // A workstream groups actions exactly as a priority or theme does.
  priority: ['Priority', 'Recommendation', 'Theme', 'The Outcomes We Are Aiming For', 'Priorities', 'Recommendations', 'Themes', 'Workstream', 'Workstreams', 'Work stream', 'Priority area'],
  start: ['Start Date', 'Start'],
  commentary: [
    'Commentary', 'Comments', 'Update', 'Comment', 'Updates', 'Progress update', 'Latest update', 'Update / commentary', 'Commentary / update',
    'Latest commentary', 'Progress commentary', 'Progress to date', 'Current position', 'Latest position', 'Update on progress',
  ],
  lastUpdated: ['Last updated', 'Date updated', 'Update date', 'Last update', 'Date of update', 'Commentary date', 'Last updated on', 'Date of last update', 'Updated on'],
  updatedBy: ['Updated by', 'Last updated by', 'Update by', 'Commentary by', 'Update author'],
  evidence: ['Evidence', 'Evidenced by', 'Evidence of impact', 'Evidence of completion', 'Evidence / link', 'Supporting evidence'],
  revisedDue: ['Revised due date', 'Revised date', 'Revised target date', 'Revised deadline', 'New due date'],
  revisedReason: ['Reason for revised date', 'Reason for revision', 'Revision reason', 'Reason for change', 'Revised due reason'],
  signoff: ['Awaiting sign-off', 'Awaiting signoff', 'Sign-off', 'Signed off'],
  // Never matched by name alone: a lone "RAG" column is the status column (see recogniseColumns).
  rag: [],
};

/**
 * Headings that name the action column only in a table with no heading above (ACTION synonyms):
 * beside an "Action" column, a "Description" or "Title" is more text about it, kept as text.
 */
const WEAK_ACTION = new Set(['Description', 'Activity', 'Activities', 'Title'].map(normaliseHeader));

/** True for a heading read as the action column only when nothing stronger is there ("Title"). */
export function isWeakActionHeading(header: string): boolean {
  return WEAK_ACTION.has(normaliseHeader(header));
}

/** Every heading read as the action column, strongest first: for the message when none is found. */
export const ACTION_HEADINGS: readonly string[] = [...SYNONYMS.action, 'Description', 'Activity', 'Activities', 'Title'];

const RAG_HEADERS = new Set(['rag', 'ragrating', 'brag', 'bragrating', 'ragstatus', 'currentrag']);

/** What each role is called in the import report's column list. */
export const ROLE_LABEL: Record<ColumnRole, string> = {
  ref: 'ref',
  due: 'due date',
  lead: 'lead (owner)',
  status: 'status / RAG',
  action: 'action',
  outcome: 'outcomes / success measure',
  objective: 'objective',
  priority: 'priority / theme / workstream',
  start: 'start date',
  commentary: 'latest commentary',
  lastUpdated: 'date of latest commentary',
  updatedBy: 'author of latest commentary',
  evidence: 'evidence',
  revisedDue: 'revised due date',
  revisedReason: "reason for revised due date (kept as text on the action, exported as 'Reason for revised date')",
  signoff: 'awaiting sign-off',
  rag: 'RAG colour',
};

const ROLE_BY_KEY: ReadonlyMap<string, ColumnRole> = new Map(
  (Object.entries(SYNONYMS) as [ColumnRole, readonly string[]][]).flatMap(([role, names]) =>
    names.map((name) => [normaliseHeader(name), role] as const),
  ),
);

export function roleOfHeader(header: string): ColumnRole | undefined {
  const key = normaliseHeader(header);
  return ROLE_BY_KEY.get(key) ?? (WEAK_ACTION.has(key) ? 'action' : legendBase(header) !== undefined ? 'status' : undefined);
}

const LEGEND_COLOURS = new Set(['r', 'a', 'g', 'b', 'red', 'amber', 'green', 'blue']);

/**
 * A status header with its legend in brackets, "RAG (B/G/A/R)", "BRAG (Blue, Green, Amber, Red)":
 * the normalised heading ("rag") when the heading is a status/RAG heading and every part of the
 * legend is a RAG colour or its letter. Anything else ("Complete? (Y/N)") is not read as status.
 */
function legendBase(header: string): string | undefined {
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(header.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const base = normaliseHeader(m[1]);
  if (!RAG_HEADERS.has(base) && base !== 'status' && base !== 'bragstatus') return undefined;
  const parts = m[2].split(/\s*[/,]\s*/).map((p) => p.trim().toLowerCase());
  return parts.length >= 2 && parts.every((p) => LEGEND_COLOURS.has(p)) ? base : undefined;
}

export interface ColumnMap {
  /** Column index for each recognised role (first matching column wins). */
  roles: Partial<Record<ColumnRole, number>>;
  /** Header text as written, by column index (blank headers become "Column N"). */
  headers: string[];
  /** Columns kept as they are, by header, because their meaning is not known. */
  extra: { index: number; header: string }[];
  /** Columns whose role was already taken by an earlier column; they are kept as extra too. */
  duplicates: { index: number; header: string; role: ColumnRole }[];
}

export function recogniseColumns(headerRow: readonly string[]): ColumnMap {
  const map: ColumnMap = { roles: {}, headers: [], extra: [], duplicates: [] };
  const strongAction = headerRow.some((h) => ROLE_BY_KEY.get(normaliseHeader(h)) === 'action');
  headerRow.forEach((raw, index) => {
    const header = raw.replace(/\s+/g, ' ').trim() || `Column ${index + 1}`;
    map.headers[index] = header;
    let role = roleOfHeader(header);
    if (role === 'action' && strongAction && WEAK_ACTION.has(normaliseHeader(header))) role = undefined;
    if (role === 'status' && map.roles.status !== undefined && map.roles.rag === undefined && RAG_HEADERS.has(legendBase(header) ?? normaliseHeader(header))) role = 'rag';
    if (role === undefined) {
      map.extra.push({ index, header });
    } else if (map.roles[role] !== undefined) {
      map.duplicates.push({ index, header, role });
      map.extra.push({ index, header });
    } else {
      map.roles[role] = index;
    }
  });
  return map;
}

/** How many of the row's cells are recognised headers: used to find the header row. */
export function recognisedCount(row: readonly string[]): number {
  return row.filter((cell) => roleOfHeader(cell) !== undefined).length;
}

/**
 * For simple tables (KPIs, people): the index of each field's column, found by any of its header
 * synonyms, compared as normaliseHeader does.
 */
export function columnsBySynonyms<K extends string>(headerRow: readonly string[], synonyms: Record<K, readonly string[]>): Partial<Record<K, number>> {
  const keys = headerRow.map(normaliseHeader);
  const found: Partial<Record<K, number>> = {};
  for (const field of Object.keys(synonyms) as K[]) {
    const wanted = new Set(synonyms[field].map(normaliseHeader));
    const index = keys.findIndex((k) => wanted.has(k));
    if (index >= 0) found[field] = index;
  }
  return found;
}

/**
 * The key of the action's extra text that keeps a tracker's reason for a revised due date, whatever
 * the column was called ("Reason for revision"): the export's own column name, so an exported
 * tracker re-imports unchanged.
 */
export const REVISION_REASON = 'Reason for revised date';

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
  | 'commentary';

/** Header text with case, spaces and punctuation removed: "Action No." → "actionno". */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
}

const SYNONYMS: Record<ColumnRole, readonly string[]> = {
  ref: ['Ref', 'Action Ref', 'Action No.', 'Action Number', 'Reference', 'Ref No', 'Action Reference'],
  // Sefton's "Milestones" column holds the dates, not milestone text.
  due: ['Due Date', 'Date Due', 'Milestone Due', 'Target date', 'Deadline', 'Milestones', 'Due', 'Target Completion Date', 'Timescale', 'Timescales', 'By When'],
  lead: ['Lead', 'Action owners', 'Action owner', 'Responsible Lead Officer', 'Owner', 'Owners', 'Lead Officer', 'Responsible Officer', 'Lead Role'],
  status: ['Rag Rating', 'RAG', 'BRAG', 'Status', 'Progress', 'RAG Status', 'BRAG Rating', 'Progress Status'],
  action: ['Action', 'The Actions We Are Taking', 'Actions', 'Action Description'],
  outcome: ['Outcome', 'Outcomes', 'How we will know it has worked', 'Success measures', 'Success criteria', 'Success measure', 'Measures of success'],
  objective: ['Objective', 'Objectives'],
  priority: ['Priority', 'Recommendation', 'Theme', 'The Outcomes We Are Aiming For', 'Priorities', 'Recommendations', 'Themes'],
  start: ['Start Date', 'Start'],
  commentary: ['Commentary', 'Comments', 'Update', 'Comment', 'Updates', 'Progress update', 'Latest update'],
};

const ROLE_BY_KEY: ReadonlyMap<string, ColumnRole> = new Map(
  (Object.entries(SYNONYMS) as [ColumnRole, readonly string[]][]).flatMap(([role, names]) =>
    names.map((name) => [normaliseHeader(name), role] as const),
  ),
);

export function roleOfHeader(header: string): ColumnRole | undefined {
  return ROLE_BY_KEY.get(normaliseHeader(header));
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
  headerRow.forEach((raw, index) => {
    const header = raw.replace(/\s+/g, ' ').trim() || `Column ${index + 1}`;
    map.headers[index] = header;
    const role = roleOfHeader(header);
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

/**
 * The view model each template in cards/templates binds to, keyed by card name: renderCard checks
 * the data a view builds against its template's type, so a renamed or missing field is a compile
 * error rather than an empty "${…}" on a card. Only plain data: ids, text and flags.
 */
export interface Fact {
  title: string;
  value: string;
}

export interface ItemListData {
  title: string;
  subtitle: string;
  ragLine: string;
  emptyText: string;
  rows: { planId: string; ref: string; label: string; title: string; detail: string; ragWord: string; ragColor: string }[];
  hasMore: boolean;
  moreText: string;
  query: string;
  nextPage: string;
}

export interface ActionCardData {
  planId: string;
  planName: string;
  ref: string;
  title: string;
  ragWord: string;
  ragColor: string;
  statusText: string;
  facts: Fact[];
  outcomes: string[];
  milestones: { label: string; text: string; detail: string; ragWord: string; ragColor: string; style: 'emphasis' | 'default' }[];
  kpis: { code: string; text: string }[];
  history: { text: string }[];
  updatedLine: string;
}

export interface KpiCardData {
  code: string;
  name: string;
  ragWord: string;
  ragColor: string;
  headline: string;
  facts: (Fact | undefined)[];
  points: unknown[];
  chartValues: { x: string; y: number }[];
  targetValues: { x: string; y: number }[];
  trendText: string;
  recent: { period: string; value: string }[];
}

export interface ChartSlice {
  legend: string;
  value: number;
  color: string;
}

export interface DigestCardData {
  title: string;
  asAt: string;
  ragChart: ChartSlice[];
  ragLine: string;
  sections: { heading: string; empty: string; count: number; lines: string[]; more: number }[];
}

export interface ReminderCardData {
  heading: string;
  headingColor: string;
  label: string;
  title: string;
  ragWord: string;
  ragColor: string;
  statusText: string;
  facts: Fact[];
  planId: string;
  ref: string;
  seq: string;
}

export interface SummaryCardData {
  asAt: string;
  plans: { name: string; ragChart: ChartSlice[]; ragLine: string; facts: Fact[] }[];
}

/** The ids every card about one item carries, so its buttons name the item and the version seen. */
export interface ItemIdentity {
  planId: string;
  ref: string;
  seq: string;
  version: string;
  label: string;
  title: string;
}

export interface UpdateFormData extends ItemIdentity {
  currentText: string;
  dueText: string;
  editorIds: string[];
  notice: string;
  errors: Record<'request' | 'commentary' | 'evidenceUrl' | 'revisedDue' | 'revisedDueReason' | 'status' | 'rag', string>;
  values: Record<'status' | 'rag' | 'commentary' | 'evidenceUrl' | 'revisedDue' | 'revisedDueReason', string>;
}

export interface SignoffCardData extends ItemIdentity {
  facts: Fact[];
  outcome: string;
  open: boolean;
}

export interface HelpCardData {
  heading: string;
  suggestion: string;
  groups: readonly { readonly title: string; readonly examples: string }[];
}

export interface WelcomeCardData {
  name: string;
  planLine: string;
  examples: { text: string }[];
}

export interface MessageCardData {
  title: string;
  lines: string[];
  color: 'Default' | 'Attention' | 'Good';
}

export interface CardData {
  welcome: WelcomeCardData;
  help: HelpCardData;
  message: MessageCardData;
  itemList: ItemListData;
  action: ActionCardData;
  summary: SummaryCardData;
  kpi: KpiCardData;
  updateForm: UpdateFormData;
  signoff: SignoffCardData;
  digest: DigestCardData;
  reminder: ReminderCardData;
}

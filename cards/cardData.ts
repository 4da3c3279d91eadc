/**
 * The view model each template in cards/templates binds to, keyed by card name: renderCard checks
 * the data a view builds against its template's type, so a renamed or missing field is a compile
 * error rather than an empty "${…}" on a card. Only plain data: ids, text and flags.
 * A template that gains a field gains it here too (the compiler names this file when one is missing).
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
  rows: { planId: string; ref: string; label: string; title: string; detail: string; ragWord: string; ragSymbol: string; ragColor: string }[];
  hasMore: boolean;
  moreText: string;
  query: string;
  nextPage: string;
}

export interface ActionCardData {
  /** What just happened (saved, refused, a conflict), above the card; '' for none. Plain text. */
  notice: string;
  planId: string;
  planName: string;
  ref: string;
  title: string;
  ragWord: string;
  ragSymbol: string;
  ragColor: string;
  statusText: string;
  facts: Fact[];
  outcomes: string[];
  milestones: { label: string; text: string; detail: string; ragWord: string; ragSymbol: string; ragColor: string; style: 'emphasis' | 'default' }[];
  kpis: { code: string; text: string }[];
  history: { text: string }[];
  updatedLine: string;
  /** The focused item's sign-off: awaiting whom since when, or the decision ("Signed off by …"). */
  signOffLines: string[];
  /** The viewer may approve or return the focused item (domain/permissions.ts maySignOff). */
  canSignOff: boolean;
  /** The item the sign-off buttons act on; `owner` as in ItemIdentity (a read hint). */
  signOff: { planId: string; ref: string; seq: string; version: string; owner: string };
}

/** One bar of a Chart.HorizontalBar with its own colour (Teams' chart colours; here the RAG of the value). */
export interface ChartBar {
  x: string;
  y: number;
  color: 'good' | 'warning' | 'attention';
}

export interface KpiCardData {
  notice: string;
  recordable: boolean;
  code: string;
  name: string;
  ragWord: string;
  ragSymbol: string;
  ragColor: string;
  headline: string;
  facts: (Fact | undefined)[];
  points: unknown[];
  chartTitle: string;
  valueAxisTitle: string;
  periodAxisTitle: string;
  trendBars: ChartBar[];
  trendText: string;
  chartNote: string;
  recent: { period: string; value: string }[];
}

export interface KpiRecordData {
  code: string;
  name: string;
  about: string;
  notice: string;
  periods: { period: string; title: string }[];
  versions: string;
  valueLabel: string;
  example: string;
  errors: Record<string, string>;
  values: Record<'period' | 'value' | 'note' | 'source' | 'reason', string>;
}

export interface KpiReminderData {
  heading: string;
  line: string;
  valueLabel: string;
  example: string;
  code: string;
  period: string;
  versions: string;
}

export interface ChartSlice {
  legend: string;
  value: number;
  color: string;
}

/** One line of a digest section; `open` adds a button that opens the item's action card (verb showAction). */
export interface DigestLine {
  text: string;
  open: boolean;
  openTitle: string;
  planId: string;
  ref: string;
}

export interface DigestCardData {
  title: string;
  asAt: string;
  /** Whose work it covers (a manager's digest), or ''. */
  scopeLine: string;
  /** False when there are no actions: no empty donut, the sentence in ragLine instead. */
  hasChart: boolean;
  ragChart: ChartSlice[];
  /** The chart's text equivalent, or why there is no chart. */
  ragLine: string;
  /** heading carries its count, which is the whole list's; empty/intro/moreText are '' when not shown. */
  sections: { heading: string; empty: string; intro: string; lines: DigestLine[]; moreText: string }[];
}

export interface ReminderCardData {
  heading: string;
  headingColor: string;
  label: string;
  title: string;
  ragWord: string;
  ragSymbol: string;
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
  /** The owner role the card was built with: a hint so a save reads what it moves with the item; never used to decide who may act. */
  owner: string;
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
  /** "Sign-off needed: 2.4", "Sign-off overdue: 2.4" (escalated), "Signed off: 2.4", "Returned: 2.4". */
  heading: string;
  /** Escalations: who has not signed off and since when; otherwise empty. */
  intro: string;
  facts: Fact[];
  outcome: string;
  open: boolean;
}

/** "my sign-offs": each item waiting, with Approve (at the version listed) and Return (opens its sign-off card). */
export interface SignoffListData {
  title: string;
  subtitle: string;
  emptyText: string;
  rows: { planId: string; ref: string; seq: string; version: string; label: string; title: string; detail: string; canDecide: boolean }[];
  moreText: string;
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

export interface ClarifyCardData {
  title: string;
  lines: string[];
  hasChoices: boolean;
  choices: { label: string; ask: string }[];
}

export interface BoardPackCardData {
  title: string;
  subtitle: string;
  facts: Fact[];
  ragLine: string;
  movement: string;
  sections: { heading: string; empty: string; count: number; lines: string[]; more: number }[];
  filesNote: string;
  linkUrl: string;
}

export interface CardData {
  boardPack: BoardPackCardData;
  clarify: ClarifyCardData;
  exportChoice: ExportChoiceCardData;
  welcome: WelcomeCardData;
  help: HelpCardData;
  message: MessageCardData;
  itemList: ItemListData;
  action: ActionCardData;
  summary: SummaryCardData;
  kpi: KpiCardData;
  kpiRecord: KpiRecordData;
  kpiReminder: KpiReminderData;
  updateForm: UpdateFormData;
  signoff: SignoffCardData;
  signoffList: SignoffListData;
  digest: DigestCardData;
  reminder: ReminderCardData;
  reminders: GroupedRemindersCardData;
}

export interface GroupedRemindersCardData {
  heading: string;
  intro: string;
  items: { heading: string; headingColor: string; label: string; title: string; ragWord: string; ragSymbol: string; facts: string; planId: string; ref: string; seq: string }[];
}

/** "export plan …" with a name that is not one plan's: the plans it could be, each a button. */
export interface ExportChoiceCardData {
  title: string;
  lines: string[];
  hasChoices: boolean;
  choices: { label: string; planId: string }[];
}

/**
 * A proactive message to one recipient, as planned: what the outbox carries and the ledger records.
 * A plain value (no Teams, no storage), so planning and content are tested without either.
 */
export type JobKind =
  | 'reminder'
  | 'nudge'
  /** One message per person per day grouping every reminder and nudge they are owed (`items`). */
  | 'reminders'
  | 'digest'
  | 'channelDigest'
  /** Ask a manager to sign off one item; the card is built at send time, so a decided item is skipped. */
  | 'signoff'
  /** A sign-off left waiting, escalated once per request (stage `v<version>`) to the manager's manager. */
  | 'signoffEscalation'
  /** Everything awaiting a manager's sign-off, sent when they first talk to the bot. */
  | 'pendingSignoffs'
  /** An event's message (RAG change, red alert, sign-off outcome, run summary): its card travels in the job. */
  | 'notice'
  /** A board pack for an admin, or for a plan's channel (bot/registerBoardPack.ts builds it). */
  | 'boardPack'
  | 'channelBoardPack'
  /** A KPI value owed for a period (bot/kpiReminderContent.ts). */
  | 'kpiReminder';

export interface Job {
  /** Stable and unique per (message, recipient): also the ledger row's identity. */
  id: string;
  kind: JobKind;
  /** Entra object id, or channel id for channel messages. */
  recipient: string;
  /** Who the recipient is: a person's personal chat (default) or a channel (a new post in it). */
  to?: 'user' | 'channel' | 'group';
  planId?: string;
  ref?: string;
  seq?: number;
  stage?: string;
  /** kpiReminder: the KPI (in ref) and the period whose value is owed. */
  period?: string;
  /** The day the scheduler planned it for, in the council's zone. */
  day: string;
  /** Grouped reminders: each item and the stage it is owed. */
  items?: { planId: string; ref: string; seq?: number; stage: string; id: string; kind: 'reminder' | 'nudge' }[];
  /** Notices: the card and its notification summary, fixed when the event happened. */
  card?: Record<string, unknown>;
  summary?: string;
}

export const recipientKind = (job: Pick<Job, 'kind' | 'to'>): 'user' | 'channel' | 'group' => job.to ?? (job.kind === 'channelDigest' || job.kind === 'channelBoardPack' ? 'channel' : 'user');

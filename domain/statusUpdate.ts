/* eslint-disable no-control-regex -- this module exists to find control characters */
import type { ProgressStatus, Rag } from './model';
import type { HistoryEntry, ItemState } from './planItem';
import { defaultRagFor, ragBadness } from './status';

export const MAX_COMMENTARY = 2000;
/** A revised due date's reason: one sentence or two, the same limit for the card and typed updates. */
export const MAX_REASON = 500;

/** What someone asked to change. Every field optional: the update changes only what is given. */
export interface UpdateRequest {
  status?: ProgressStatus;
  rag?: Rag;
  commentary?: string;
  evidenceUrl?: string;
  /** ISO date of a newly agreed due date. */
  revisedDue?: string;
  revisedDueReason?: string;
}

export interface Actor {
  id: string;
  name: string;
}

export type UpdateOutcome =
  | { ok: true; after: ItemState; changes: HistoryEntry['changes'] }
  | { ok: false; errors: Partial<Record<keyof UpdateRequest | 'request', string>> };


/** Control characters are stripped (they break cards and logs); newlines and tabs are kept. */
export function cleanText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return t.length ? t : undefined;
}

export function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && !!u.hostname && s.length <= 2000;
  } catch {
    return false;
  }
}

/**
 * The rules for one status change. Completing an action does not close it: it goes to the owner's
 * manager for sign-off, because "no clear sign-off" is a failure the councils' own papers name.
 */
export function applyUpdate(current: ItemState, req: UpdateRequest, actor: Actor, now: string, requestId: string, today: string = now.slice(0, 10)): UpdateOutcome {
  const errors: Partial<Record<keyof UpdateRequest | 'request', string>> = {};
  const commentary = cleanText(req.commentary);
  const evidenceUrl = cleanText(req.evidenceUrl);
  const reason = cleanText(req.revisedDueReason);

  if (commentary && commentary.length > MAX_COMMENTARY) errors.commentary = `Commentary is ${commentary.length} characters; the limit is ${MAX_COMMENTARY}.`;
  if (evidenceUrl && !isHttpsUrl(evidenceUrl)) errors.evidenceUrl = 'Evidence must be a link starting with https://';

  const requested = req.status ?? current.status;
  const status: ProgressStatus = requested === 'complete' && current.status !== 'complete' ? 'awaiting_signoff' : requested;
  // Awaiting sign-off reads green, not blue: nobody has confirmed the work is complete yet.
  const rag: Rag = req.rag ?? (req.status && req.status !== current.status ? defaultRagFor(status) : current.rag);

  if ((rag === 'amber' || rag === 'red') && rag !== current.rag && !commentary) errors.commentary = `Please say why it is ${rag === 'red' ? 'Red' : 'Amber'}.`;
  else if (ragBadness(rag) > ragBadness(current.rag) && !commentary) errors.commentary = 'Please say what has got worse.';
  if (requested === 'complete' && current.status !== 'complete' && !(evidenceUrl ?? current.evidenceUrl))
    errors.evidenceUrl = 'Marking complete needs a link to the evidence (https://…).';

  let due = current.due;
  if (req.revisedDue) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(req.revisedDue) || Number.isNaN(Date.parse(req.revisedDue + 'T00:00:00Z')) || new Date(req.revisedDue + 'T00:00:00Z').toISOString().slice(0, 10) !== req.revisedDue)
      errors.revisedDue = `“${req.revisedDue}” is not a date.`;
    else if (req.revisedDue < today) errors.revisedDue = `The revised due date ${req.revisedDue.split('-').reverse().join('/')} is in the past; choose today or a later date.`;
    else if (!reason) errors.revisedDueReason = 'A revised due date needs a reason.';
    else due = { kind: 'date', date: req.revisedDue };
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  const changes: HistoryEntry['changes'] = [];
  if (status !== current.status) changes.push({ field: 'status', from: current.status, to: status });
  if (rag !== current.rag) changes.push({ field: 'RAG', from: current.rag, to: rag });
  if (JSON.stringify(due) !== JSON.stringify(current.due))
    changes.push({ field: 'due', from: current.due.kind === 'date' ? current.due.date : current.due.kind, to: req.revisedDue ?? '' });
  if (evidenceUrl && evidenceUrl !== current.evidenceUrl) changes.push({ field: 'evidence', from: current.evidenceUrl ?? '', to: evidenceUrl });
  if (!changes.length && !commentary) return { ok: false, errors: { request: 'Nothing to change: the status, RAG and dates are as they were and there is no commentary.' } };
  if (!changes.length) changes.push({ field: 'commentary', from: '', to: 'added' });

  const after: ItemState = {
    ...current,
    status,
    rag,
    due,
    originalDue: due !== current.due ? (current.originalDue ?? current.due) : current.originalDue,
    commentary: commentary ?? current.commentary,
    evidenceUrl: evidenceUrl ?? current.evidenceUrl,
    version: current.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
    updatedByName: actor.name,
    lastRequestId: requestId,
  };
  // Entering sign-off starts a new request (an earlier decision belongs to the earlier request).
  if (status === 'awaiting_signoff' && current.status !== 'awaiting_signoff') after.signOff = { requestedAt: now, requestedVersion: after.version };
  if (reason && reason.length > MAX_REASON) return { ok: false, errors: { revisedDueReason: `The reason is ${reason.length} characters; the limit is ${MAX_REASON}.` } };
  if (reason && req.revisedDue) after.commentary = commentary ? `${commentary} (new date: ${reason})` : `New due date: ${reason}`;
  return { ok: true, after, changes };
}

export type SignOffDecision = 'approve' | 'return';

export function applySignOff(current: ItemState, decision: SignOffDecision, note: string | undefined, actor: Actor, now: string, requestId: string): UpdateOutcome {
  if (current.status !== 'awaiting_signoff') return { ok: false, errors: { request: 'This item is not awaiting sign-off.' } };
  const cleaned = cleanText(note);
  if (decision === 'return' && !cleaned) return { ok: false, errors: { commentary: 'Please say why it is being returned.' } };
  if (cleaned && cleaned.length > MAX_COMMENTARY) return { ok: false, errors: { commentary: `The note is over ${MAX_COMMENTARY} characters.` } };
  const status: ProgressStatus = decision === 'approve' ? 'complete' : 'on_track';
  const rag: Rag = decision === 'approve' ? 'blue' : current.rag === 'blue' ? 'green' : current.rag;
  // The note is the manager's, recorded with the decision; the owner's commentary stays theirs.
  const request = current.signOff ?? { requestedAt: current.updatedAt ?? now, requestedVersion: current.version };
  const after: ItemState = {
    ...current,
    status,
    rag,
    signOff: { ...request, decision: { kind: decision === 'approve' ? 'approved' : 'returned', by: actor.id, byName: actor.name, at: now, ...(cleaned ? { note: cleaned } : {}) } },
    version: current.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
    updatedByName: actor.name,
    lastRequestId: requestId,
  };
  const changes: HistoryEntry['changes'] = [{ field: 'status', from: current.status, to: status }];
  if (rag !== current.rag) changes.push({ field: 'RAG', from: current.rag, to: rag });
  return { ok: true, after, changes };
}

import type { ActionDetail, ItemState, HistoryEntry } from '../domain/planItem';
import { applySignOff, applyUpdate, type SignOffDecision, type UpdateOutcome, type UpdateRequest } from '../domain/statusUpdate';
import { mayUpdate, maySignOff, notInDirectory, type Authority, type Permission } from '../domain/permissions';
import { permissionsFor } from './permissions';
import type { Caller, Services } from './context';

export interface Target {
  planId: string;
  ref: string;
  seq?: number;
  /**
   * The item's owner role as the caller last saw it ('' for none), when known: lets the store read the
   * rows a save moves together with the item. Only a hint: who may act comes from the stored item.
   */
  ownerRoleHint?: string;
}

export type UpdateResult =
  /**
   * `action`: the item's action as it now stands (read with the item, the written state in place), for the card after a save;
   * `recent`: its last RECENT_CHANGES changes with this one, when the read could tell them (else read them).
   */
  | { kind: 'saved'; before: ItemState; item: ItemState; action: ActionDetail; history: HistoryEntry; recent?: HistoryEntry[]; authority: Authority }
  | { kind: 'duplicate'; item: ItemState }
  | { kind: 'conflict'; latest: ItemState }
  | { kind: 'refused'; whoCan: string[]; item: ItemState }
  | { kind: 'invalid'; errors: Extract<UpdateOutcome, { ok: false }>['errors']; item: ItemState }
  | { kind: 'notFound' }
  | { kind: 'notInDirectory' };

export interface UpdateOptions {
  /** Same id twice means the same request retried: it is applied once. */
  requestId: string;
  /** The version the caller was looking at; a newer stored version means someone got there first. */
  expectedVersion?: number;
  source: HistoryEntry['source'];
}

/**
 * Read, check, apply and write one change, with the write conditional on the ETag of the read.
 * The caller's identity comes from the activity; nothing in the request can widen what they may do.
 */
async function change(
  s: Services,
  caller: Caller,
  target: Target,
  opts: UpdateOptions,
  permit: (a: Authority) => Permission,
  apply: (current: ItemState, actor: { id: string; name: string }, now: string) => UpdateOutcome,
): Promise<UpdateResult> {
  const loaded = await s.plans.getItemWithActionForUpdate(target.planId, target.ref, target.seq, target.ownerRoleHint);
  if (!loaded) return { kind: 'notFound' };
  const current = loaded.item;
  if (current.lastRequestId === opts.requestId) return { kind: 'duplicate', item: current };
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) return { kind: 'conflict', latest: current };
  // The whole authority (up to the senior manager): the rule needs it for sign-offs, and a save reports it.
  const authority = await permissionsFor(s, caller).authorityFor(current);
  if (notInDirectory(authority)) return { kind: 'notInDirectory' };
  const permission = permit(authority);
  if (!permission.allowed) return { kind: 'refused', whoCan: permission.whoCan, item: current };
  const actor = { id: caller.aadObjectId ?? caller.email ?? 'unknown', name: caller.name };
  const now = s.clock.now().toISOString();
  const outcome = apply(current, actor, now);
  if (!outcome.ok) return { kind: 'invalid', errors: outcome.errors, item: current };
  const history: HistoryEntry = {
    planId: current.planId,
    ref: current.ref,
    seq: current.seq,
    at: now,
    by: actor.id,
    byName: actor.name,
    source: opts.source,
    changes: outcome.changes,
    commentary: outcome.after.commentary !== current.commentary ? outcome.after.commentary : undefined,
    evidenceUrl: outcome.after.evidenceUrl !== current.evidenceUrl ? outcome.after.evidenceUrl : undefined,
    note: opts.source === 'signoff' ? outcome.after.signOff?.decision?.note : undefined,
  };
  const saved = await s.plans.saveChange(loaded, outcome.after, history);
  if (!saved.ok) {
    const latest = await s.plans.getItemForUpdate(target.planId, target.ref, target.seq);
    // Our own retry may have landed between the read and the write.
    if (latest?.item.lastRequestId === opts.requestId) return { kind: 'duplicate', item: latest.item };
    return { kind: 'conflict', latest: latest?.item ?? current };
  }
  return { kind: 'saved', before: current, item: outcome.after, action: withWritten(loaded.action, outcome.after), history, recent: saved.recent, authority };
}

export function updateItem(s: Services, caller: Caller, target: Target, req: UpdateRequest, opts: UpdateOptions): Promise<UpdateResult> {
  return change(s, caller, target, opts, mayUpdate, (current, actor, now) => applyUpdate(current, req, actor, now, opts.requestId, s.clock.today()));
}

export function signOff(s: Services, caller: Caller, target: Target, decision: SignOffDecision, note: string | undefined, opts: UpdateOptions): Promise<UpdateResult> {
  return change(s, caller, target, { ...opts, source: 'signoff' }, maySignOff, (current, actor, now) => applySignOff(current, decision, note, actor, now, opts.requestId));
}

/** The action as read, with the item just written in its place (the action itself or one milestone). */
function withWritten(action: ActionDetail, after: ItemState): ActionDetail {
  if (after.seq === undefined) return { ...action, ...after, kind: 'action', milestones: action.milestones };
  return { ...action, milestones: action.milestones.map((m) => (m.seq === after.seq ? after : m)) };
}

import type { ItemState } from '../domain/planItem';
import { itemLabel } from '../domain/planItem';
import { RAG_WORD } from '../domain/status';
import type { PlanStore } from './ports/planStore';
import type { UpdateResult } from './updateStatus';

type Saved = Extract<UpdateResult, { kind: 'saved' }>;

/**
 * Who hears about a saved change, and what they are told. The rule lives here; the Teams surface
 * only turns each notice into a card and queues it on the proactive path.
 */
export type AfterSaveNotice =
  /** Completed work: the owner's manager is asked to sign it off. */
  | { kind: 'askSignOff'; item: ItemState; managerId: string }
  /** The RAG moved: the plan's linked channel hears it. */
  | { kind: 'ragMoved'; channelId: string; label: string; line: string; byName: string }
  /** It turned red: the owner's manager hears it, unless they made the change themselves. */
  | { kind: 'turnedRed'; managerId: string; label: string; line: string; byName: string };

export async function noticesAfterSave(plans: Pick<PlanStore, 'listPlans'>, r: Saved): Promise<AfterSaveNotice[]> {
  const { before, item, authority } = r;
  const label = itemLabel(item);
  const managerId = authority.manager?.aadObjectId;
  const out: AfterSaveNotice[] = [];
  if (item.status === 'awaiting_signoff' && before.status !== 'awaiting_signoff' && managerId) out.push({ kind: 'askSignOff', item, managerId });
  if (item.rag !== before.rag) {
    const line = `${label} moved ${RAG_WORD[before.rag]} → ${RAG_WORD[item.rag]} — ${item.ownerRole ?? 'no owner'}${item.commentary ? `: ${item.commentary.slice(0, 300)}` : ''}`;
    const byName = r.history.byName;
    // The plan list is cached (storage/planRepository.ts), so this is rarely a read.
    const plan = (await plans.listPlans()).find((p) => p.id === item.planId);
    if (plan?.channelId) out.push({ kind: 'ragMoved', channelId: plan.channelId, label, line, byName });
    if (item.rag === 'red' && managerId && managerId !== r.history.by) out.push({ kind: 'turnedRed', managerId, label, line, byName });
  }
  return out;
}

import type { PlanInfo } from '../domain/model';
import type { Caller, Services } from './context';
import { permissionsFor } from './permissions';

export type LinkResult =
  | { kind: 'linked'; plan: PlanInfo }
  | { kind: 'notAdmin' }
  /** Not said in a team channel. */
  | { kind: 'notChannel' }
  | { kind: 'noPlan'; name: string; plans: PlanInfo[] };

/**
 * An admin links a team channel to a plan: questions there cover that plan, and RAG changes are
 * posted there. A channel follows one plan: whichever plan followed it before lets go of it.
 */
export async function linkChannel(s: Services, caller: Caller, where: { channelId?: string }, planName: string): Promise<LinkResult> {
  if (!caller.aadObjectId || !permissionsFor(s, caller).mayAdminister()) return { kind: 'notAdmin' };
  const channelId = where.channelId;
  if (!channelId) return { kind: 'notChannel' };
  const plans = await s.plans.listPlans();
  const wanted = planName.trim().toLowerCase();
  const plan = plans.find((p) => p.name.toLowerCase() === wanted || p.id === wanted);
  if (!plan) return { kind: 'noPlan', name: planName.trim(), plans };
  for (const other of plans) if (other.id !== plan.id && other.channelId === channelId) await s.plans.savePlan({ ...other, channelId: '' });
  await s.plans.savePlan({ ...plan, channelId });
  return { kind: 'linked', plan };
}

import type { Services } from './context';
import type { ItemWithPlan } from './planQueries';
import { roleKey } from '../domain/roles';

/** Items awaiting this person's sign-off: completed work owned by roles that report to one of theirs. */
export async function awaitingSignOffBy(s: Services, aadObjectId: string): Promise<ItemWithPlan[]> {
  const mine = new Set((await s.directory.rolesOf({ aadObjectId })).map((p) => roleKey(p.role)));
  if (!mine.size) return [];
  const reports = [...new Set((await s.directory.listAll()).filter((p) => p.managerRole && mine.has(roleKey(p.managerRole))).map((p) => roleKey(p.role)))];
  if (!reports.length) return [];
  const out: ItemWithPlan[] = [];
  for (const plan of await s.plans.listPlans()) {
    for (const r of reports) for (const i of await s.plans.listByOwner(plan.id, r)) if (i.status === 'awaiting_signoff') out.push({ ...i, planName: plan.name });
  }
  return out;
}

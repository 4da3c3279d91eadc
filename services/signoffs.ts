import type { Caller, Services } from './context';
import type { FullItemWithPlan, ItemWithPlan } from './planQueries';
import type { ItemState } from '../domain/planItem';
import type { Person } from '../domain/model';
import { roleKey } from '../domain/roles';
import { maySignOff, type Authority } from '../domain/permissions';
import { escalationDue } from '../domain/signOff';
import { authorityFrom, permissionsFor, type DirectoryView } from './permissions';

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

/** An item's sign-off as one person sees it: who it waits for, and whether this person may decide. */
export interface SignOffStanding {
  mayDecide: boolean;
  /** The owner's manager (who is asked) and their role. */
  manager?: Person;
  managerRole?: string;
  owner?: Person;
}

export type { DirectoryView } from './permissions';

export async function directoryView(s: Services, caller: Caller): Promise<DirectoryView> {
  return permissionsFor(s, caller).directoryView();
}

/** The same rule every sign-off write applies (domain/permissions.ts maySignOff), for showing buttons. */
export function standingOf(d: DirectoryView, item: Pick<ItemState, 'ownerRole'>): SignOffStanding {
  const a = authorityFrom(d, item);
  return standing(a, maySignOff(a).allowed);
}

/** Who an item waits for, from the authority looked up for it, and whether this viewer may decide. */
function standing(a: Authority, mayDecide: boolean): SignOffStanding {
  return { mayDecide, manager: a.manager, managerRole: a.owner?.managerRole, owner: a.owner };
}

/**
 * The standing from an authority already looked up (a save reports the caller's): no reads. With
 * `viewer` false the card is the shared message, which names who it waits for but offers no decision.
 */
export function standingFrom(a: Authority, item: Pick<ItemState, 'status'>, viewer: boolean): SignOffStanding {
  if (item.status !== 'awaiting_signoff') return { mayDecide: false };
  return standing(a, viewer && maySignOff(a).allowed);
}

/** One item's standing (a handful of point reads, and none unless it awaits sign-off). */
export async function signOffStanding(s: Services, caller: Caller, item: Pick<ItemState, 'ownerRole' | 'status'>): Promise<SignOffStanding> {
  if (item.status !== 'awaiting_signoff') return { mayDecide: false };
  const { authority, permission } = await permissionsFor(s, caller).maySignOff(item);
  return standing(authority, permission.allowed);
}

/**
 * What "my sign-offs" lists: items awaiting sign-off whose owner reports to one of the caller's
 * roles, and items escalated to the caller (their report's sign-off has waited more than
 * `escalateAfter` working days), each with the caller's standing. Oldest request first.
 */
export async function signOffsFor(
  s: Services,
  caller: Caller,
  items: FullItemWithPlan[],
  o: { today: string; timeZone: string; escalateAfter: number; mine: boolean },
): Promise<{ item: FullItemWithPlan; standing: SignOffStanding; escalated: boolean }[]> {
  const d = await directoryView(s, caller);
  const held = new Set(d.callerRoles.map((r) => roleKey(r.role)));
  const out: { item: FullItemWithPlan; standing: SignOffStanding; escalated: boolean }[] = [];
  for (const item of items) {
    if (item.status !== 'awaiting_signoff') continue;
    const standing = standingOf(d, item);
    const direct = !!standing.managerRole && held.has(roleKey(standing.managerRole));
    const escalated = !direct && !!standing.manager?.managerRole && held.has(roleKey(standing.manager.managerRole)) && !!escalationDue(item, o.today, o.timeZone, o.escalateAfter);
    if (o.mine && !direct && !escalated) continue;
    out.push({ item, standing, escalated });
  }
  return out;
}

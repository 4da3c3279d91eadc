import type { Person } from './model';
import { roleKey } from './roles';

export interface Authority {
  /** Roles the caller holds, from the directory. */
  callerRoles: Person[];
  isAdmin: boolean;
  /** The item's owner role and who holds it (if anyone). */
  ownerRole?: string;
  owner?: Person;
  /** Who holds the role the owner reports to. */
  manager?: Person;
  /** Who holds the role the manager reports to (sign-offs are escalated to them). */
  seniorManager?: Person;
}

export type Permission = { allowed: true; as: 'owner' | 'manager' | 'seniorManager' | 'admin' } | { allowed: false; whoCan: string[] };

/**
 * Who may change an item: whoever holds its owner role, whoever holds the role that role reports to,
 * and plan admins. Decided on the caller's directory roles, never on anything a card carried.
 */
export function mayUpdate(a: Authority): Permission {
  const held = new Set(a.callerRoles.map((r) => roleKey(r.role)));
  if (a.ownerRole && held.has(roleKey(a.ownerRole))) return { allowed: true, as: 'owner' };
  if (a.owner?.managerRole && held.has(roleKey(a.owner.managerRole))) return { allowed: true, as: 'manager' };
  if (a.isAdmin) return { allowed: true, as: 'admin' };
  return { allowed: false, whoCan: whoCan(a) };
}

/**
 * Sign-off is the manager's, the senior manager's (the role the manager reports to: a sign-off left
 * waiting is escalated to them) or an admin's. The owner cannot approve their own work.
 */
export function maySignOff(a: Authority): Permission {
  const held = new Set(a.callerRoles.map((r) => roleKey(r.role)));
  if (a.owner?.managerRole && held.has(roleKey(a.owner.managerRole))) return { allowed: true, as: 'manager' };
  if (a.manager?.managerRole && held.has(roleKey(a.manager.managerRole))) return { allowed: true, as: 'seniorManager' };
  if (a.isAdmin) return { allowed: true, as: 'admin' };
  const who = whoCan(a).slice(1);
  if (a.seniorManager && a.manager?.managerRole) who.splice(who.length - 1, 0, `${a.seniorManager.name} (${a.manager.managerRole})`);
  return { allowed: false, whoCan: who };
}

function whoCan(a: Authority): string[] {
  const out: string[] = [];
  out.push(a.owner ? `${a.owner.name} (${a.ownerRole})` : a.ownerRole ? `whoever holds ${a.ownerRole} (nobody in the directory does)` : 'the action lead (none is named)');
  if (a.manager && a.owner?.managerRole) out.push(`${a.manager.name} (${a.owner.managerRole})`);
  else if (a.owner?.managerRole) out.push(`whoever holds ${a.owner.managerRole}`);
  out.push('a plan administrator');
  return out;
}

/**
 * Who may produce a board pack or set the board meeting: plan admins, and managers, meaning anyone
 * holding a role that someone in the directory reports to. Packs summarise everyone's work, so an
 * owner without reports cannot pull one.
 */
export function mayProduceBoardPack(a: { callerRoles: Person[]; isAdmin: boolean; people: Person[] }): boolean {
  if (a.isAdmin) return true;
  const held = new Set(a.callerRoles.map((r) => roleKey(r.role)));
  return a.people.some((p) => p.managerRole !== undefined && held.has(roleKey(p.managerRole)));
}

/**
 * Who may record a KPI's value: whoever holds its owner role, and plan admins. Not the owner's manager:
 * a figure is the data owner's to report, and a manager who disagrees asks for a correction.
 */
export function mayRecordKpi(a: Authority): Permission {
  const held = new Set(a.callerRoles.map((r) => roleKey(r.role)));
  if (a.ownerRole && held.has(roleKey(a.ownerRole))) return { allowed: true, as: 'owner' };
  if (a.isAdmin) return { allowed: true, as: 'admin' };
  const who = a.owner ? `${a.owner.name} (${a.ownerRole})` : a.ownerRole ? `whoever holds ${a.ownerRole} (nobody in the directory does)` : 'its owner (none is set yet: an admin can set one)';
  return { allowed: false, whoCan: [who, 'a plan administrator'] };
}

/**
 * Who may export a plan (the whole tracker, every owner's commentary): plan admins only. Refused
 * callers are told who can, by name where the directory knows the admins.
 */
export function mayExportPlan(a: { isAdmin: boolean; adminIds: ReadonlySet<string>; people: Person[] }): Permission {
  if (a.isAdmin) return { allowed: true, as: 'admin' };
  const names = [...new Set(a.people.filter((p) => a.adminIds.has(p.aadObjectId.toLowerCase())).map((p) => p.name))];
  return { allowed: false, whoCan: names.length ? names.map((n) => `${n} (plan administrator)`) : ['a plan administrator'] };
}

/** A plan administrator is named by Entra object id in ADMIN_USER_IDS (stored lower case); nothing else makes one. */
export function isAdminId(aadObjectId: string | undefined, adminIds: ReadonlySet<string>): boolean {
  return !!aadObjectId && adminIds.has(aadObjectId.toLowerCase());
}

/** Someone who holds no role in the directory and is not an admin is told so, not refused by name. */
export function notInDirectory(a: Pick<Authority, 'callerRoles' | 'isAdmin'>): boolean {
  return !a.callerRoles.length && !a.isAdmin;
}

import type { Person } from '../domain/model';
import { roleKey } from '../domain/roles';
import * as rules from '../domain/permissions';
import type { Authority, Permission } from '../domain/permissions';
import type { Caller, Services } from './context';

/** What a permission answer is about: an item or a KPI definition, by its owner role. */
export interface Owned {
  ownerRole?: string;
}

/** The directory read once, so a list of items is judged without a read per item. */
export interface DirectoryView {
  callerRoles: Person[];
  isAdmin: boolean;
  byRole: Map<string, Person>;
}

/**
 * Every "may this caller…?" the bot and the services ask, for one caller. The directory facts
 * (the caller's roles, a role's holder, everyone) are read at most once per instance and only when
 * an answer needs them; the rules themselves are domain/permissions.ts's and live nowhere else.
 * Identity is the Caller the Teams surface took from the signed activity, never card data.
 */
export class Permissions {
  private roles?: Promise<Person[]>;
  private everyone?: Promise<Person[]>;
  private readonly holders = new Map<string, Promise<Person | undefined>>();

  constructor(
    private readonly s: Services,
    readonly caller: Caller,
  ) {}

  /** ADMIN_USER_IDS names the caller (no directory read). */
  get isAdmin(): boolean {
    return rules.isAdminId(this.caller.aadObjectId, this.s.adminIds);
  }

  callerRoles(): Promise<Person[]> {
    return (this.roles ??= this.s.directory.rolesOf(this.caller));
  }

  people(): Promise<Person[]> {
    return (this.everyone ??= this.s.directory.listAll());
  }

  private holder(role: string | undefined): Promise<Person | undefined> {
    if (!role) return Promise.resolve(undefined);
    let p = this.holders.get(role);
    if (!p) this.holders.set(role, (p = this.s.directory.findByRole(role)));
    return p;
  }

  /**
   * Who the caller is to something owned: their roles, the owner, the owner's manager and (with
   * `senior`, for sign-offs and what a save reports) the one above.
   */
  async authorityFor(item: Owned, o: { senior?: boolean } = { senior: true }): Promise<Authority> {
    const [callerRoles, owner] = await Promise.all([this.callerRoles(), this.holder(item.ownerRole)]);
    const manager = owner?.managerRole ? await this.holder(owner.managerRole) : undefined;
    const seniorManager = o.senior && manager?.managerRole ? await this.holder(manager.managerRole) : undefined;
    return { callerRoles, isAdmin: this.isAdmin, ownerRole: item.ownerRole, owner, manager, seniorManager };
  }

  /** May the caller change this item (owner, owner's manager, admin)? */
  async mayUpdate(item: Owned): Promise<Permission> {
    return rules.mayUpdate(await this.authorityFor(item, { senior: false }));
  }

  /**
   * Who besides an admin may change this item: its owner and the owner's manager (as mayUpdate
   * decides). The update form is refreshed for them, so they see the editable view of a shared card.
   */
  async editorsOf(item: Owned): Promise<Person[]> {
    const a = await this.authorityFor(item, { senior: false });
    return [a.owner, a.manager].filter((p): p is Person => !!p);
  }

  /** May the caller approve or return this item (manager, senior manager, admin)? */
  async maySignOff(item: Owned): Promise<{ authority: Authority; permission: Permission }> {
    const authority = await this.authorityFor(item);
    return { authority, permission: rules.maySignOff(authority) };
  }

  /** May the caller record this KPI (its owner, admin)? */
  async mayRecordKpi(def: Owned): Promise<{ authority: Authority; permission: Permission }> {
    const [callerRoles, owner] = await Promise.all([this.callerRoles(), this.holder(def.ownerRole)]);
    const authority: Authority = { callerRoles, isAdmin: this.isAdmin, ownerRole: def.ownerRole, owner };
    return { authority, permission: rules.mayRecordKpi(authority) };
  }

  /** May the caller export a plan? The directory is read only to name the admins to a refused caller. */
  async mayExport(): Promise<Permission> {
    const isAdmin = this.isAdmin;
    return rules.mayExportPlan({ isAdmin, adminIds: this.s.adminIds, people: isAdmin ? [] : await this.people() });
  }

  /** May the caller produce a board pack or set the board meeting's plan pack (admins and managers)? */
  async mayProduceBoardPack(): Promise<boolean> {
    if (this.isAdmin) return true;
    const [callerRoles, people] = await Promise.all([this.callerRoles(), this.people()]);
    return rules.mayProduceBoardPack({ callerRoles, people, isAdmin: false });
  }

  /**
   * Admin-only commands (link a channel, archive or export a plan, set the board meeting, send the
   * digests now, delivery status, set a KPI's owner).
   */
  mayAdminister(): boolean {
    return this.isAdmin;
  }

  /** The caller's roles and everyone's, read once, for judging a list of items. */
  async directoryView(): Promise<DirectoryView> {
    const [callerRoles, people] = await Promise.all([this.callerRoles(), this.people()]);
    return { callerRoles, isAdmin: this.isAdmin, byRole: new Map(people.map((p) => [roleKey(p.role), p])) };
  }
}

/** The caller's authority over one item, from a directory already read (no reads). */
export function authorityFrom(d: DirectoryView, item: Owned): Authority {
  const owner = item.ownerRole ? d.byRole.get(roleKey(item.ownerRole)) : undefined;
  const manager = owner?.managerRole ? d.byRole.get(roleKey(owner.managerRole)) : undefined;
  const seniorManager = manager?.managerRole ? d.byRole.get(roleKey(manager.managerRole)) : undefined;
  return { callerRoles: d.callerRoles, isAdmin: d.isAdmin, ownerRole: item.ownerRole, owner, manager, seniorManager };
}

export function permissionsFor(s: Services, caller: Caller): Permissions {
  return new Permissions(s, caller);
}

export { notInDirectory } from '../domain/permissions';

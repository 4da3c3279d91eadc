import { RestError, type TransactionAction } from '@azure/data-tables';
import type { Person } from '../domain/model';
import type { DirectoryStore } from '../services/ports/directoryStore';
import { roleKey } from '../domain/roles';
import { TABLES, type TableSet } from './tables';
import { encodeKey, odataString } from './keys';

/**
 * The people directory: role label → person.
 *   PK "role",              RK roleKey(label)  the person holding a role (and the role they report to)
 *   PK "aad|<objectId>",    RK roleKey(label)  every role one Entra user holds: "my actions" is one query
 *   PK "email|<email>",     RK roleKey(label)  the same by email, for identities without an object id
 * Several labels may map to one person ("Exec Director" and "Executive Director").
 */
type PersonEntity = {
  partitionKey: string;
  rowKey: string;
  role: string;
  name: string;
  email: string;
  aadObjectId: string;
  managerRole?: string;
};

function toEntity(pk: string, p: Person): PersonEntity {
  const e: PersonEntity = { partitionKey: pk, rowKey: encodeKey(roleKey(p.role)), role: p.role, name: p.name, email: p.email, aadObjectId: p.aadObjectId };
  if (p.managerRole) e.managerRole = p.managerRole;
  return e;
}

function toPerson(e: PersonEntity): Person {
  const p: Person = { role: e.role, name: e.name, email: e.email, aadObjectId: e.aadObjectId };
  if (e.managerRole) p.managerRole = e.managerRole;
  return p;
}

export class DirectoryRepository implements DirectoryStore {
  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.directory);
  }

  /**
   * Add or update people by role. A role that passes to someone else is taken off the previous
   * holder's "my roles" rows at the same time, so they can no longer see or update its actions.
   */
  async upsertPeople(people: Person[]): Promise<void> {
    const previous = new Map((await this.partition('role')).map((p) => [roleKey(p.role), p]));
    const stale: { pk: string; rk: string }[] = [];
    for (const p of people) {
      const before = previous.get(roleKey(p.role));
      if (!before) continue;
      const rk = encodeKey(roleKey(p.role));
      if (before.aadObjectId && before.aadObjectId.toLowerCase() !== p.aadObjectId.toLowerCase()) stale.push({ pk: `aad|${before.aadObjectId.toLowerCase()}`, rk });
      if (before.email && before.email.toLowerCase() !== p.email.toLowerCase()) stale.push({ pk: `email|${encodeKey(before.email.toLowerCase())}`, rk });
    }
    for (const { pk, rk } of stale) {
      await this.table.deleteEntity(pk, rk).catch((err) => {
        if (!(err instanceof RestError && err.statusCode === 404)) throw err;
      });
    }
    const byPartition = new Map<string, PersonEntity[]>();
    const add = (pk: string, p: Person) => byPartition.set(pk, [...(byPartition.get(pk) ?? []), toEntity(pk, p)]);
    for (const p of people) {
      add('role', p);
      if (p.aadObjectId) add(`aad|${p.aadObjectId.toLowerCase()}`, p);
      if (p.email) add(`email|${encodeKey(p.email.toLowerCase())}`, p);
    }
    for (const rows of byPartition.values()) {
      for (let i = 0; i < rows.length; i += 100) {
        await this.table.submitTransaction(rows.slice(i, i + 100).map((r): TransactionAction => ['upsert', r, 'Replace']));
      }
    }
  }

  async findByRole(label: string): Promise<Person | undefined> {
    try {
      return toPerson(await this.table.getEntity<PersonEntity>('role', encodeKey(roleKey(label))));
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The roles a Teams user holds: by Entra object id, falling back to email/UPN. */
  async rolesOf(identity: { aadObjectId?: string; email?: string }): Promise<Person[]> {
    if (identity.aadObjectId) {
      const rows = await this.partition(`aad|${identity.aadObjectId.toLowerCase()}`);
      if (rows.length) return rows;
    }
    if (identity.email) return this.partition(`email|${encodeKey(identity.email.toLowerCase())}`);
    return [];
  }

  async listAll(): Promise<Person[]> {
    return this.partition('role');
  }

  private async partition(pk: string): Promise<Person[]> {
    const out: Person[] = [];
    for await (const e of this.table.listEntities<PersonEntity>({ queryOptions: { filter: `PartitionKey eq ${odataString(pk)}` } })) {
      out.push(toPerson(e));
    }
    return out;
  }
}

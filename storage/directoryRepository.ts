import { randomUUID } from 'node:crypto';
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
 *   PK "meta",              RK "revision"      changes after every write (upsertPeople)
 * Several labels may map to one person ("Exec Director" and "Executive Director").
 *
 * Every question and every update asks who holds a role or which roles a user holds, often several
 * times in a row (caller, owner, owner's manager), and the directory changes only on import. So the
 * whole table is held in memory and re-read when its revision row changes; the revision is checked
 * at most once per DIRECTORY_CHECK_MS, so a directory import by another instance is seen within that,
 * and one through this instance at once.
 */
export const DIRECTORY_CHECK_MS = 1_000;

const META_PK = 'meta';
const REVISION_RK = 'revision';

/** The table as read: partition → row key → person, each partition in row-key order. */
type Snapshot = { revision: string; partitions: Map<string, Map<string, Person>>; checkedAt: number };

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
  private snapshot?: Snapshot;
  private refreshing?: Promise<Snapshot>;
  /** Moved by each write here, so a read that began before it is not kept as current. */
  private generation = 0;

  constructor(private readonly tables: TableSet) {}

  private get table() {
    return this.tables.client(TABLES.directory);
  }

  /**
   * Add or update people by role. A role that passes to someone else is taken off the previous
   * holder's "my roles" rows at the same time, so they can no longer see or update its actions.
   */
  async upsertPeople(people: Person[]): Promise<void> {
    this.forget();
    const previous = new Map((await this.readPartition('role')).map((p) => [roleKey(p.role), p]));
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
    // Last, so a reader that took the table mid-write under the old revision reads it again.
    await this.table.upsertEntity({ partitionKey: META_PK, rowKey: REVISION_RK, revision: randomUUID() }, 'Replace');
    this.forget();
  }

  private forget(): void {
    this.generation++;
    this.snapshot = undefined;
    this.refreshing = undefined;
  }

  async findByRole(label: string): Promise<Person | undefined> {
    return (await this.current()).get('role')?.get(encodeKey(roleKey(label)));
  }

  /** The roles a Teams user holds: by Entra object id, falling back to email/UPN. */
  async rolesOf(identity: { aadObjectId?: string; email?: string }): Promise<Person[]> {
    const partitions = await this.current();
    const rows = (pk: string) => [...(partitions.get(pk)?.values() ?? [])];
    if (identity.aadObjectId) {
      const found = rows(`aad|${identity.aadObjectId.toLowerCase()}`);
      if (found.length) return found;
    }
    if (identity.email) return rows(`email|${encodeKey(identity.email.toLowerCase())}`);
    return [];
  }

  async listAll(): Promise<Person[]> {
    return [...((await this.current()).get('role')?.values() ?? [])];
  }

  private async current(): Promise<Map<string, Map<string, Person>>> {
    // The age is measured on the monotonic timer: a moved wall clock must not expire or pin it.
    if (this.snapshot && performance.now() - this.snapshot.checkedAt < DIRECTORY_CHECK_MS) return this.snapshot.partitions;
    // Concurrent questions share one check (and one read of the table).
    if (!this.refreshing) {
      const p = this.refresh(this.generation).finally(() => {
        if (this.refreshing === p) this.refreshing = undefined;
      });
      this.refreshing = p;
    }
    return (await this.refreshing).partitions;
  }

  private async refresh(generation: number): Promise<Snapshot> {
    const revision = await this.table.getEntity<{ revision: string }>(META_PK, REVISION_RK).then(
      (e) => e.revision,
      (err: unknown) => {
        // A directory never imported by this version has no revision row: '' stands for it.
        if (err instanceof RestError && err.statusCode === 404) return '';
        throw err;
      },
    );
    const keep = (snap: Snapshot) => (generation === this.generation ? (this.snapshot = snap) : snap);
    const kept = this.snapshot;
    if (kept && kept.revision === revision) return keep({ ...kept, checkedAt: performance.now() });
    const partitions = new Map<string, Map<string, Person>>();
    for await (const e of this.table.listEntities<PersonEntity>()) {
      if (e.partitionKey === META_PK) continue;
      let rows = partitions.get(e.partitionKey);
      if (!rows) partitions.set(e.partitionKey, (rows = new Map()));
      rows.set(e.rowKey, toPerson(e));
    }
    return keep({ revision, partitions, checkedAt: performance.now() });
  }

  private async readPartition(pk: string): Promise<Person[]> {
    const out: Person[] = [];
    for await (const e of this.table.listEntities<PersonEntity>({ queryOptions: { filter: `PartitionKey eq ${odataString(pk)}` } })) {
      out.push(toPerson(e));
    }
    return out;
  }
}

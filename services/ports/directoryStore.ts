import type { Person } from '../../domain/model';

// Why this port: who holds which role is asked by permissions, questions and reminders alike; behind an interface a test or another directory can stand in (storage/directoryRepository.ts implements it).

/** The people directory: role label → person, and a person's roles. */
export interface DirectoryStore {
  /** Add or update people by role; a role that passes to someone else is taken off its previous holder. */
  upsertPeople(people: Person[]): Promise<void>;
  findByRole(label: string): Promise<Person | undefined>;
  /** The roles a Teams user holds: by Entra object id, falling back to email/UPN. */
  rolesOf(identity: { aadObjectId?: string; email?: string }): Promise<Person[]>;
  listAll(): Promise<Person[]>;
}

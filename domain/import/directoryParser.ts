import type { ImportProblem, Person } from '../model';
import { roleKey } from '../roles';
import { columnsBySynonyms } from './columns';

/**
 * The people directory: who holds each role label the plans name.
 *
 * A person needs a role and a name, and at least one way to reach them in Teams (an Entra object
 * id, or an email to fall back on); otherwise the row is skipped. A bad email or object id is
 * left blank rather than skipping the person when the other one still works.
 */

/**
 * Role labels are matched case-, space- and dash-insensitively: "HoS (CS)" = "HOS (CS)" = "hos(cs)",
 * "GM – Fieldwork" = "GM - Fieldwork". Re-exported from domain/roles so storage keys and the
 * importer can never disagree about which labels are the same role.
 */
export { roleKey };

export interface DirectoryParseResult {
  people: Person[];
  problems: ImportProblem[];
  rowsRead: number;
}

const COLUMNS = {
  role: ['Role', 'Role label', 'Role name'],
  name: ['Name', 'Person', 'Full name'],
  email: ['Email', 'E-mail', 'Email address', 'UPN'],
  aadObjectId: ['AadObjectId', 'AAD Object Id', 'Entra object id', 'Object id', 'Entra id'],
  managerRole: ['Manager role', 'Reports to', 'Manager'],
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseDirectory(rows: readonly string[][]): DirectoryParseResult {
  const problems: ImportProblem[] = [];
  const header = rows[0] ?? [];
  const cols = columnsBySynonyms(header, COLUMNS);
  const people: Person[] = [];
  const missing = (['role', 'name'] as const).filter((f) => cols[f] === undefined);
  if (missing.length > 0 || (cols.email === undefined && cols.aadObjectId === undefined)) {
    const what = [...missing, ...(cols.email === undefined && cols.aadObjectId === undefined ? ['email or object id'] : [])];
    problems.push({ row: 1, column: '', value: header.join(', '), message: `The directory has no ${what.join(', ')} column; nothing was imported.`, outcome: 'skipped' });
    return { people, problems, rowsRead: 0 };
  }

  const get = (row: readonly string[], field: keyof typeof COLUMNS): string => {
    const i = cols[field];
    return i === undefined ? '' : (row[i] ?? '').replace(/\s+/g, ' ').trim();
  };
  const column = (field: keyof typeof COLUMNS): string => {
    const i = cols[field];
    return i === undefined ? field : (header[i] ?? field).trim();
  };

  const byRole = new Map<string, { row: number; person: Person }>();
  let rowsRead = 0;
  rows.slice(1).forEach((row, i) => {
    if (row.every((c) => c.trim() === '')) return;
    rowsRead++;
    const rowNo = i + 2;
    const report = (field: keyof typeof COLUMNS, message: string, outcome: ImportProblem['outcome']): void => {
      problems.push({ row: rowNo, column: column(field), value: get(row, field), message, outcome });
    };
    const role = get(row, 'role');
    const name = get(row, 'name');
    if (role === '') return report('role', 'No role label; the row was not imported.', 'skipped');
    if (name === '') return report('name', `No name for ${role}; the row was not imported.`, 'skipped');

    let email = get(row, 'email');
    if (!EMAIL.test(email)) {
      report('email', email === '' ? `No email for ${name}.` : `"${email}" is not an email address.`, 'left blank');
      email = '';
    }
    let aadObjectId = get(row, 'aadObjectId').replace(/^\{(.*)\}$/, '$1').toLowerCase();
    if (!GUID.test(aadObjectId)) {
      const raw = get(row, 'aadObjectId');
      report(
        'aadObjectId',
        raw === '' ? `No Entra object id for ${name}; they can be found by email only.` : `"${raw}" is not an Entra object id (a GUID such as 6f1c2a10-0001-4c1e-9a51-000000000001).`,
        'left blank',
      );
      aadObjectId = '';
    }
    if (email === '' && aadObjectId === '') {
      problems.push({ row: rowNo, column: column('role'), value: role, message: `${name} has neither a usable email nor an object id, so cannot be reached; the row was not imported.`, outcome: 'skipped' });
      return;
    }
    const person: Person = { role, name, email, aadObjectId };
    const managerRole = get(row, 'managerRole');
    if (managerRole !== '') person.managerRole = managerRole;

    const key = roleKey(role);
    const earlier = byRole.get(key);
    if (earlier) {
      const same = earlier.person.name === name ? `${name} again` : `${earlier.person.name}, not ${name}`;
      return report('role', `Role ${role} is already held by ${same} (row ${earlier.row}); this row was not imported.`, 'skipped');
    }
    byRole.set(key, { row: rowNo, person });
    people.push(person);
  });

  // Escalation walks manager roles; a manager role nobody holds ends the chain early, so say so.
  for (const { row, person } of byRole.values()) {
    if (person.managerRole !== undefined && !byRole.has(roleKey(person.managerRole))) {
      problems.push({
        row,
        column: column('managerRole'),
        value: person.managerRole,
        message: `No one in the directory holds ${person.managerRole}, so escalation from ${person.role} stops here.`,
        outcome: 'kept as text',
      });
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { people, problems, rowsRead };
}

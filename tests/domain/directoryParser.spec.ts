import assert from 'node:assert/strict';
import path from 'node:path';
import { readTable } from '../../domain/import/readTable';
import { parseDirectory, roleKey } from '../../domain/import/directoryParser';
import { parsePlan } from '../../domain/import/planParser';

const DIRECTORY = path.resolve(__dirname, '../fixtures/people/directory.csv');
const PLANS = path.resolve(__dirname, '../fixtures/plans');

describe('directoryParser: fixture', () => {
  it('reads 23 role labels and reports only the manager role nobody holds', async () => {
    const { people, problems, rowsRead } = parseDirectory(await readTable(DIRECTORY));
    assert.equal(rowsRead, 23);
    assert.equal(people.length, 23);
    assert.deepEqual(people[0], {
      role: 'DCS',
      name: 'Jordan Hale',
      email: 'jordan.hale@example.org',
      aadObjectId: '6f1c2a10-0001-4c1e-9a51-000000000001',
      managerRole: 'Executive Director',
    });
    assert.deepEqual(people.find((p) => p.role === 'Executive Director'), {
      role: 'Executive Director',
      name: 'Priya Raman',
      email: 'priya.raman@example.org',
      aadObjectId: '6f1c2a10-0002-4c1e-9a51-000000000002',
    });
    assert.equal(people.filter((p) => p.name === 'Priya Raman').length, 2, 'two labels, one person');
    assert.deepEqual(problems, [
      {
        row: 19,
        column: 'Manager role',
        value: 'Assistant Director for Education',
        message: 'No one in the directory holds Assistant Director for Education, so escalation from Virtual Headteacher stops here.',
        outcome: 'kept as text',
      },
    ]);
  });

  it('finds a person for every Southend 2021 lead, whatever its case', async () => {
    const { people } = parseDirectory(await readTable(DIRECTORY));
    const byKey = new Map(people.map((p) => [roleKey(p.role), p]));
    const { plan } = parsePlan(await readTable(path.join(PLANS, 'southend-2021-priorities.csv')));
    const singleRoleLeads = plan.actions.map((a) => a.leadRole ?? '').filter((l) => !/ and /.test(l));
    const unmatched = singleRoleLeads.filter((l) => !byKey.has(roleKey(l)));
    assert.deepEqual(unmatched, []);
    assert.equal(byKey.get(roleKey('HOS (CS)'))?.name, 'Chris Shaw');
  });
});

describe('directoryParser: bad rows', () => {
  it('reports missing names and emails, bad GUIDs and duplicate roles', () => {
    const rows = [
      ['Role', 'Name', 'Email', 'AadObjectId', 'Manager role'],
      ['DCS', 'Jordan Hale', 'jordan.hale@example.org', '{6F1C2A10-0001-4C1E-9A51-000000000001}', ''],
      ['HoS (CS)', '', 'x@example.org', '6f1c2a10-0007-4c1e-9a51-000000000007', 'DCS'],
      ['HoS (RB)', 'Rosa Bennett', '', '6f1c2a10-0004-4c1e-9a51-000000000004', 'DCS'],
      ['HoS (LD)', 'Leo Dunn', 'leo.dunn@example.org', 'not-a-guid', 'DCS'],
      ['HoS (JH)', 'Jess Hughes', 'jess.hughes-at-example.org', 'nope', 'DCS'],
      ['hos(rb)', 'Someone Else', 's.e@example.org', '6f1c2a10-0099-4c1e-9a51-000000000099', 'DCS'],
      ['', 'No Role', 'n.r@example.org', '', ''],
    ];
    const { people, problems } = parseDirectory(rows);
    assert.deepEqual(
      people.map((p) => [p.role, p.email, p.aadObjectId]),
      [
        ['DCS', 'jordan.hale@example.org', '6f1c2a10-0001-4c1e-9a51-000000000001'],
        ['HoS (RB)', '', '6f1c2a10-0004-4c1e-9a51-000000000004'],
        ['HoS (LD)', 'leo.dunn@example.org', ''],
      ],
    );
    assert.deepEqual(
      problems.map((p) => [p.row, p.column, p.value, p.outcome]),
      [
        [3, 'Name', '', 'skipped'],
        [4, 'Email', '', 'left blank'],
        [5, 'AadObjectId', 'not-a-guid', 'left blank'],
        [6, 'Email', 'jess.hughes-at-example.org', 'left blank'],
        [6, 'AadObjectId', 'nope', 'left blank'],
        [6, 'Role', 'HoS (JH)', 'skipped'],
        [7, 'Role', 'hos(rb)', 'skipped'],
        [8, 'Role', '', 'skipped'],
      ],
    );
    assert.equal(problems[6].message, 'Role hos(rb) is already held by Rosa Bennett, not Someone Else (row 4); this row was not imported.');
    assert.equal(problems[5].message, 'Jess Hughes has neither a usable email nor an object id, so cannot be reached; the row was not imported.');
  });

  it('roleKey ignores case, spaces and the kind of dash', () => {
    assert.equal(roleKey('HoS (CS)'), roleKey('HOS (CS)'));
    assert.equal(roleKey('HoS (CS)'), roleKey('hos(cs)'));
    assert.equal(roleKey('GM – Fieldwork Services'), roleKey('GM - Fieldwork Services'));
    assert.equal(roleKey('GM — Fieldwork Services'), roleKey('gm-fieldwork services'));
    assert.notEqual(roleKey('HoS (CS)'), roleKey('HoS (CC)'));
  });
});

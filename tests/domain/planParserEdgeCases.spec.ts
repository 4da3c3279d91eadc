import assert from 'node:assert/strict';
import { normaliseHeader, recogniseColumns, roleOfHeader } from '../../domain/import/columns';
import { parsePlan } from '../../domain/import/planParser';
import { letters, parsePriorityLabel, splitEmbeddedMilestones, splitSlashList } from '../../domain/import/planCells';

describe('columns: recognised by meaning', () => {
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    ['Ref', 'ref'],
    ['Action Ref', 'ref'],
    ['Action No.', 'ref'],
    ['action  number', 'ref'],
    ['Due Date', 'due'],
    ['Date Due', 'due'],
    ['Milestone Due', 'due'],
    ['Target date', 'due'],
    ['DEADLINE', 'due'],
    ['Milestones', 'due'],
    ['Lead', 'lead'],
    ['Action owners', 'lead'],
    ['Responsible Lead Officer', 'lead'],
    ['Owner', 'lead'],
    ['Rag Rating', 'status'],
    ['RAG', 'status'],
    ['B.R.A.G.', 'status'],
    ['Status', 'status'],
    ['Progress', 'status'],
    ['Action', 'action'],
    ['The Actions We Are Taking', 'action'],
    ['Actions', 'action'],
    ['Outcome', 'outcome'],
    ['Outcomes', 'outcome'],
    ['How we will know it has worked', 'outcome'],
    ['Success measures', 'outcome'],
    ['Success criteria', 'outcome'],
    ['Objective', 'objective'],
    ['Objectives', 'objective'],
    ['Priority', 'priority'],
    ['Recommendation', 'priority'],
    ['Theme', 'priority'],
    ['The Outcomes We Are Aiming For', 'priority'],
    ['Start Date', 'start'],
    ['Start', 'start'],
    ['Commentary', 'commentary'],
    ['Comments', 'commentary'],
    ['Update', 'commentary'],
    ['Detailed Action Plan', undefined],
    ['Budget', undefined],
  ];
  for (const [header, role] of cases) {
    it(`${JSON.stringify(header)} → ${role ?? 'extra'}`, () => assert.equal(roleOfHeader(header), role));
  }

  it('keeps unknown and second-of-a-kind columns as extra, by header', () => {
    const cols = recogniseColumns(['Ref', 'Action', 'Budget', 'Actions', '']);
    assert.deepEqual(cols.roles, { ref: 0, action: 1 });
    assert.deepEqual(cols.extra, [
      { index: 2, header: 'Budget' },
      { index: 3, header: 'Actions' },
      { index: 4, header: 'Column 5' },
    ]);
    assert.deepEqual(cols.duplicates, [{ index: 3, header: 'Actions', role: 'action' }]);
    assert.equal(normaliseHeader('  Action No. '), 'actionno');
  });
});

describe('planCells', () => {
  it('reads priority labels', () => {
    assert.deepEqual(parsePriorityLabel('Priority Five: Spend money where it helps children most'), { ref: '5', title: 'Spend money where it helps children most' });
    assert.deepEqual(parsePriorityLabel('Recommendation 12'), { ref: '12', title: 'Recommendation 12' });
    assert.deepEqual(parsePriorityLabel('2.2. Audits show what practice is really like'), { ref: '2.2', title: 'Audits show what practice is really like' });
    assert.deepEqual(parsePriorityLabel('LA recommendations – Misc'), { title: 'LA recommendations – Misc' });
  });
  it('letters positions like spreadsheet columns', () => {
    assert.deepEqual([1, 2, 26, 27, 28, 52, 53].map(letters), ['a', 'b', 'z', 'aa', 'ab', 'az', 'ba']);
  });
  it('splits " / " lists only into whole statements', () => {
    assert.deepEqual(splitSlashList('One thing happens. / Another thing happens.'), ['One thing happens.', 'Another thing happens.']);
    assert.deepEqual(splitSlashList('Processes / systems / working practices will change.'), ['Processes / systems / working practices will change.']);
    assert.deepEqual(splitSlashList('Timely communication / updates on issues'), ['Timely communication / updates on issues']);
  });
  it('splits "Overarching action" cells with inline and repeated milestone labels', () => {
    assert.deepEqual(splitEmbeddedMilestones('Overarching Action; Do the thing\nMilestone 1: First\nstill first Milestone 2: Second\nMilestone 2: Third'), {
      title: 'Do the thing',
      milestones: [
        { label: 1, text: 'First\nstill first' },
        { label: 2, text: 'Second' },
        { label: 2, text: 'Third' },
      ],
    });
    assert.equal(splitEmbeddedMilestones('An ordinary action that mentions a milestone'), undefined);
  });
});

describe('planParser: hostile tables', () => {
  it('finds a header below title rows and numbers problems by sheet row', () => {
    const { plan, problems } = parsePlan([
      ['Children’s Services Improvement Plan', '', ''],
      ['', '', ''],
      ['Ref', 'Action', 'Due Date'],
      ['1', 'Do a thing', 'Oct 2021'],
      ['2', 'Do another thing', 'Octobr 2021'],
    ]);
    assert.deepEqual(plan.actions.map((a) => [a.ref, a.sourceRow]), [['1', 4], ['2', 5]]);
    assert.deepEqual(problems.map((p) => [p.row, p.column, p.value, p.outcome]), [
      [3, '', '', 'left blank'],
      [3, '', '', 'left blank'],
      [5, 'Due Date', 'Octobr 2021', 'left blank'],
    ]);
    assert.equal(problems[0].message, 'No lead column was recognised, so no action has a lead.');
    assert.match(problems[1].message, /^No status column found: every action imported as Not started/);
    assert.equal(problems.find((p) => p.column === 'Due Date')?.message, 'Due date not read: "octobr" is not a month name (did you mean October?).');
  });

  it('reports a table without an action column instead of guessing', () => {
    const { plan, problems, rowsRead } = parsePlan([['Name', 'Amount'], ['x', '1']]);
    assert.deepEqual(plan, { priorities: [], actions: [] });
    assert.equal(rowsRead, 0);
    assert.match(problems[0].message, /^No header row with an action column was found in the first 2 rows, so nothing was imported\. An action column is headed one of "Action", "The Actions We Are Taking"/);
    assert.match(problems[0].message, /The row most like a header, row 1, has "Name", "Amount"\./);
  });

  it('numbers actions when there is no Ref column, and says so once', () => {
    const { plan, problems } = parsePlan([
      ['Action', 'Lead', 'Due Date', 'Status'],
      ['First', 'DCS', 'Oct 2021', 'Green'],
      ['Second', 'DCS', 'Nov 2021', 'Amber'],
    ]);
    assert.deepEqual(plan.actions.map((a) => a.ref), ['1', '2']);
    assert.deepEqual(problems, [{ row: 1, column: '', value: '', message: 'No Ref column: actions are numbered 1, 2, 3… in file order.', outcome: 'fixed' }]);
  });

  it('swaps a status and a date that sit in each other’s columns', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'RAG', 'Due Date'],
      ['1.1', 'Do a thing', 'DCS', 'May 2022', 'Action complete'],
    ]);
    assert.equal(plan.actions[0].status, 'complete');
    assert.deepEqual(plan.actions[0].due, { kind: 'date', date: '2022-05-31' });
    assert.deepEqual(problems, [
      { row: 2, column: 'RAG', value: 'May 2022', message: "Date 'May 2022' and status 'Action complete' were in each other's columns; swapped back.", outcome: 'fixed' },
    ]);
  });

  it('splits a status and date run together in the status column', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'RAG', 'Due Date'],
      ['1.1', 'Do a thing', 'DCS', 'Business As Usual Activity Ongoing', ''],
    ]);
    assert.equal(plan.actions[0].status, 'bau');
    assert.deepEqual(plan.actions[0].due, { kind: 'recurring', recurrence: 'ongoing' });
    assert.equal(problems[0].message, "Status and date were run together in one cell; read status 'Business As Usual Activity' and date 'Ongoing'.");
  });

  it('reports an unknown status and a ref used twice', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'RAG', 'Due Date'],
      ['1.1', 'First', 'DCS', 'Purple', 'May 2022'],
      ['1.2', 'Second', 'DCS', 'Green', 'May 2022'],
      ['1.1', 'Third', 'DCS', 'Green', 'May 2022'],
    ]);
    assert.deepEqual(plan.actions.map((a) => a.ref), ['1.1', '1.2', '1.1b']);
    assert.equal(plan.actions[0].status, 'not_started');
    assert.deepEqual(problems.map((p) => [p.row, p.column, p.outcome]), [
      [2, 'RAG', 'left blank'],
      [4, 'Ref', 'fixed'],
    ]);
    assert.equal(problems[1].message, 'Ref 1.1 was already used at row 2; this action gets the next free letter instead.');
  });

  it('skips blank rows silently and continues the action above across them', () => {
    const { plan, problems, rowsRead } = parsePlan([
      ['Ref', 'Action', 'Outcome', 'Lead', 'Due Date'],
      ['1', 'Do a thing', 'First', 'DCS', 'Oct 2021'],
      ['', '', '', '', ''],
      ['', '', 'Second', '', ''],
    ]);
    assert.equal(rowsRead, 2);
    assert.deepEqual(plan.actions[0].outcomes, ['First', 'Second']);
    // Only the one note that the plan has no status column; the blank rows cost nothing.
    assert.deepEqual(problems.map((p) => p.message.slice(0, 26)), ['No status column found: ev']);
  });
});

describe('planParser: slipped-column repair is cautious', () => {
  it('does not move a row because a notes column says "Complete"', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'RAG', 'Due Date', 'Notes'],
      ['1.1', 'Do a thing', '', 'May 2022', 'Complete'],
    ]);
    assert.equal(plan.actions[0].title, 'Do a thing');
    assert.deepEqual(plan.actions[0].due, { kind: 'date', date: '2022-05-31' });
    assert.deepEqual(plan.actions[0].extra, { Notes: 'Complete' });
    assert.deepEqual(problems.map((p) => [p.row, p.column, p.message]), [
      [1, '', 'No lead column was recognised, so no action has a lead.'],
      [2, 'RAG', 'No status for 1.1; recorded as not started (no rating).'],
    ]);
  });
});

import assert from 'node:assert/strict';
import { parsePlan } from '../../domain/import/planParser';
import { recogniseColumns } from '../../domain/import/columns';
import { isRef, refKey, refsInText } from '../../domain/refs';
import { parseIntent } from '../../domain/intent';

/**
 * Layouts a tester found importing wrongly or silently: letter-and-digit refs, a header over two
 * rows, status words with no colour, two-colour ratings, status headers with a legend, and plans
 * with no status column. The fixtures are made up for these tests.
 */

describe('plan import: refs written as letters then digits ("ASC01", "QS2", "M1")', () => {
  const rows = [
    ['Ref', 'Action', 'Lead', 'Due date', 'Status'],
    ['ASC01', 'Cut the wait for a care act assessment to four weeks', 'Head of Assessment', '31/01/2027', 'Green'],
    ['ASC02', 'Publish a carers strategy written with carers', 'Carers Lead', '28/02/2027', 'Amber'],
    ['M1', 'Open the second reablement hub', 'Reablement Manager', '31/03/2027', 'Red'],
    ['', 'Recruit the hub team', 'Reablement Manager', '31/03/2027', 'Green'],
  ];

  it('keeps each ref as the file writes it, with no problem about it, and a second action under one ref gets a letter', () => {
    const { plan, problems } = parsePlan(rows);
    assert.deepEqual(plan.actions.map((a) => a.ref), ['ASC01', 'ASC02', 'M1', 'M1b']);
    assert.deepEqual(problems.filter((p) => p.column === 'Ref'), []);
    for (const a of plan.actions) assert.ok(isRef(a.ref), a.ref);
  });

  it('the grammar accepts them (so card data and typed commands do), and a milestone of one reads as ref.seq', () => {
    for (const r of ['ASC01', 'C01', 'E1', 'A1', 'M1', 'QS2', 'ASC01b', 'ASC01.2', 'QS1-01']) assert.ok(isRef(r), r);
    for (const r of ['Priority1', 'ASC', '01ASC', 'ASC 01']) assert.ok(!isRef(r), r);
  });

  it('"action ASC03" asks for that action, whatever the case typed; on their own such words stay words', () => {
    const asked = parseIntent('action ASC03');
    assert.equal(asked.kind, 'action');
    assert.equal(refKey((asked as { ref: string }).ref), refKey('ASC03'));
    const who = parseIntent('who owns action qs2');
    assert.deepEqual([who.kind, refKey((who as { ref: string }).ref)], ['whoOwns', 'qs2']);
    const upd = parseIntent('update ASC02 amber: the consultation closed late');
    assert.deepEqual([upd.kind, (upd as { ref: string }).ref], ['update', 'ASC02']);
    for (const t of ['kpi c056', 'what is due in q3', 'ks2 results', 'cp2']) assert.deepEqual(refsInText(t), [], t);
  });
});

describe('plan import: a header over two rows ("Timescale" over "Start | End")', () => {
  it('reads the second header row: the start column is the start date and the end column the due date', () => {
    const { plan, columns, problems } = parsePlan([
      ['', 'Ref', 'Action', 'Lead', 'Timescale', '', 'RAG'],
      ['', '', '', '', 'Start', 'Finish', ''],
      ['', '1.1', 'Agree a missing-from-home protocol with the police', 'Head of Safeguarding', '01/05/2026', '30/11/2026', 'G'],
      ['', '1.2', 'Train foster carers in return interviews', 'Fostering Manager', '01/09/2026', '28/02/2027', 'A'],
    ]);
    assert.deepEqual(
      plan.actions.map((a) => [a.ref, a.start?.kind === 'date' ? a.start.date : '', a.due.kind === 'date' ? a.due.date : '']),
      [
        ['1.1', '2026-05-01', '2026-11-30'],
        ['1.2', '2026-09-01', '2027-02-28'],
      ],
    );
    assert.deepEqual(
      columns.filter((c) => c.column.startsWith('Timescale')),
      [
        { column: 'Timescale: Start', readAs: 'start date' },
        { column: 'Timescale: Finish', readAs: 'due date' },
      ],
    );
    const note = problems.find((p) => p.row === 2);
    assert.match(note!.message, /The header runs over rows 1 and 2; read 'Timescale: Start' as the start date and 'Timescale: Finish' as the due date/);
    assert.ok(!problems.some((p) => /before any action/.test(p.message)), 'the second header row is not a data row');
  });

  it('refuses a second header row it cannot read, naming both rows, and imports nothing', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Timescale', ''],
      ['', '', '', 'Planned', 'Actual'],
      ['1', 'Set up a transitions panel', 'Head of Preparing for Adulthood', '31/10/2026', '30/11/2026'],
    ]);
    assert.deepEqual(plan.actions, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].row, 2);
    assert.equal(problems[0].outcome, 'skipped');
    assert.match(problems[0].message, /runs over two rows: row 1 \(Ref, Action, Lead, Timescale\) and row 2 \(Planned, Actual\)/);
    assert.match(problems[0].message, /Put the header on one row/);
  });
});

describe('plan import: statuses with no colour, and two-colour ratings', () => {
  it('"In progress" sets the status and leaves the RAG as none, said once for the file with its rows', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due date', 'Status'],
      ['1', 'Rewrite the front door guidance', 'Head of Early Help', '31/01/2027', 'In progress'],
      ['2', 'Hold a care leavers forum', 'Participation Lead', '31/01/2027', 'Not started'],
      ['3', 'Re-let the advocacy contract', 'Commissioning Lead', '31/01/2027', 'in progress'],
    ]);
    assert.deepEqual(plan.actions.map((a) => [a.ref, a.status, a.rag]), [
      ['1', 'on_track', 'none'],
      ['2', 'not_started', 'none'],
      ['3', 'on_track', 'none'],
    ]);
    const notes = problems.filter((p) => /gives no RAG colour/.test(p.message));
    assert.equal(notes.length, 1);
    assert.deepEqual([notes[0].row, notes[0].column, notes[0].value, notes[0].outcome], [2, 'Status', 'In progress', 'fixed']);
    assert.match(notes[0].message, /no RAG, on 2 rows \(2, 4\)\.$/);
  });

  it('a RAG column beside "In progress" gives the colour, and no note is made', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due date', 'Status', 'RAG'],
      ['1', 'Rewrite the front door guidance', 'Head of Early Help', '31/01/2027', 'In progress', 'Green'],
    ]);
    assert.deepEqual([plan.actions[0].status, plan.actions[0].rag], ['on_track', 'green']);
    assert.deepEqual(problems.filter((p) => /no RAG colour/.test(p.message)), []);
  });

  it('a two-colour rating keeps the worse colour and says so on its row', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due date', 'RAG'],
      ['1', 'Cut agency use in the duty teams', 'Head of Workforce', '31/01/2027', 'Amber/Green'],
      ['2', 'Clear the DoLS backlog', 'DoLS Lead', '31/01/2027', 'A/R'],
      ['3', 'Refresh the market position statement', 'Commissioning Lead', '31/01/2027', 'Green'],
    ]);
    assert.deepEqual(plan.actions.map((a) => a.rag), ['amber', 'red', 'green']);
    const notes = problems.filter((p) => /no single colour/.test(p.message));
    assert.deepEqual(notes.map((p) => [p.row, p.column, p.value, p.outcome]), [
      [2, 'RAG', 'Amber/Green', 'fixed'],
      [3, 'RAG', 'A/R', 'fixed'],
    ]);
    assert.equal(notes[0].message, "Read as Amber, the worse of its two colours; the file's rating Amber/Green has no single colour here (action 1).");
  });
});

describe('plan import: status columns with a legend, and plans with none', () => {
  it('"RAG (B/G/A/R)" (also on two lines) is the status column; "Complete? (Y/N)" is not', () => {
    assert.equal(recogniseColumns(['Ref', 'Action', 'RAG (B/G/A/R)']).roles.status, 2);
    assert.equal(recogniseColumns(['Ref', 'Action', 'BRAG (Blue, Green, Amber, Red)']).roles.status, 2);
    assert.equal(recogniseColumns(['Ref', 'Action', 'Status', 'RAG (R/A/G)']).roles.rag, 3, 'beside a status column it is the RAG colour');
    assert.equal(recogniseColumns(['Ref', 'Action', 'Complete? (Y/N)']).roles.status, undefined);
    assert.equal(recogniseColumns(['Ref', 'Action', 'Status (see notes)']).roles.status, undefined, 'a bracket that is not a colour legend');
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due date', 'RAG\n(B/G/A/R)'],
      ['1', 'Write the joint housing protocol', 'Head of Housing Options', '31/01/2027', 'RED'],
      ['2', 'Extend staying put to 23', 'Head of Fostering', '31/01/2027', 'B'],
    ]);
    assert.deepEqual(plan.actions.map((a) => [a.status, a.rag]), [
      ['not_on_track', 'red'],
      ['complete', 'blue'],
    ]);
    assert.ok(!problems.some((p) => /No status column/.test(p.message)));
  });

  it('a plan with no status column says so once, and every action is not started with no RAG', () => {
    const { plan, problems, columns } = parsePlan([
      ['Ref', 'Action', 'Lead', 'Due date', 'Complete? (Y/N)'],
      ['1', 'Bring OT waits under twelve weeks', 'OT Manager', '31/01/2027', 'Y'],
      ['2', 'Publish how assessments work', 'Information Lead', '31/01/2027', 'N'],
    ]);
    assert.deepEqual(plan.actions.map((a) => [a.status, a.rag]), [
      ['not_started', 'none'],
      ['not_started', 'none'],
    ]);
    const notes = problems.filter((p) => /No status column found/.test(p.message));
    assert.equal(notes.length, 1);
    assert.deepEqual([notes[0].row, notes[0].outcome], [1, 'left blank']);
    assert.match(notes[0].message, /^No status column found: every action imported as Not started \(no RAG\)\./);
    assert.deepEqual(columns.find((c) => c.column === 'Complete? (Y/N)'), { column: 'Complete? (Y/N)', readAs: 'kept as text on the action (not recognised)' });
  });
});

describe('plan import: other headings for the action column', () => {
  for (const heading of ['Description', 'Key action(s)', 'Key actions', 'Improvement activity', 'Activity', 'Title']) {
    it(`"${heading}" is the action column`, () => {
      const { plan } = parsePlan([
        ['Ref', heading, 'Owner', 'Due date', 'RAG'],
        ['1.1', 'Agree the short breaks offer with parent carers', 'Head of Disabled Children', '31/01/2027', 'G'],
      ]);
      assert.deepEqual(plan.actions.map((a) => [a.ref, a.title]), [['1.1', 'Agree the short breaks offer with parent carers']]);
    });
  }

  it('beside an "Action" column, a "Description" or "Title" column is kept as text, whichever comes first', () => {
    const { plan, columns } = parsePlan([
      ['Ref', 'Description', 'Action', 'Owner', 'Due date', 'RAG'],
      ['1', 'Background: waits have risen since 2024', 'Open a Saturday clinic', 'Clinic Lead', '31/01/2027', 'A'],
    ]);
    assert.equal(plan.actions[0].title, 'Open a Saturday clinic');
    assert.deepEqual(plan.actions[0].extra, { Description: 'Background: waits have risen since 2024' });
    assert.deepEqual(columns.find((c) => c.column === 'Description'), { column: 'Description', readAs: 'kept as text on the action (not recognised)' });
  });

  it('a cover-sheet line such as "Title | … | Owner | …" is not taken for a header', () => {
    const { plan, problems } = parsePlan([
      ['Title', 'Carers strategy refresh', 'Owner', 'Director of Adult Social Services'],
      ['Notes', 'Draft for the board', '', ''],
    ]);
    assert.deepEqual(plan.actions, []);
    assert.match(problems[0].message, /^No header row with an action column was found/);
  });

  it('when no action column is found, the message lists what was looked for and the cells of the likeliest header row', () => {
    const { plan, problems } = parsePlan([
      ['Partnership plan 2026', '', '', ''],
      ['Ref', 'Summary of work', 'Owner', 'Due date'],
      ['1', 'Review the local offer', 'SEND Lead', '31/01/2027'],
    ]);
    assert.deepEqual(plan.actions, []);
    assert.equal(problems.length, 1);
    assert.deepEqual([problems[0].row, problems[0].value, problems[0].outcome], [2, 'Ref, Summary of work, Owner, Due date', 'skipped']);
    assert.match(problems[0].message, /An action column is headed one of "Action", .*"Key action\(s\)", .*"Description", "Activity", "Activities", "Title"\./);
    assert.match(problems[0].message, /The row most like a header, row 2, has "Ref" \(ref\), "Summary of work", "Owner" \(lead \(owner\)\), "Due date" \(due date\)\./);
  });
});

describe('plan import: more headings for due dates and leads, and a header below a long title block', () => {
  it('"Original target date" is the due date and "Responsible lead(s)" the lead', () => {
    const { plan, problems } = parsePlan([
      ['Ref', 'Action', 'Responsible lead(s)', 'Original target date', 'Revised target date', 'RAG'],
      ['1.1', 'Agree a shared front door with health partners', 'Head of MASH', '31/01/2027', '', 'Amber'],
      ['1.2', 'Train every duty worker in the new threshold guide', 'Principal Social Worker', '28/02/2027', '30/04/2027', 'Green'],
    ]);
    assert.deepEqual(
      plan.actions.map((a) => [a.ref, a.leadRole, a.due.kind === 'date' ? a.due.date : a.due.kind]),
      [
        ['1.1', 'Head of MASH', '2027-01-31'],
        ['1.2', 'Principal Social Worker', '2027-04-30'],
      ],
    );
    assert.equal(plan.actions[1].originalDue?.kind === 'date' ? plan.actions[1].originalDue.date : undefined, '2027-02-28');
    assert.deepEqual(problems.filter((p) => /No due-date column|No lead/.test(p.message)), []);
  });

  it('finds a header under twenty rows of title, notes and key', () => {
    const notes = Array.from({ length: 20 }, (_, i) => [i === 0 ? 'Improvement plan: adult social care' : `Note ${i}: read the guidance before updating`]);
    const { plan } = parsePlan([...notes, ['Ref', 'Action', 'Lead', 'Due date', 'Status'], ['2.1', 'Publish the waiting-list data monthly', 'Head of Assessment', '31/03/2027', 'Green']]);
    assert.deepEqual(plan.actions.map((a) => a.ref), ['2.1']);
  });
});

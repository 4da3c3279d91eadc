import assert from 'node:assert/strict';
import { parsedPlanFixture } from '../support/fixtures';

describe('planParser: Sefton 2022 phase 1 (shared objective refs, slipped columns)', () => {
  const plan = parsedPlanFixture('plans/sefton-2022-phase1.csv');

  it('reads 122 rows into 121 actions (one row has no action) and 4 milestones', () => {
    assert.equal(plan.result.rowsRead, 122);
    assert.equal(plan.result.plan.actions.length, 121);
    assert.equal(plan.result.plan.actions.reduce((n, a) => n + a.milestones.length, 0), 4);
  });

  it('gives every action a unique ref: the printed objective ref, then letters by position', () => {
    const refs = plan.result.plan.actions.map((a) => a.ref);
    assert.equal(new Set(refs).size, refs.length);
    assert.deepEqual(refs.slice(0, 14), ['1.1.1', '1.1.1b', '1.1.1c', '1.1.1d', '1.1.1e', '1.1.1f', '1.1.1g', '1.1.1h', '1.1.1i', '1.1.1j', '1.1.1k', '1.1.1l', '1.1.2', '1.1.2b']);
    assert.equal(plan.action('2.1.1q').title, 'Weigh what cared for and care experienced young people tell us.', '17th action under 2.1.1');
    assert.equal(refs.filter((r) => r.startsWith('2.1.1')).length, 17);
    assert.equal(plan.action('4.5.1').title, 'Write a Belonging Strategy and Action Plan for schools and settings.');
  });

  it('reads priorities from "1.1 …" labels, and infers the one that lost its number', () => {
    assert.deepEqual(
      plan.result.plan.priorities.map((p) => p.ref),
      ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3', '4.4', '4.5'],
    );
    assert.equal(plan.result.plan.priorities[4].title.startsWith('Audit frameworks are working'), true, '"2.2." keeps no stray dot');
    assert.equal(plan.action('4.4.1').priorityRef, '4.4');
    assert.equal(plan.action('4.4.1').priorityTitle?.startsWith('Commissioned services give enough care'), true);
  });

  it('reads an ordinary row: status on the six-level scale, month-end date, lead, objective, extra column', () => {
    const a = plan.action('1.1.1');
    assert.equal(a.title, "Write and agree a Children's Social Care Workforce Strategy, with an Action Plan to deliver it.");
    assert.equal(a.status, 'complete');
    assert.equal(a.rag, 'blue');
    assert.deepEqual(a.due, { kind: 'date', date: '2022-09-30' });
    assert.equal(a.leadRole, 'Assistant Director Safeguarding Review & Quality Assurance');
    assert.equal(a.objective?.startsWith('The workforce has the capacity and flexibility'), true);
    assert.deepEqual(a.extra, { 'Detailed Action Plan': 'People Plan and Delivery Actions' });
    assert.equal(a.sourceRow, 2);
  });

  it('treats blank lead and objective cells as "same as above"', () => {
    assert.equal(plan.action('1.1.1f').leadRole, 'Assistant Director Safeguarding Review & Quality Assurance');
    assert.equal(plan.action('1.1.1f').objective, plan.action('1.1.1').objective);
    assert.equal(plan.action('4.4.1b').leadRole, 'Joint Sefton NHS Place Director and Executive Director Social Care and Health');
    assert.equal(plan.action('4.3.2b').objective, 'Recruitment will run efficiently; new staff will be able to start promptly.');
  });

  it('maps every status variant in the file', () => {
    assert.equal(plan.action('1.1.1f').status, 'on_track'); // Action not yet completed, but on track
    assert.equal(plan.action('4.3.2c').status, 'on_track'); // Actions not yet completed, but on track
    assert.equal(plan.action('1.2.1c').status, 'some_issues');
    assert.equal(plan.action('1.2.1c').rag, 'amber');
    assert.equal(plan.action('4.2.1').status, 'not_on_track');
    assert.equal(plan.action('4.2.1').rag, 'red');
    assert.equal(plan.action('1.1.1i').status, 'not_started');
    assert.equal(plan.action('1.1.1h').status, 'bau');
    assert.equal(plan.action('4.1.1h').status, 'bau'); // Business As Usual Activity - quarterly monitoring
    assert.equal(plan.action('3.1.1b').status, 'bau'); // Business as Usual Activity
    const counts = new Map<string, number>();
    for (const a of plan.result.plan.actions) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
    // Counted in the CSV by phrase: 49 "Action complete" less row 47 (skipped) and 1.3.7's four (one
    // action); 10 "Longer-term…" plus 1.3.2b, which has no status and is recorded as not started.
    assert.deepEqual(Object.fromEntries([...counts].sort()), { bau: 24, complete: 45, not_on_track: 2, not_started: 11, on_track: 28, some_issues: 11 });
  });

  it('reads "Ongoing" and "September 2022 onwards"', () => {
    assert.deepEqual(plan.action('1.1.1h').due, { kind: 'recurring', recurrence: 'ongoing' });
    assert.deepEqual(plan.action('4.1.1e').due, { kind: 'date', date: '2022-09-30', onwards: true });
  });

  it('splits " / " outcome lists into separate outcomes, but not prose that uses a slash', () => {
    assert.deepEqual(plan.action('1.1.1h').outcomes, [
      'The workforce will be large and settled enough to respond to children and young people quickly and well.',
      'We will depend less on agency workers.',
      'Fewer staff will leave and fewer posts will stand empty.',
      'Social Workers will carry caseloads they can manage and children will get a prompt, consistent service, out of hours as well.',
      'Audits will show managers have time to oversee and support practice so services run well.',
      'Children and families will tell us they have built lasting, trusting relationships with their Social Worker.',
    ]);
    assert.equal(plan.action('1.2.1d').outcomes.length, 9);
    assert.equal(plan.action('2.1.1c').outcomes.length, 1, '"Procedures / tools / ways of working" stays one outcome');
    assert.equal(plan.action('2.1.1m').outcomes.length, 1, '"news / updates on …" stays one outcome');
    assert.deepEqual(plan.action('4.4.1b').outcomes, [], 'blank outcome cell');
  });

  it('turns a row of parallel " / " lists into one action with milestones (1.3.7)', () => {
    const a = plan.action('1.3.7');
    assert.deepEqual(
      a.milestones.map((m) => [m.seq, m.text, m.ownerRole, m.status, m.due]),
      [
        [1, 'Set up a working group and Action Plan to bring in the Striving to be Thriving Framework', 'Corporate Parenting Officer', 'complete', { kind: 'date', date: '2022-03-31' }],
        [2, "Introduce the Striving to be Thriving Framework to Foster Carers and Children's Social Care Managers.", 'Corporate Parenting Officer', 'complete', { kind: 'date', date: '2022-03-31' }],
        [3, 'Roll out the Striving to be Thriving Framework.', "Children's Social Care Managers", 'complete', { kind: 'date', date: '2022-09-30' }],
        [4, 'Bring in a Resettlement Passport.', 'Assistant Director Cared for Children', 'complete', { kind: 'date', date: '2022-11-30' }],
      ],
    );
    assert.deepEqual(a.due, { kind: 'date', date: '2022-11-30' });
    assert.equal(a.status, 'complete');
    assert.equal(a.rag, 'blue');
    assert.equal(a.leadRole, 'Corporate Parenting Officer');
    assert.equal(a.outcomes.length, 5);
  });

  it('repairs the block of 1.3.2 that sits one column to the right', () => {
    const a = plan.action('1.3.2');
    assert.equal(a.title, 'Review and rebuild the Children with Disability (CWD) operating model and way of working.');
    assert.deepEqual(a.outcomes, ['Children, young people and their families will feel part of the review. A CWD Improvement Plan will be written and carried out.']);
    assert.equal(a.leadRole, 'Assistant Director Help and Protection');
    assert.equal(a.status, 'on_track');
    assert.deepEqual(a.due, { kind: 'date', date: '2022-12-31' });
    assert.deepEqual(a.extra, {});
    const b = plan.action('1.3.2b');
    assert.equal(b.title, 'Run safeguarding training for the Children with Disabilities team.');
    assert.equal(b.outcomes.length, 1);
    assert.deepEqual(b.due, { kind: 'none' });
    assert.equal(b.status, 'not_started');
    const c = plan.action('1.3.2c');
    assert.equal(c.title, 'Review what is commissioned for Children with Disability (CWD) in light of the Needs Assessment.');
    assert.equal(c.status, 'some_issues');
    assert.deepEqual(c.due, { kind: 'date', date: '2023-01-31' });
    assert.equal(plan.action('1.3.2d').status, 'bau');
    assert.deepEqual(plan.action('1.3.2d').due, { kind: 'recurring', recurrence: 'ongoing' });
    assert.equal(plan.action('1.3.2e').title, 'Keep track of what disabled children, young people and their families tell us.');
  });

  it('repairs rows that slipped left (1.3.4b–e, 4.4.1c)', () => {
    const b = plan.action('1.3.4b');
    assert.equal(b.title, "Introduce the Leeds Family Valued approach to Children's Services teams.");
    assert.deepEqual(b.outcomes, ['Staff will know the ideas and ways of working behind Leeds Family Valued (FV).']);
    assert.equal(b.status, 'complete');
    assert.deepEqual(b.due, { kind: 'date', date: '2022-05-31' });
    assert.equal(b.objective, "To build relational and restorative practice into all of Children's Services.");
    assert.equal(b.leadRole, 'Assistant Director Safeguarding Review & Quality Assurance');
    assert.equal(plan.action('1.3.4e').status, 'not_started');
    assert.deepEqual(plan.action('1.3.4e').due, { kind: 'recurring', recurrence: 'ongoing' });
    const c = plan.action('4.4.1c');
    assert.equal(c.title, 'Redraft the Sufficiency Strategy and publish it.');
    assert.equal(c.status, 'complete');
    assert.deepEqual(c.due, { kind: 'date', date: '2022-07-31' });
    assert.equal(c.leadRole, 'Joint Sefton NHS Place Director and Executive Director Social Care and Health');
  });

  it('does not invent an action for the row with only a status and a date (row 47)', () => {
    assert.equal(plan.action('1.3.6').sourceRow, 46);
    assert.equal(plan.action('1.3.6b').sourceRow, 48);
    assert.equal(plan.action('1.3.6').title, 'Set up a working group and an Action Plan for a Targeted Early Help Service for families who do not need statutory Social Care. Launch the Targeted Early Help Service.');
  });

  it('reports exactly the slipped, missing and orphaned cells', () => {
    assert.deepEqual(
      plan.result.problems.map((p) => [p.row, p.column, p.outcome]),
      [
        [29, 'Milestones', 'fixed'],
        [29, 'The Actions We Are Taking', 'skipped'],
        [30, 'How we will know it has worked', 'fixed'],
        [30, 'Rag Rating', 'left blank'],
        [30, 'Milestones', 'left blank'],
        [31, 'Detailed Action Plan', 'fixed'],
        [32, 'Detailed Action Plan', 'fixed'],
        [33, 'Detailed Action Plan', 'fixed'],
        [37, 'How we will know it has worked', 'fixed'],
        [38, 'How we will know it has worked', 'fixed'],
        [39, 'How we will know it has worked', 'fixed'],
        [40, 'How we will know it has worked', 'fixed'],
        [47, 'Rag Rating', 'skipped'],
        [113, 'The Outcomes We Are Aiming For', 'fixed'],
        [115, 'Responsible Lead Officer', 'fixed'],
      ],
    );
  });

  it('says what each repair read from where', () => {
    const at = (row: number) => plan.result.problems.filter((p) => p.row === row);
    assert.deepEqual(at(29)[0], {
      row: 29,
      column: 'Milestones',
      value: 'Action not yet completed, but on track',
      message:
        "Status 'Action not yet completed, but on track' was in 'Milestones': the row sits one column to the right from 'The Actions We Are Taking' on; " +
        "read the action from 'How we will know it has worked', the outcome from 'Responsible Lead Officer', the lead from 'Rag Rating', " +
        "the status from 'Milestones' and the date from 'Detailed Action Plan'.",
      outcome: 'fixed',
    });
    assert.equal(at(31)[0].value, 'Activity progressing, some issues but realistic plans in place to recover January 2023');
    assert.equal(
      at(115)[0].message,
      "Status 'Action Complete' was in 'Responsible Lead Officer' and the date 'July 2022' in 'Rag Rating': the row is shifted left. " +
        "Read the action from 'The Actions We Are Taking' and the outcome from 'How we will know it has worked'; the lead has no cell on this row, so it is the same as above.",
    );
    assert.deepEqual(at(47)[0], {
      row: 47,
      column: 'Rag Rating',
      value: 'Action complete',
      message: "A row with status 'Action complete' and date 'September 2022' but no action or outcome text; not imported (it may belong to 1.3.6 above, which keeps its own).",
      outcome: 'skipped',
    });
    assert.equal(at(113)[0].message, 'The priority has no number; took 4.4 from its action ref 4.4.1.');
    assert.equal(at(30)[2].message, 'No due date for 1.3.2b: an action without a timescale cannot be chased.');
  });
});

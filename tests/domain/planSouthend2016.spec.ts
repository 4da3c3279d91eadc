import assert from 'node:assert/strict';
import { parsedPlanFixture } from '../support/fixtures';

describe('planParser: Southend 2016 (Overarching action + Milestone N lines)', () => {
  const plan = parsedPlanFixture('plans/southend-2016-milestones.csv');

  it('reads 51 records (multi-line cells are one row each) into 51 actions and 207 milestones', () => {
    assert.equal(plan.result.rowsRead, 51);
    assert.equal(plan.result.plan.actions.length, 51);
    assert.equal(plan.result.plan.actions.reduce((n, a) => n + a.milestones.length, 0), 207);
  });

  it('prefixes refs that restart per recommendation with the recommendation number', () => {
    const refs = plan.result.plan.actions.map((a) => a.ref);
    assert.deepEqual(refs.slice(0, 12), ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '2.1', '2.2', '2.3', '2.4', '2.5']);
    assert.ok(refs.includes('4.2') && refs.includes('1.2'), 'Ref 2 under two recommendations stays two actions');
    assert.equal(new Set(refs).size, refs.length, 'every ref is unique');
    assert.deepEqual(refs.slice(-5), ['LA-Education.1', 'LA-Education.2', 'LA-Education.3', 'LA-Education.4', 'LA-Education.5']);
    assert.equal(plan.action('LA-Misc.1').priorityRef, 'LA-Misc');
    assert.equal(plan.action('LA-Misc.1').priorityTitle, 'LA recommendations – Misc');
    assert.deepEqual(plan.result.plan.priorities[1], { ref: '2', title: 'Recommendation 2' });
    assert.equal(plan.result.plan.priorities.length, 14);
  });

  it('splits the overarching action from its milestones and pairs dates and owners by position', () => {
    const a = plan.action('1.1');
    assert.equal(a.title, 'Give every decision maker (100%, Senior Practitioners upwards) CPD so that decisions are made and written up the same way.');
    assert.equal(a.milestones.length, 4);
    assert.deepEqual(
      a.milestones.map((m) => [m.seq, m.due, m.ownerRole]),
      [
        [1, { kind: 'date', date: '2016-11-30' }, 'GM – Fieldwork Services GM – Quality Assurance and Principal Social Worker'],
        [2, { kind: 'date', date: '2016-09-30' }, 'Team Manager – Workforce Commissioning Practice Lead'],
        [3, { kind: 'date', date: '2016-11-01' }, 'Team Manager – Workforce Commissioning'],
        [4, { kind: 'date', date: '2016-12-31' }, 'GM – Quality Assurance and Principal Social Worker'],
      ],
    );
    assert.equal(
      a.milestones[0].text,
      'Build a CPD course that every decision maker will take, plus extra help for people new in post. ' +
        'Agree who confirms that the course and the help cover what is needed.\n' +
        'Open any CPD training sessions to partner agencies too, so everyone reads the decision points the same way.',
    );
    assert.equal(a.milestones[0].status, 'not_started');
    assert.equal(a.milestones[0].rag, 'none');
    assert.deepEqual(a.due, { kind: 'date', date: '2016-12-31' }, 'latest milestone date');
    assert.equal(a.leadRole, 'GM – Fieldwork Services GM – Quality Assurance and Principal Social Worker', 'first owner line');
    assert.equal(a.status, 'not_started');
    assert.equal(a.sourceRow, 2);
  });

  it('finds a milestone marker in the middle of a line', () => {
    const a = plan.action('1.2');
    assert.equal(a.milestones.length, 8);
    assert.equal(
      a.milestones[0].text,
      'Terms of reference (TOR) for the external NFA contact audit, covering;\n' +
        '- What the auditors will do (the checks they make and the standard they look for), including what "professional curiosity" means and how it is judged;\n' +
        '- How often they audit and how they report',
    );
    assert.equal(a.milestones[1].text, 'Ask a suitable independent person/body to test and approve the ToR and the audit plan for NFA contacts.');
  });

  it('leaves milestone dates and owners unpaired when the counts differ, but still dates the action', () => {
    const a = plan.action('1.2'); // 8 milestones, 6 dates, 4 identical owner lines
    assert.ok(a.milestones.every((m) => m.due.kind === 'none'));
    assert.deepEqual(a.due, { kind: 'date', date: '2017-02-28' });
    assert.ok(a.milestones.every((m) => m.ownerRole === 'GM – Quality Assurance and Principal Social Worker'), 'one owner named on every line');
    const b = plan.action('8.1'); // 4 milestones, 6 owner lines
    assert.ok(b.milestones.every((m) => m.ownerRole === undefined));
    assert.equal(b.leadRole, 'Group Managers');
    assert.deepEqual(b.milestones.map((m) => m.due), [
      { kind: 'date', date: '2016-09-30' },
      { kind: 'date', date: '2016-10-31' },
      { kind: 'date', date: '2016-10-31' },
      { kind: 'date', date: '2016-12-31' },
    ]);
  });

  it('reads cadences after a date and recurring dates', () => {
    assert.deepEqual(plan.action('2.1').milestones[1].due, { kind: 'date', date: '2016-12-31', recurrence: 'six_monthly' });
    assert.deepEqual(plan.action('LA-Misc.8').milestones[4].due, { kind: 'date', date: '2017-04-30', recurrence: 'six_monthly' });
    assert.deepEqual(plan.action('LA-Misc.8').due, { kind: 'date', date: '2017-04-30', recurrence: 'six_monthly' });
    const edu1 = plan.action('LA-Education.1');
    assert.ok(edu1.milestones.every((m) => m.due.kind === 'recurring' && m.due.recurrence === 'ongoing'), 'one "Ongoing" for all');
    assert.deepEqual(edu1.due, { kind: 'recurring', recurrence: 'ongoing' });
    assert.equal(edu1.leadRole, 'HT/VSLAC and Headteacher Board');
    assert.deepEqual(plan.action('LA-Education.2').due, { kind: 'recurring', recurrence: 'termly', note: 'Ongoing Termly basis' });
    assert.deepEqual(plan.action('LA-Education.3').due, { kind: 'recurring', recurrence: 'ongoing', note: 'Daily; Monthly at LSMT' });
    assert.deepEqual(plan.action('LA-Education.4').due, { kind: 'date', date: '2016-11-30' });
    assert.ok(plan.action('LA-Education.5').milestones.every((m) => m.ownerRole === 'HTVSLAC'));
  });

  it('numbers milestones by position when the source repeats a label', () => {
    const a = plan.action('5.1'); // labelled 1, 2, 2, 3
    assert.deepEqual(a.milestones.map((m) => m.seq), [1, 2, 3, 4]);
    assert.equal(a.milestones[2].text, 'Run the training and support.');
    assert.deepEqual(a.milestones[2].due, { kind: 'date', date: '2016-12-31' });
  });

  it('reads actions without milestones, dropping the "Overarching Action:" label', () => {
    const a = plan.action('6.2');
    assert.equal(a.title, 'Decide whether SBC would gain from a practice model (this touches every area of practice) See Recommendation 1, Reference 7.');
    assert.deepEqual(a.due, { kind: 'date', date: '2017-09-30' });
    assert.equal(a.leadRole, 'GM – Fieldwork Services');
    assert.equal(a.milestones.length, 0);
    assert.equal(plan.action('11.2').title, 'Give Members more room to scrutinise.');
    assert.equal(plan.action('4.3').title, 'to go over every NFA contact (as in rec 1 section 2).');
    assert.deepEqual(plan.action('4.3').due, { kind: 'none' });
    assert.equal(plan.action('4.3').leadRole, undefined);
    assert.equal(plan.action('LA-Misc.3').title, '16 and 17 year olds who are homeless get a thorough needs assessment');
  });

  it('leaves impossible and garbled milestone dates blank', () => {
    assert.deepEqual(plan.action('2.4').milestones[4].due, { kind: 'none' }); // 31st September 2017
    assert.deepEqual(plan.action('2.4').due, { kind: 'date', date: '2016-12-31' });
    assert.deepEqual(plan.action('3.3').milestones[4].due, { kind: 'none' }); // 31st October 2016 30th and April 2017
    assert.deepEqual(plan.action('9.2').milestones[3].due, { kind: 'none' }); // two dates
  });

  it('reports every genuine source problem and nothing else', () => {
    const compact = plan.result.problems.map((p) => [p.row, p.column, p.outcome]);
    assert.deepEqual(compact, [
      [1, '', 'left blank'], // the plan has no status column, said once
      [3, 'Target date', 'left blank'],
      [4, 'Target date', 'left blank'],
      [10, 'Target date', 'left blank'],
      [10, 'Action owners', 'left blank'],
      [12, 'Target date', 'left blank'],
      [13, 'Action', 'fixed'],
      [13, 'Action owners', 'left blank'],
      [15, 'Action owners', 'left blank'],
      [15, 'Target date', 'left blank'],
      [17, 'Target date', 'left blank'],
      [17, 'Action owners', 'left blank'],
      [19, 'Action', 'fixed'],
      [20, 'Action owners', 'left blank'],
      [21, 'Action', 'fixed'],
      [23, 'Action', 'fixed'],
      [25, 'Action', 'fixed'],
      [25, 'Action owners', 'left blank'],
      [26, 'Action', 'fixed'],
      [28, 'Action owners', 'left blank'],
      [29, 'Action owners', 'left blank'],
      [31, 'Target date', 'left blank'],
      [32, 'Target date', 'left blank'],
      [32, 'Action owners', 'left blank'],
      [34, 'Target date', 'left blank'],
      [34, 'Action owners', 'left blank'],
      [36, 'Action', 'fixed'],
      [43, 'Action owners', 'left blank'],
      [47, 'Action', 'fixed'],
      [50, 'Target date', 'left blank'],
      [50, 'Action owners', 'left blank'],
      [51, 'Target date', 'left blank'],
    ]);
  });

  it('words the problems so a person can act on them', () => {
    const at = (row: number, column: string) => plan.result.problems.find((p) => p.row === row && p.column === column);
    assert.deepEqual(at(3, 'Target date'), {
      row: 3,
      column: 'Target date',
      value: '31st July 2016\n30th July 2016\n31st October 2016\n31st October 2016\n30th November 2016\n28th February 2017',
      message:
        "8 milestones but 6 dates; which date belongs to which milestone cannot be told, so the milestones' dates were left blank; the action is due by the latest date listed, 28 Feb 2017.",
      outcome: 'left blank',
    });
    assert.deepEqual(at(12, 'Target date'), {
      row: 12,
      column: 'Target date',
      value: '31st September 2017',
      message: 'Milestone 2.4.5 date not read: 31 September does not exist: September has 30 days. 2.4 is due by the latest of its other milestones.',
      outcome: 'left blank',
    });
    assert.equal(at(15, 'Target date')?.value, '31st October 2016 30th and April 2017');
    assert.equal(at(31, 'Target date')?.value, '30th June 2017 and 30th September 2017');
    assert.deepEqual(at(19, 'Action'), {
      row: 19,
      column: 'Action',
      value: 'Milestone 1, Milestone 2, Milestone 2, Milestone 3',
      message: 'Milestone labels run 1, 2, 2, 3; milestones are numbered by position instead (5.1.1–5.1.4).',
      outcome: 'fixed',
    });
    assert.equal(at(17, 'Action owners')?.message, 'The lead is a cross-reference, not a role; 4.3 has no lead.');
    assert.equal(at(34, 'Target date')?.message, 'No due date for 11.2: an action without a timescale cannot be chased.');
    assert.equal(at(34, 'Action owners')?.message, 'No lead named for 11.2.');
    assert.equal(
      at(43, 'Action owners')?.message,
      "5 milestones but 3 owners; which owner belongs to which milestone cannot be told, so the milestones' owners were left blank; the action's lead is the first listed, Group Manager Placements and Resources.",
    );
  });
});

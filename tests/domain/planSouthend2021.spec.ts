import assert from 'node:assert/strict';
import { parsedPlanFixture } from '../support/fixtures';

describe('planParser: Southend 2021 priorities (one row per outcome)', () => {
  const plan = parsedPlanFixture('plans/southend-2021-priorities.csv');

  it('reads every row and finds 30 actions under 6 priorities, no milestones', () => {
    assert.equal(plan.result.rowsRead, 75);
    assert.equal(plan.result.plan.actions.length, 30);
    assert.equal(plan.result.plan.actions.reduce((n, a) => n + a.milestones.length, 0), 0);
    assert.deepEqual(
      plan.result.plan.actions.map((a) => a.ref),
      ['1.1', '1.4', '1.5', '1.6', '1.7', '2.1', '2.2', '2.4', '2.5', '2.6', '2.8', '3.1', '3.2', '3.3', '3.8', '3.9', '3.10',
        '4.3', '4.4', '4.5', '4.6', '4.7', '5.1', '5.2', '5.3', '5.4', '6.2', '6.3', '6.4', '6.5'],
    );
  });

  it('reads "Priority One: …" as priority 1 with the text as its title', () => {
    assert.deepEqual(plan.result.plan.priorities[0], { ref: '1', title: 'Leaders set the direction and make our purpose felt in every team' });
    assert.deepEqual(
      plan.result.plan.priorities.map((p) => p.ref),
      ['1', '2', '3', '4', '5', '6'],
    );
    assert.equal(plan.result.plan.priorities[5].title, 'Shape services together with children, young people and families');
    assert.equal(plan.action('2.8').priorityRef, '2');
    assert.equal(plan.action('2.8').priorityTitle, 'Strengthen quality assurance until practice is good or better in every service');
  });

  it('reads the first action fully, with month-only dates as month end (due) and month start (start)', () => {
    const a = plan.action('1.1');
    assert.equal(a.title, 'Make the new strategic direction part of daily work, tied to the 2050 ambition, the covid-19 and budget recovery plans and each service plan');
    assert.deepEqual(a.due, { kind: 'date', date: '2021-10-31' });
    assert.deepEqual(a.start, { kind: 'date', date: '2020-06-01' });
    assert.equal(a.leadRole, 'DCS');
    assert.equal(a.status, 'not_started');
    assert.equal(a.rag, 'none');
    assert.equal(a.sourceRow, 2);
    assert.deepEqual(a.outcomes, [
      'At least 90% of CS Staff can explain the strategic direction, our values and the practice model in their own words (checked in the staff survey)',
    ]);
  });

  it('adds continuation rows as outcomes of the action above', () => {
    assert.deepEqual(plan.action('1.4').outcomes, [
      'The Corporate Parenting Group joins up with partners and the rest of the council to lift outcomes for children in our care.',
      'The Corporate Parenting Group has a short, agreed list of priorities aimed at good outcomes',
      'Young people take part in CPG meetings',
    ]);
    assert.equal(plan.action('2.5').outcomes.length, 4);
    assert.equal(plan.action('4.3').outcomes.length, 1);
    assert.equal(plan.action('1.4').sourceRow, 3);
    assert.equal(plan.action('3.10').sourceRow, 47);
  });

  it('reads Sept, Sep and April spellings', () => {
    assert.deepEqual(plan.action('1.7').due, { kind: 'date', date: '2021-09-30' }); // Sept 2021
    assert.deepEqual(plan.action('2.4').due, { kind: 'date', date: '2021-09-30' }); // Sep 2021
    assert.deepEqual(plan.action('2.2').due, { kind: 'date', date: '2022-04-30' }); // April 2022
    assert.deepEqual(plan.action('4.7').due, { kind: 'date', date: '2023-12-31' });
    assert.deepEqual(plan.action('2.6').start, { kind: 'date', date: '2021-07-01' }); // Jul 2021
  });

  it('keeps lead labels exactly as written, case included', () => {
    assert.equal(plan.action('3.2').leadRole, 'HoS (CS)');
    assert.equal(plan.action('5.2').leadRole, 'HOS (CS)');
    assert.equal(plan.action('5.3').leadRole, 'Director Integrated Comm.');
    assert.equal(plan.action('1.5').leadRole, 'Exec Director and DCS');
  });

  it('collects KPI codes from outcome text, lower-case and unique', () => {
    assert.deepEqual(plan.action('2.1').kpiCodes, ['c162']);
    assert.deepEqual(plan.action('2.4').kpiCodes, ['c155']);
    assert.deepEqual(plan.action('3.3').kpiCodes, ['c036', 'c042', 'c043']);
    assert.deepEqual(plan.action('3.10').kpiCodes, ['c056']);
    assert.deepEqual(plan.action('4.3').kpiCodes, ['c002']);
    assert.deepEqual(plan.action('3.8').kpiCodes, ['a2', 'a10'], 'adoption scorecard A2/A10');
    assert.deepEqual(plan.action('1.1').kpiCodes, []);
    const all = plan.result.plan.actions.flatMap((a) => a.kpiCodes);
    assert.deepEqual([...new Set(all)].sort(), ['a10', 'a2', 'c002', 'c036', 'c042', 'c043', 'c056', 'c155', 'c162']);
  });

  it('does not split "rate / numbers" prose into two outcomes', () => {
    assert.deepEqual(plan.action('4.3').outcomes, ['Our LAC rate / count stays under the 95% upper confidence limit of the forecast c002']);
  });

  it('reports only the outcome rows that name their own lead or due date', () => {
    assert.deepEqual(plan.result.problems, [
      {
        row: 1,
        column: '',
        value: '',
        message: 'No status column found: every action imported as Not started (no RAG). A status column is headed Status, RAG, BRAG or Progress (a legend in brackets is fine, "RAG (B/G/A/R)").',
        outcome: 'left blank',
      },
      {
        row: 31,
        column: 'Lead',
        value: 'HoS (RB)',
        message: 'This outcome row names its own lead; an action has one lead, so 2.8 keeps HoS (LD).',
        outcome: 'skipped',
      },
      {
        row: 42,
        column: 'Due Date',
        value: 'April 2022',
        message: 'This outcome row gives its own due date; an action has one due date, so 3.8 keeps 31 Oct 2021.',
        outcome: 'skipped',
      },
      {
        row: 42,
        column: 'Lead',
        value: 'HoS (JH)',
        message: 'This outcome row names its own lead; an action has one lead, so 3.8 keeps HoS (LD).',
        outcome: 'skipped',
      },
    ]);
    assert.equal(plan.action('2.8').outcomes.length, 3, 'the outcome itself is still imported');
  });
});

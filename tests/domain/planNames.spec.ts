import assert from 'node:assert/strict';
import { namedPlan } from '../../domain/language/planNames';

const PLANS = [
  { id: 'southend-2021', name: 'Southend 2021' },
  { id: 'southend-2016', name: 'Southend 2016' },
  { id: 'sefton-2022', name: 'Sefton 2022' },
];

describe('which plan a question names (domain/language/planNames)', () => {
  const cases: [string, string | undefined, string?][] = [
    ["what's overdue in Sefton 2022", 'sefton-2022', "what's overdue"],
    ['action 2.4 in southend-2016', 'southend-2016', 'action 2.4'],
    ['action 2.4 in the 2016 plan', 'southend-2016', 'action 2.4'],
    ['2021 plan: what is red', 'southend-2021', ': what is red'],
    ["what's due in plan 2022", 'sefton-2022', "what's due"],
    ["Sefton's plan, anything overdue", 'sefton-2022', ', anything overdue'],
    // A year without "plan" is a date; a council with two plans names neither.
    ['what was due in 2021', undefined],
    ["what's overdue in Southend", undefined],
    ['action 2.4', undefined],
  ];
  for (const [text, planId, rest] of cases) {
    it(`"${text}" → ${planId ?? 'no plan'}`, () => {
      const got = namedPlan(PLANS, text);
      assert.equal(got?.planId, planId);
      if (rest !== undefined) assert.equal(got?.text, rest);
    });
  }

  it('a year two plans share names neither', () => {
    const plans = [...PLANS, { id: 'thurrock-2016', name: 'Thurrock 2016' }];
    assert.equal(namedPlan(plans, 'action 1.2 in the 2016 plan'), undefined);
    assert.equal(namedPlan(plans, 'action 1.2 in Thurrock')?.planId, 'thurrock-2016');
  });
});

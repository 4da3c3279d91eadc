import assert from 'node:assert/strict';
import type { Due } from '../../domain/model';
import { endOfMonth, formatBritishDate, formatDue, parseDue, type DueResult } from '../../domain/dueDate';
import {
  defaultRagFor,
  isStatusWord,
  parseStatus,
  ragLabel,
  rollUpStatus,
  statusLabel,
  type StatusResult,
} from '../../domain/status';

const date = (d: string, extra: Partial<Extract<Due, { kind: 'date' }>> = {}): DueResult => ({ ok: true, due: { kind: 'date', date: d, ...extra } });
const every = (recurrence: Extract<Due, { kind: 'recurring' }>['recurrence'], note?: string): DueResult => ({
  ok: true,
  due: note === undefined ? { kind: 'recurring', recurrence } : { kind: 'recurring', recurrence, note },
});
const refused = (reason: string): DueResult => ({ ok: false, reason });

/** Real cells from the fixtures and seeds first, then hostile ones. Outputs are exact. */
const DUE_CASES: ReadonlyArray<readonly [string, DueResult]> = [
  // Southend 2016 ordinals
  ['30th November 2016', date('2016-11-30')],
  ['31st Oct 2016', date('2016-10-31')],
  ['1st November 2016', date('2016-11-01')],
  ['2nd March 2017', date('2017-03-02')],
  ['23rd June 2017', date('2017-06-23')],
  ['30th July 2016', date('2016-07-30')],
  ['  31st   December 2016 ', date('2016-12-31')],
  ['31st of March 2017', date('2017-03-31')],
  ['Wednesday 30th November 2016', date('2016-11-30')],
  ['November 30, 2016', date('2016-11-30')],
  // Month only: last day of the month, leap years right
  ['Oct 2021', date('2021-10-31')],
  ['Sept 2021', date('2021-09-30')],
  ['Sep 2021', date('2021-09-30')],
  ['April 2022', date('2022-04-30')],
  ['June 2023', date('2023-06-30')],
  ['Feb 2024', date('2024-02-29')],
  ['February 2023', date('2023-02-28')],
  ['Feb 2100', refused('year 2100 is outside 2000–2099, so it is probably a typo')],
  ['end of March 2023', date('2023-03-31')],
  ['Dec. 2021', date('2021-12-31')],
  // Numeric, day-first
  ['05/03/2027', date('2027-03-05')],
  ['05/03/27', { ok: true, due: { kind: 'date', date: '2027-03-05' }, note: 'two-digit year 27 read as 2027' }],
  ['5.3.2027', date('2027-03-05')],
  ['5-3-2027', date('2027-03-05')],
  ['2027-03-05', date('2027-03-05')],
  ['29/02/2024', date('2024-02-29')],
  ['13/12/2024', date('2024-12-13')],
  ['03/2027', date('2027-03-31')],
  ['2021-10', date('2021-10-31')],
  // Financial-year quarters and years
  ['Q3 2016/17', date('2016-12-31')],
  ['Q4 2016/17', date('2017-03-31')],
  ['Q1 2023/24', date('2023-06-30')],
  ['Q2 2016-17', date('2016-09-30')],
  ['Quarter 3 2016/2017', date('2016-12-31')],
  ['2016/17', { ok: true, due: { kind: 'date', date: '2017-03-31' }, note: 'end of financial year 2016/17' }],
  // Onwards, cadences after a date
  ['September 2022 onwards', date('2022-09-30', { onwards: true })],
  ['from April 2023', date('2023-04-30', { onwards: true })],
  ['30th April 2017 and then 6 monthly', date('2017-04-30', { recurrence: 'six_monthly' })],
  ['31st December 2016 and 6 monthly', date('2016-12-31', { recurrence: 'six_monthly' })],
  ['31 March 2023, then quarterly', date('2023-03-31', { recurrence: 'quarterly' })],
  // Frequencies
  ['Ongoing', every('ongoing')],
  ['Monthly', every('monthly')],
  ['Termly', every('termly')],
  ['Ongoing Termly basis', every('termly', 'Ongoing Termly basis')],
  ['Daily', every('daily')],
  ['Weekly', every('weekly')],
  ['Quarterly', every('quarterly')],
  ['Annually', every('annually')],
  ['Six monthly', every('six_monthly')],
  ['Business as usual', every('bau')],
  ['BAU', every('bau')],
  ['Monthly at LSMT', every('monthly', 'Monthly at LSMT')],
  ['Report monthly to HOS', every('monthly', 'Report monthly to HOS')],
  // Blank and placeholders
  ['', { ok: true, due: { kind: 'none' } }],
  ['   ', { ok: true, due: { kind: 'none' } }],
  ['TBC', { ok: true, due: { kind: 'none' }, note: '"TBC": no date set yet' }],
  // Impossible dates
  ['31st September 2017', refused('31 September does not exist: September has 30 days')],
  ['29/02/2023', refused('29 February 2023 does not exist: 2023 is not a leap year')],
  ['31/04/2024', refused('31 April does not exist: April has 30 days')],
  ['00/01/2024', refused('day 0 does not exist')],
  ['12/13/2024', refused('month 13 does not exist (numeric dates are read day-first, dd/mm/yyyy)')],
  ['2024-02-30', refused('30 February does not exist: February has 29 days')],
  ['Thursday 30th November 2016', refused('30 November 2016 was a Wednesday, not a Thursday')],
  ['30th June 2106', refused('year 2106 is outside 2000–2099, so it is probably a typo')],
  // OCR debris
  ['lan 2021', refused('"lan" is not a month name (did you mean Jan?)')],
  ['Doc', refused('"Doc" is not a recognised date or frequency')],
  ['Sept 202l', refused('"202l" is not a four-digit year')],
  ['30th Novmber 2016', refused('"novmber" is not a month name (did you mean November?)')],
  ['44866', refused('"44866" is a bare number (perhaps a spreadsheet date serial); it is not read as a date')],
  // Ambiguous: never guessed
  ['Oct 21', refused('ambiguous: 21 could be a day or the year 2021; write Oct 2021 or 21 Oct 20xx')],
  ['10/21', refused('ambiguous: could be a day and month, or a month and a two-digit year; write the year in full')],
  [
    'Q3 2016',
    refused('Q3 2016 is ambiguous: say which financial year (e.g. Q3 2016/17); a calendar-year quarter and a financial-year quarter end on different dates'),
  ],
  ['Q5 2016/17', refused('there is no quarter 5')],
  ['Q3 2016/18', refused('2016/18 is not a financial year: the years must be consecutive (e.g. 2016/17)')],
  ['2011-12', refused('could be December 2011 or the financial year 2011/12')],
  ['2023', refused('"2023" is a year on its own, not a due date')],
  ['October', refused('"October" has no year')],
  ['31st October', refused('"31st October" has no year')],
  ['Spring 2023', refused('"Spring 2023" is a season or term, not a date')],
  ['mid March 2023', refused('"mid March 2023" is vague ("early/mid/late"); give a date')],
  ['April - June 2023', refused('"April - June 2023" is a range; give the date it is due by')],
  ['end of this month', refused('"end of this month" is a relative date and needs today\'s date to be read')],
  [
    '30th June 2017 and 30th September 2017',
    refused('"30th June 2017 and 30th September 2017" holds two dates (30 Jun 2017 and "30th September 2017"); say which one is due'),
  ],
  [
    '31st October 2016 30th and April 2017',
    refused('"31st October 2016 30th and April 2017" holds two dates (31 Oct 2016 and "30th and April 2017"); say which one is due'),
  ],
  ['30th November 2016 approx', refused('unexpected text after 30 Nov 2016: "approx"')],
  ['See recommendation 1, Section 2', refused('"See recommendation 1, Section 2" is a cross-reference, not a date')],
  ['Fortnightly', refused('"Fortnightly": fortnightly has no matching recurrence (weekly or monthly would change its meaning)')],
  ['bi-monthly', refused('"bi-monthly": bi-monthly can mean twice a month or every two months')],
  ['Monthly/Quarterly', refused('"Monthly/Quarterly" names more than one frequency (monthly, quarterly)')],
  ['We will review monthly and adapt', refused('"We will review monthly and adapt" mentions a frequency (monthly) but also other text; give a date or a frequency')],
];

const ok = (status: Extract<StatusResult, { ok: true }>['status'], rag: Extract<StatusResult, { ok: true }>['rag']): StatusResult => ({ ok: true, status, rag });
const okNote = (status: Extract<StatusResult, { ok: true }>['status'], rag: Extract<StatusResult, { ok: true }>['rag'], note: string): StatusResult => ({ ok: true, status, rag, note });

const STATUS_CASES: ReadonlyArray<readonly [string, StatusResult]> = [
  // Sefton's scale verbatim, then the variants in the fixture
  ['Action complete', ok('complete', 'blue')],
  ['Action not yet completed, but on track and will be completed by milestone', ok('on_track', 'green')],
  ['Activity progressing, some issues but realistic plans in place to recover', ok('some_issues', 'amber')],
  ['Action not on track, risk to implementation', ok('not_on_track', 'red')],
  ['Longer-term action not yet started. No risk to implementation currently anticipated', ok('not_started', 'none')],
  ['Business As Usual Activity', ok('bau', 'none')],
  ['Action Complete', ok('complete', 'blue')],
  ['Action not yet completed, but on track', ok('on_track', 'green')],
  ['Actions not yet completed, but on track', ok('on_track', 'green')],
  ['Business as Usual Activity', ok('bau', 'none')],
  ['Business as Usual Activity - quarterly monitoring', ok('bau', 'none')],
  ['Business As Usual Activity - annual monitoring', ok('bau', 'none')],
  ['Activity progressing, some issues', ok('some_issues', 'amber')],
  ['Longer-term action not yet started', ok('not_started', 'none')],
  // The scale by number
  ['1', ok('complete', 'blue')],
  ['2', ok('on_track', 'green')],
  ['3', ok('some_issues', 'amber')],
  ['4', ok('not_on_track', 'red')],
  ['5', ok('not_started', 'none')],
  ['6', ok('bau', 'none')],
  // RAG / BRAG words and letters
  ['Red', ok('not_on_track', 'red')],
  ['R', ok('not_on_track', 'red')],
  ['amber', ok('some_issues', 'amber')],
  ['A', ok('some_issues', 'amber')],
  ['GREEN', ok('on_track', 'green')],
  ['G', ok('on_track', 'green')],
  ['Blue', ok('complete', 'blue')],
  ['B', ok('complete', 'blue')],
  ['Complete', ok('complete', 'blue')],
  ['Completed', ok('complete', 'blue')],
  ['On track', ok('on_track', 'green')],
  ['Not started', ok('not_started', 'none')],
  ['BAU', ok('bau', 'none')],
  ['Awaiting sign-off', ok('awaiting_signoff', 'green')],
  // Two colours: the worse one, with a note saying so (the import reports it; never silent)
  ['Amber/Red', okNote('not_on_track', 'red', "read as Red, the worse of its two colours; the file's rating Amber/Red has no single colour here")],
  ['Red/Amber', okNote('not_on_track', 'red', "read as Red, the worse of its two colours; the file's rating Red/Amber has no single colour here")],
  ['G/A', okNote('some_issues', 'amber', "read as Amber, the worse of its two colours; the file's rating G/A has no single colour here")],
  ['Green - Blue', okNote('on_track', 'green', "read as Green, the worse of its two colours; the file's rating Green - Blue has no single colour here")],
  // Hostile
  ['', { ok: false, reason: 'no status given' }],
  ['7', { ok: false, reason: '7 is outside the six-level progress scale (1–6)' }],
  ['Action complete / Action complete', { ok: false, reason: '"Action complete / Action complete" holds several statuses; give one per item' }],
  [
    'Activity progressing, some issues but realistic plans in place to recover January 2023',
    {
      ok: false,
      reason:
        '"Activity progressing, some issues but realistic plans in place to recover January 2023" is not a recognised status (expected the six-level scale, Red/Amber/Green/Blue, or words such as Complete, On track, Not started, BAU)',
    },
  ],
  [
    'Purple',
    { ok: false, reason: '"Purple" is not a recognised status (expected the six-level scale, Red/Amber/Green/Blue, or words such as Complete, On track, Not started, BAU)' },
  ],
];

describe('parseDue: British due-date grammar (table)', () => {
  it('has at least 40 date cases and 60 cases with statuses', () => {
    assert.ok(DUE_CASES.length >= 40);
    assert.ok(DUE_CASES.length + STATUS_CASES.length >= 60);
  });
  for (const [input, expected] of DUE_CASES) {
    it(`${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseDue(input), expected);
    });
  }
});

describe('parseDue: options', () => {
  it('reads month-only, quarter and financial-year start dates as the first day with anchor start', () => {
    assert.deepEqual(parseDue('June 2020', { anchor: 'start' }), date('2020-06-01'));
    assert.deepEqual(parseDue('Q3 2016/17', { anchor: 'start' }), date('2016-10-01'));
    assert.deepEqual(parseDue('30th November 2016', { anchor: 'start' }), date('2016-11-30'));
  });
  it('reads relative phrases against today', () => {
    const today = '2024-02-10';
    assert.deepEqual(parseDue('end of this month', { today }), date('2024-02-29'));
    assert.deepEqual(parseDue('end of next month', { today }), date('2024-03-31'));
    assert.deepEqual(parseDue('tomorrow', { today: '2024-12-31' }), date('2025-01-01'));
    assert.deepEqual(parseDue('end of this quarter', { today }), date('2024-03-31'));
    assert.deepEqual(parseDue('end of the financial year', { today: '2024-04-01' }), date('2025-03-31'));
  });
});

describe('parseStatus: every vocabulary (table)', () => {
  for (const [input, expected] of STATUS_CASES) {
    it(`${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseStatus(input), expected);
    });
  }
});

describe('date and status helpers', () => {
  it('formats British dates and due values', () => {
    assert.equal(formatBritishDate('2026-10-31'), '31 Oct 2026');
    assert.equal(formatBritishDate('2026-01-05'), '5 Jan 2026');
    assert.equal(formatBritishDate('not a date'), 'not a date');
    assert.equal(formatDue({ kind: 'date', date: '2022-09-30', onwards: true }), '30 Sep 2022 onwards');
    assert.equal(formatDue({ kind: 'date', date: '2017-04-30', recurrence: 'six_monthly' }), '30 Apr 2017, then six-monthly');
    assert.equal(formatDue({ kind: 'recurring', recurrence: 'monthly', note: 'Monthly at LSMT' }), 'Monthly at LSMT');
    assert.equal(formatDue({ kind: 'recurring', recurrence: 'bau' }), 'Business as usual');
    assert.equal(formatDue({ kind: 'none' }), 'No due date');
  });
  it('knows month ends, leap years included', () => {
    assert.equal(endOfMonth(2024, 2), '2024-02-29');
    assert.equal(endOfMonth(2023, 2), '2023-02-28');
    assert.equal(endOfMonth(2000, 2), '2000-02-29');
    assert.equal(endOfMonth(2021, 9), '2021-09-30');
  });
  it('isStatusWord accepts only unmistakable statuses', () => {
    assert.equal(isStatusWord('Action Complete'), true);
    assert.equal(isStatusWord('Business As Usual Activity'), true);
    assert.equal(isStatusWord('Amber/Red'), true);
    assert.equal(isStatusWord('3'), false, 'a bare number is too weak to say a column slipped');
    assert.equal(isStatusWord('A'), false, 'a single letter is too weak to say a column slipped');
    assert.equal(isStatusWord('May 2022'), false);
    assert.equal(isStatusWord('Assistant Director Help and Protection'), false);
  });
  it('labels statuses and rags for people', () => {
    assert.equal(ragLabel('red'), 'Red');
    assert.equal(ragLabel('amber'), 'Amber');
    assert.equal(ragLabel('green'), 'Green');
    assert.equal(ragLabel('blue'), 'Complete');
    assert.equal(ragLabel('none'), 'No RAG');
    assert.equal(statusLabel('not_on_track'), 'Not on track');
    assert.equal(statusLabel('bau'), 'Business as usual');
    assert.equal(statusLabel('awaiting_signoff'), 'Complete, awaiting sign-off');
    assert.equal(statusLabel('some_issues'), 'Some issues, recovering');
  });
  it('reads back every status label it writes (an exported tracker re-imports)', () => {
    for (const s of ['complete', 'awaiting_signoff', 'on_track', 'some_issues', 'not_on_track', 'not_started', 'bau'] as const) {
      const r = parseStatus(statusLabel(s));
      assert.ok(r.ok && r.status === s, `${statusLabel(s)} → ${JSON.stringify(r)}`);
    }
  });
  it('gives each status its default rag', () => {
    assert.equal(defaultRagFor('complete'), 'blue');
    assert.equal(defaultRagFor('on_track'), 'green');
    assert.equal(defaultRagFor('some_issues'), 'amber');
    assert.equal(defaultRagFor('not_on_track'), 'red');
    assert.equal(defaultRagFor('not_started'), 'none');
    assert.equal(defaultRagFor('bau'), 'none');
    assert.equal(defaultRagFor('awaiting_signoff'), 'green');
  });
  it('rolls milestones up to the worst status, complete only when all are', () => {
    assert.deepEqual(rollUpStatus([{ status: 'complete', rag: 'blue' }, { status: 'complete', rag: 'blue' }]), { status: 'complete', rag: 'blue' });
    assert.deepEqual(rollUpStatus([{ status: 'complete', rag: 'blue' }, { status: 'some_issues', rag: 'amber' }]), { status: 'some_issues', rag: 'amber' });
    assert.deepEqual(rollUpStatus([]), { status: 'not_started', rag: 'none' });
  });
});

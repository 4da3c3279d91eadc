import assert from 'node:assert/strict';
import { closeExample, parseIntent, type Intent } from '../../domain/intent';

/** How people actually phrase questions, and what each must mean. */
const PHRASINGS: [string, Partial<Intent> & { kind: Intent['kind'] }][] = [
  ['my actions', { kind: 'myActions' }],
  ['My actions please', { kind: 'myActions' }],
  ['my stuff', { kind: 'myActions' }],
  ['what do I own?', { kind: 'myActions' }],
  ['show me my items', { kind: 'myActions' }],
  ['whats overdue?', { kind: 'overdue' }],
  ["what's overdue", { kind: 'overdue' }],
  ['What’s overdue?', { kind: 'overdue' }],
  ['what is overdue', { kind: 'overdue' }],
  ['anything late?', { kind: 'overdue' }],
  ['show me overdue actions', { kind: 'overdue' }],
  ['overdeu', { kind: 'overdue' }],
  ['OVERDUE!!!', { kind: 'overdue' }],
  ['overdue for HoS (RB)', { kind: 'overdue', ownerRole: 'HoS (RB)' }],
  ['overdue in priority 2', { kind: 'overdue', priorityRef: '2' }],
  ['red overdue actions', { kind: 'overdue', rag: 'red' }],
  ['due soon', { kind: 'dueSoon', window: { kind: 'days', days: 14 } }],
  ['due this week', { kind: 'dueSoon', window: { kind: 'thisWeek' } }],
  ['what is due next week', { kind: 'dueSoon', window: { kind: 'nextWeek' } }],
  ['due in 14 days', { kind: 'dueSoon', window: { kind: 'days', days: 14 } }],
  ['due within 30 days', { kind: 'dueSoon', window: { kind: 'days', days: 30 } }],
  ['due next month', { kind: 'dueSoon', window: { kind: 'nextMonth' } }],
  ['upcoming deadlines', { kind: 'dueSoon', window: { kind: 'days', days: 14 } }],
  ['action 2.4', { kind: 'action', ref: '2.4' }],
  ['2.4', { kind: 'action', ref: '2.4' }],
  ['show 1.3.6', { kind: 'action', ref: '1.3.6' }],
  ['Action 1.1.1.', { kind: 'action', ref: '1.1.1' }],
  ['milestone 2.1.3', { kind: 'action', ref: '2.1.3' }],
  ['priority 3', { kind: 'priority', ref: '3' }],
  ['theme 1.3', { kind: 'priority', ref: '1.3' }],
  ['red actions', { kind: 'rag', rag: 'red' }],
  ["what's amber in priority 2", { kind: 'rag', rag: 'amber', priorityRef: '2' }],
  ['which actions are green', { kind: 'rag', rag: 'green' }],
  ['who owns 3.2', { kind: 'whoOwns', ref: '3.2' }],
  ['who is responsible for 2.1?', { kind: 'whoOwns', ref: '2.1' }],
  ['who is HoS (RB)', { kind: 'whoIs', role: 'HoS (RB)' }],
  ["who's the DCS?", { kind: 'whoIs', role: 'DCS' }],
  ['summary', { kind: 'summary' }],
  ['plan status', { kind: 'summary' }],
  ['sumary', { kind: 'summary' }],
  ['how are we doing', { kind: 'summary' }],
  ['unowned', { kind: 'unowned' }],
  ['kpi c056', { kind: 'kpi', code: 'c056' }],
  ['KPI C056', { kind: 'kpi', code: 'c056' }],
  ['c056', { kind: 'kpi', code: 'c056' }],
  ['kpis off target', { kind: 'kpisOffTarget' }],
  ['which KPIs are off target?', { kind: 'kpisOffTarget' }],
  ['kpi list', { kind: 'kpiList' }],
  ['history 2.4', { kind: 'history', ref: '2.4' }],
  ['help', { kind: 'help' }],
  ['what can you do?', { kind: 'help' }],
  ['hi', { kind: 'hello' }],
  ['update 2.4 amber: recruitment delayed two months', { kind: 'update', ref: '2.4', word: 'amber', commentary: 'recruitment delayed two months' }],
  ['2.4 complete https://council.example/evidence.pdf', { kind: 'update', ref: '2.4', word: 'complete', evidenceUrl: 'https://council.example/evidence.pdf' }],
  ['milestone 2.1.3 done', { kind: 'update', ref: '2.1.3', word: 'done' }],
  ['set 1.4 to red - board paper late', { kind: 'update', ref: '1.4', word: 'red', commentary: 'board paper late' }],
];

describe('parseIntent: phrasing table', () => {
  for (const [text, expected] of PHRASINGS) {
    it(`"${text}" → ${expected.kind}`, () => {
      const got = parseIntent(text);
      assert.equal(got.kind, expected.kind, JSON.stringify(got));
      for (const [k, v] of Object.entries(expected)) assert.deepEqual((got as Record<string, unknown>)[k], v, `${k} in ${JSON.stringify(got)}`);
    });
  }

  it('has at least 40 phrasings', () => assert.ok(PHRASINGS.length >= 40));

  it('corrects typos in command words, and leaves unknown text to the resolver or help', () => {
    assert.equal(parseIntent('my actoins').kind, 'myActions');
    const typo = parseIntent('kpis of targt');
    assert.equal(typo.kind, 'kpisOffTarget', JSON.stringify(typo));
    // "lsit" could be a code: the resolver answers "no KPI lsit" and offers "kpi list".
    assert.deepEqual(parseIntent('kpi lsit'), { kind: 'kpi', code: 'lsit' });
    assert.ok(['unknown', 'lookup'].includes(parseIntent('sing me a song').kind));
  });

  it('gives plain help for huge input, quickly, with no suggestion', () => {
    const started = Date.now();
    const got = parseIntent('x'.repeat(100_000));
    assert.equal(got.kind, 'unknown');
    assert.equal((got as { suggestion?: string }).suggestion, undefined);
    assert.ok(Date.now() - started < 200, `took ${Date.now() - started} ms`);
  });

  it('offers "did you mean" only when the text is genuinely close', () => {
    assert.equal(closeExample('digest previe'), 'digest preview');
    assert.equal(closeExample('kpis of target'), 'kpis off target');
    for (const far of ['xxxxxxxxxxxxxxxx', 'the quick brown fox jumps', 'zzz', 'x'.repeat(100_000)]) assert.equal(closeExample(far), undefined, far.slice(0, 20));
  });

  it('does not take a question that mentions a colour as an update', () => {
    assert.equal(parseIntent("what's amber in priority 2").kind, 'rag');
    assert.notEqual(parseIntent('is 2.4 red?').kind, 'update');
    assert.notEqual(parseIntent('what is 2.4 amber about').kind, 'update');
  });
});

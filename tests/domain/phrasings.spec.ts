import assert from 'node:assert/strict';
import { CORPUS, CORPUS_TODAY } from '../fixtures/phrasings/corpus';
import { HELD_OUT } from '../fixtures/phrasings/heldout';
import { HELD_OUT_2 } from '../fixtures/phrasings/heldout2';
import { HELD_OUT_3 } from '../fixtures/phrasings/heldout3';
import { demoVocabulary } from '../fixtures/phrasings/vocabulary';
import { evaluate, judge } from '../fixtures/phrasings/evaluate';
import type { Vocabulary } from '../../domain/language/resolve';

/**
 * The phrasing corpus through the real parser and resolver, against the demo vocabulary read by the
 * real import parsers. `npm run eval:phrasings` prints the same figures per intent.
 */
describe('phrasing corpus: understood against the demo vocabulary', function () {
  this.timeout(60_000);
  let vocab: Vocabulary;
  before(async () => {
    vocab = await demoVocabulary();
  });

  it('has at least 300 phrasings, each with an expectation', () => {
    assert.ok(CORPUS.length >= 300, `${CORPUS.length} phrasings`);
  });

  it('gives no confident wrong answer, and understands at least 95%', () => {
    const r = evaluate(CORPUS, vocab, CORPUS_TODAY);
    const wrong = r.outcomes.filter((o) => o.verdict === 'confident wrong').map((o) => `${o.text}: ${o.why}`);
    assert.deepEqual(wrong, []);
    assert.ok(r.understood / r.total >= 0.95, `${r.understood} of ${r.total}`);
  });

  for (const [text, expected] of CORPUS.filter(([t]) => t.length < 200)) {
    it(`"${text}"`, () => {
      const o = judge(text, expected, vocab, CORPUS_TODAY);
      assert.equal(o.verdict, 'understood', `${o.why ?? ''} ${JSON.stringify(o.got).slice(0, 300)}`);
    });
  }
});

describe('held-out phrasings (written without reading the parser): never answered wrongly', function () {
  this.timeout(60_000);
  let vocab: Vocabulary;
  before(async () => {
    vocab = await demoVocabulary();
  });

  it('gives no confident wrong answer, and understands at least 85%', () => {
    const r = evaluate(HELD_OUT, vocab, CORPUS_TODAY);
    const wrong = r.outcomes.filter((o) => o.verdict === 'confident wrong').map((o) => `${o.text}: ${o.why}`);
    assert.deepEqual(wrong, []);
    assert.ok(r.understood / r.total >= 0.85, `${r.understood} of ${r.total}`);
  });
});

describe('second held-out set (long messages, negations, chat updates, chatter)', function () {
  this.timeout(60_000);
  let vocab: Vocabulary;
  before(async () => {
    vocab = await demoVocabulary();
  });

  // Known and not yet fixed, listed so a fix shows here and a new wrong answer fails.
  const KNOWN_WRONG = [
    "Leo Dunn's covering a panel for me — can you list what he's currently responsible for so I know what might drop?",
    'can we push 2.6 back to 31 March 2022 - OPIT dashboard delayed',
  ];

  it('gives no confident wrong answer beyond the known ones, and understands at least 70%', () => {
    const r = evaluate(HELD_OUT_2, vocab, CORPUS_TODAY);
    const wrong = r.outcomes.filter((o) => o.verdict === 'confident wrong');
    assert.deepEqual(wrong.map((o) => o.text).filter((t) => !KNOWN_WRONG.includes(t)), [], wrong.map((o) => `${o.text}: ${o.why}`).join('\n'));
    assert.ok(r.understood / r.total >= 0.7, `${r.understood} of ${r.total}`);
  });
});

describe('third held-out set (board and scrutiny, channel @mentions, performance officers)', function () {
  this.timeout(60_000);
  let vocab: Vocabulary;
  before(async () => {
    vocab = await demoVocabulary();
  });

  // Known and not yet fixed: two questions in one message answer the second; a ref in a sentence about a train.
  const KNOWN_WRONG = ['<at>PlanBot</at> summary please, also any red KPIs?', 'is the 2.6 train to Fenchurch Street on time?'];

  it('gives no confident wrong answer beyond the known ones, and understands at least 75%', () => {
    const r = evaluate(HELD_OUT_3, vocab, CORPUS_TODAY);
    const wrong = r.outcomes.filter((o) => o.verdict === 'confident wrong');
    assert.deepEqual(wrong.map((o) => o.text).filter((t) => !KNOWN_WRONG.includes(t)), [], wrong.map((o) => `${o.text}: ${o.why}`).join('\n'));
    assert.ok(r.understood / r.total >= 0.75, `${r.understood} of ${r.total}`);
  });
});

import assert from 'node:assert/strict';
import { CORPUS, CORPUS_TODAY } from '../fixtures/phrasings/corpus';
import { HELD_OUT_SETS } from '../fixtures/phrasings/heldoutSets';
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

describe('held-out phrasing sets (written without reading the parser): never answered wrongly', function () {
  this.timeout(60_000);
  let vocab: Vocabulary;
  before(async () => {
    vocab = await demoVocabulary();
  });

  for (const set of HELD_OUT_SETS) {
    it(`${set.file}: no confident wrong answer beyond the ${set.knownWrong.length} known, and at least ${set.minUnderstood * 100}% understood`, () => {
      const r = evaluate(set.phrasings, vocab, CORPUS_TODAY);
      const wrong = r.outcomes.filter((o) => o.verdict === 'confident wrong');
      assert.deepEqual(wrong.map((o) => o.text).filter((t) => !set.knownWrong.includes(t)), [], wrong.map((o) => `${o.text}: ${o.why}`).join('\n'));
      assert.ok(r.understood / r.total >= set.minUnderstood, `${r.understood} of ${r.total}`);
    });
  }
});

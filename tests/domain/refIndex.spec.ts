import assert from 'node:assert/strict';
import { indexByRefKey, resolveIntent, type Vocabulary, type VocabularyItem } from '../../domain/language/resolve';
import { parseIntent } from '../../domain/intent';

/**
 * The kept vocabulary finds a ref through an index (Vocabulary.itemsWithRefKey) instead of reading
 * every item; every answer must be the one the plain search gives: found, in several plans, a
 * milestone reading, a typo with suggestions, a miss.
 */
describe('ref look-up through the kept index answers as the full search does', () => {
  const items: VocabularyItem[] = [
    { planId: 'a', ref: '1.1', ownerRole: 'HoS (RB)' },
    { planId: 'a', ref: '1.1', seq: 1, ownerRole: 'HoS (RB)' },
    { planId: 'a', ref: '1.1.1', ownerRole: 'DCS' },
    { planId: 'a', ref: '2.4', ownerRole: 'HoS (RB)' },
    { planId: 'a', ref: '2.4', seq: 3, ownerRole: 'HoS (RB)' },
    { planId: 'b', ref: '2.4', ownerRole: 'Head of QA' },
    { planId: 'b', ref: 'P3', ownerRole: 'Head of QA' },
    { planId: 'b', ref: '10.2', ownerRole: 'Head of QA' },
  ];
  const base: Vocabulary = {
    plans: [
      { id: 'a', name: 'Improvement plan' },
      { id: 'b', name: 'SEND plan' },
    ],
    people: [],
    ownerRoles: ['HoS (RB)', 'DCS', 'Head of QA'],
    items,
    priorities: [],
    kpis: [],
    callerRoles: [],
  };
  const perPlan = ['a', 'b'].map((p) => indexByRefKey(items.filter((i) => i.planId === p)));
  const indexed: Vocabulary = { ...base, itemsWithRefKey: (key) => perPlan.flatMap((m) => m.get(key) ?? []) };

  for (const text of ['action 1.1', 'action 1.1.1', 'action 2.4', 'action 2.4.3', 'action p3', 'action P 3', 'action 10.2', 'action 10.3', 'action 7.7', 'history of 2.4', 'who owns 1.1']) {
    it(`"${text}"`, () => {
      const intent = parseIntent(text, { today: '2026-12-02' });
      assert.deepEqual(resolveIntent(intent, indexed), resolveIntent(intent, base));
    });
  }
});

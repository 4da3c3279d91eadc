import { withoutNegated } from './text';
/**
 * Which plan a question names, if any, and the question with that name taken out so the rest
 * parses as usual. Pure: the plans are passed in (services/planScope.ts reads them).
 *
 * In order, the first that matches wins:
 * 1. the plan's full name or id ("in Sefton 2022", "southend-2016"), longest names first;
 * 2. the name's first word (the council: "in Sefton", "Sefton's plan") or a year in it ("the 2016
 *    plan", "plan 2016"), when no other plan's name has that word. A year names a plan only beside
 *    the word "plan", because "due in 2022" is a date, not a plan.
 * A word two plans share ("Southend" with Southend 2016 and Southend 2021) names neither, so the
 * question is not narrowed on a guess: the ref or list is then resolved across both plans.
 */
export interface NamedPlan {
  planId: string;
  /** The question without the words that named the plan. */
  text: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tidy = (s: string) => s.replace(/\s+/g, ' ').trim();

export function namedPlan(plans: readonly { id: string; name: string }[], typed: string): NamedPlan | undefined {
  // "not the 2016 plan, the 2021 one": the plan named after the negation is the one meant.
  const text = withoutNegated(typed);
  for (const p of [...plans].sort((a, b) => b.name.length - a.name.length)) {
    const named = new RegExp(`\\s*\\b(?:(?:in|for|from|of|on)\\s+)?(?:the\\s+)?(?:plan\\s+)?(?:${escape(p.name)}|${escape(p.id)})(?:'s)?(?:\\s+(?:improvement\\s+)?plan)?\\b`, 'i');
    if (named.test(text)) return { planId: p.id, text: tidy(text.replace(named, ' ')) };
  }
  // The first word (the council, in every layout seen) and any year; other words of a name
  // ("Children's Services Improvement Plan") are words people use in questions about any plan.
  const wordsOf = (name: string) => {
    const all = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    return new Set([...all.slice(0, 1).filter((w) => /^[a-z]{4,}$/.test(w)), ...all.filter((w) => /^(?:19|20)\d\d$/.test(w))]);
  };
  const words = plans.map((p) => ({ p, words: wordsOf(p.name) }));
  for (const { p, words: own } of words) {
    for (const w of own) {
      if (words.some((o) => o.p !== p && o.words.has(w))) continue;
      const named = /\d/.test(w)
        ? new RegExp(`\\s*\\b(?:(?:in|for|from|of|on)\\s+)?(?:the\\s+)?(?:${w}\\s+(?:improvement\\s+)?(?:plan|one)|plan\\s+${w})\\b`, 'i')
        : new RegExp(`\\s*\\b(?:(?:in|for|from|of|on)\\s+)?(?:the\\s+)?${escape(w)}(?:'s)?(?:\\s+(?:improvement\\s+)?plan)?\\b`, 'i');
      if (named.test(text)) return { planId: p.id, text: tidy(text.replace(named, ' ')) };
    }
  }
  return undefined;
}

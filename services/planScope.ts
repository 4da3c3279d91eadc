import type { Services } from './context';
import type { Scope } from './planQueries';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which plans a question covers: the plan it names ("what's overdue in Sefton 2022"), else the plan
 * the channel (`where.channelId`, the team channel it was asked in) is linked to, else every plan. Returns the text with the plan name taken out, so the
 * rest parses as usual.
 */
export async function scopeOf(services: Services, where: { channelId?: string }, text = ''): Promise<{ scope: Scope; text: string }> {
  const plans = await services.plans.listPlans();
  for (const p of [...plans].sort((a, b) => b.name.length - a.name.length)) {
    const named = new RegExp(`\\s*\\b(?:(?:in|for|from|of)\\s+)?(?:the\\s+)?(?:plan\\s+)?(?:${escape(p.name)}|${escape(p.id)})(?:\\s+plan)?\\b`, 'i');
    if (named.test(text)) return { scope: { planId: p.id }, text: text.replace(named, ' ').replace(/\s+/g, ' ').trim() };
  }
  // A council's name alone ("what's overdue in Sefton") names its plan when only one plan has it.
  const first = (name: string) => name.split(/\s+/)[0].toLowerCase();
  for (const p of plans) {
    const word = first(p.name);
    if (word.length < 4 || /\d/.test(word) || plans.filter((q) => first(q.name) === word).length > 1) continue;
    const named = new RegExp(`\\s*\\b(?:(?:in|for|from|of)\\s+)?(?:the\\s+)?${escape(word)}(?:'s)?(?:\\s+plan)?\\b`, 'i');
    if (named.test(text)) return { scope: { planId: p.id }, text: text.replace(named, ' ').replace(/\s+/g, ' ').trim() };
  }
  const channelId = where.channelId;
  const linked = channelId ? plans.find((p) => p.channelId === channelId) : undefined;
  return { scope: linked ? { planId: linked.id } : {}, text };
}

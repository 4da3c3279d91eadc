import { indexByRefKey, itemsWithRef, resolveIntent, type Resolution, type Vocabulary, type VocabularyItem } from '../domain/language/resolve';
import { normaliseKpiCode } from '../domain/kpiCodes';
import type { PlanInfo } from '../domain/model';
import type { Caller, Services } from './context';
import type { Scope } from './planQueries';
import type { Intent } from '../domain/intent';

/** Intents whose mentions always need the plans' refs, owners and priorities (a whole-partition read). */
const NEEDS_ITEMS = new Set<Intent['kind']>(['action', 'history', 'whoOwns', 'dueDate', 'signedOff', 'update', 'priority', 'lookup']);

/** "what's overdue" needs no vocabulary beyond the directory; "overdue for Group Managers" or "in priority 4" does. */
function needsItems(intent: Intent): boolean {
  if (NEEDS_ITEMS.has(intent.kind)) return true;
  const i = intent as { ownerRole?: string; priorityRef?: string };
  return !!i.priorityRef || (!!i.ownerRole && i.ownerRole !== 'me');
}

/** An identity that cannot even be put in a query (a forged, malformed object id) holds no roles. */
export async function callerRoles(s: Services, caller: Caller) {
  try {
    return await s.directory.rolesOf(caller);
  } catch (err) {
    if (err instanceof URIError) return [];
    throw err;
  }
}

/** Ref questions resolve one typed ref; people and the caller's roles matter only when it is in several plans. */
const REF_INTENTS = new Set<Intent['kind']>(['action', 'history', 'whoOwns', 'dueDate', 'signedOff', 'update']);

/** A plan's words, with what is derived from them once per revision rather than on every question. */
type PlanWords = { items: VocabularyItem[]; priorities: Vocabulary['priorities']; byRefKey: Map<string, VocabularyItem[]>; ownerRoles: string[] };

/**
 * The refs, owner roles and priorities of each plan, kept per plan revision. They change only when a
 * plan is imported (status updates never touch refs or owners), and every import stamps a new
 * revision on the plan row (PlanRepository.savePlan), so a copy for the current revision is exact.
 * Without it every "action 2.4" read the whole plan (12,000 rows at 2,000 actions) to check one ref.
 * The plan list itself may be up to PLAN_LIST_TTL_MS old on another instance; a ref that is not
 * found is therefore checked again against fresh reads before the bot says it does not exist.
 */
const planWordsCache = new WeakMap<object, Map<string, { revision: string; words: Promise<PlanWords> }>>();

function planWords(s: Services, plan: PlanInfo, fresh: boolean): Promise<PlanWords> {
  let byPlan = planWordsCache.get(s.plans);
  if (!byPlan) planWordsCache.set(s.plans, (byPlan = new Map()));
  const hit = byPlan.get(plan.id);
  if (!fresh && plan.revision && hit?.revision === plan.revision) return hit.words;
  const words = (async (): Promise<PlanWords> => {
    const [all, prios] = await Promise.all([s.plans.listAllItems(plan.id), s.plans.listPriorities(plan.id)]);
    const items = all.map((e) => ({ planId: plan.id, ref: e.ref, seq: e.kind === 'milestone' ? e.seq : undefined, ownerRole: e.ownerRole }));
    return {
      items,
      priorities: prios.map((pr) => ({ planId: plan.id, ref: pr.ref, title: pr.title })),
      byRefKey: indexByRefKey(items),
      ownerRoles: [...new Set(items.flatMap((i) => (i.ownerRole ? [i.ownerRole] : [])))],
    };
  })();
  if (plan.revision) {
    const entry = { revision: plan.revision, words };
    byPlan.set(plan.id, entry);
    // A failed read is not kept: the next question reads again.
    words.catch(() => byPlan.get(plan.id) === entry && byPlan.delete(plan.id));
  }
  return words;
}

/**
 * "kpi c056": a code typed exactly as a KPI file defines it is read by its key, and resolves as the
 * whole list would (findKpiCode prefers the exact code when two spellings share letters and digits).
 * Anything else (a name, a code spelt differently, a typo) needs every definition to match or suggest.
 */
async function kpiWords(s: Services, intent: Intent): Promise<{ code: string; name: string }[]> {
  if (intent.kind === 'kpi' && !intent.name) {
    const exact = await s.kpis.getDefinition(normaliseKpiCode(intent.code));
    if (exact) return [exact];
  }
  return s.kpis.listDefinitions();
}

/** Plans in scope holding the typed ref, in the resolver's reading (resolve.ts itemsWithRef; action or milestone). */
function plansHolding(v: Pick<Vocabulary, 'items' | 'itemsWithRefKey'>, typed: string): number {
  return new Set(itemsWithRef(v, typed).map((i) => i.planId)).size;
}

/**
 * The plan's own vocabulary for resolving a question, read from storage: the directory, the KPI
 * definitions, and (only when the question needs them) the refs, owners and priorities of the
 * plans in scope. Nothing here is a hard-coded list.
 */
export async function loadVocabulary(s: Services, scope: Scope, caller: Caller, intent: Intent, o: { fresh?: boolean } = {}): Promise<Vocabulary> {
  const owner = (intent as { ownerRole?: string }).ownerRole;
  const kpiOnly = intent.kind === 'kpi';
  const allPlans = await s.plans.listPlans();
  const plans = scope.planId ? allPlans.filter((p) => p.id === scope.planId) : allPlans;
  const words = needsItems(intent) ? await Promise.all(plans.map((p) => planWords(s, p, !!o.fresh))) : [];
  const items = words.length === 1 ? words[0].items : words.flatMap((w) => w.items);
  const priorities = words.flatMap((w) => w.priorities);
  const itemsWithRefKey = words.length ? (key: string) => words.flatMap((w) => w.byRefKey.get(key) ?? []) : undefined;
  // "action 2.4" with nothing else to resolve: the directory and the caller's roles only choose
  // between plans that both hold 2.4, so they are read only then.
  const extra = intent as { ownerRole?: string; otherWords?: string[]; ref?: string };
  const refOnly = REF_INTENTS.has(intent.kind) && !extra.ownerRole && !extra.otherWords?.length && !!extra.ref && plansHolding({ items, itemsWithRefKey }, extra.ref) <= 1;
  const [people, kpis, mine] = await Promise.all([
    kpiOnly || refOnly ? Promise.resolve([]) : s.directory.listAll(),
    intent.kind === 'kpi' || intent.kind === 'lookup' ? kpiWords(s, intent) : Promise.resolve([]),
    // The caller's roles matter for "me" and for choosing the plan of a ref they own or manage.
    owner === 'me' || (NEEDS_ITEMS.has(intent.kind) && !kpiOnly && !refOnly) ? callerRoles(s, caller) : Promise.resolve([]),
  ]);
  return {
    plans: plans.map((p) => ({ id: p.id, name: p.name })),
    people,
    ownerRoles: words.length === 1 ? words[0].ownerRoles : [...new Set(words.flatMap((w) => w.ownerRoles))],
    items,
    itemsWithRefKey,
    priorities,
    kpis: kpis.map((k) => ({ code: k.code, name: k.name })),
    callerRoles: mine.map((p) => p.role),
  };
}

/**
 * Resolve a parsed question against the plan's vocabulary. A ref or priority the kept vocabulary
 * does not hold is checked again with fresh reads (another instance may have imported since), so
 * "there is no action X" is never said from a stale copy.
 */
export async function resolveQuestion(s: Services, scope: Scope, caller: Caller, intent: Intent): Promise<Resolution> {
  const r = resolveIntent(intent, await loadVocabulary(s, scope, caller, intent));
  if (r.kind === 'ok' || !needsItems(intent) || !r.unresolved.some((u) => u.what === 'ref' || u.what === 'priority')) return r;
  return resolveIntent(intent, await loadVocabulary(s, scope, caller, intent, { fresh: true }));
}

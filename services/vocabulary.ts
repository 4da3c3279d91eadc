import type { Vocabulary, VocabularyItem } from '../domain/language/resolve';
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

/**
 * The plan's own vocabulary for resolving a question, read from storage: the directory, the KPI
 * definitions, and (only when the question needs them) the refs, owners and priorities of the
 * plans in scope. Nothing here is a hard-coded list.
 */
/** An identity that cannot even be put in a query (a forged, malformed object id) holds no roles. */
export async function callerRoles(s: Services, caller: Caller) {
  try {
    return await s.directory.rolesOf(caller);
  } catch (err) {
    if (err instanceof URIError) return [];
    throw err;
  }
}

export async function loadVocabulary(s: Services, scope: Scope, caller: Caller, intent: Intent): Promise<Vocabulary> {
  const owner = (intent as { ownerRole?: string }).ownerRole;
  const kpiOnly = intent.kind === 'kpi';
  const [allPlans, people, kpis, mine] = await Promise.all([
    s.plans.listPlans(),
    kpiOnly ? Promise.resolve([]) : s.directory.listAll(),
    intent.kind === 'kpi' || intent.kind === 'lookup' ? s.kpis.listDefinitions() : Promise.resolve([]),
    // The caller's roles matter for "me" and for choosing the plan of a ref they own or manage.
    owner === 'me' || (NEEDS_ITEMS.has(intent.kind) && !kpiOnly) ? callerRoles(s, caller) : Promise.resolve([]),
  ]);
  const plans = scope.planId ? allPlans.filter((p) => p.id === scope.planId) : allPlans;
  const items: VocabularyItem[] = [];
  const priorities: Vocabulary['priorities'] = [];
  const ownerRoles = new Set<string>();
  if (needsItems(intent)) {
    await Promise.all(
      plans.map(async (p) => {
        const [all, prios] = await Promise.all([s.plans.listAllItems(p.id), s.plans.listPriorities(p.id)]);
        for (const e of all) {
          items.push({ planId: p.id, ref: e.ref, seq: e.kind === 'milestone' ? e.seq : undefined, ownerRole: e.ownerRole });
          if (e.ownerRole) ownerRoles.add(e.ownerRole);
        }
        for (const pr of prios) priorities.push({ planId: p.id, ref: pr.ref, title: pr.title });
      }),
    );
  }
  return {
    plans: plans.map((p) => ({ id: p.id, name: p.name })),
    people,
    ownerRoles: [...ownerRoles],
    items,
    priorities,
    kpis: kpis.map((k) => ({ code: k.code, name: k.name })),
    callerRoles: mine.map((p) => p.role),
  };
}

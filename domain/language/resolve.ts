/**
 * Resolving what a question mentions against the plan's own vocabulary, loaded from storage (see
 * services/vocabulary.ts): people by full name, first name, surname or email, "me"; role labels
 * loosely ("hos rb" = "HoS (RB)"); KPIs by code and by the words of their name; refs in every
 * scheme; priorities. Pure: the same function serves the bot and the phrasing evaluation.
 *
 * The rule is "never a confident wrong answer": a mention that does not resolve to exactly one
 * thing comes back as an Unresolved part naming the words, with the closest real choices only when
 * they are genuinely close.
 */
import { findKpiCode } from '../kpiCodes';
import { closeExample, type Intent } from '../intent';
import type { Person } from '../model';
import { refKey } from '../refs';
import { closeWord, editDistance, looseKey, stem, wordsOf } from './text';

export interface VocabularyItem {
  planId: string;
  ref: string;
  /** Set for milestones: addressed as `${ref}.${seq}`. */
  seq?: number;
  ownerRole?: string;
}

export interface Vocabulary {
  plans: { id: string; name: string }[];
  people: Person[];
  /** Roles that lead actions in the plans, whether or not the directory has them. */
  ownerRoles: string[];
  items: VocabularyItem[];
  /**
   * The items whose ref reads as `key` (itemRefKey), when the caller keeps them indexed (the plan's
   * vocabulary is kept per revision, services/vocabulary.ts): a ref is then found without reading
   * every item. Without it, `items` is searched.
   */
  itemsWithRefKey?: (key: string) => VocabularyItem[];
  priorities: { planId: string; ref: string; title: string }[];
  kpis: { code: string; name: string }[];
  /** The caller's role labels (empty when they are not in the directory). */
  callerRoles: string[];
}

export interface Choice {
  label: string;
  /** The question a button asks when pressed. */
  ask: string;
}

export interface Unresolved {
  what: 'person' | 'kpi' | 'ref' | 'window' | 'priority' | 'subject' | 'me';
  /** The words as typed. */
  words: string;
  message: string;
  choices: Choice[];
}

export type Resolution = { kind: 'ok'; intent: Intent } | { kind: 'clarify'; intent: Intent; unresolved: Unresolved[] };

type WithOwner = { ownerRole?: string; ownerRoles?: string[]; ownerLabel?: string };

const MAX_CHOICES = 5;

export function resolveIntent(intent: Intent, v: Vocabulary): Resolution {
  const parts: Unresolved[] = [];
  const out = { ...intent } as Intent;

  const owner = (i: WithOwner, rephrase: (who: string) => string) => {
    if (!i.ownerRole) return;
    const r = resolvePerson(i.ownerRole, v, rephrase);
    if (r.kind === 'ok') {
      i.ownerRoles = r.roles;
      i.ownerLabel = r.label;
    } else parts.push(r.part);
  };
  const priority = (ref: string | undefined, rephrase: (p: string) => string) => {
    if (!ref) return ref;
    const r = resolvePriority(ref, v, rephrase);
    if (r.kind === 'ok') return r.ref;
    parts.push(r.part);
    return ref;
  };

  // A name said without "for" ("has leo got anything overdue", "are any of leos actions late"):
  // a leftover word that is exactly one person's first name or surname, or a role, is the owner.
  const loose = out as WithOwner & { otherWords?: string[]; nameWords?: string[]; offTopic?: string };
  const offTopic = loose.offTopic;
  delete loose.offTopic;
  if (!loose.ownerRole && loose.otherWords?.length) {
    const who = ownerFromLeftovers(loose.otherWords, v);
    if (who) loose.ownerRole = who;

    // A capitalised word nobody in the directory is called ("has Gareth got anything overdue") is
    // still a name: resolving it asks back, instead of answering for everyone.
    else if (loose.nameWords?.length) loose.ownerRole = loose.nameWords.join(' ');
  }
  // A short message mostly about something else ("my library books are overdue"), with no name in
  // it, is not a plan question.
  if (offTopic !== undefined && (!loose.ownerRole || loose.ownerRole === 'me') && !loose.nameWords?.length) return { kind: 'ok', intent: { kind: 'unknown', text: offTopic } };
  delete loose.otherWords;
  delete loose.nameWords;

  switch (out.kind) {
    case 'overdue':
      owner(out, (who) => `overdue for ${who}`);
      out.priorityRef = priority(out.priorityRef, (p) => `overdue in priority ${p}`);
      break;
    case 'slipping':
      owner(out, (who) => `slipping for ${who}`);
      break;
    case 'dueSoon':
      owner(out, (who) => `due soon for ${who}`);
      if (out.windowUnread)
        parts.push({
          what: 'window',
          words: out.windowWords ?? '',
          message: `I couldn't read “${out.windowWords}” as a date or a period.`,
          choices: ['due this week', 'due this month', 'due next month', 'due in the next 30 days'].map((q) => ({ label: q, ask: q })),
        });
      break;
    case 'rag':
      owner(out, (who) => `${out.rag} actions for ${who}`);
      out.priorityRef = priority(out.priorityRef, (p) => `${out.rag} actions in priority ${p}`);
      break;
    case 'priority': {
      out.ref = priority(out.ref, (p) => `priority ${p}`) ?? out.ref;
      break;
    }
    case 'action':
    case 'history':
    case 'whoOwns':
    case 'dueDate':
    case 'signedOff':
    case 'update': {
      const verb = { action: 'action', history: 'history', whoOwns: 'who owns', dueDate: 'when is', signedOff: 'has', update: 'action' }[out.kind];
      const r = resolveRef(out.ref, v, (ref, plan) => (out.kind === 'dueDate' ? `when is ${ref} due` : out.kind === 'signedOff' ? `has ${ref} been signed off` : `${verb} ${ref}`) + (plan ? ` in ${plan}` : ''), out.kind === 'update');
      if (r.kind === 'ok') {
        out.ref = r.ref;
        out.planId = r.planId;
      } else parts.push(r.part);
      break;
    }
    case 'whoIs': {
      const r = resolvePerson(out.role, v, (who) => `who is ${who}`);
      if (r.kind === 'ok') out.role = r.roles[0];
      else parts.push(r.part);
      break;
    }
    case 'kpi': {
      const r = out.name ? resolveKpiName(out.name, v) : resolveKpiCode(out.code, v);
      if (r.kind === 'ok') out.code = r.code;
      else parts.push(r.part);
      break;
    }
    case 'lookup':
      return resolveLookup(out, v);
    default:
      break;
  }
  return parts.length ? { kind: 'clarify', intent: out, unresolved: parts } : { kind: 'ok', intent: out };
}

/* ---------- people and roles ---------- */

function ownerFromLeftovers(words: string[], v: Vocabulary): string | undefined {
  const people = uniquePeople(v);
  const hits = new Map<string, string>();
  for (const raw of words) {
    for (const w of [raw, raw.replace(/s$/, '')]) {
      if (w.length < 3) continue;
      const matched = people.filter((p) => firstName(p) === w || surname(p) === w);
      if (matched.length === 1) hits.set(matched[0].email, matched[0].name);
      else if (matched.length > 1) hits.set(`ambiguous:${w}`, w);
    }
  }
  return hits.size === 1 ? [...hits.values()][0] : undefined;
}

type PersonResult = { kind: 'ok'; roles: string[]; label: string } | { kind: 'no'; part: Unresolved };

const ME = /^(me|my|i|myself|mine|me myself)$/;

export function resolvePerson(typed: string, v: Vocabulary, rephrase: (who: string) => string): PersonResult {
  const words = typed.trim();
  const loose = looseKey(words.replace(/^(the|our|a)\s+/i, ''));
  if (ME.test(words.toLowerCase())) {
    if (!v.callerRoles.length)
      return { kind: 'no', part: { what: 'me', words, message: "You are not in the plan directory, so I don't know which actions are yours. Ask your plan administrator to add you.", choices: [] } };
    return { kind: 'ok', roles: v.callerRoles, label: 'you' };
  }
  if (!loose) return { kind: 'no', part: { what: 'person', words, message: 'I need a name or a role.', choices: [] } };

  const roles = uniqueRoles(v);
  const role = roles.find((r) => looseKey(r) === loose);
  if (role) return { kind: 'ok', roles: rolesSharingHolder(role, v), label: role };

  const people = uniquePeople(v);
  const ws = wordsOf(words).filter((w) => w !== 'the');
  const exact = people.filter((p) => personKeys(p).some((k) => k === loose) || (ws.length === 1 && (firstName(p) === ws[0] || surname(p) === ws[0])));
  if (exact.length === 1) return { kind: 'ok', roles: rolesOf(exact[0], v), label: exact[0].name };
  if (exact.length > 1)
    return {
      kind: 'no',
      part: { what: 'person', words, message: `More than one person is called “${words}”.`, choices: exact.slice(0, MAX_CHOICES).map((p) => ({ label: `${p.name} (${rolesOf(p, v).join(', ')})`, ask: rephrase(p.name) })) },
    };

  // Typos: one person (or role) within the typos their name allows is taken, and named in the answer.
  const close = people.filter((p) => personKeys(p).some((k) => closeWord(loose, k)) || (ws.length === 1 && (closeWord(ws[0], firstName(p)) || closeWord(ws[0], surname(p)))));
  const closeRoles = roles.filter((r) => closeWord(loose, looseKey(r)));
  if (close.length === 1 && closeRoles.length === 0) return { kind: 'ok', roles: rolesOf(close[0], v), label: close[0].name };
  if (close.length === 0 && closeRoles.length === 1) return { kind: 'ok', roles: rolesSharingHolder(closeRoles[0], v), label: closeRoles[0] };

  const choices: Choice[] = [
    ...close.map((p) => ({ label: p.name, ask: rephrase(p.name) })),
    ...closeRoles.map((r) => ({ label: r, ask: rephrase(r) })),
    ...nearestPeople(loose, people, words).map((p) => ({ label: p.name, ask: rephrase(p.name) })),
  ];
  return {
    kind: 'no',
    part: {
      what: 'person',
      words,
      message: `I don't know anyone called “${words}” in the directory or the plan's roles.`,
      choices: dedupe(choices).slice(0, MAX_CHOICES),
    },
  };
}

function uniqueRoles(v: Vocabulary): string[] {
  const seen = new Map<string, string>();
  for (const r of [...v.people.map((p) => p.role), ...v.ownerRoles]) if (!seen.has(looseKey(r))) seen.set(looseKey(r), r);
  return [...seen.values()];
}

function uniquePeople(v: Vocabulary): Person[] {
  const seen = new Map<string, Person>();
  for (const p of v.people) {
    const k = p.email.toLowerCase() || p.name.toLowerCase();
    if (!seen.has(k)) seen.set(k, p);
  }
  return [...seen.values()];
}

function rolesOf(p: Person, v: Vocabulary): string[] {
  return [...new Set(v.people.filter((q) => q.email.toLowerCase() === p.email.toLowerCase()).map((q) => q.role))];
}

/** "Executive Director" and "Exec Director" held by one person are the same person's actions. */
function rolesSharingHolder(role: string, v: Vocabulary): string[] {
  const holder = v.people.find((p) => looseKey(p.role) === looseKey(role));
  return holder ? [...new Set([role, ...rolesOf(holder, v)])] : [role];
}

const firstName = (p: Person) => wordsOf(p.name)[0] ?? '';
const surname = (p: Person) => wordsOf(p.name).slice(-1)[0] ?? '';

function personKeys(p: Person): string[] {
  const email = p.email.toLowerCase();
  return [looseKey(p.name), looseKey(email), looseKey(email.split('@')[0])].filter((k) => k !== '');
}

function nearestPeople(loose: string, people: Person[], typed = ''): Person[] {
  if (loose.length > 40) return [];
  // A word of what was typed that is (nearly) someone's first name or surname makes them a choice:
  // "Rosa Bennet Smith" offers Rosa Bennett.
  const words = wordsOf(typed).filter((w) => w.length >= 4);
  const byWord = people.filter((p) => words.some((w) => closeWord(w, firstName(p)) || closeWord(w, surname(p))));
  if (byWord.length) return byWord.slice(0, 3);
  return people
    .map((p) => ({ p, d: Math.min(...personKeys(p).map((k) => editDistance(loose, k, 3)), editDistance(loose, looseKey(firstName(p)), 3), editDistance(loose, looseKey(surname(p)), 3)) }))
    .filter((x) => x.d <= Math.min(3, Math.floor(loose.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.p);
}

/* ---------- refs ---------- */

type RefResult = { kind: 'ok'; ref: string; planId: string } | { kind: 'no'; part: Unresolved };

/**
 * A ref in several plans: the one plan where the caller owns or manages it, else a button per plan.
 * (A linked channel's plan has already narrowed `v.plans` to one.)
 */
/** How an item's ref reads for matching what was typed: a milestone as `${ref}.${seq}`. */
export function itemRefKey(i: Pick<VocabularyItem, 'ref' | 'seq'>): string {
  return refKey(i.seq === undefined ? i.ref : `${i.ref}.${i.seq}`);
}

/** An index of items by itemRefKey, for Vocabulary.itemsWithRefKey. */
export function indexByRefKey(items: readonly VocabularyItem[]): Map<string, VocabularyItem[]> {
  const out = new Map<string, VocabularyItem[]>();
  for (const i of items) {
    const k = itemRefKey(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}

/** The items whose ref reads as `typed`, in the vocabulary's order. */
export function itemsWithRef(v: Pick<Vocabulary, 'items' | 'itemsWithRefKey'>, typed: string): VocabularyItem[] {
  const key = refKey(typed);
  return v.itemsWithRefKey ? v.itemsWithRefKey(key) : v.items.filter((i) => itemRefKey(i) === key);
}

export function resolveRef(typed: string, v: Vocabulary, rephrase: (ref: string, planName?: string) => string, forUpdate = false): RefResult {
  const key = refKey(typed);
  const matches = itemsWithRef(v, typed);
  const direct = matches.filter((i) => i.seq === undefined);
  // An action with that ref wins over the milestone reading of the same digits ("1.1.1" is Sefton's
  // action, not milestone 1 of 1.1 elsewhere); the milestone reading is used only when no action has it.
  const found = direct.length ? direct : matches;
  const planIds = [...new Set(found.map((i) => i.planId))];
  const label = (i: VocabularyItem) => (i.seq === undefined ? i.ref : `${i.ref}.${i.seq}`);
  if (planIds.length === 1) return { kind: 'ok', ref: label(found[0]), planId: planIds[0] };
  if (planIds.length > 1) {
    const managed = new Set(v.people.filter((p) => v.callerRoles.some((r) => looseKey(r) === looseKey(p.managerRole ?? ''))).map((p) => looseKey(p.role)));
    const mine = found.filter((i) => i.ownerRole && (v.callerRoles.some((r) => looseKey(r) === looseKey(i.ownerRole!)) || managed.has(looseKey(i.ownerRole))));
    const minePlans = [...new Set(mine.map((i) => i.planId))];
    if (minePlans.length === 1) return { kind: 'ok', ref: label(mine[0]), planId: minePlans[0] };
    const name = (id: string) => v.plans.find((p) => p.id === id)?.name ?? id;
    planIds.sort((a, b) => name(a).localeCompare(name(b), 'en', { numeric: true }));
    return {
      kind: 'no',
      part: {
        what: 'ref',
        words: typed,
        message: `${found[0].ref} is in ${planIds.length} plans: ${planIds.map(name).join(', ')}. Which one do you mean?${forUpdate ? ' Nothing was changed.' : ''}`,
        choices: planIds.map((id) => ({ label: `${label(found.find((i) => i.planId === id)!)} in ${name(id)}`, ask: rephrase(label(found.find((i) => i.planId === id)!), name(id)) })),
      },
    };
  }
  const near = dedupe(
    v.items
      .map((i) => ({ ref: label(i), d: editDistance(key, refKey(label(i)), 2) }))
      .filter((x) => x.d <= 1 && x.ref.length >= 3)
      .sort((a, b) => a.d - b.d)
      .map((x) => ({ label: x.ref, ask: rephrase(x.ref) })),
  ).slice(0, MAX_CHOICES);
  const where = v.plans.length === 1 ? v.plans[0].name : v.plans.length ? 'any plan' : 'any plan (none is loaded yet)';
  return { kind: 'no', part: { what: 'ref', words: typed, message: `There is no action or milestone ${typed} in ${where}.${forUpdate ? ' Nothing was changed.' : ''}`, choices: near } };
}

/* ---------- priorities ---------- */

function resolvePriority(typed: string, v: Vocabulary, rephrase: (p: string) => string): { kind: 'ok'; ref: string } | { kind: 'no'; part: Unresolved } {
  const hit = v.priorities.find((p) => refKey(p.ref) === refKey(typed));
  if (hit) return { kind: 'ok', ref: hit.ref };
  // Actions can carry a priority that has no row of its own; their refs still say it.
  const byRef = v.items.find((i) => refKey(i.ref).startsWith(refKey(typed) + '.'));
  if (byRef) return { kind: 'ok', ref: typed };
  const all = dedupe(v.priorities.map((p) => ({ label: `${p.ref}: ${p.title.slice(0, 40)}`, ask: rephrase(p.ref) })));
  return { kind: 'no', part: { what: 'priority', words: typed, message: `There is no priority or theme ${typed}.`, choices: all.slice(0, 8) } };
}

/* ---------- KPIs ---------- */

type KpiResult = { kind: 'ok'; code: string } | { kind: 'no'; part: Unresolved };

function resolveKpiCode(typed: string, v: Vocabulary): KpiResult {
  const hit = findKpiCode(typed, v.kpis.map((k) => k.code));
  if (hit) return { kind: 'ok', code: hit };
  const byName = resolveKpiName(typed, v);
  if (byName.kind === 'ok') return byName;
  const close = v.kpis.filter((k) => editDistance(typed.toLowerCase(), k.code.toLowerCase(), 2) <= (k.code.length >= 4 ? 1 : 1));
  const choices: Choice[] = close.map((k) => ({ label: `${k.code}: ${k.name.slice(0, 50)}`, ask: `kpi ${k.code}` }));
  if (closeWord(typed.toLowerCase(), 'list')) choices.unshift({ label: 'kpi list', ask: 'kpi list' });
  return { kind: 'no', part: { what: 'kpi', words: typed, message: `I don't have a KPI with code ${typed}.`, choices: choices.slice(0, MAX_CHOICES).concat(choices.length ? [] : [{ label: 'kpi list', ask: 'kpi list' }]) } };
}

/** Words social-care staff use for KPIs, mapped to the words KPI names use. */
const KPI_SYNONYMS: Record<string, string[]> = {
  stability: ['fewer'], moves: ['fewer'], unstable: ['fewer'], cp: ['child', 'protection'], cpp: ['child', 'protection', 'plan'], cin: ['children', 'need'],
  lac: ['care', 'looked'], cla: ['care', 'looked'], cic: ['care'], cared: ['care'], looked: ['care'], iha: ['initial', 'health', 'assessment'],
  teeth: ['dental'], dentist: ['dental'], neet: ['education', 'employment', 'training'], eet: ['education', 'employment', 'training'],
  sw: ['social', 'worker'], sws: ['social', 'worker'], locum: ['agency'], locums: ['agency'], temp: ['agency'], repeat: ['second', 'subsequent'],
  leaver: ['experienced'], leavers: ['experienced'], conference: ['conference'], timeliness: ['timescale', 'time'], adopt: ['adoptive', 'adoption'],
  adoption: ['adoptive', 'placement'], staff: ['worker'], workers: ['worker'], social: ['social'], supervisions: ['supervision'], audit: ['audit'], visit: ['visited'], visits: ['visited'],
};
const KPI_STOP = new Set(['the', 'of', 'on', 'in', 'for', 'with', 'and', 'our', 'we', 'how', 'doing', 'kpi', 'kpis', 'is', 'are', 'a', 'an', 'to', 'rate', 'number', 'figure', 'figures', 'latest', 'what', 'whats', "what's", 'about', 'show', 'me', 'percentage', 'per', 'cent', 'pct', 'level', 'levels', 'performance', 'indicator', 'measure', 'doing', 'going', 'looking']);

function kpiWords(name: string): Set<string> {
  return new Set(wordsOf(name).map(stem));
}

function resolveKpiName(typed: string, v: Vocabulary): KpiResult {
  const q = wordsOf(typed).filter((w) => !KPI_STOP.has(w));
  const none: KpiResult = { kind: 'no', part: { what: 'kpi', words: typed, message: `I don't have a KPI called “${typed}”.`, choices: [{ label: 'kpi list', ask: 'kpi list' }] } };
  if (!q.length || q.length > 12) return none;
  const scored = v.kpis
    .map((k) => {
      const names = kpiWords(`${k.name} ${k.code}`);
      let hit = 0;
      const used = new Set<string>();
      for (const w of q) {
        // Each word of the KPI's name counts once, so a synonym cannot score twice on the same word.
        const options = [stem(w), ...(KPI_SYNONYMS[w] ?? []).map(stem)];
        const n = [...names].find((nm) => !used.has(nm) && options.some((o) => nm === o || (o.length >= 6 && nm.length >= 6 && nm.slice(0, 6) === o.slice(0, 6)) || (o.length >= 5 && closeWord(o, nm))));
        if (n) {
          used.add(n);
          hit++;
        }
      }
      return { k, score: hit / q.length };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  if (!scored.length) return none;
  const [best, second] = scored;
  if (best.score >= 0.6 && (!second || second.score < best.score)) return { kind: 'ok', code: best.k.code };
  const close = scored.filter((x) => x.score >= Math.max(0.5, best.score - 0.2)).slice(0, MAX_CHOICES);
  return {
    kind: 'no',
    part: {
      what: 'kpi',
      words: typed,
      message: close.length > 1 && best.score >= 0.6 ? `“${typed}” matches more than one KPI.` : `I don't have a KPI called “${typed}”.`,
      choices: close.length ? close.map((x) => ({ label: `${x.k.code}: ${x.k.name.slice(0, 50)}`, ask: `kpi ${x.k.code}` })) : [{ label: 'kpi list', ask: 'kpi list' }],
    },
  };
}

/* ---------- "show X" / "how is X doing" ---------- */

function resolveLookup(intent: Extract<Intent, { kind: 'lookup' }>, v: Vocabulary): Resolution {
  const words = intent.words.trim();
  // A code in any spelling ("NI062", "sh.kpi.3"): from what was typed, as the filler words may have cut it.
  const codes = v.kpis.map((k) => k.code);
  const code = findKpiCode(words.replace(/^kpi\s+/, ''), codes) ?? findKpiCode(intent.display.replace(/^kpi\s+/i, ''), codes);
  if (code) return { kind: 'ok', intent: { kind: 'kpi', code } };
  const plan = v.plans.find((p) => looseKey(p.name) === looseKey(words) || p.id.toLowerCase() === words.toLowerCase());
  if (plan) return { kind: 'ok', intent: { kind: 'summary' } };

  const loose = looseKey(words);
  const people = uniquePeople(v);
  const roles = uniqueRoles(v);
  const ws = wordsOf(words);
  const personExact = people.filter((p) => personKeys(p).includes(loose) || (ws.length === 1 && (firstName(p) === ws[0] || surname(p) === ws[0])));
  const roleExact = roles.find((r) => looseKey(r) === loose);
  if (roleExact || personExact.length === 1) {
    const r = resolvePerson(words, v, (who) => `overdue for ${who}`);
    if (r.kind === 'ok') return { kind: 'ok', intent: { kind: 'ownerActions', ownerRole: words, ownerRoles: r.roles, ownerLabel: r.label } };
  }
  const kpi = resolveKpiName(words, v);
  if (kpi.kind === 'ok') return { kind: 'ok', intent: { kind: 'kpi', code: kpi.code } };

  // Nothing exact: offer what is genuinely close, or say plainly that the words mean nothing to us.
  const codeClose = v.kpis.filter((k) => loose.length >= 3 && loose.length <= 8 && editDistance(loose, k.code.toLowerCase(), 1) <= 1);
  const choices: Choice[] = [
    ...personExact.map((p) => ({ label: p.name, ask: `${p.name}'s actions` })),
    ...nearestPeople(loose, people, words).map((p) => ({ label: p.name, ask: `${p.name}'s actions` })),
    ...codeClose.map((k) => ({ label: `kpi ${k.code}`, ask: `kpi ${k.code}` })),
    ...(kpi.kind === 'no' ? kpi.part.choices.filter((c) => c.ask !== 'kpi list') : []),
  ];
  if (!choices.length) return { kind: 'ok', intent: { kind: 'unknown', text: intent.display, suggestion: closeExample(intent.display) } };
  return {
    kind: 'clarify',
    intent,
    unresolved: [
      {
        what: 'subject',
        words: intent.display,
        message: kpi.kind === 'no' && kpi.part.message.includes('more than one') ? kpi.part.message : `I don't recognise “${intent.display}” as an action, KPI, priority or person.`,
        choices: dedupe(choices).slice(0, MAX_CHOICES),
      },
    ],
  };
}

function dedupe(choices: Choice[]): Choice[] {
  const seen = new Set<string>();
  return choices.filter((c) => (seen.has(c.ask) ? false : (seen.add(c.ask), true)));
}

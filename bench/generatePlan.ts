import type { Action, Due, KpiDefinition, KpiValue, Milestone, ParsedPlan, Person, Priority, ProgressStatus, Rag } from '../domain/model';
import { addDays } from '../domain/clock';
import { defaultRagFor } from '../domain/status';

/**
 * A synthetic but plausible improvement plan for benchmarks. Deterministic for a given seed, so two
 * runs (and two machines) measure the same data: every random choice goes through the seeded PRNG.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  shuffle<T>(items: T[]): T[];
}

/** mulberry32: tiny, fast and good enough for picking test data; not for anything secret. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of items) {
        r -= w;
        if (r < 0) return v;
      }
      return items[items.length - 1][0];
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return rng;
}

function guid(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  // Version-4 layout, so anything that validates GUIDs accepts them.
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

// ---------------------------------------------------------------------------------------------
// The directory: a council's chain of command, ~60 roles, a few people holding two of them.
// ---------------------------------------------------------------------------------------------

export interface RoleDef {
  role: string;
  managerRole?: string;
  /** How likely this role is to lead an action; heads of service carry most of a plan. */
  weight: number;
}

const DIRECTORS = ['DCS', 'DASS', 'Director of Education', 'Director of Resources'];
const ASSISTANT_DIRECTORS: [string, string][] = [
  ['AD Safeguarding', 'DCS'],
  ['AD Early Help', 'DCS'],
  ['AD Corporate Parenting', 'DCS'],
  ['AD Adult Social Care', 'DASS'],
  ['AD Commissioning', 'DASS'],
  ['AD SEND', 'Director of Education'],
  ['AD Education', 'Director of Education'],
  ['AD Finance', 'Director of Resources'],
  ['AD HR & OD', 'Director of Resources'],
  ['AD Performance', 'Director of Resources'],
];
const HEADS_OF_SERVICE: [string, string][] = [
  ['HoS (CP)', 'AD Safeguarding'],
  ['HoS (MASH)', 'AD Safeguarding'],
  ['HoS (RB)', 'AD Safeguarding'],
  ['HoS (QA)', 'AD Safeguarding'],
  ['HoS (EH)', 'AD Early Help'],
  ['HoS (YJ)', 'AD Early Help'],
  ['HoS (FS)', 'AD Early Help'],
  ['HoS (LAC)', 'AD Corporate Parenting'],
  ['HoS (CL)', 'AD Corporate Parenting'],
  ['HoS (Fostering)', 'AD Corporate Parenting'],
  ['HoS (ASC Ops)', 'AD Adult Social Care'],
  ['HoS (Safeguarding Adults)', 'AD Adult Social Care'],
  ['HoS (Reablement)', 'AD Adult Social Care'],
  ['HoS (Brokerage)', 'AD Commissioning'],
  ['HoS (Contracts)', 'AD Commissioning'],
  ['HoS (SEND)', 'AD SEND'],
  ['HoS (EP)', 'AD SEND'],
  ['HoS (Inclusion)', 'AD Education'],
  ['HoS (School Improvement)', 'AD Education'],
  ['HoS (Finance)', 'AD Finance'],
  ['HoS (Workforce)', 'AD HR & OD'],
  ['HoS (Performance)', 'AD Performance'],
  ['HoS (BI)', 'AD Performance'],
];
const SERVICE_MANAGERS: [string, string][] = [
  ['GM – Fieldwork', 'HoS (CP)'],
  ['TM MASH', 'HoS (MASH)'],
  ['TM Assessment', 'HoS (MASH)'],
  ['SM Court Team', 'HoS (RB)'],
  ['PSW', 'HoS (QA)'],
  ['IRO Manager', 'HoS (QA)'],
  ['TM Edge of Care', 'HoS (EH)'],
  ['YOT Manager', 'HoS (YJ)'],
  ['Virtual School Head', 'HoS (LAC)'],
  ['TM Leaving Care', 'HoS (CL)'],
  ['Fostering Recruitment Lead', 'HoS (Fostering)'],
  ['SM Hospital Discharge', 'HoS (ASC Ops)'],
  ['Principal OT', 'HoS (Reablement)'],
  ['EHCP Team Manager', 'HoS (SEND)'],
  ['Inclusion Lead', 'HoS (Inclusion)'],
  ['Finance Business Partner', 'HoS (Finance)'],
  ['Workforce Development Lead', 'HoS (Workforce)'],
  ['Performance Manager', 'HoS (Performance)'],
  ['Data Quality Lead', 'HoS (BI)'],
  ['Comms Lead', 'AD Performance'],
  ['Partnership Manager', 'DCS'],
  ['Corporate Parenting Lead', 'AD Corporate Parenting'],
];

function roleDefs(): RoleDef[] {
  return [
    { role: 'Chief Executive', weight: 0.2 },
    ...DIRECTORS.map((role) => ({ role, managerRole: 'Chief Executive', weight: 1 })),
    ...ASSISTANT_DIRECTORS.map(([role, managerRole]) => ({ role, managerRole, weight: 3 })),
    ...HEADS_OF_SERVICE.map(([role, managerRole]) => ({ role, managerRole, weight: 4 })),
    ...SERVICE_MANAGERS.map(([role, managerRole]) => ({ role, managerRole, weight: 2 })),
  ];
}

const FIRST = ['Rosa', 'Jordan', 'Chris', 'Priya', 'Tom', 'Aisha', 'Gareth', 'Siobhan', 'Kwame', 'Helen', 'Dev', 'Fiona', 'Marcus', 'Niamh', 'Owen', 'Zara', 'Ian', 'Leah', 'Ravi', 'Bethan', 'Callum', 'Yasmin', 'Stuart', 'Megan'];
const LAST = ['Bennett', 'Hale', 'Shaw', 'Patel', 'Okafor', 'Hughes', 'Murray', 'Khan', 'Evans', 'Doyle', 'Clarke', 'Mensah', 'Price', 'Walsh', 'Reid', 'Ahmed', 'Lloyd', 'Fraser', 'Morgan', 'Singh'];

export interface Directory {
  people: Person[];
  roles: RoleDef[];
}

export function generateDirectory(rng: Rng): Directory {
  const roles = roleDefs();
  const people: Person[] = [];
  const usedNames = new Set<string>();
  let previous: Person | undefined;
  for (const def of roles) {
    // A few interim arrangements: one person covering a second role, as councils often have.
    const doubleUp = previous && def.role.startsWith('HoS') && rng.chance(0.18);
    let name: string;
    let aadObjectId: string;
    let email: string;
    if (doubleUp && previous) {
      ({ name, aadObjectId, email } = previous);
    } else {
      do name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      while (usedNames.has(name));
      usedNames.add(name);
      aadObjectId = guid(rng);
      email = `${name.toLowerCase().replace(/ /g, '.')}@council.example.gov.uk`;
    }
    const p: Person = { role: def.role, name, email, aadObjectId };
    if (def.managerRole) p.managerRole = def.managerRole;
    people.push(p);
    previous = doubleUp ? undefined : p;
  }
  return { people, roles };
}

// ---------------------------------------------------------------------------------------------
// The plan.
// ---------------------------------------------------------------------------------------------

const THEMES = [
  'Leadership, management and governance',
  'Quality of social work practice',
  'Front door and early help',
  'Children in care and care leavers',
  'SEND and inclusion',
  'Workforce stability',
  'Performance and quality assurance',
  'Partnership working',
  'Adult social care assessments',
  'Commissioning and sufficiency',
  'Financial sustainability',
  'Voice of the child',
  'Education outcomes',
  'Transitions to adulthood',
  'Digital and data',
  'Housing and homelessness prevention',
];
const VERBS = ['Embed', 'Review', 'Implement', 'Strengthen', 'Recruit to', 'Launch', 'Audit', 'Redesign', 'Establish', 'Deliver', 'Evaluate', 'Refresh', 'Reduce delays in', 'Improve timeliness of', 'Consolidate'];
const OBJECTS = [
  'the practice framework across all teams',
  'management oversight of supervision',
  'the MASH threshold document',
  'return home interviews',
  'the sufficiency strategy',
  'EHCP assessments',
  'the quality assurance framework',
  'pathway plans for care leavers',
  'the edge-of-care offer',
  'the corporate parenting board',
  'caseload management',
  'the Signs of Safety model',
  'the permanent workforce',
  'strategy discussions',
  'the multi-agency audit programme',
  'the local offer',
  'reablement capacity',
  'the carers strategy',
  'annual reviews',
  'the performance scorecard',
];
const MILESTONE_STEPS = ['Scope and baseline agreed', 'Project group in place', 'Draft to DMT', 'Pilot in two teams', 'Rolled out to all teams', 'Training delivered', 'First audit completed', 'Evaluation reported to board', 'Policy signed off', 'Recruitment completed'];
const OUTCOMES = [
  'Caseloads average no more than 18 per worker',
  'Audits rated good or better rise to 60%',
  'Children are seen within timescales',
  'Families report they understand their plan',
  'Agency staff fall below 15% of the workforce',
  'Plans are reviewed on time',
  'Decisions at the front door are made within 24 hours',
  'Care leavers are in suitable accommodation',
];
const KPI_NAMES = [
  'Re-referrals within 12 months',
  'Assessments completed within 45 days',
  'Children seen within 5 working days',
  'Child protection plans lasting 2 years or more',
  'Care leavers in education, employment or training',
  'EHCPs issued within 20 weeks',
  'Social worker vacancy rate',
  'Agency social workers',
  'Average caseload',
  'Supervision in timescale',
  'Looked-after children with 3 or more placements',
  'Initial health assessments within 20 days',
  'Return home interviews offered within 72 hours',
  'Reablement: still at home after 91 days',
  'Delayed transfers of care',
  'Annual reviews held on time',
];
const COMMENTARY = [
  'Recruitment to two posts delayed; interim cover in place.',
  'Pilot evaluation positive; roll-out planned for next quarter.',
  'Awaiting partner sign-off of the revised protocol.',
  'Progress slowed by system migration; recovery plan agreed at DMT.',
  'On track; first audit findings shared with team managers.',
  'Budget pressures mean the second phase is under review.',
];

type Phase = 'past' | 'soon' | 'later' | 'recurring';

const STATUS_BY_PHASE: Record<Phase, readonly (readonly [ProgressStatus, number])[]> = {
  past: [['complete', 50], ['on_track', 10], ['some_issues', 15], ['not_on_track', 12], ['not_started', 8], ['awaiting_signoff', 5]],
  soon: [['complete', 15], ['on_track', 45], ['some_issues', 20], ['not_on_track', 8], ['not_started', 10], ['awaiting_signoff', 2]],
  later: [['complete', 3], ['on_track', 35], ['some_issues', 10], ['not_on_track', 4], ['not_started', 48]],
  recurring: [['bau', 70], ['on_track', 30]],
};

function phaseOf(due: Due, today: string): Phase {
  if (due.kind !== 'date') return 'recurring';
  if (due.date < today) return 'past';
  return due.date <= addDays(today, 60) ? 'soon' : 'later';
}

function statusFor(rng: Rng, due: Due, today: string): { status: ProgressStatus; rag: Rag } {
  const status = rng.weighted(STATUS_BY_PHASE[phaseOf(due, today)]);
  // People's RAG does not always follow their status word; the bot must cope with both.
  const rag = rng.chance(0.05) ? rng.pick<Rag>(['green', 'amber', 'red']) : defaultRagFor(status);
  return { status, rag };
}

export interface GeneratedDataset {
  seed: number;
  today: string;
  plan: ParsedPlan;
  directory: Directory;
  kpis: KpiDefinition[];
  kpiValues: KpiValue[];
}

export interface GenerateOptions {
  actions: number;
  /** The bot's "today"; due dates are spread from 6 months before it to 12 months after. */
  today: string;
  seed?: number;
  kpiCount?: number;
  kpiMonths?: number;
  milestonesPerAction?: number;
}

export function kpiCode(i: number): string {
  return `c${String(i + 1).padStart(3, '0')}`;
}

export function generateDataset(opts: GenerateOptions): GeneratedDataset {
  const seed = opts.seed ?? 20240601;
  const rng = makeRng(seed);
  const { today } = opts;
  const kpiCount = opts.kpiCount ?? 200;
  const kpiMonths = opts.kpiMonths ?? 36;
  const perAction = opts.milestonesPerAction ?? 5;
  const directory = generateDirectory(rng);

  // A handful of busy leads and many light ones, as real plans have.
  const leadWeights = directory.roles.map((r) => [r.role, r.weight * (0.3 + rng.next() * 1.7)] as const);
  const priorityCount = Math.min(THEMES.length, Math.max(3, Math.round(Math.sqrt(opts.actions) / 3)));
  const themeOrder = rng.shuffle([...THEMES]);
  const priorities: Priority[] = themeOrder.slice(0, priorityCount).map((title, i) => ({ ref: String(i + 1), title }));
  const priorityWeights = priorities.map((p) => [p, 0.5 + rng.next()] as const);
  const perPriority = new Map<string, number>();

  const windowStart = addDays(today, -182);
  const windowDays = 182 + 365;
  const actions: Action[] = [];
  for (let i = 0; i < opts.actions; i++) {
    const prio = rng.weighted(priorityWeights);
    const n = (perPriority.get(prio.ref) ?? 0) + 1;
    perPriority.set(prio.ref, n);
    const ref = `${prio.ref}.${n}`;

    const r = rng.next();
    // ~2% name a lead nobody in the directory holds, ~1% name none: the "unowned" cases.
    const leadRole = r < 0.01 ? undefined : r < 0.03 ? rng.pick(['Interim HoS (QA)', 'Head of Transformation', 'Project Lead']) : rng.weighted(leadWeights);

    const dueDays = Array.from({ length: perAction }, () => rng.int(0, windowDays)).sort((a, b) => a - b);
    const milestones: Milestone[] = dueDays.map((d, k) => {
      const due: Due = rng.chance(0.03) ? { kind: 'recurring', recurrence: rng.pick(['monthly', 'quarterly'] as const) } : { kind: 'date', date: addDays(windowStart, d) };
      const m: Milestone = { seq: k + 1, text: `${rng.pick(MILESTONE_STEPS)} (${ref} step ${k + 1})`, due, ...statusFor(rng, due, today) };
      if (rng.chance(0.4)) m.ownerRole = rng.weighted(leadWeights);
      return m;
    });

    const kind = rng.next();
    const lastDay = dueDays[dueDays.length - 1] ?? rng.int(0, windowDays);
    const due: Due =
      kind < 0.04
        ? { kind: 'recurring', recurrence: rng.pick(['quarterly', 'monthly', 'ongoing'] as const) }
        : kind < 0.06
          ? { kind: 'none' }
          : { kind: 'date', date: addDays(windowStart, Math.min(windowDays, lastDay + rng.int(0, 30))) };

    const kpiCodes = rng.chance(0.35) ? [...new Set(Array.from({ length: rng.int(1, 3) }, () => kpiCode(rng.int(0, kpiCount - 1))))] : [];
    const outcomes = Array.from({ length: rng.int(1, 3) }, () => rng.pick(OUTCOMES));
    kpiCodes.forEach((code, k) => {
      outcomes.push(`${rng.pick(KPI_NAMES)} (${code.toUpperCase()}) moves to target${k === 0 ? ' by year end' : ''}`);
    });

    const action: Action = {
      ref,
      priorityRef: prio.ref,
      priorityTitle: prio.title,
      title: `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`,
      outcomes,
      leadRole,
      due,
      ...statusFor(rng, due, today),
      kpiCodes,
      milestones,
      extra: {},
      sourceRow: 2 + i * (perAction + 1),
    };
    if (rng.chance(0.3)) action.objective = `Priority ${prio.ref}: ${prio.title.toLowerCase()}`;
    if (rng.chance(0.4)) action.commentary = rng.pick(COMMENTARY);
    actions.push(action);
  }

  const kpis: KpiDefinition[] = [];
  const kpiValues: KpiValue[] = [];
  const [ty, tm] = today.split('-').map(Number);
  for (let i = 0; i < kpiCount; i++) {
    const code = kpiCode(i);
    const percent = rng.chance(0.6);
    const target = percent ? rng.int(20, 95) : rng.int(5, 60);
    const def: KpiDefinition = {
      code,
      name: `${rng.pick(KPI_NAMES)}${i >= KPI_NAMES.length ? ` (${code.toUpperCase()})` : ''}`,
      unit: percent ? '%' : rng.pick(['days', 'number', 'per 10,000']),
      polarity: rng.chance(0.55) ? 'higher' : 'lower',
      target,
      tolerance: Math.max(1, Math.round(target * 0.1)),
      frequency: 'Monthly',
    };
    if (rng.chance(0.5)) def.statNeighbours = Math.round(target * (0.8 + rng.next() * 0.4));
    if (rng.chance(0.5)) def.england = Math.round(target * (0.8 + rng.next() * 0.4));
    kpis.push(def);
    // A random walk around target, ending the month before "today": the latest value is last month's.
    let v = target * (0.7 + rng.next() * 0.6);
    for (let m = kpiMonths; m >= 1; m--) {
      const d = new Date(Date.UTC(ty, tm - 1 - m, 1));
      v = Math.max(0, v + (rng.next() - 0.5) * target * 0.08);
      kpiValues.push({ code, period: d.toISOString().slice(0, 7), value: Math.round(v * 10) / 10 });
    }
  }

  return { seed, today, plan: { priorities, actions }, directory, kpis, kpiValues };
}

import type { Rag } from './model';
import { refsInText, PRIORITY_REF_SOURCE, REF_SOURCE } from './refs';
import { normalise, editDistance, MAX_UNDERSTOOD_LENGTH, NUMBER_WORDS, closeWord, withoutNegated } from './language/text';
import { readWindow, readDate, type DueWindow } from './language/dates';

export { normalise, editDistance };
export type { DueWindow };

/**
 * What a person asked for, from free text. Pure and Teams-free so the phrasing corpus is easy to test.
 *
 * The pipeline is: normalise (language/text.ts) → classify the intent from keyword cues → pull out
 * the entity *mentions* as typed (a person or role, a ref, a KPI, a priority, a RAG word, a date
 * window). The parser never decides what a mention refers to: language/resolve.ts does that
 * against the plan's own vocabulary, and says which words it could not place.
 */
export type Intent =
  | { kind: 'help' }
  | { kind: 'hello' }
  | { kind: 'smallTalk'; topic: 'thanks' | 'bye' | 'ok' | 'howAreYou' | 'sorry' }
  | { kind: 'myActions'; rag?: Rag }
  /** ownerRole: the words naming an owner as typed ("HoS (RB)", "Leo Dunn", "me"); ownerRoles once resolved. */
  | { kind: 'overdue'; ownerRole?: string; ownerRoles?: string[]; ownerLabel?: string; priorityRef?: string; rag?: Rag }
  | { kind: 'behind' }
  /** A named person's or role's open actions ("Leo Dunn's actions"); made by the resolver from a lookup. */
  | { kind: 'ownerActions'; ownerRole: string; ownerRoles?: string[]; ownerLabel?: string }
  | { kind: 'slipping'; ownerRole?: string; ownerRoles?: string[]; ownerLabel?: string }
  | { kind: 'dueSoon'; window: DueWindow; windowWords?: string; windowUnread?: boolean; ownerRole?: string; ownerRoles?: string[]; ownerLabel?: string }
  | { kind: 'dueDate'; ref: string; planId?: string }
  | { kind: 'action'; ref: string; seq?: number; planId?: string }
  | { kind: 'signedOff'; ref: string; planId?: string }
  | { kind: 'signOffs'; mine: boolean }
  | { kind: 'priority'; ref: string }
  | { kind: 'rag'; rag: 'red' | 'amber' | 'green'; priorityRef?: string; ownerRole?: string; ownerRoles?: string[]; ownerLabel?: string }
  | { kind: 'whoOwns'; ref: string; planId?: string }
  | { kind: 'whoIs'; role: string }
  | { kind: 'summary' }
  | { kind: 'unowned' }
  /** code when typed as a code ("kpi c056"); name when described ("placement stability"). */
  | { kind: 'kpi'; code: string; name?: string }
  | { kind: 'kpisOffTarget'; rag?: 'red' | 'amber' }
  | { kind: 'kpiList' }
  | { kind: 'history'; ref: string; seq?: number; planId?: string }
  /** "show X", "tell me about X", "how is X doing": X may be a ref, a KPI, a priority or a person. */
  | { kind: 'lookup'; words: string; display: string }
  | { kind: 'digestPreview' }
  | { kind: 'remindersPreview' }
  | { kind: 'sendDigestNow' }
  | {
      kind: 'update';
      ref: string;
      seq?: number;
      word: string;
      commentary?: string;
      evidenceUrl?: string;
      /** ISO date for "update 2.4 due 31 Jan 2027: reason"; revisedDueText when the date could not be read. */
      revisedDue?: string;
      revisedDueText?: string;
      planId?: string;
    }
  | { kind: 'unknown'; text: string; suggestion?: string };

/** Bounds the update reading; Teams itself caps a message at about 28 KB. */
const MAX_UPDATE_TEXT = 40_000;

export interface ParseOptions {
  /** The injected clock's today (ISO). Without it, windows that need a date are reported unread. */
  today?: string;
}

/** The examples shown in help, and the targets for "did you mean". */
export const EXAMPLES = [
  'my actions',
  "what's overdue",
  'overdue for HoS (RB)',
  'overdue in priority 2',
  'due this week',
  'due in 14 days',
  'action 2.4',
  'priority 3',
  'red actions',
  "what's amber in priority 2",
  'who owns 3.2',
  'who is HoS (RB)',
  'summary',
  'unowned',
  'kpi c056',
  'kpis off target',
  'kpi list',
  'history 2.4',
  'digest preview',
  'reminders preview',
  'update 2.4 amber: recruitment delayed two months',
  'help',
];

/** Command words and their common misspellings, corrected before the cue rules run. */
const KEYWORDS = [
  'overdue', 'summary', 'history', 'priority', 'unowned', 'actions', 'action', 'amber', 'green', 'slipping', 'behind',
  'deadline', 'deadlines', 'upcoming', 'target', 'targets', 'details', 'signed', 'responsible', 'milestone', 'overview', 'theme',
  'show', 'week', 'month', 'quarter', 'fortnight', 'today', 'tomorrow', 'owns', 'changed', 'changes', 'change', 'status',
];
const FIXED_TYPOS: Record<string, string> = {
  summery: 'summary', sumary: 'summary', overdeu: 'overdue', ovredue: 'overdue', kpis: 'kpis', kpi: 'kpi', kip: 'kpi', kpsi: 'kpis',
  targt: 'target', whats: "what's", whos: "who's", nxt: 'next', tmrw: 'tomorrow', tmw: 'tomorrow', wk: 'week', wks: 'weeks', mnth: 'month', mth: 'month', thx: 'thanks', tho: 'though', pri: 'priority', wheres: "where's", hows: "how's", whens: "when's", wats: "what's", wot: 'what', pls: 'please', plz: 'please', plse: 'please', u: 'you', ur: 'your',
  actoins: 'actions', acitons: 'actions', actons: 'actions', ations: 'actions', tommorow: 'tomorrow', tomorow: 'tomorrow',
  prioirty: 'priority', priorty: 'priority', priortiy: 'priority', histroy: 'history', overdues: 'overdue', outstanding: 'overdue',
  wen: 'when', wehn: 'when', whne: 'when', hwo: 'who',
  // Ordinary words one letter from a command word ("these" is not "theme"), never corrected.
  these: 'these', those: 'those', there: 'there', where: 'where', three: 'three', other: 'other', after: 'after',
};

function correctTypos(words: string[]): string[] {
  return words.map((w) => {
    if (FIXED_TYPOS[w]) return FIXED_TYPOS[w];
    if (w.length < 5 || /\d/.test(w) || KEYWORDS.includes(w)) return w;
    const hit = KEYWORDS.find((k) => Math.abs(k.length - w.length) <= 2 && closeWord(w, k));
    return hit ?? w;
  });
}

const RAG_WORDS: Record<string, 'red' | 'amber' | 'green'> = {
  red: 'red', reds: 'red', amber: 'amber', ambers: 'amber', amb: 'amber', yellow: 'amber', orange: 'amber', green: 'green', greens: 'green',
  'off track': 'red', 'not on track': 'red', 'on track': 'green',
};

const PRIORITY_WORD = String.raw`(?:priority|priorities|theme|recommendation|rec|outcome|objective|area|p)`;
const NUMBER_WORD_RE = Object.keys(NUMBER_WORDS).join('|');
const PRIORITY_RE = new RegExp(String.raw`\b${PRIORITY_WORD}\s+(?:no\.?\s*|number\s+)?(${NUMBER_WORD_RE}|${PRIORITY_REF_SOURCE})(?![\w.])`, 'i');

/** Words that carry no meaning of their own in a question. */
const FILLER = new RegExp(
  String.raw`\b(please|can you|could you|would you|will you|can i|could i|may i|i'd like|i would like|i want|i need|show me|show|tell me|give me|let me see|let me know|list|what are|what is|what's|whats|which are|which|are there|is there|are|is|any|anything|all|the|a|an|now|today's|for me|just|quickly|quick|thanks|thank you|cheers|ta|hi|hello|hey|again|currently|at the moment|right now|our|we|have|got|do|does|there|on|of|in|about|at|to|please)\b`,
  'g',
);

export function parseIntent(typed: string, opts: ParseOptions = {}): Intent {
  const raw = withoutNegated(typed);
  // Updates first: they carry free text that could contain any other keyword, and may be long
  // (the update rules refuse over-long commentary with the limit stated; it is never cut here).
  const upd = raw.length <= MAX_UPDATE_TEXT ? parseUpdate(raw, opts) : undefined;
  if (upd) return upd;
  if (raw.length > MAX_UNDERSTOOD_LENGTH) return { kind: 'unknown', text: raw.trim().slice(0, 80) };
  const norm = normalise(raw);
  if (!norm) return { kind: 'help' };

  let t = correctTypos(norm.replace(/\bover due\b/g, 'overdue').replace(/\b(?:sign ?offs?|signing ?off)\b/g, 'sign-off').replace(/\bsigned ?off\b/g, 'signed-off').split(' ')).join(' ');

  // "due by 31.12.21": a dotted day-first date after a date word, not a three-part ref.
  t = t.replace(/\b(by|before|on|until|till|due|from|after|since) (\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\b/g, (all, w: string, d: string, mo: string, y: string) => (Number(d) <= 31 && Number(mo) <= 12 ? `${w} ${d}/${mo}/${y}` : all));
  // "1.4 milestone 3", "milestone 3 of 1.4": the third milestone of 1.4, as "1.4.3" reads.
  t = t.replace(/\b(\d{1,3}(?:\.\d{1,3}){0,3}),? milestone (\d{1,3})\b/g, '$1.$2').replace(/\bmilestone (\d{1,3}) (?:of|in|for|on) (?:action )?(\d{1,3}(?:\.\d{1,3}){0,3})\b/g, '$2.$1');

  // Greetings and thanks: answered briefly; a greeting in front of a question is just dropped.
  const greeting = /^(hi|hello|hey|hiya|howdy|morning|afternoon|evening|good (?:morning|afternoon|evening|day)|yo)( there| all| team| everyone| bot)?\b/;
  if (greeting.test(t)) {
    const rest = t.replace(greeting, '').trim();
    if (!rest || rest.split(' ').length <= 1) return { kind: 'hello' };
    t = rest;
  }
  const small = smallTalk(t);
  if (small) return small;

  if (/^(help|\?|commands|what can you do|what do you do|how do i( use (this|you))?|usage|menu|options|instructions|how does this work|what can i ask( you)?|get started|start)\b/.test(t) || /^help me$/.test(t)) return { kind: 'help' };

  if (/\bsend (?:the |my )?(?:weekly )?digests? now\b/.test(t)) return { kind: 'sendDigestNow' };
  if (/\b(?:digest preview|preview (?:of )?(?:my |the )?(?:weekly )?digest|my digest|show (?:me )?(?:my |the )?(?:weekly )?digest|what(?:'s| is| would be) in (?:my |the )?digest)\b/.test(t)) return { kind: 'digestPreview' };
  // Any other question about the weekly digest ("this week's digest", "the monday digest"): its preview.
  if (/\bdigests?\b/.test(t) && !/\b(?:send|stop|unsubscribe|turn off|opt out|cancel)\b/.test(t)) return { kind: 'digestPreview' };
  if (/\breminders\b/.test(t) && /\b(?:show|see|view|what|which|list|queued|pending|upcoming|coming|scheduled|planned|due to go|going out)\b/.test(t) && !/\b(?:stop|turn off|opt out|cancel|mute)\b/.test(t)) return { kind: 'remindersPreview' };
  if (/\b(?:reminders? preview|preview (?:my |the )?reminders?|my reminders?|what reminders?|which reminders?)\b/.test(t)) return { kind: 'remindersPreview' };

  // "kpi NI 062", "kpi pi-12", "kpi SH.KPI.3", "kpi KPI 4.1": after the word "kpi", a code with letters
  // then digits is a KPI code, even one shaped like a prefixed ref ("PI-12"). Bare digits ("kpi 4.1")
  // stay a ref; the resolver matches codes by letters and digits, so "ni062" finds "NI 062".
  const kpiCode = KPI_CODE_AFTER_WORD.exec(t);
  const firstWord = kpiCode?.[1].split(/[ ._-]/)[0] ?? '';
  if (kpiCode && !KPI_NOT_A_CODE.has(firstWord) && !/^(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*$/.test(firstWord)) return { kind: 'kpi', code: kpiCode[1] };

  const refs = refsInText(t);
  const ref = refs[0]?.ref;
  let m: RegExpMatchArray | null;

  const priorityFirst = t.match(PRIORITY_RE);
  if (ref && priorityFirst && priorityFirst[1] === ref && !/\b(action|milestone)\b/.test(t) && !/\b(overdue|late|due|red|amber|green|behind)\b/.test(t)) return { kind: 'priority', ref };
  if (ref && !(priorityFirst && priorityFirst[1] === ref)) {
    if (/\b(history|change-?log|changes?|changed|audit|updates? history|what updates|updates (?:have|has) there been|updates so far|what(?:'s| has)? happened|who (?:changed|updated)|previous updates|past updates|updated when|last updated|timeline)\b/.test(t)) return { kind: 'history', ref };
    if (/\b(signed-off|sign-off|approved|approval)\b/.test(t)) return { kind: 'signedOff', ref };
    if (/\bwho(?:se)?\b/.test(t) || /\b(owner|lead|responsible|accountable|in charge)\b/.test(t) || /^which (?:\S+ ){0,2}(?:has|holds|owns|leads|is on)\b/.test(t)) return { kind: 'whoOwns', ref };
    if (/\bwhen\b/.test(t) || /\b(due date|deadline|target date|target (?:completion |end )?date|completion date|end date|finish date|due by when|date due)\b/.test(t)) return { kind: 'dueDate', ref };
    return { kind: 'action', ref };
  }

  // Sign-offs waiting, without a ref.
  if (/\b(sign-off|signed-off|approvals?|approve|awaiting (?:my )?(?:sign|approval)|waiting (?:for|on) (?:my )?(?:sign|approval))/.test(t))
    return shortAndOffTopic(t, undefined) ? { kind: 'unknown', text: raw.trim().slice(0, 200) } : { kind: 'signOffs', mine: /\b(my|me|i|mine)\b/.test(t) };

  // "who actually sits behind HoS (MB)": who holds a role, not who is behind on their actions.
  if ((m = t.match(/\bwho(?:'s| is| are)? (?:actually |really )?(?:sits? |is )?behind (?!on\b|with\b|in\b|at\b|schedule\b|target\b|plan\b|the plan\b|their\b|his\b|her\b|most\b|the most\b)(.+)$/)) && !/\b(overdue|late|slipping|actions?|milestones?|deadlines?|dates?)\b/.test(m[1])) {
    const role = m[1].replace(/\b(these days|nowadays|now|at the moment|currently)\b/g, ' ').replace(/\s+/g, ' ').trim();
    if (role) return { kind: 'whoIs', role: rawTail(raw, role) };
  }

  // Who is behind: overdue grouped by owner.
  if (/\bwho(?:'s| is| are)?\b/.test(t) && /\b(behind|late|overdue|slipping|missed|not (?:kept|keeping) up)\b/.test(t)) return { kind: 'behind' };
  if (/\b(overdue|late) (?:grouped |listed |broken down )?(?:by|per) (?:owner|person|lead|officer)\b|\bleague table\b/.test(t)) return { kind: 'behind' };
  if (/\b(?:which|what) (?:owners|people|leads|officers|managers|teams|services)\b.*\b(behind|late|overdue|slipping)\b/.test(t)) return { kind: 'behind' };

  // "who is X": a role, a person's name.
  if ((m = t.match(/^(?:and )?who(?:'s| is| are)\s+(?:the\s+)?(.+?)(?:\s+(?:these days|nowadays|now|at the moment|currently|then))*$/)) && !/\b(owns?|responsible|leading|leads)\b/.test(t)) return { kind: 'whoIs', role: rawTail(raw, m[1]) };

  // KPIs.
  const kpiWord = /\b(kpis?|kips?|indicators?|measures?|metrics?|performance|scorecard|stats|figures|numbers)\b/;
  const kpiRag = t.match(/\b(red|amber)\b/)?.[1] as 'red' | 'amber' | undefined;
  if (kpiWord.test(t) && /\b(of+[- ]?target|not on target|below target|under target|missing (?:their |the )?target|failing|red|amber|worst|bad|behind target|not meeting|missed target|off track|under-?performing)\b/.test(t))
    return kpiRag ? { kind: 'kpisOffTarget', rag: kpiRag } : { kind: 'kpisOffTarget' };
  if (/\b(off[- ]?target|below target|not meeting (?:the )?target)\b/.test(t)) return { kind: 'kpisOffTarget' };
  if ((m = t.match(/\bkpis?\s+(?:code\s+|for\s+|on\s+|about\s+|called\s+|named\s+)?([a-z][a-z0-9]{0,11}\d[a-z0-9]*|[a-z][a-z0-9]{1,11})$/)) && !KPI_NOT_A_CODE.has(m[1])) return { kind: 'kpi', code: m[1] };
  if (/^(?:(?:list|all|show|every|our|the|see|view)\s+)*(?:the\s+)?(?:kpis?|indicators?|measures?|metrics?|performance indicators?|scorecard)(?:\s+(?:list|please|all|overview|summary|we track|we have|there are))*$/.test(t) || /\b(?:list|all|every|which|what) (?:of )?(?:the )?(?:kpis|indicators|measures|metrics)\b/.test(t) || /\bkpi (?:list|summary|overview)\b/.test(t))
    return { kind: 'kpiList' };
  const subjectPatterns = [
    /\bhow (?:are|r|is) (?:we|things|it) (?:doing|getting on|performing|faring|looking|going) (?:on|with|for|against|in terms of)\s+(.+)$/,
    /\bhow(?:'s| is| are) (?:the |our )?(.+?)\s+(?:doing|going|looking|performing|getting on|trending|tracking|progressing)\b/,
    /\b(?:latest|current|recent|last) (?:figures?|values?|data|numbers?|position|performance|result|stats?)? ?(?:for|on|of)\s+(.+)$/,
    /^(?:kpis?|indicator|measure) (?:for |on |about )?(.+)$/,
    /^(.+?) (?:kpis?|indicator|measure|figures?|performance|stats|trend)$/,
  ];
  for (const re of subjectPatterns) {
    if (!(m = t.match(re))) continue;
    const words = stripFiller(m[1]);
    if (words && !/^(we|things|it|everything|the plan|plan|overall|us|you|they)$/.test(words)) return { kind: 'lookup', words, display: rawTail(raw, m[1]) };
  }
  if (kpiWord.test(t) && /\b(kpis?|kips?)\b/.test(t) && t.split(' ').length <= 3) return { kind: 'kpiList' };
  if (/^(?:(?:can you|could you|please|pls)\s+)*(?:show|list|see|view|give)(?: me| us)?(?: the| all| our| all the)? (?:kpis|indicators|measures|metrics|performance indicators)(?: please)?$/.test(t)) return { kind: 'kpiList' };

  const me = /\b(my|mine|i own|do i own|have i got|i've got|i have|i got|am i|i'm responsible|i am responsible|i lead|i'm leading|assigned to me|on my plate|owned by me|led by me|for me|to me|myself|i'm on the hook)\b/.test(t);

  const priority = t.match(PRIORITY_RE);
  const priorityRef = priority ? (NUMBER_WORDS[priority[1]] !== undefined ? String(NUMBER_WORDS[priority[1]]) : priority[1]) : undefined;
  let rest = priority ? t.replace(priority[0], ' ') : t;
  const ragMatch = rest.match(/\b(not on track|off track|on track|reds?|ambers?|greens?|yellow|orange)\b/);
  const rag = ragMatch ? RAG_WORDS[ragMatch[1]] : undefined;

  const isOverdue = /\b(overdue|late|past (?:their |the |its )?(?:due|deadline)s?|past due|missed|slipped|running late|behind|beyond (?:their |the )?due|out of date|lapsed)\b/.test(rest);
  const isSlipping = /\b(slipping|slippage|slip|at risk|drifting|in trouble|going off track|falling behind|risky|wobbling|under threat|in danger)\b/.test(rest);
  const isDue = /\b(due|coming up|upcoming|deadlines?|falls? due|falling due|what's next|next up|ahead|expected|to be done|to finish|to deliver|scheduled)\b/.test(rest);

  // The window, read before the owner so its words ("by Friday") are not taken for a name.
  const window = isDue || (!isOverdue && readWindow(rest, opts.today)?.ok) ? readWindow(rest, opts.today) : undefined;
  if (window) rest = rest.replace(window.words, ' ');
  const phrase = ownerPhrase(rest);
  const owner = phrase && !/\b(my|mine|me|i|myself)\b/.test(phrase) ? phrase : me ? 'me' : undefined;
  const ownerRaw = owner && owner !== 'me' ? rawTail(raw, owner) : owner;

  const leftovers = ownerRaw ? [] : leftoverWords(rest);
  // As typed ("Gareth"), so an ask-back names them as the person wrote them.
  const names = capitalisedWords(raw, leftovers).map((w) => w[0].toUpperCase() + w.slice(1));
  const withNames = <T extends Intent>(i: T): T => (leftovers.length ? Object.assign(i, { otherWords: leftovers }, names.length ? { nameWords: names } : {}) : i);

  // Mostly about something else ("my library books are overdue")? The resolver decides, once it
  // knows whether a leftover word is somebody's name ("carl cole overdue").
  const offTopicHere = (isOverdue || rag || isDue) && (!ownerRaw || ownerRaw === 'me') && shortAndOffTopic(rest, undefined);
  const withLeftovers = <T extends Intent>(i: T): T => (offTopicHere ? Object.assign(withNames(i), { offTopic: raw.trim().slice(0, 200) }) : withNames(i));

  if (isSlipping && !isDue) {
    const intent: Intent = withLeftovers({ kind: 'slipping' });
    if (ownerRaw) intent.ownerRole = ownerRaw;
    return intent;
  }

  if (isOverdue) {
    const intent: Intent = withLeftovers({ kind: 'overdue' });
    if (priorityRef) intent.priorityRef = priorityRef;
    if (rag) intent.rag = rag;
    if (ownerRaw) intent.ownerRole = ownerRaw;
    return intent;
  }

  // A date with no due word ("tomorrow", "on Saturday") is a due-soon question only when nothing
  // else in it is about something other than the plan: "book a room for Thursday" is not.
  if (!isDue && window?.ok && offTopic(rest, phrase)) return { kind: 'unknown', text: raw.trim().slice(0, 200), suggestion: suggest(t) };

  if (isDue || (window && window.ok)) {
    const unread = !window ? unreadWindow(rest) : undefined;
    const intent: Intent = window?.ok
      ? { kind: 'dueSoon', window: window.window, windowWords: window.words }
      : window || unread
        ? { kind: 'dueSoon', window: { kind: 'days', days: 14 }, windowWords: window?.words ?? unread, windowUnread: true }
        : { kind: 'dueSoon', window: { kind: 'days', days: 14 } };
    if (ownerRaw) intent.ownerRole = ownerRaw;
    return withLeftovers(intent);
  }

  if (rag) {
    const intent: Intent = withLeftovers({ kind: 'rag', rag });
    if (priorityRef) intent.priorityRef = priorityRef;
    if (ownerRaw) intent.ownerRole = ownerRaw;
    return intent;
  }
  if (priorityRef) return { kind: 'priority', ref: priorityRef };
  if (/\b(unowned|no owner|no lead|without (?:an? )?(?:owner|lead)|nobody owns|no one owns|orphan(?:ed)?|not assigned|unassigned|ownerless|missing (?:an )?owners?|(?:do not|don't|doesn't|does not) have (?:an? )?(?:owner|lead)|(?:no ?one|nobody|no-one) (?:is )?assigned|not got (?:an? )?(?:owner|lead))\b/.test(t)) return { kind: 'unowned' };
  if (owner === 'me' && /\b(actions?|items?|tasks?|stuff|work|things|list|plate|own|got|responsible|assigned|open|outstanding|milestones?|jobs?|to-?dos?|have|mine|lot|lead|leading|for me)\b|^my\b|\bmine\b/.test(t))
    // "how many days annual leave have I got left": "have I got" about something else.
    return shortAndOffTopic(t, undefined) ? { kind: 'unknown', text: raw.trim().slice(0, 200), suggestion: suggest(t) } : { kind: 'myActions' };
  if (/\b(?:what do i need to do|what(?:'s| is) (?:on )?my (?:list|plate)|what should i (?:be )?(?:doing|working on)|anything for me)\b/.test(t)) return { kind: 'myActions' };
  if (owner && owner !== 'me' && /\b(actions?|items?|tasks?|stuff|work|list)\b/.test(t)) return { kind: 'lookup', words: owner, display: ownerRaw ?? owner };
  if ((m = t.match(/^what (?:does|has|is) (.+?) (?:have|got|own|lead|leading|responsible for|working on)$/)) && !/\b(my|me|i|mine)\b/.test(m[1])) return { kind: 'lookup', words: m[1], display: rawTail(raw, m[1]) };
  if ((m = t.match(/\b([a-z][a-z'-]+(?: [a-z][a-z'-]+)?)'s (?:actions?|items?|tasks?|stuff|work|list)\b/))) return { kind: 'lookup', words: m[1], display: rawTail(raw, m[1] + "'s").replace(/'s$/i, '') };
  // "cp2 - where are we", "initial health assessments on time, how are we doing": a subject, then a
  // generic progress question about it. The subject is looked up (a KPI, action, priority or person),
  // never taken for the whole plan.
  if ((m = t.match(/^(.+?) (?:how are we doing|how(?:'s| is) (?:it|that|this) (?:going|doing|looking)|where are we(?: at| up to| with (?:it|that|this))?|what(?:'s| is) the latest|latest(?: position| figures?| numbers?)?|any news)$/))) {
    const words = stripFiller(m[1]);
    if (words && !/^(?:the plan|plan|overall|overall plan|improvement plan|we|us|things|everything|it|so|ok|okay|right|and|then|now|generally|in general)$/.test(words)) return { kind: 'lookup', words, display: rawTail(raw, m[1]) };
  }
  if (/^(status|progress|update|updates|position|state of play|where are we)$/.test(t)) return { kind: 'summary' };
  if (/\b(summary|summarise|overview|plan status|dashboard|how are we doing|how(?:'s| is) (?:the |our )?(?:plan|it|everything|things)|rag (?:count|mix|split|breakdown|position)|position|big picture|overall picture|the picture|headlines?|headline position|state of (?:the )?(?:plan|play)|progress overall|overall progress|where are we|highlights|totals?|bird's eye|snapshot|status report|progress report)\b/.test(t))
    return { kind: 'summary' };

  if ((m = t.match(/^(?:show|open|view|details?|details of|details for|tell me about|info on|information on|info about|more on|more about|look up|lookup|pull up|find|what about|what's|what is)\s+(.+)$/)) || (m = t.match(/^(?:can you |could you |please |pls )+(?:show|open|find|pull up|look up)(?: me)?\s+(.+)$/))) {
    const words = stripFiller(m[1]);
    if (words) return { kind: 'lookup', words, display: rawTail(raw, m[1]) };
  }

  if ((m = t.match(/^(?:kpi |code )?([a-z]{1,4}\d{1,4}[a-z]?)$/))) return { kind: 'kpi', code: m[1] };

  // A single unknown word or two may be a KPI code or a person: the resolver knows the vocabulary.
  const bare = stripFiller(t);
  if (bare && bare.split(' ').length <= 5 && !/\b(what|why|how|when|where|can|could|would|should|is|are)\b/.test(bare) && /^[a-z0-9][a-z0-9 .'-]*$/.test(bare))
    return { kind: 'lookup', words: bare, display: raw.trim().slice(0, 80) };

  return { kind: 'unknown', text: raw.trim().slice(0, 200), suggestion: suggest(t) };
}

/** Words that keep a question about the plan (what is on, coming, planned, for whom). */
const PLAN_TALK = new Set(['actions', 'action', 'items', 'item', 'milestones', 'milestone', 'tasks', 'task', 'deliverables', 'deliverable', 'plan', 'plans', 'work', 'happening', 'planned', 'coming', 'going', 'landing', 'outstanding', 'open', 'left', 'remaining', 'need', 'needs', 'needed', 'done', 'finish', 'finished', 'complete', 'completed', 'deadline', 'deadlines', 'ours', 'everyone', 'anyone', 'anybody', 'whole', 'else', 'up', 'else', 'expected', 'lined', 'looking', 'like']);

/**
 * Words of `rest` (the question without its window) that are about something else: not filler,
 * not plan talk, not the owner named. "the weather like in Southend" has "weather" and "southend".
 */
function offTopic(rest: string, ownerWords: string | undefined): boolean {
  return offTopicWords(rest, ownerWords).length > 0;
}

function offTopicWords(rest: string, ownerWords: string | undefined): string[] {
  const owner = new Set((ownerWords ?? '').split(' '));
  return stripFiller(rest)
    .split(' ')
    .map((w) => w.replace(/'s$/, '').replace(/[^a-z'-]/g, ''))
    .filter((w) => w.length > 2 && !NOT_A_NAME.has(w) && !PLAN_TALK.has(w) && !CUE_WORDS.has(w) && !owner.has(w) && !/^(?:what|whats|which|who|when|anything|something|for|with|by|from|we|us|our|you|i|me|my|be|will|would|should|can|could)$/.test(w));
}

/** The words that make a question one of the bot's (overdue, RAG, sign-off, mine): not off the topic. */
const CUE_WORDS = new Set(['not', 'sure', 'nothing', 'its', 'their', 'date', 'dates', 'deadline', 'gone', 'off', 'track', 'pending', 'overdue', 'late', 'red', 'reds', 'amber', 'ambers', 'green', 'greens', 'rag', 'signed-off', 'sign-off', 'approved', 'approval', 'approvals', 'awaiting', 'waiting', 'mine', 'own', 'owned', 'lead', 'leading', 'responsible', 'assigned', 'past', 'missed', 'behind', 'slipped', 'lapsed', 'rated', 'rating', 'status', 'priority', 'theme', 'these', 'those', 'ones', 'many', 'how', 'show', 'list', 'give', 'tell', 'let', 'see', 'really', 'again', 'right', 'currently']);

/**
 * A short message whose cue is an everyday word ("overdue", "amber", "signed off") but which is
 * mostly about something else ("my library books are overdue", "the printer is flashing amber"):
 * not a question about the plan. Long messages carry context words, so only short ones are judged.
 */
function shortAndOffTopic(t: string, ownerWords: string | undefined): boolean {
  return t.split(' ').length <= 12 && offTopicWords(t, ownerWords).length >= 2;
}

const NOT_A_NAME = new Set(['what', 'whats', "what's", 'which', 'who', 'has', 'have', 'got', 'any', 'anything', 'are', 'is', 'the', 'of', 'actions', 'action', 'items', 'item', 'late', 'overdue', 'due', 'next', 'week', 'this', 'month', 'show', 'me', 'list', 'all', 'there', 'their', 'his', 'her', 'please', 'pls', 'in', 'on', 'for', 'and', 'or', 'a', 'an', 'to', 'be', 'been', 'still', 'yet', 'now', 'currently', 'slipping', 'things', 'stuff', 'milestones', 'tasks', 'work', 'everything', 'anyone', 'else']);

/** Words a cue rule did not take, kept so the resolver can spot a name said without "for". */
function leftoverWords(text: string): string[] {
  return text
    .split(' ')
    .map((w) => w.replace(/'s$/, ''))
    .filter((w) => /^[a-z][a-z'-]{2,}$/.test(w) && !NOT_A_NAME.has(w))
    .slice(0, 20);
}

/** Capitalised words that are never a person's name. */
const NOT_A_NAME_CAPITALISED = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|christmas|easter|ofsted|council|board|teams|morning|afternoon|evening|hi|hello|thanks|please|just|also|ok|okay|sorry|plan|priority|action|actions|kpi|kpis|red|amber|green|overdue)$/;

/**
 * Leftover words the person wrote with a capital inside a sentence ("has Gareth got anything
 * overdue"): a name, even one nobody in the directory has, so it is resolved or asked back, never
 * dropped.
 */
function capitalisedWords(raw: string, words: string[]): string[] {
  return words.filter((w) => {
    if (NOT_A_NAME_CAPITALISED.test(w)) return false;
    const cap = w[0].toUpperCase() + w.slice(1);
    return new RegExp(`(?:^|[^.!?:\\s])\\s+${cap.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s)?\\b`).test(raw);
  });
}

/** "overdue for Leo Dunn", "owned by HoS (RB)", "anything late for Sam please". */
function ownerPhrase(text: string): string | undefined {
  const cleaned = text.replace(/\b(please|thanks|thank you|cheers|ta|now|today|at the moment|right now)\b/g, ' ').replace(/\s+/g, ' ').trim();
  const m = cleaned.match(/\b(?:for|owned by|led by|belonging to|assigned to|held by|with|from|by|on|of)\s+((?!the plan\b|priority\b|theme\b)[a-z0-9@'. -]+?)(?:\s+(?:actions?|items?|tasks?|stuff|milestones?|things|work|team|area|service))*$/);
  const possessive = () => {
    const poss = cleaned.match(/\b([a-z][a-z'.-]+(?: [a-z][a-z'.-]+)?)'s\b/);
    if (poss && !/^(what|who|there|it|that|here|let|today|plan|everyone|what|where)$/.test(poss[1].split(' ').pop()!)) return cleaned.includes(`${poss[1]}'s`) ? poss[1].split(' ').filter((w) => !STOP_BEFORE_NAME.has(w)).join(' ') || undefined : undefined;
    return undefined;
  };
  if (!m) return possessive();
  const who = m[1].replace(/^(the|a|an)\s+/, '').replace(/(\s+(in|on|for|of|at|by|with|from|and|or))+$/, '').trim();
  // "which of Jess Hughes's actions are amber": the "of …" phrase is not a name, the possessive is.
  if (/'s\b/.test(who) && /\b(overdue|late|due|red|amber|green|slipping|behind)\b/.test(who)) return possessive();
  if (!who || /^(me|myself|mine|us|i)$/.test(who)) return who ? 'me' : undefined;
  if (/\b(overdue|late|slipping|slip|risk|due|track|deadlines?|red|amber|green|behind|term|christmas|easter|summer|weeks?|months?|years?|quarter|fortnight|end)\b/.test(who)) return undefined;
  if (/^(everyone|everybody|all|anyone|anybody|anything|something|everything|nothing|the team|team|us|them|this|that|it|now|today|overdue|late|due|soon|next|a while|ages|long|days?|weeks?|months?|\d+ (?:days?|weeks?|months?)|more than .*|over .*)$/.test(who)) return undefined;
  return who;
}

const STOP_BEFORE_NAME = new Set(['show', 'me', 'list', 'what', 'are', 'is', 'overdue', 'late', 'any', 'anything', 'all', 'the', 'give', 'tell', 'about', 'see', 'view', 'of', 'which', 'for']);

/** Words left after "due in/by/before …" that no date reading took: a window named but not understood. */
function unreadWindow(text: string): string | undefined {
  // Time words the window reading did not take ("due nxt week", "due end of term"): a window was
  // named, so no default may stand in for it.
  const timeish = text.match(/\b(?:due|deadlines?|coming up)\b.*?\b((?:\S+\s+)?(?:weeks?|months?|days?|quarters?|years?|fortnights?|term|half[- ]term|christmas|easter|summer|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|\d{1,2}(?:st|nd|rd|th)|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?))\b/);
  if (timeish) return timeish[1];
  const m = text.match(/\b(?:due|deadlines?)\s+((?:in|by|before|until|till|during|on|within|around|from)\s+(.+))$/);
  if (!m) return undefined;
  const words = stripFiller(m[2]);
  if (!words || /^(the plan|plan|priority .*|theme .*)$/.test(words)) return undefined;
  return m[1].trim();
}

function stripFiller(s: string): string {
  return s.replace(FILLER, ' ').replace(/\b(kpis?|actions?|items?|doing|going|please)\b/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The mention as the person typed it, case and brackets kept ("HoS (RB)"), for saying it back. */
function rawTail(raw: string, mention: string): string {
  const words = raw.normalize('NFKC').replace(/[\u00ad\u200b-\u200f\u2060-\u2069\ufeff]/g, '').trim().split(/\s+/);
  for (let start = words.length - 1; start >= 0 && start >= words.length - 10; start--) {
    for (let end = words.length; end > start; end--) {
      const piece = words.slice(start, end).join(' ').replace(/[?!.,;:]+$/, '');
      if (normalise(piece) === mention) return piece;
    }
  }
  return mention;
}

function smallTalk(t: string): Intent | undefined {
  const s = t.replace(/\b(today|this morning|this afternoon|this evening|then|now|for now|for today|really|that's really helpful|that's helpful|that was helpful)\b/g, ' ').replace(/\b(bot|mate|pal|so much|very much|v much|much|a lot|lots|loads|again|all|everyone|team|guys|folks|for that|for this|for your help|for the help|for helping)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(thanks?|thank you|thankyou|thx|ty|cheers|ta|many thanks|much appreciated|appreciated|brilliant thanks|great thanks|perfect thanks|lovely thanks|nice one|that's (?:great|helpful|brilliant|perfect|lovely)|thanks that's (?:great|helpful|brilliant|perfect))( (?:that's|that is)? ?(?:great|helpful|brilliant|perfect|lovely|useful))?$/.test(s)) return { kind: 'smallTalk', topic: 'thanks' };
  if (/^(bye|goodbye|see you|see ya|cya|later|night|good night|ttfn|speak soon|have a good (?:day|weekend|evening))$/.test(s)) return { kind: 'smallTalk', topic: 'bye' };
  if (/^(ok|okay|k|cool|great|nice|lovely|brilliant|perfect|fine|got it|noted|understood|right|sure|fab|super|grand|sound|ace|yes|no|yep|nope)$/.test(s)) return { kind: 'smallTalk', topic: 'ok' };
  if (/^(how are you|how are you doing|how's it going|how are things|you ok|are you ok|how do you do|you alright|alright)$/.test(s)) return { kind: 'smallTalk', topic: 'howAreYou' };
  if (/^(sorry|my bad|oops|apologies|my mistake)$/.test(s)) return { kind: 'smallTalk', topic: 'sorry' };
  return undefined;
}

/** "kpi <letters, perhaps dotted or dashed><one separator or none><digits>": "ni 062", "pi-12", "sh.kpi.3", "kpi 4.1", "c056". */
const KPI_CODE_AFTER_WORD = /^(?:(?:show|open|view)\s+)?(?:the\s+)?kpi\s+(?:code\s+)?([a-z]{1,8}(?:[._-][a-z]{1,8}){0,2}[ ._-]?\d{1,4}(?:\.\d{1,3})?[a-z]?)$/;

/** Words that follow "kpi" in questions but are not KPI codes (some real codes, like "icpc", have no digits). */
const KPI_NOT_A_CODE = new Set(['off', 'list', 'all', 'not', 'are', 'is', 'of', 'the', 'below', 'behind', 'red', 'amber', 'green', 'summary', 'on', 'that', 'which', 'missing', 'status', 'overview', 'values', 'targets', 'target', 'failing', 'please', 'doing', 'figures', 'data', 'update', 'updates', 'report', 'latest']);

const UPDATE_WORDS = [
  'complete', 'completed', 'done', 'finished', 'red', 'amber', 'green', 'on track', 'not on track', 'off track',
  'some issues', 'not started', 'bau', 'business as usual', 'blue', 'due', 'new due date', 'revised due date', 'due date', 'date', 'deadline', 'moved to', 'move to',
];

const DUE_WORDS = new Set(['due', 'new due date', 'revised due date', 'due date', 'date', 'deadline', 'moved to', 'move to']);

/**
 * "update 2.4 amber: recruitment delayed", "2.4 complete https://…", "milestone 2.1.3 done",
 * "update 2.4 due 31 Jan 2027: recruitment re-run". The status word must come straight after the
 * ref, so a question that merely mentions a ref and a colour ("what's amber in 2") is never taken
 * as an update.
 */
export function parseUpdate(raw: string, opts: ParseOptions = {}): Extract<Intent, { kind: 'update' }> | undefined {
  // A leading @mention of the bot (kept in pasted or forwarded text) is not part of the update.
  const s = raw.normalize('NFKC').replace(/[\u00ad\u200b-\u200f\u2060-\u2069\ufeff]/g, '').replace(/[\u2018\u2019]/g, "'").replace(/^\s*(?:<at>[^<]*<\/at>\s*)+/i, '').trim();
  // "6.4 deadline?", "2.4 complete?": a question about the item, not a change to it, unless it says "update" or "set".
  if (/\?\s*$/.test(s) && !/^(?:please\s+)?(?:update|set|mark|change|move)\b/i.test(s)) return undefined;
  const words = UPDATE_WORDS.map((w) => w.replace(/ /g, '\\s+')).join('|');
  // "put 2.1 amber", "2.6 still green", "can we set 3.9 to complete": the verbs and adverbs people type.
  const re = new RegExp(String.raw`^(?:(?:can|could) (?:we|you|i)\s+)?(?:please\s+)?(?:update|set|mark|change|move|put|make)?\s*(?:action|milestone|ref)?\s*(${REF_SOURCE})\s*(?:is|as|to|=|-|:)?\s*(?:now\s+|still\s+)?(?:(?:as|to|at)\s+)?(${words})\b\s*(?:[:–—,-]\s*)?(.*)$`, 'is');
  const m = s.match(re);
  if (!m) return undefined;
  if (!/^(?:(?:can|could) (?:we|you|i)\s+)?(?:please\s+)?(update|set|mark|change|move|put|make|action|milestone|ref)\b/i.test(s) && !/^\d/.test(s)) return undefined;
  const word = m[2].toLowerCase().replace(/\s+/g, ' ');
  let rest = m[3].trim();
  const intent: Extract<Intent, { kind: 'update' }> = { kind: 'update', ref: m[1].replace(/\.$/, ''), word: DUE_WORDS.has(word) ? 'due' : word };
  if (intent.word === 'due') {
    // "due 31 Jan 2027: reason" / "due to 31/1/2027 because …": the date runs to the colon or "because".
    const dm = rest.replace(/^(?:to|is|=|now)\s+/i, '').match(/^(.+?)(?:\s*[:–—]\s*|\s+-\s+|\s*,\s*|\s+because\s+|\s+as\s+|\s+reason\s*:?\s*|$)(.*)$/is);
    const dateText = (dm?.[1] ?? '').trim();
    const date = opts.today && dateText ? readDate(dateText, opts.today) : undefined;
    if (date) intent.revisedDue = date;
    else intent.revisedDueText = dateText || '(no date)';
    rest = (dm?.[2] ?? '').trim();
  }
  let evidenceUrl: string | undefined;
  const url = rest.match(/\bhttps?:\/\/\S+/i);
  if (url) {
    evidenceUrl = url[0].replace(/[).,;]+$/, '');
    rest = rest.replace(url[0], '').replace(/[ \t]+/g, ' ').trim();
  }
  rest = rest.replace(/^(evidence|because|reason)\s*[:-]?\s*/i, '').replace(/^[?!.]+$/, '').trim();
  if (rest) intent.commentary = rest;
  if (evidenceUrl) intent.evidenceUrl = evidenceUrl;
  return intent;
}


/** A close example for text we could not read at all, only when it is genuinely close. */
export function closeExample(raw: string): string | undefined {
  return suggest(normalise(raw).slice(0, 100));
}

function suggest(text: string): string | undefined {
  if (text.length > 60) return undefined;
  let best: { ex: string; d: number } | undefined;
  for (const ex of EXAMPLES) {
    const exN = normalise(ex);
    const d = editDistance(text, exN, 6);
    if (!best || d < best.d) best = { ex, d };
  }
  if (best && best.d <= Math.min(3, Math.floor(normalise(best.ex).length / 4))) return best.ex;
  return undefined;
}

import type { Rag } from './model';

/**
 * What a person asked for, from free text. Pure and Teams-free so the phrasing table is easy to test.
 * Tolerant by design: people type "whats overdue?", "anything late", "my stuff", and make typos.
 */
export type Intent =
  | { kind: 'help' }
  | { kind: 'hello' }
  | { kind: 'myActions' }
  | { kind: 'overdue'; ownerRole?: string; priorityRef?: string; rag?: Rag }
  | { kind: 'dueSoon'; window: DueWindow }
  | { kind: 'action'; ref: string; seq?: number }
  | { kind: 'priority'; ref: string }
  | { kind: 'rag'; rag: 'red' | 'amber' | 'green'; priorityRef?: string }
  | { kind: 'whoOwns'; ref: string }
  | { kind: 'whoIs'; role: string }
  | { kind: 'summary' }
  | { kind: 'unowned' }
  | { kind: 'kpi'; code: string }
  | { kind: 'kpisOffTarget' }
  | { kind: 'kpiList' }
  | { kind: 'history'; ref: string; seq?: number }
  | { kind: 'digestPreview' }
  | { kind: 'remindersPreview' }
  | { kind: 'sendDigestNow' }
  | { kind: 'update'; ref: string; seq?: number; word: string; commentary?: string; evidenceUrl?: string }
  | { kind: 'unknown'; text: string; suggestion?: string };

export type DueWindow = { kind: 'days'; days: number } | { kind: 'thisWeek' } | { kind: 'nextWeek' } | { kind: 'thisMonth' } | { kind: 'nextMonth' };

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

const REF = String.raw`(\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?)`;

const FILLER = new RegExp(
  String.raw`\b(please|pls|can you|could you|would you|show me|show|tell me|give me|list|what are|what is|whats|what's|which are|which|are there|is there|any|anything|all|the|me|my team's|for me|now|today|actions?|items?|things|stuff)\b`,
  'g',
);

export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201b\u2032`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .toLowerCase()
    .replace(/[?!,;]+/g, ' ')
    .replace(/\.(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Damerau-free Levenshtein; the vocabulary is small, so a plain DP is plenty. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

const KEYWORDS: Record<string, string> = {
  overdue: 'overdue',
  late: 'overdue',
  behind: 'overdue',
  slipped: 'overdue',
  missed: 'overdue',
  summary: 'summary',
  summery: 'summary',
  status: 'summary',
  help: 'help',
  history: 'history',
  priority: 'priority',
  theme: 'priority',
  unowned: 'unowned',
};

/** Fix single typos in command words ("overdeu", "sumary") without touching refs or role labels. */
function correctTypos(words: string[]): string[] {
  return words.map((w) => {
    if (KEYWORDS[w]) return KEYWORDS[w];
    if (w.length < 5 || /\d/.test(w)) return w;
    for (const k of Object.keys(KEYWORDS)) {
      if (Math.abs(k.length - w.length) <= 2 && editDistance(k, w) <= (k.length > 6 ? 2 : 1)) return KEYWORDS[k];
    }
    return w;
  });
}

function parseRef(s: string): { ref: string; seq?: number } {
  return { ref: s };
}


/** Words that follow "kpi" in questions but are not KPI codes (some real codes, like "icpc", have no digits). */
const KPI_NOT_A_CODE = new Set(['off', 'list', 'all', 'not', 'are', 'is', 'of', 'the', 'below', 'behind', 'red', 'amber', 'green', 'summary', 'on', 'that', 'which', 'missing', 'status', 'overview', 'values', 'targets', 'target', 'failing', 'please']);

export function parseIntent(raw: string): Intent {
  const text = normalise(raw);
  if (!text) return { kind: 'help' };
  const words = correctTypos(text.split(' '));
  const t = words.join(' ');

  // Updates first: they carry free text that could contain any other keyword.
  const upd = parseUpdate(raw);
  if (upd) return upd;

  if (/^(hi|hello|hey|hiya|good (morning|afternoon|evening)|start|get started)\b/.test(t) && t.split(' ').length <= 4) return { kind: 'hello' };
  if (/^(help|\?|commands|what can you do|how do i|usage|menu)\b/.test(t) || t === 'help me') return { kind: 'help' };

  if (/\bsend (?:the )?digests? now\b/.test(t)) return { kind: 'sendDigestNow' };
  if (/\b(?:digest preview|preview (?:my )?digest|my digest|show (?:me )?(?:my )?digest)\b/.test(t)) return { kind: 'digestPreview' };
  if (/\b(?:reminders? preview|preview (?:my )?reminders?|my reminders?|what reminders?)\b/.test(t)) return { kind: 'remindersPreview' };

  let m: RegExpMatchArray | null;
  if ((m = t.match(new RegExp(String.raw`\bhistory (?:of |for )?(?:action |milestone )?${REF}\b`)))) return { kind: 'history', ...splitMilestone(m[1]) };
  if ((m = t.match(new RegExp(String.raw`\bwho(?:'s| is)? (?:owns|responsible for|leads|leading|the owner of|has|the lead for|the lead on)\s+(?:action )?${REF}\b`))))
    return { kind: 'whoOwns', ref: m[1] };
  if ((m = t.match(/\bwho(?: is|'s) (?:the )?(.+)$/)) && !/\bown/.test(t)) return { kind: 'whoIs', role: roleFromRaw(raw, m[1]) };
  if ((m = t.match(new RegExp(String.raw`\b(?:owner|lead) (?:of|for) (?:action )?${REF}\b`)))) return { kind: 'whoOwns', ref: m[1] };

  if ((m = t.match(/\bkpis? (?:for |code )?([a-z][a-z0-9]{1,11})\b/)) && !KPI_NOT_A_CODE.has(m[1])) return { kind: 'kpi', code: m[1] };
  if (/\bkpis?\b.*\b(of+[- ]?targe?t|red|below target|not on target|behind|missing target|failing)\b/.test(t) || /\b(off target|off-target)\b/.test(t))
    return { kind: 'kpisOffTarget' };
  if (/\bkpis?\b/.test(t) || /\bindicators?\b/.test(t)) return { kind: 'kpiList' };
  if ((m = t.match(/^(c\d{3})$/))) return { kind: 'kpi', code: m[1] };

  if (/\b(my|mine|i own|do i own|assigned to me|on my plate|i'm responsible|i am responsible|my stuff|my work)\b/.test(t)) return { kind: 'myActions' };

  const prio = t.match(new RegExp(String.raw`\b(?:priority|theme|recommendation|outcome)\s+${REF}\b`));
  const rag = t.match(/\b(red|amber|green)\b/);

  if (/\boverdue\b|\bpast due\b|\bpast their due\b|\bmissed\b/.test(t)) {
    const intent: Intent = { kind: 'overdue' };
    if (prio) intent.priorityRef = prio[1];
    if (rag) intent.rag = rag[1] as Rag;
    const owner = raw.match(/\b(?:for|owned by|by)\s+(.+?)\s*\??\s*$/i);
    if (owner && !/^(priority|theme)\b/i.test(owner[1]) && !/^me$/i.test(owner[1])) intent.ownerRole = owner[1].trim();
    return intent;
  }

  if (/\bdue\b|\bcoming up\b|\bupcoming\b|\bdeadlines?\b/.test(t)) {
    if ((m = t.match(/\b(?:in|within|next)\s+(\d{1,3})\s+days?\b/))) return { kind: 'dueSoon', window: { kind: 'days', days: Math.min(366, Number(m[1])) } };
    if ((m = t.match(/\b(?:in|within|next)\s+(\d{1,2})\s+weeks?\b/))) return { kind: 'dueSoon', window: { kind: 'days', days: Number(m[1]) * 7 } };
    if (/\bthis week\b/.test(t)) return { kind: 'dueSoon', window: { kind: 'thisWeek' } };
    if (/\bnext week\b/.test(t)) return { kind: 'dueSoon', window: { kind: 'nextWeek' } };
    if (/\bthis month\b/.test(t)) return { kind: 'dueSoon', window: { kind: 'thisMonth' } };
    if (/\bnext month\b/.test(t)) return { kind: 'dueSoon', window: { kind: 'nextMonth' } };
    return { kind: 'dueSoon', window: { kind: 'days', days: 14 } };
  }

  if (rag) return prio ? { kind: 'rag', rag: rag[1] as 'red' | 'amber' | 'green', priorityRef: prio[1] } : { kind: 'rag', rag: rag[1] as 'red' | 'amber' | 'green' };
  if (prio) return { kind: 'priority', ref: prio[1] };
  if (/\b(summary|overview|plan status|dashboard|how are we doing|rag count|rag mix|position)\b/.test(t)) return { kind: 'summary' };
  if (/\b(unowned|no owner|without an owner|nobody owns|orphan)/.test(t)) return { kind: 'unowned' };

  if ((m = t.match(new RegExp(String.raw`^(?:action|milestone|show|open|view|details?(?: of| for)?|ref|item)?\s*${REF}$`)))) return { kind: 'action', ...splitMilestone(m[1]) };

  const stripped = t.replace(FILLER, ' ').replace(/\s+/g, ' ').trim();
  if (stripped === 'help') return { kind: 'help' };
  return { kind: 'unknown', text: raw.trim(), suggestion: suggest(t) };
}

/**
 * "2.1.3" may be action 2.1's third milestone (Southend 2016) or an action ref in its own right
 * (Sefton's 1.3.6). Both are returned as a ref; the query layer tries the action first, then the
 * milestone reading, so neither layout needs a special syntax.
 */
function splitMilestone(ref: string): { ref: string; seq?: number } {
  return parseRef(ref);
}

/** Role labels keep their case and punctuation as typed ("HoS (RB)"), so read them from the raw text. */
function roleFromRaw(raw: string, fallback: string): string {
  const m = raw.match(/\bwho(?:\s+is|'s|’s)\s+(?:the\s+)?(.+?)\s*\??\s*$/i);
  // Roles are typed with their own capitals ("HoS (RB)"); only the question words are dropped.
  return (m ? m[1] : fallback).trim();
}

const UPDATE_WORDS = [
  'complete', 'completed', 'done', 'finished', 'red', 'amber', 'green', 'on track', 'not on track', 'off track',
  'some issues', 'not started', 'bau', 'business as usual', 'blue',
];

/**
 * "update 2.4 amber: recruitment delayed", "2.4 complete https://…", "milestone 2.1.3 done".
 * The status word must come straight after the ref, so a question that merely mentions a ref and a
 * colour ("what's amber in 2") is never taken as an update.
 */
export function parseUpdate(raw: string): Intent | undefined {
  const s = raw.normalize('NFKC').replace(/[\u2018\u2019]/g, "'").trim();
  const words = UPDATE_WORDS.map((w) => w.replace(/ /g, '\\s+')).join('|');
  const re = new RegExp(String.raw`^(?:update|set|mark)?\s*(?:action|milestone)?\s*${REF}\s*(?:is|as|to|=|-|:)?\s*(${words})\b\s*(?:[:–—,-]\s*)?(.*)$`, 'is');
  const m = s.match(re);
  if (!m) return undefined;
  if (!/^(update|set|mark|action|milestone)\b/i.test(s) && !/^\d/.test(s)) return undefined;
  let rest = m[3].trim();
  let evidenceUrl: string | undefined;
  const url = rest.match(/\bhttps?:\/\/\S+/i);
  if (url) {
    evidenceUrl = url[0].replace(/[).,;]+$/, '');
    rest = rest.replace(url[0], '').replace(/\s+/g, ' ').trim();
  }
  rest = rest.replace(/^(evidence|because|reason)\s*[:-]?\s*/i, '').trim();
  const intent: Intent = { kind: 'update', ref: m[1], word: m[2].toLowerCase().replace(/\s+/g, ' ') };
  if (rest) intent.commentary = rest;
  if (evidenceUrl) intent.evidenceUrl = evidenceUrl;
  return intent;
}

function suggest(text: string): string | undefined {
  let best: { ex: string; d: number } | undefined;
  for (const ex of EXAMPLES) {
    const exN = normalise(ex).replace(/\b(2\.4|3\.2|c056|3|2|hos \(rb\)|14)\b/g, '').trim();
    const d = editDistance(text.slice(0, exN.length + 3), exN);
    if (!best || d < best.d) best = { ex, d };
  }
  if (best && best.d <= Math.max(2, Math.floor(text.length / 4))) return best.ex;
  return undefined;
}

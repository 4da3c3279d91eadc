/**
 * Tokenising and normalising chat text, and the small edit distance used for typo tolerance.
 * Kept separate from the intent rules so the resolver and the parser normalise the same way.
 */

/** Longest text we try to understand; anything longer gets plain help straight away. */
export const MAX_UNDERSTOOD_LENGTH = 500;

/** Zero-width and bidi control characters people paste in from Word, Outlook and Teams itself. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Lower-case, straight quotes, invisible characters out, punctuation to spaces (refs keep their dots and hyphens). */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/[\u2018\u2019\u201b\u2032\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .toLowerCase()
    .replace(/<at>[^<]*<\/at>/g, ' ')
    // The bot's own @mention (teams-ai removes it, but pasted or forwarded text may keep it); other
    // @mentions name people, so only the "@" goes.
    .replace(/@improvement plan(?: bot)?\b/g, ' ')
    .replace(/(^|\s)@(?=\w)/g, '$1')
    .replace(/[?!,;:"()[\]{}<>*_~|\\]+/g, ' ')
    .replace(/(^|\s)[-']+|[-']+(?=\s|$)/g, ' ')
    .replace(/\.(?!\d|[a-z]{1,6}\.\d)(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "HoS (RB)", "hos rb", "HOS-RB" all become "hosrb": for matching role labels loosely. */
export function looseKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '');
}

/** Words of a phrase, loosely: letters and digits only. */
export function wordsOf(s: string): string[] {
  return s
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^a-z0-9']+/)
    .map((w) => w.replace(/'s$|'/g, ''))
    .filter((w) => w !== '');
}

/** Optimal string alignment distance (a swap of two letters counts once), capped for speed. */
export function editDistance(a: string, b: string, cap = 4): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = cap + 1;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i][j] = v;
      if (v < best) best = v;
    }
    if (best > cap) return cap + 1;
  }
  return rows[a.length][b.length];
}

/** How many typos a word of this length may carry and still be recognised. */
export function typoAllowance(word: string): number {
  if (word.length < 4) return 0;
  if (word.length < 7) return 1;
  return 2;
}

/** True when `typed` is `known` with at most the typos its length allows. */
export function closeWord(typed: string, known: string): boolean {
  if (typed === known) return true;
  const allowed = Math.min(typoAllowance(typed), typoAllowance(known));
  return allowed > 0 && editDistance(typed, known, allowed) <= allowed;
}

/** Simple English stem for matching KPI names: "placements" ~ "placement", "assessments" ~ "assessment". */
export function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

export const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
};

/**
 * "not red, the amber ones", "no, not the 2016 plan - the 2021 one", "not overdue stuff, what's
 * coming up": a message that opens by saying what is not wanted is read from what follows. A ref
 * named only in the dropped part is kept ("I'm not after who owns 3.10, just when it's due").
 */
export function withoutNegated(text: string): string {
  const m = text.match(/^\s*(?:no[,.]?\s+)?(?:(?:i'?m|i am|i'?m really)\s+)?not\s+(?:after\s+|asking (?:about|for)\s+|interested in\s+|looking for\s+|wanting\s+)?((?:[^,.;:!?\u2013\u2014]|\.(?=\d))+?)\s*(?:[,;:!?\u2013\u2014]|\.(?!\d)|\s-\s)\s*(?:(?:just|but|only|i want|i need)\s+)?(.+)$/i);
  if (!m || !m[2].trim()) return text;
  const refs = m[1].match(/\b\d{1,3}(?:\.\d{1,3}){1,3}\b/g) ?? [];
  const rest = m[2].trim();
  return refs.length && !/\b\d{1,3}(?:\.\d{1,3}){1,3}\b/.test(rest) ? `${rest} ${refs.join(' ')}` : rest;
}

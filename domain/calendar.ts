/**
 * Month names, in one place for every reader and writer of dates: due dates, KPI periods, imported
 * cells and typed questions. British English; "Sept" is a spelling people use, so it is a name too.
 */
export const MONTH_ABBR: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MONTH_NAME: readonly string[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The words that name each month, lower case: abbreviation, full name, and any other spelling in use. */
export const MONTH_WORDS: ReadonlyArray<readonly string[]> = MONTH_NAME.map((name, i) => {
  const words = [...new Set([MONTH_ABBR[i].toLowerCase(), name.toLowerCase()])];
  if (i === 8) words.splice(1, 0, 'sept');
  return words;
});

/** 1–12 for a whole month word ("jan", "January", "sept", "Sept."), else undefined. */
export function monthNumber(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  const i = MONTH_WORDS.findIndex((names) => names.includes(w));
  return i < 0 ? undefined : i + 1;
}

/** 1–12 for a word whose first three letters are a month's ("janvier" too: callers have already matched a month shape). */
export function monthOfPrefix(word: string): number | undefined {
  const i = MONTH_ABBR.findIndex((a) => a.toLowerCase() === word.slice(0, 3).toLowerCase());
  return i < 0 ? undefined : i + 1;
}

/**
 * The phrasing-understanding section of BENCHMARKS.md lives between these markers. It is written by
 * `npm run eval:phrasings -- --write` and carried over unchanged when `npm run bench` rewrites the
 * rest of the file, so neither run loses the other's figures.
 */
export const START = '<!-- phrasings:start -->';
export const END = '<!-- phrasings:end -->';

export function phrasingBlock(text: string): string | undefined {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  return a >= 0 && b > a ? text.slice(a, b + END.length) : undefined;
}

/** `report` with the phrasing block of `previous` (or `block`) in place of its own, appended if it has none. */
export function withPhrasingBlock(report: string, block: string | undefined): string {
  if (!block) return report;
  const own = phrasingBlock(report);
  return own ? report.replace(own, block) : `${report.trimEnd()}\n\n${block}\n`;
}

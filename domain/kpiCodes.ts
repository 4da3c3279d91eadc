/**
 * KPI codes as councils write them: "c056", "A2", "NI 062", "PI-12", "CSC07", "KPI 4.1", "SH.KPI.3".
 *
 * A code is stored lower-case with its own separators ("ni 062", "pi-12"), and compared by its letters
 * and digits only, so "NI062", "ni-062" and "NI 062" are the same KPI. In text, codes are found by
 * matching the codes actually defined wherever the caller has them; without them only a few shapes
 * are taken, because plan text is full of things that look like codes ("KS2", "EHCP 20", "2.4").
 */

/** The stored form: lower case, spaces collapsed. */
export function normaliseKpiCode(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Letters and digits only: the form two spellings of one code share ("NI 062" and "ni-062" → "ni062"). */
export function kpiCodeKey(code: string): string {
  return code.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Is this a code a KPI file may define? Letters, digits, and single ".", "_", "-" or spaces between
 * them, up to 20 characters. A code is never only digits and dots: that is an action ref ("2.4").
 */
export function isKpiCode(code: string): boolean {
  return code.length <= 20 && /^[a-z0-9]+(?:[ ._-][a-z0-9]+)*$/.test(code) && /[a-z]/.test(code);
}

/** The defined code this typed one means, matched by letters and digits ("ni062" → "ni 062"), if exactly one. */
export function findKpiCode(typed: string, codes: readonly string[]): string | undefined {
  const key = kpiCodeKey(typed);
  if (!key) return undefined;
  const hits = codes.filter((c) => kpiCodeKey(c) === key);
  return hits.length === 1 ? hits[0] : hits.find((c) => c === normaliseKpiCode(typed));
}

/** A code's pattern in text: its chunks, any one separator (or none) between them, not inside a longer word or number. */
function codePattern(code: string): string {
  const chunks = code.match(/[a-z]+|\d+/g) ?? [];
  return `(?<![A-Za-z0-9])${chunks.join('[ ._-]?')}(?![A-Za-z0-9]|[.,]\\d)`;
}

/** Only codes with a letter and a digit are looked for in prose: "visits" or "icpc" would match ordinary words. */
const findable = (code: string) => /[a-z]/.test(code) && /\d/.test(code);

export interface FoundCode {
  code: string;
  /** Where in the text it starts, and how long it is there. */
  index: number;
  length: number;
}

/** The defined codes mentioned in a text, each where it is written ("… NI062 and pi 12 …"). */
export function knownCodesIn(text: string, codes: readonly string[]): FoundCode[] {
  const out: FoundCode[] = [];
  // Longest first, so "kpi 4.12" is not also read as "kpi 4.1".
  for (const code of [...codes].filter(findable).sort((a, b) => kpiCodeKey(b).length - kpiCodeKey(a).length)) {
    for (const m of text.matchAll(new RegExp(codePattern(code), 'gi'))) {
      const at = m.index ?? 0;
      if (out.some((f) => at < f.index + f.length && f.index < at + m[0].length)) continue;
      out.push({ code, index: at, length: m[0].length });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Codes in text by their shape alone, for when no definitions are at hand. Conservative: the cNNN
 * family, national and local indicator prefixes written in capitals ("NI 062", "PI-12", "LPI 7",
 * "BVPI 156", "KPI 4.1") and "<SERVICE>.KPI.<n>" ("SH.KPI.3"). Returned in the stored form of what was
 * written ("ni 062", "pi-12"); a council whose codes have other shapes is matched through its
 * definitions (knownCodesIn).
 */
export function shapedCodesIn(text: string): FoundCode[] {
  const out: FoundCode[] = [];
  const push = (m: RegExpMatchArray, code: string) => out.push({ code, index: m.index ?? 0, length: m[0].length });
  for (const m of text.matchAll(/\b[cC](\d{3})\b/g)) push(m, `c${m[1]}`);
  for (const m of text.matchAll(/(?<![A-Za-z0-9.])(NI|PI|LPI|BVPI|KPI)([ -]?)(\d{1,4}(?:\.\d{1,3})?)(?![A-Za-z0-9]|[.,]\d)/g)) push(m, normaliseKpiCode(m[0]));
  for (const m of text.matchAll(/(?<![A-Za-z0-9.])([A-Z]{2,6})\.KPI\.(\d{1,3})(?![A-Za-z0-9]|[.,]\d)/g)) push(m, normaliseKpiCode(m[0]));
  return out.sort((a, b) => a.index - b.index);
}

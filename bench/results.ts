import { median } from './stats';
import type { CountCell, LatencyRow } from './report';

/**
 * bench/results.json: the per-question figures of one run as plain rows, so two runs can be
 * compared by a script (and BENCHMARKS.md can show the previous run's figures beside the new ones).
 */
export interface ResultRow {
  question: string;
  /** Actions in the plan asked about. */
  actions: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Latency ÷ the echo baseline measured in the same phase. */
  p50Ratio: number | null;
  p95Ratio: number | null;
  /** Median table requests per question (pipeline counter; the wire proxy agrees, see BENCHMARKS.md). */
  tableRequests: number | null;
  /** Median entities returned by table reads per question. */
  entitiesRead: number | null;
  /** Mean CPU of the benchmark process per question minus the echo baseline's: the bot's own work. */
  botCpuMs: number | null;
}

export interface ResultsFile {
  generatedAt: string;
  code: string;
  /** The CPU model and count the run was measured on ("AMD EPYC × 2"): ratios move between machines. Absent before 4 Dec 2026. */
  machine?: string;
  quick: boolean;
  rows: ResultRow[];
}

const round = (v: number | undefined, digits = 2): number | null => (v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));

/** One row per question and plan size from a latency table (or undefined) and a count table. */
export function resultRows(actions: number, latency: LatencyRow[] | undefined, counts: Map<string, CountCell>, extra: { update?: { row: LatencyRow; echo: LatencyRow } } = {}): ResultRow[] {
  const echo = latency?.find((l) => l.key === 'echo');
  const keys = [...new Set([...(latency ?? []).map((l) => l.key), ...counts.keys()])];
  return keys.map((key) => {
    const l = key === 'update' ? extra.update?.row : latency?.find((x) => x.key === key);
    const base = key === 'update' ? extra.update?.echo : echo;
    const c = counts.get(key);
    return {
      question: key,
      actions,
      p50Ms: round(l?.p50),
      p95Ms: round(l?.p95),
      p50Ratio: l && base ? round(l.p50 / base.p50) : null,
      p95Ratio: l && base ? round(l.p95 / base.p95) : null,
      tableRequests: c?.counter.length ? median(c.counter) : null,
      entitiesRead: c?.entities.length ? median(c.entities) : null,
      botCpuMs: key === 'echo' ? 0 : l?.cpuMs !== undefined && base?.cpuMs !== undefined ? round(l.cpuMs - base.cpuMs) : null,
    };
  });
}

/**
 * Headings this generator writes (now or in earlier versions). Any other "## " section found in the
 * previous BENCHMARKS.md was added by someone else and is carried over verbatim, so regenerating the
 * file never deletes another benchmark's figures.
 */
const GENERATED = /^## (How to read this|Data|Goals\b|Compared with the previous run|Findings|\d+\. (Question latency|Update latency|Table requests per question|Import$|Throughput|Digest fan-out|Memory and CPU by phase))/;

const MARKED = /<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g;

function sections(text: string, level: '## ' | '### '): string[] {
  return text.split(new RegExp(`^(?=${level})`, 'm')).filter((p) => p.startsWith(level));
}

const headingOf = (section: string) => section.split('\n', 1)[0].trim();
const sectionNumber = (heading: string) => /^## (\d+)\./.exec(heading)?.[1];

/**
 * `report` with what other benchmarks wrote into the previous file put back:
 *  - blocks between `<!-- name:start -->` and `<!-- name:end -->` markers (kept as they were, at the end);
 *  - "## " sections this generator does not write (before Findings);
 *  - "### " subsections inside generated sections (at the end of the same section of the new report).
 * Anything the new report already has (same heading or block) is left as generated.
 */
export function carryOver(report: string, previous: string | undefined): string {
  if (!previous) return report;
  let out = report;
  const blocks = [...previous.matchAll(MARKED)].map((m) => m[0]).filter((b) => !out.includes(b.split('\n', 1)[0]));
  const rest = previous.replace(MARKED, '');
  const has = (heading: string) => out.split('\n').some((l) => l.trim() === heading);
  const insertBefore = (marker: string, text: string) => {
    const i = out.indexOf(`\n${marker}`);
    out = i >= 0 ? `${out.slice(0, i)}\n${text.trimEnd()}\n${out.slice(i)}` : `${out.trimEnd()}\n\n${text.trimEnd()}\n`;
  };
  for (const section of sections(rest, '## ')) {
    const heading = headingOf(section);
    if (!GENERATED.test(heading)) {
      if (!has(heading)) insertBefore('## Findings', `${section.trimEnd()}\n`);
      continue;
    }
    for (const sub of sections(section, '### ')) {
      if (has(headingOf(sub))) continue;
      // The end of the new report's section with the same number (or heading), else before Findings.
      const num = sectionNumber(heading);
      const lines = out.split('\n');
      const at = lines.findIndex((l) => l.startsWith('## ') && (num ? sectionNumber(l) === num : l.trim() === heading));
      if (at < 0) {
        insertBefore('## Findings', `${sub.trimEnd()}\n`);
        continue;
      }
      const next = lines.findIndex((l, i) => i > at && l.startsWith('## '));
      const end = next < 0 ? lines.length : next;
      lines.splice(end, 0, ...`${sub.trimEnd()}\n`.split('\n'));
      out = lines.join('\n');
    }
  }
  for (const b of blocks) out = `${out.trimEnd()}\n\n${b}\n`;
  return out;
}

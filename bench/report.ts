import type { DeliveryResult } from './delivery';
import * as os from 'node:os';
import { median, mib, ms, ratio, seconds, type Summary } from './stats';
import type { PhaseUsage } from './resources';
import { resultRows, type ResultRow, type ResultsFile } from './results';

export interface LatencyRow extends Summary {
  key: string;
  label: string;
  errors: number;
  /** Mean CPU per request in the benchmark process and in Azurite, where measured. */
  cpuMs?: number;
  azuriteCpuMs?: number;
}

export interface CountCell {
  /** storage/requestCounter.ts delta per asked question. */
  counter: number[];
  /** Requests the counting proxy saw per asked question. */
  wire: number[];
  /** Per asked question: "<table> <op>" → requests. */
  byTable: Record<string, number>[];
  /** KPI codes on the action asked about or updated: its card looks each one up. */
  kpiCodes: number[];
  /** Entities returned by table reads per asked question (storage/requestCounter.ts). */
  entities: number[];
}

export interface ImportResult {
  size: number;
  actions: number;
  milestones: number;
  entities: number;
  importMs: number;
  importTransactions: number;
  importRequests: number;
  rawMs: [number, number];
  rawTransactions: number;
  storedRows: number;
  mismatches: number;
  reimportMs: number;
  reimportTransactions: number;
  reimportRequests: number;
  reimportUpdated: number;
  reimportUnchanged: number;
  reimportCreated: number;
}

export interface ThroughputRow {
  label: string;
  concurrency: number;
  seconds: number;
  completed: number;
  rps: number;
  p50: number;
  p95: number;
  errors: number;
}

export interface DatasetInfo {
  size: number;
  actions: number;
  milestones: number;
  priorities: number;
  entities: number;
  overdueOpen: number;
  roles: number;
  people: number;
  kpis: number;
  kpiValues: number;
}

export interface Results {
  quick: boolean;
  date: string;
  today: string;
  seed: number;
  samples: number;
  warmup: number;
  concurrency: number;
  throughputSeconds: number;
  countRepeats: number;
  sizes: { small: number; large: number };
  datasets: DatasetInfo[];
  myActionsItems: { min: number; median: number; max: number; people: number };
  examples: Record<string, string>;
  /** Sequential latency against the larger plan, and against the smaller one. */
  latency: LatencyRow[];
  latencySmall: LatencyRow[];
  sort: { items: number; currentMs: number; sharedCollatorMs: number; sameOrder: boolean };
  /** Card submits against the larger plan, and against the smaller one. */
  updates: UpdatePhase;
  updatesSmall: UpdatePhase;
  counts: { small: Map<string, CountCell>; large: Map<string, CountCell> };
  imports: ImportResult[];
  throughput: ThroughputRow[];
  delivery: DeliveryResult[];
  resources: PhaseUsage[];
  loadAtStart: number[];
  totalMs: number;
  code: string;
  /** The previous run's bench/results.json, for the old-beside-new table. */
  previous?: ResultsFile;
}

export interface UpdatePhase {
  size: number;
  /** How many distinct actions were updated (a small plan is cycled through). */
  actionsUpdated: number;
  update: LatencyRow;
  echo: LatencyRow;
  versionRead: Summary;
  /** The update's load (getItemWithActionForUpdate) and, for comparison, a read of the action's rows alone. */
  loadRead?: Summary;
  actionRead?: Summary;
}

/** The rows bench/results.json holds for this run. */
export function resultsOf(r: Results): ResultRow[] {
  return [
    ...resultRows(r.sizes.small, r.latencySmall, r.counts.small, { update: { row: r.updatesSmall.update, echo: r.updatesSmall.echo } }),
    ...resultRows(r.sizes.large, r.latency, r.counts.large, { update: { row: r.updates.update, echo: r.updates.echo } }),
  ];
}

const n = (v: number) => v.toLocaleString('en-GB');

function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const a = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  return [
    `| ${header.join(' | ')} |`,
    `| ${a.map((x) => (x === 'l' ? ':--' : '--:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** "7" when every asked instance cost the same, "9 (7–13)" = median (min–max) when they differed. */
function spread(values: number[]): string {
  if (!values.length) return '–';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${median(values)} (${lo}–${hi})`;
}

/** The per-table breakdown of the instance with the median wire count. */
function breakdown(cell: CountCell | undefined): string {
  if (!cell || !cell.wire.length) return '–';
  const m = median(cell.wire);
  const i = Math.max(0, cell.wire.indexOf(m));
  const parts = Object.entries(cell.byTable[i] ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return parts.length ? parts.map(([k, v]) => `${k} ×${v}`).join(', ') : 'none';
}

function machine(loadAtStart: number[]): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node ${process.version} on ${os.type()} ${os.release()} (${os.arch()})`,
    `- Load average (1/5/15 min) at the start of the run: ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}; at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
  ].join('\n');
}

const QUESTION_LABEL: Record<string, string> = {
  echo: 'echo baseline',
  overdue: "“what's overdue”",
  myActions: '“my actions”',
  rag: "“what's amber”",
  action: '“action X”',
  kpi: '“kpi X”',
  update: 'card update (submitUpdate)',
};

export function renderReport(r: Results): string {
  const [smallData, largeData] = r.datasets;
  const [smallImport, largeImport] = r.imports;
  const out: string[] = [];

  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Generated by \`npm run bench\` (bench/run.ts) on ${r.date.slice(0, 16).replace('T', ' ')} UTC; the whole file is rewritten on every run.` +
      (r.quick ? ' **This is a QUICK smoke run (BENCH_QUICK=1): small plans and few samples; do not quote these figures.**' : ''),
  );
  out.push(
    `Settings: ${r.samples} timed samples per question after ${r.warmup} warm-up rounds (BENCH_SAMPLES, BENCH_WARMUP), ` +
      `concurrency ${r.concurrency} for ${r.throughputSeconds} s per pass (BENCH_THROUGHPUT_SECONDS), seed ${r.seed} (BENCH_SEED), bot clock fixed at ${r.today}. ` +
      `Code measured: ${r.code}. The run took ${seconds(r.totalMs)}.`,
  );
  out.push('');
  out.push('Machine:');
  out.push('');
  out.push(machine(r.loadAtStart));
  out.push('');

  out.push('## How to read this');
  out.push('');
  out.push(
    'This is a noisy, shared 2-core machine where the bot, the load client, the connector stand-in and Azurite compete for the same cores, so absolute milliseconds drift between runs. ' +
      'Each section has a baseline measured in the same run and interleaved with the measured requests (an echo handler on the bot\'s own restify server factory and TeamsAdapter, replying through ' +
      'the same connector stand-in, with no storage or domain work), so read the ratios (×echo), the request counts and import ÷ raw, and treat absolutes as orders of magnitude. ' +
      'Storage is the in-memory Azurite emulator, which filters every entity of a table for each query page; Azure Table Storage serves a partition range from an index, so latency that grows ' +
      'with plan size here may not grow the same way in production, whereas request counts carry over exactly.',
  );
  out.push('');

  out.push('## Data');
  out.push('');
  out.push(
    'Generated by bench/generatePlan.ts (seeded PRNG). Each action has 5 milestones; due dates are spread from 6 months before the bot\'s "today" to 12 months after; ' +
      'statuses and RAG follow the due date (most past items complete, some overdue); ~35% of actions cite 1–3 KPI codes in their outcomes; ~3% have a lead nobody in the directory holds.',
  );
  out.push('');
  out.push(
    table(
      ['Plan', 'actions', 'milestones', 'priorities', 'table entities written', 'open overdue items', 'directory roles / people', 'KPIs × monthly values'],
      [smallData, largeData].map((d) => [
        `${n(d.size)} actions`,
        n(d.actions),
        n(d.milestones),
        String(d.priorities),
        n(d.entities),
        n(d.overdueOpen),
        `${d.roles} / ${d.people}`,
        `${d.kpis} × ${d.kpiValues / d.kpis}`,
      ]),
    ),
  );
  out.push('');
  out.push(
    `“my actions” is asked by a random person whose roles own items in the ${n(r.sizes.large)}-action plan (${r.myActionsItems.people} people; ` +
      `their roles own ${r.myActionsItems.min}–${r.myActionsItems.max} items, median ${r.myActionsItems.median}, before completed items are filtered out).`,
  );
  out.push('');

  out.push(`## 1. Question latency (sequential, ${n(r.sizes.small)}- and ${n(r.sizes.large)}-action plans)`);
  out.push('');
  out.push(
    `HTTP POST of a Teams message activity to /api/messages until the response ends; the bot has sent its reply card to the connector stand-in by then. ` +
      `One question of each kind per round, in shuffled order, ${r.samples} rounds, against each plan in turn (its own Azurite and bot). ` +
      'CPU columns are the mean CPU time used while a request was in flight: “process” is the benchmark process (bot, client and connector stand-in; the echo row is the part that is not the bot), ' +
      '“bot CPU beyond echo” is process CPU minus the echo row\'s, “Azurite” is the emulator (from /proc, 10 ms ticks, so only the mean over all samples is meaningful).',
  );
  out.push('');
  const latencyRows = (size: number, rows: LatencyRow[]) => {
    const e = rows.find((l) => l.key === 'echo')!;
    return rows.map((l) => [
      l.label,
      n(size),
      String(l.n),
      ms(l.p50),
      ms(l.p95),
      ms(l.p99),
      ratio(l.p50, e.p50),
      ratio(l.p95, e.p95),
      ms(l.cpuMs ?? NaN),
      l.key === 'echo' ? '–' : ms((l.cpuMs ?? NaN) - (e.cpuMs ?? NaN)),
      ms(l.azuriteCpuMs ?? NaN),
      String(l.errors),
    ]);
  };
  out.push(
    table(
      ['Question', 'actions', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 ÷ echo p50', 'p95 ÷ echo p95', 'process CPU ms', 'bot CPU beyond echo ms', 'Azurite CPU ms', 'failed'],
      [...latencyRows(r.sizes.small, r.latencySmall), ...latencyRows(r.sizes.large, r.latency)],
    ),
  );
  out.push('');

  const ups = [r.updatesSmall, r.updates];
  out.push('## 2. Update latency (card submit → stored → card back)');
  out.push('');
  out.push(
    `An Action.Execute invoke with verb submitUpdate from the action's owner, ${r.samples} timed (plus ${r.warmup} warm-up) against each plan, on ${ups.map((u) => `${n(u.actionsUpdated)} distinct open actions at ${n(u.size)}`).join(' and ')} (a plan with fewer open owned actions than submits is cycled through), each with the version read from storage first (untimed; ` +
      `that read took p50 ${ups.map((u) => `${ms(u.versionRead.p50)} ms at ${n(u.size)}`).join(', ')}). Timed until the invoke response (the refreshed card) arrives; by then the change, its history row and index rows are committed and the shared ` +
      'card has been updated through the connector stand-in. Every response was checked to be a card and every stored version to have moved on by one. Echo requests were interleaved one-for-one. CPU columns are means per submit, as in section 1.',
  );
  out.push('');
  out.push(
    table(
      ['Request', 'actions', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'p50 ÷ echo p50', 'p95 ÷ echo p95', 'bot CPU beyond echo ms', 'Azurite CPU ms', 'failed'],
      ups.flatMap((u) =>
        [u.update, u.echo].map((l) => [l.label, n(u.size), String(l.n), ms(l.p50), ms(l.p95), ms(l.p99), ms(l.mean), ratio(l.p50, u.echo.p50), ratio(l.p95, u.echo.p95), l === u.update ? ms((u.update.cpuMs ?? NaN) - (u.echo.cpuMs ?? NaN)) : '–', l === u.update ? ms(u.update.azuriteCpuMs ?? NaN) : '–', String(l.errors)]),
      ),
    ),
  );
  out.push('');

  out.push('## 3. Table requests per question');
  out.push('');
  out.push(
    `Each question asked ${r.countRepeats} times (different refs, codes and people) against the ${n(r.sizes.small)}- and ${n(r.sizes.large)}-action plans, each in its own Azurite, after every person had said hello once. ` +
      '“counter” is the change in tableRequestCount() across one question, counted by a pipeline policy on every table client (storage/requestCounter.ts); “wire” is what a counting proxy between that bot and Azurite saw; ' +
      '“entities read” is how many entities the table reads returned (the same policy counts them in each response). ' +
      'A single figure means every instance cost the same; otherwise median (min–max). The breakdown is the median instance at the larger size.',
  );
  out.push('');
  const keys = [...new Set([...r.counts.small.keys(), ...r.counts.large.keys()])];
  out.push(
    table(
      [
        'Question',
        `counter @${n(r.sizes.small)}`,
        `counter @${n(r.sizes.large)}`,
        `wire @${n(r.sizes.small)}`,
        `wire @${n(r.sizes.large)}`,
        `entities read @${n(r.sizes.small)}`,
        `entities read @${n(r.sizes.large)}`,
        `wire breakdown @${n(r.sizes.large)}`,
      ],
      keys.map((k) => {
        const s = r.counts.small.get(k);
        const l = r.counts.large.get(k);
        return [QUESTION_LABEL[k] ?? k, spread(s?.counter ?? []), spread(l?.counter ?? []), spread(s?.wire ?? []), spread(l?.wire ?? []), spread(s?.entities ?? []), spread(l?.entities ?? []), breakdown(l)];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  out.push('');

  out.push('## 4. Import');
  out.push('');
  out.push(
    'importPlan (services/importPlan.ts) of a first import into an empty partition, next to a raw baseline: the same entities (built with the same itemToEntity/indexRowsFor, ' +
      'checked field-for-field against what the import stored) written with TableClient.submitTransaction in chunks of 100 into a fresh table, once before and once after the import. ' +
      'Then the unchanged plan is imported again.',
  );
  out.push('');
  out.push(
    table(
      ['Plan', 'entities', 'importPlan', 'transactions', 'requests', 'raw batch #1', 'raw batch #2', 'importPlan ÷ raw (mean)', 'rows match'],
      r.imports.map((i) => [
        `${n(i.actions)} actions / ${n(i.milestones)} milestones`,
        n(i.entities),
        seconds(i.importMs),
        String(i.importTransactions),
        String(i.importRequests),
        seconds(i.rawMs[0]),
        seconds(i.rawMs[1]),
        ratio(i.importMs, (i.rawMs[0] + i.rawMs[1]) / 2),
        i.mismatches === 0 && i.storedRows === i.entities ? `yes (${n(i.storedRows)})` : `NO: ${i.mismatches} differ, ${n(i.storedRows)} stored`,
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  out.push('');
  out.push(
    table(
      ['Re-import of the unchanged plan', 'time', 'transactions', 'table requests', 'created / updated / unchanged', '÷ first import'],
      r.imports.map((i) => [
        `${n(i.actions)} actions`,
        seconds(i.reimportMs),
        String(i.reimportTransactions),
        String(i.reimportRequests),
        `${i.reimportCreated} / ${i.reimportUpdated} / ${n(i.reimportUnchanged)}`,
        ratio(i.reimportMs, i.importMs),
      ]),
    ),
  );
  out.push('');
  out.push(
    'Re-import requests are the reads the diff needs (item rows, 1,000 per page) plus the plan row in the Plans table, which is re-stamped with importedAt on every import even when nothing changed; transactions counts PlanItems batches only.',
  );
  out.push('');

  out.push(`## 5. Throughput (concurrency ${r.concurrency}, ${n(r.sizes.large)}-action plan)`);
  out.push('');
  out.push(
    `${r.concurrency} client loops, each a different person, for ${r.throughputSeconds} s after a short warm-up; requests per second counts completed responses. ` +
      'The client, the echo server, the bot and the connector stand-in share one Node.js thread, so the echo figure is the ceiling of that one thread (see its CPU in section 6), not of the HTTP stack.',
  );
  out.push('');
  const echoT = r.throughput.find((t) => t.label.startsWith('echo'));
  out.push(
    table(
      ['Request', 'completed', 'seconds', 'req/s', '÷ echo req/s', 'p50 ms under load', 'p95 ms under load', 'failed'],
      r.throughput.map((t) => [t.label, n(t.completed), t.seconds.toFixed(1), t.rps.toFixed(1), ratio(t.rps, echoT?.rps ?? NaN), ms(t.p50), ms(t.p95), String(t.errors)]),
    ),
  );
  out.push('');

  out.push(renderDelivery(r.delivery));
  out.push('');

  out.push('## 7. Memory and CPU by phase');
  out.push('');
  out.push(
    'Peak RSS sampled every 50 ms (Azurite every 250 ms) and CPU seconds (user + system) used during each phase. The process columns are the benchmark process, which holds the bot and the echo ' +
      'server but also the generated plans, the HTTP client and the connector stand-in (restarted between phases so its record of sent messages does not accumulate): an upper bound for the bot. ' +
      'Azurite runs as child processes (both stores while both are up) and is read from /proc. With two cores, CPU seconds ÷ duration near 2 means the machine was saturated.',
  );
  out.push('');
  const peakProcess = Math.max(...r.resources.map((m) => m.processRss));
  const peakChildren = Math.max(...r.resources.map((m) => m.childrenRss));
  const cpu = (v: number) => `${v.toFixed(1)} s`;
  out.push(
    table(
      ['Phase', 'duration', 'process RSS', 'process heap used', 'Azurite RSS', 'process CPU', 'Azurite CPU'],
      [
        ...r.resources.map((m) => [m.phase, seconds(m.wallMs), mib(m.processRss), mib(m.heapUsed), mib(m.childrenRss), cpu(m.processCpu), cpu(m.childrenCpu)]),
        [
          '**whole run**',
          seconds(r.totalMs),
          `**${mib(peakProcess)}**`,
          mib(Math.max(...r.resources.map((m) => m.heapUsed))),
          `**${mib(peakChildren)}**`,
          cpu(r.resources.reduce((a, m) => a + m.processCpu, 0)),
          cpu(r.resources.reduce((a, m) => a + m.childrenCpu, 0)),
        ],
      ],
    ),
  );
  out.push('');

  out.push(...goals(r));
  out.push(...comparison(r));

  out.push('## Findings');
  out.push('');
  for (const line of findings(r, smallImport, largeImport)) out.push(`- ${line}`);
  out.push('');
  return out.join('\n');
}

/** Issue #16's targets against this run's figures. */
function goals(r: Results): string[] {
  const rows = resultsOf(r);
  const at = (q: string, size: number) => rows.find((x) => x.question === q && x.actions === size);
  const questionsAsked = ['overdue', 'myActions', 'rag', 'action', 'kpi'];
  const sizes = [r.sizes.small, r.sizes.large];
  const fmt = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '–' : `${v}${unit}`);
  const lines: string[][] = [];
  const verdict = (ok: boolean[]) => (ok.every(Boolean) ? 'met' : ok.some(Boolean) ? 'partly' : 'not met');
  for (const q of [...questionsAsked, 'update']) {
    const vals = sizes.map((s) => at(q, s)?.tableRequests);
    lines.push([`${QUESTION_LABEL[q] ?? q}: at most 2 table requests`, ...vals.map((v) => fmt(v)), verdict(vals.map((v) => v !== null && v !== undefined && v <= 2))]);
  }
  for (const q of [...questionsAsked, 'update']) {
    const vals = sizes.map((s) => at(q, s)?.entitiesRead);
    // "rows shown + 50": list cards show 10, an action card its action and milestones (≤ 16).
    lines.push([`${QUESTION_LABEL[q] ?? q}: entities read ≤ rows shown + 50 at both sizes`, ...vals.map((v) => fmt(v)), verdict(vals.map((v) => v !== null && v !== undefined && v <= 60))]);
  }
  for (const q of [...questionsAsked, 'update']) {
    const vals = sizes.map((s) => at(q, s)?.botCpuMs);
    lines.push([`${QUESTION_LABEL[q] ?? q}: bot CPU beyond echo ≤ 5 ms`, ...vals.map((v) => fmt(v, ' ms')), verdict(vals.map((v) => v !== null && v !== undefined && v <= 5))]);
  }
  const od = sizes.map((s) => at('overdue', s)?.p95Ratio);
  lines.push([`“what's overdue” p95 ≤ 3× echo at ${n(r.sizes.small)}, ≤ 5× at ${n(r.sizes.large)}`, ...od.map((v) => fmt(v, '×')), verdict([(od[0] ?? Infinity) <= 3, (od[1] ?? Infinity) <= 5])]);
  const up = sizes.map((s) => at('update', s)?.p95Ratio);
  lines.push(['card update p95 ≤ 5× echo', ...up.map((v) => fmt(v, '×')), verdict(up.map((v) => (v ?? Infinity) <= 5))]);
  return [
    '## Goals (issue #16)',
    '',
    'The targets for this machine\'s in-memory Azurite, with this run\'s medians (requests, entities) and means (CPU).',
    '',
    table(['Goal', `@${n(r.sizes.small)}`, `@${n(r.sizes.large)}`, 'this run'], lines, ['l', 'r', 'r', 'l']),
    '',
  ];
}

/** The previous run's bench/results.json beside this run's figures. */
function comparison(r: Results): string[] {
  if (!r.previous?.rows.length) return [];
  const now = resultsOf(r);
  const f = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '–' : `${v}${unit}`);
  const rows = now
    .filter((x) => x.question !== 'echo')
    .map((x) => {
      const o = r.previous!.rows.find((p) => p.question === x.question && p.actions === x.actions);
      return [
        QUESTION_LABEL[x.question] ?? x.question,
        n(x.actions),
        `${f(o?.p50Ratio, '×')} → ${f(x.p50Ratio, '×')}`,
        `${f(o?.p95Ratio, '×')} → ${f(x.p95Ratio, '×')}`,
        `${f(o?.tableRequests)} → ${f(x.tableRequests)}`,
        `${f(o?.entitiesRead)} → ${f(x.entitiesRead)}`,
        `${f(o?.botCpuMs, ' ms')} → ${f(x.botCpuMs, ' ms')}`,
      ];
    });
  return [
    '## Compared with the previous run',
    '',
    `Previous: ${r.previous.code}, generated ${r.previous.generatedAt.slice(0, 16).replace('T', ' ')} UTC${r.previous.machine ? ` on ${r.previous.machine}` : ''} (bench/results.json as it was before this run; “–” = not measured then). Old → new.` +
      (!r.previous.machine
        ? ' The previous run did not record its machine: where it was another one, its ratios and CPU figures are not comparable with these; request and entity counts are.'
        : r.previous.machine !== `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`
          ? ' **The previous run was on another machine**, so its ratios and CPU figures are not comparable with these; request and entity counts are.'
          : ''),
    '',
    table(['Question', 'actions', 'p50 ÷ echo', 'p95 ÷ echo', 'table requests', 'entities read', 'bot CPU beyond echo'], rows),
    '',
  ];
}

/** The base cost if every instance fits counter = base + 1 when it cites any KPI code (one query for them all); undefined if not. */
function basePlusKpiQuery(cell: CountCell | undefined): number | undefined {
  if (!cell || !cell.counter.length) return undefined;
  const bases = cell.counter.map((c, i) => c - ((cell.kpiCodes[i] ?? 0) > 0 ? 1 : 0));
  return bases.every((b) => b === bases[0]) ? bases[0] : undefined;
}

function findings(r: Results, small: ImportResult, large: ImportResult): string[] {
  const f: string[] = [];
  const L = r.counts.large;
  const S = r.counts.small;
  const [sd, ld] = r.datasets;
  const big = n(ld.size);

  const upd = L.get('update');
  const updBase = basePlusKpiQuery(upd);
  if (upd) {
    f.push(
      `A card update costs ${spread(upd.counter)} table requests at ${big} actions (${spread(upd.wire)} on the wire; ${spread(S.get('update')?.counter ?? [])} at ${n(sd.size)}, where more of the actions asked cite KPIs)` +
        (updBase !== undefined ? `: ${updBase}, and 1 more when the action cites KPIs. ` : '. ') +
        "One query reads the action with its milestones (the target row's ETag is the token; each row keeps its own latest changes, storage/historyRows.ts), " +
        'and the shared rows a change of status, RAG or commentary moves: the due-summary row, the tally and RAG count rows, and the count rows of the owner the card showed (storage/dueSummary.ts, storage/pagedIndexes.ts; a revised date or a sign-off request reads its owned|, moved| or awaiting| rows in one more request); the caller\'s roles, the owner and their manager come from the directory held in memory ' +
        '(storage/directoryRepository.ts); then one entity-group transaction. The card after the save is built from what was read and written (bot/updateFlow.ts savedCard); ' +
        'only the cited KPIs\' latest values are read, in one query. That third request remains because KPI figures live in their own table, not in the plan\'s partition.',
    );
  }
  const act = L.get('action');
  const actBase = basePlusKpiQuery(act);
  if (act) {
    f.push(
      (actBase !== undefined
        ? `“action X” costs ${actBase} table request${actBase === 1 ? '' : 's'}, and 1 more when the action cites KPIs (one query for their definition rows, which keep each KPI's last two values), ${spread(act.counter)} in the ${act.counter.length} instances asked: `
        : `“action X” costs ${spread(act.counter)} table requests in the ${act.counter.length} instances asked (1 more when the action cites KPIs: one query for their definition rows; the largest is the first ref question this bot answered, which reads the plan's refs once per plan revision): `) +
        'the action with its milestones is one range read, and their rows carry their latest changes (storage/historyRows.ts), so the card\'s history needs no read of hist|; its lead comes from the directory held in memory. ' +
        'The ref itself is resolved against the plan\'s refs kept per plan revision with an index by ref (services/vocabulary.ts), read once after each import.',
    );
  }

  const mine = { s: S.get('myActions'), l: L.get('myActions') };
  if (mine.s && mine.l) {
    f.push(
      `“my actions” reads ${median(mine.s.entities)} entities at ${n(sd.size)} actions and ${median(mine.l.entities)} at ${big} (median; the askers' roles own ${r.myActionsItems.min}–${r.myActionsItems.max} items ` +
        `at ${big}) in ${spread(mine.l.counter)} requests: the caller's roles from the directory held in memory, then per role one range read of the owned| index (storage/pagedIndexes.ts), ` +
        'which opens with the role\'s count row (the list\'s size and RAG mix) and then holds the items not yet complete in due order, so only the page shown is read.',
    );
  }

  const amber = { s: S.get('rag'), l: L.get('rag') };
  if (amber.s && amber.l) {
    f.push(
      `“what's amber” reads ${median(amber.s.entities)} entities at ${n(sd.size)} actions and ${median(amber.l.entities)} at ${big} (median) in ${spread(amber.l.counter)} requests: one range read of the rag| index ` +
        '(storage/pagedIndexes.ts), which opens with the RAG\'s count row (how many open actions have it) and then holds them in ref order, so only the page shown is read.',
    );
  }

  const gap = [...L.entries()].filter(([k]) => k !== 'echo').map(([k, c]) => [k, median(c.wire) - median(c.counter)] as const);
  if (gap.some(([, g]) => g !== 0)) {
    f.push(
      '**tableRequestCount() undercounts every turn:** ' +
        gap.map(([k, g]) => `${QUESTION_LABEL[k] ?? k} +${g}`).join(', ') +
        ' requests on the wire. The counter is a pipeline policy on the clients openTables() makes; a request it misses comes from a table client made elsewhere.',
    );
  }

  const twice = (k: string) => (L.get(k)?.byTable ?? []).some((t) => (t['Plans query'] ?? 0) >= 2);
  const listQs = ['overdue', 'myActions'].filter(twice);
  if (listQs.length) {
    f.push(
      `${listQs.map((k) => QUESTION_LABEL[k]).join(' and ')} read the Plans table twice per question: services/planQueries.ts plansIn() lists plans, then bot/answerQuestion.ts list() → planCount() lists them again ` +
        'to decide whether to show plan names (when the chat is not a channel linked to one plan). One request each; cheap, but it is on every list question.',
    );
  }

  const od = { s: median(S.get('overdue')?.counter ?? []), l: median(L.get('overdue')?.counter ?? []) };
  const odEntities = { s: median(S.get('overdue')?.entities ?? []), l: median(L.get('overdue')?.entities ?? []) };
  const questionsOnly = r.latency.filter((l) => l.key !== 'echo');
  const slowest = questionsOnly.reduce((a, b) => (b.p50 > a.p50 ? b : a), questionsOnly[0]);
  const overdueT = r.throughput.find((t) => !t.label.startsWith('echo'));
  if (odEntities.l > 2 * odEntities.s + 50) f.push(
    `“what's overdue” grows with the plan: ${od.s} counted requests at ${n(sd.size)} actions, ${od.l} at ${big}, because it reads every open overdue index row (${n(sd.overdueOpen)} → ${n(ld.overdueOpen)}, ` +
      '1,000 per page) and builds every one into an item before showing the first 10 and the RAG counts. It is one range scan as planKeys.ts designs, but unbounded in size; with Azurite each page is also a scan of the whole table. ' +
      (slowest?.key === 'overdue' ? `It is the slowest question here (p50 ${ms(slowest.p50)} ms)` : `Its p50 is ${ms(r.latency.find((l) => l.key === 'overdue')?.p50 ?? NaN)} ms`) +
      (overdueT ? `, and at concurrency ${overdueT.concurrency} it completes ${overdueT.rps.toFixed(1)} req/s with a p50 of ${ms(overdueT.p50)} ms.` : '.'),
  );

  const odMax = Math.max(...(S.get('overdue')?.entities ?? [0]), ...(L.get('overdue')?.entities ?? [0]));
  if (odEntities.l <= 2 * odEntities.s + 50) {
    f.push(
      `“what's overdue” reads ${odEntities.s} entities per question at ${n(sd.size)} actions and ${odEntities.l} at ${big} (median; ${n(sd.overdueOpen)} and ${n(ld.overdueOpen)} items are overdue), ` +
        `in ${spread(L.get('overdue')?.counter ?? [])} request(s) at ${big}: one range read that opens with the plan's due summary row (the count and RAG mix; storage/dueSummary.ts) and goes on with the first page (plus the rest of the last due date on it).` +
        (odMax > odEntities.l + 50 ? ` The largest instance (${odMax} entities) is a summary rebuild: a summary stamped for another plan revision is rebuilt from the due| index (keys and RAG only).` : ''),
    );
  }
  const questionWire = ['overdue', 'myActions', 'rag', 'action', 'kpi'].flatMap((k) => L.get(k)?.wire ?? []);
  const upserts = ['overdue', 'myActions', 'rag', 'action', 'kpi'].some((k) => (L.get(k)?.byTable ?? []).some((t) => (t['Conversations upsert'] ?? 0) > 0));
  if (upserts) f.push(
    'Every message, read-only questions included, upserts the sender\'s conversation reference (bot/registerConversationTracking.ts), so each question carries one table write. By design (it keeps proactive messages working), but it is ' +
      `one of the ${Math.min(...questionWire)}–${Math.max(...questionWire)} requests each question costs on the wire.`,
  );

  const echoRow = r.latency.find((l) => l.key === 'echo');
  const overdueRow = r.latency.find((l) => l.key === 'overdue');
  if (echoRow?.cpuMs !== undefined && overdueRow?.cpuMs !== undefined && overdueRow.cpuMs - echoRow.cpuMs > 5) {
    const botCpu = overdueRow.cpuMs - echoRow.cpuMs;
    f.push(
      `**“what's overdue” uses ${ms(botCpu)} ms of CPU in the bot per question beyond what an echo costs** (Azurite: ${ms(overdueRow.azuriteCpuMs ?? NaN)} ms): ` +
        `it reads only the page it shows (see above), so this is the turn's own work: routing, the list's card and its binding. ` +
        `Sorting all of this plan's ${n(r.sort.items)} overdue rows with the bot's comparator (services/planQueries.ts, one shared Intl.Collator), which the bot no longer does, would take ${ms(r.sort.currentMs)} ms (fastest of 20); ` +
        `an earlier run of this benchmark found a per-call localeCompare there costing about 18 ms, which is why the collator is shared. ` +
        `A hand-rolled comparison with < on the ISO dates took ${ms(r.sort.sharedCollatorMs)} ms${r.sort.sameOrder ? ' with the same order' : ' (BUT a different order)'}.`,
    );
  }
  const seq = r.resources.find((u) => u.phase.startsWith('latency'));
  if (seq && seq.childrenCpu > 0) {
    f.push(
      `Over the sequential latency phase Azurite used ${seq.childrenCpu.toFixed(1)} CPU-seconds and the benchmark process (bot, echo server, client, stand-in) ${seq.processCpu.toFixed(1)}, in ${seconds(seq.wallMs)}: ` +
        'much of the question latency here is the emulator filtering whole tables, which production storage would not do.',
    );
  }
  // Why the plan-table questions' ratios grow with the plan while their requests and entities do not.
  const az = (rows: LatencyRow[], key: string) => rows.find((l) => l.key === key);
  const planQs = ['overdue', 'myActions', 'rag', 'action'].map((k) => ({ k, s: az(r.latencySmall, k), l: az(r.latency, k) })).filter((q) => q.s && q.l);
  const kpiL = az(r.latency, 'kpi');
  if (planQs.length && kpiL && planQs.every((q) => (q.l!.azuriteCpuMs ?? 0) > 2 * (q.s!.azuriteCpuMs ?? 0))) {
    f.push(
      `**Latency at ${big} actions is the emulator's, not the bot's.** The plan questions read ${planQs.map((q) => median(S.get(q.k)?.entities ?? [])).join(', ')} entities at ${n(sd.size)} actions and ${planQs.map((q) => median(L.get(q.k)?.entities ?? [])).join(', ')} at ${big} (a page each), yet Azurite's CPU per question grows ` +
        planQs.map((q) => `${QUESTION_LABEL[q.k] ?? q.k} ${ms(q.s!.azuriteCpuMs ?? NaN)} → ${ms(q.l!.azuriteCpuMs ?? NaN)} ms`).join(', ') +
        `, and their p50 ratios with it (${planQs.map((q) => `${ratio(q.l!.p50, az(r.latency, 'echo')?.p50 ?? NaN)}`).join(', ')}), while “kpi X”, whose rows are in the Kpis table (about ${n(ld.kpis + ld.kpiValues)} entities, the same at both sizes), stays at ${ms(kpiL.azuriteCpuMs ?? NaN)} ms and ${ratio(kpiL.p50, az(r.latency, 'echo')?.p50 ?? NaN)}. ` +
        'Azurite\'s in-memory table store answers every query by running its filter over every entity of the table and then sorting the matches (LokiTableMetadataStore.queryTableEntities: chain().where(…).sort(…)); only point reads use its index. ' +
        `A range read of one page in the PlanItems table therefore scans all ${n(large.entities)} entities the 2,000-action plan holds. Azure Table Storage serves a partition's row-key range from its index, so these ratios are the emulator's; the request and entity counts above carry over.`,
    );
  }

  // Where a card update's time goes, at both sizes: the bot's own CPU against the emulator's.
  const ups = [r.updatesSmall, r.updates];
  if (ups.every((u) => u.update.cpuMs !== undefined && u.echo.cpuMs !== undefined && u.update.azuriteCpuMs !== undefined)) {
    const bot = (u: UpdatePhase) => (u.update.cpuMs ?? NaN) - (u.echo.cpuMs ?? NaN);
    f.push(
      `A card update takes p50 ${ups.map((u) => `${ms(u.update.p50)} ms at ${n(u.size)} actions (${ratio(u.update.p50, u.echo.p50)} echo)`).join(' and ')}. ` +
        `Of that, the bot's own CPU beyond echo is ${ups.map((u) => `${ms(bot(u))} ms`).join(' and ')}, and Azurite's ${ups.map((u) => `${ms(u.update.azuriteCpuMs ?? NaN)} ms`).join(' and ')} per submit, for its 2–3 requests (the read of the action with its shared rows, the entity-group transaction, and the cited KPIs' query). ` +
        (ups.every((u) => (u.update.azuriteCpuMs ?? 0) > bot(u))
          ? 'The emulator\'s share is the larger at both sizes and grows with the table, as the questions\' reads do (finding above): a card update is bounded by the emulator here, not by the bot.'
          : 'The bot\'s share is the larger at one size at least: that is the part to look at.') +
        (ups.every((u) => u.loadRead && u.actionRead)
          ? ` The update's read, one query for the action's rows and the shared rows its save moves (the due summary, the tally| range, the rag| count rows and the action's own rag| row, the owner's owned| and lead| count rows), took p50 ${ups.map((u) => `${ms(u.loadRead!.p50)} ms at ${n(u.size)}`).join(' and ')}, ` +
            `against ${ups.map((u) => `${ms(u.actionRead!.p50)} ms`).join(' and ')} for a read of the action's rows alone on the same actions: the emulator tests each OR'd clause of a filter against every entity of the table, so the rows the counters behind the cheaper questions need cost the update in clauses, not in entities. ` +
            'Reading those rows by key instead (point reads use the emulator\'s index) would trade that time for one more request per row, against the two-request goal.'
          : ''),
    );
  }

  const peakAt = r.resources.reduce((a, b) => (b.processRss > a.processRss ? b : a), r.resources[0]);
  const after = r.resources[r.resources.indexOf(peakAt) + 1];
  if (peakAt && after && after.heapUsed < 0.7 * peakAt.heapUsed) {
    f.push(
      `Peak process RSS, ${mib(peakAt.processRss)}, came in “${peakAt.phase}” with ${mib(peakAt.heapUsed)} of V8 heap in use; the next phase peaked at ${mib(after.heapUsed)} of heap, ` +
        'so the peak is mostly short-lived garbage (the generated plans and import batches of the phase) that the collector had not yet reclaimed, not data the bot keeps.',
    );
  }
  f.push(
    `Import costs ${ratio(large.importMs, (large.rawMs[0] + large.rawMs[1]) / 2)} the raw batch floor at ${big} actions (${ratio(small.importMs, (small.rawMs[0] + small.rawMs[1]) / 2)} at ${n(small.size)}): ` +
      `${large.importTransactions} transactions for ${n(large.entities)} entities, the same as the raw writer, plus ${large.importRequests - large.importTransactions} other requests. ` +
      `Re-importing the unchanged plan wrote ${large.reimportTransactions} transactions (${n(large.reimportUnchanged)} items unchanged) in ${seconds(large.reimportMs)}, ${ratio(large.reimportMs, large.importMs)} of the first import.`,
  );
  return f;
}

/** §6, also written alone by `npx tsx bench/delivery.ts --write`. */
export function renderDelivery(runs: DeliveryResult[]): string {
  const out: string[] = [];
  const big = Math.max(...runs.map((d) => d.digests));
  const rate = runs[0]?.sendRate;
  out.push(`## 6. Digest fan-out (${n(big)} weekly digests at Teams' limits)`);
  out.push('');
  out.push(
    `\`npm run bench\` (or \`npx tsx bench/delivery.ts [--write]\`): weekly digests (one per manager) planned onto the outbox queue and the ledger, then sent through a connector stand-in that enforces ` +
      `Teams' limits (50/s per app, 7/1 s, 8/2 s and 60/30 s per conversation) and injects faults on about 3.5% of sends (429 with Retry-After: 1, 502, 504). ` +
      `Default settings: one tenant-wide send budget of SEND_RATE_PER_SECOND = ${rate}, shared by every instance through the store. Every digest is built from storage at send time. ` +
      'Runs: one bot instance; three bot instances on one store, all draining; and a stand-alone worker process killed with SIGKILL about a third of the way through, then a new one started (lease and visibility 3 s).',
  );
  out.push('');
  out.push(
    table(
      ['run', 'digests', 'planning (ledger + queue)', 'sending', 'sent per second', 'of the 50/s limit', 'peak in any second', 'delivered', 'lost', 'duplicated', 'throttled by the stand-in', 'faults injected', 'uncertain, not arrived', 'ledger'],
      runs.map((d) => [
        d.scenario + (d.sentAtKill !== undefined ? ` (killed after ${n(d.sentAtKill)} sent)` : ''),
        n(d.digests),
        `${(d.planMs / 1000).toFixed(1)} s`,
        `${(d.sendMs / 1000).toFixed(1)} s`,
        d.perSecond.toFixed(1),
        `${(d.ofLimit * 100).toFixed(0)}%`,
        n(d.peakPerSecond),
        n(d.delivered),
        n(d.lost),
        n(d.duplicated),
        n(d.throttled),
        n(d.injected),
        n(d.uncertainUnsent),
        Object.entries(d.ledger).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', '),
      ]),
    ),
  );
  return out.join('\n');
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startEmbeddedAzurite } from '../storage/embeddedAzurite';
import { startConnectorStub, TEAMS_RATE_LIMITS } from '../tests/support/connectorStub';
import { seedManagers, managerChat } from '../tests/support/managers';
import { startBot, type RunningBot } from '../bot/start';
import { loadConfig } from '../config/loadConfig';
import { createLogger } from '../bot/logger';
import { renderDelivery } from './report';

export type DeliveryScenario = 'one instance' | 'three instances' | 'kill -9 mid-run';

export interface DeliveryResult {
  scenario: DeliveryScenario;
  digests: number;
  sendRate: number;
  limit: number;
  planMs: number;
  sendMs: number;
  perSecond: number;
  ofLimit: number;
  /** Most sends the stand-in accepted in any sliding second. */
  peakPerSecond: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** 429s the stand-in's rate limits answered (not the injected ones). */
  throttled: number;
  /** Faults injected: 429s with Retry-After, 502s and 504s. */
  injected: number;
  ledger: Record<string, number>;
  /** Rows marked "uncertain" whose digest had not in fact arrived (only a crash can leave any). */
  uncertainUnsent: number;
  /** Kill run: sends accepted when the worker was killed. */
  sentAtKill?: number;
}

/** Deterministic, so the same requests fail on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const root = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Weekly digests to N managers through the real scheduler, outbox, ledger and worker, against a
 * connector stand-in that enforces Teams' limits (50/s per app, per-conversation windows) and
 * answers some requests with 429 (Retry-After) and 502/504, at the default send budget.
 * - one instance: the bot process plans and its own worker sends;
 * - three instances: three bot instances share one store and all drain (the budget is tenant-wide);
 * - kill -9 mid-run: a stand-alone worker process is killed mid-run and a new one finishes.
 * Each run checks every manager got exactly one, and reads the ledger.
 */
export async function measureDelivery(n: number, scenario: DeliveryScenario = 'one instance', seed = 7): Promise<DeliveryResult> {
  const azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const random = prng(seed);
  let injected429 = 0;
  const stub = await startConnectorStub({
    faults: {
      rateLimit: TEAMS_RATE_LIMITS,
      decide: (r) => {
        if (r.route !== 'replyToActivity' && r.route !== 'sendToConversation') return null;
        const x = random();
        if (x < 0.02) return (injected429++, { status: 429, retryAfterSeconds: 1 });
        if (x < 0.03) return { status: 502 };
        if (x < 0.035) return { status: 504 };
        return null;
      },
    },
  });
  const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
  const start = () => startBot({ ...config, STORAGE_CONNECTION_STRING: azurite.connectionString }, { logger: createLogger('silent') });
  const bot = await start();
  const others: RunningBot[] = [];
  const children: ChildProcess[] = [];
  let sentAtKill: number | undefined;
  try {
    if (scenario === 'three instances') others.push(await start(), await start());
    await seedManagers(bot.services, n, stub.url);
    const day = bot.services.clock.today();
    const t0 = performance.now();
    await bot.scheduler.sendDigests(day);
    const t1 = performance.now();
    if (scenario === 'kill -9 mid-run') {
      const env = { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: azurite.connectionString, LOG_LEVEL: 'silent', OUTBOX_VISIBILITY_SECONDS: '3', OUTBOX_LEASE_SECONDS: '3', FAKE_TODAY: day };
      const spawnWorker = () => {
        const c = spawn(process.execPath, ['--import', 'tsx', 'bot/workerMain.ts'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
        children.push(c);
        return c;
      };
      const first = spawnWorker();
      await stub.waitFor(() => stub.sent().length >= Math.floor(n / 3), 300_000);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      sentAtKill = stub.sent().length;
      spawnWorker();
      for (;;) {
        const c = await bot.ledger.countByState('digest', day);
        if (c.sent + c.uncertain + c.dropped + c.failed >= n) break;
        await sleep(250);
      }
    } else {
      await Promise.all([bot, ...others].map((b) => b.worker.drainAll(600_000)));
    }
    const t2 = performance.now();
    const counts = new Map<string, number>();
    for (const s of stub.sent()) counts.set(s.conversationId, (counts.get(s.conversationId) ?? 0) + 1);
    let delivered = 0;
    let duplicated = 0;
    for (let i = 1; i <= n; i++) {
      const c = counts.get(managerChat(i)) ?? 0;
      if (c >= 1) delivered++;
      if (c > 1) duplicated += c - 1;
    }
    const stamps = stub.sent().map((s) => s.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < stamps.length; i++) {
      while (stamps[i] - stamps[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const rows = await bot.ledger.rowsOfDay(day);
    const uncertainUnsent = rows.filter((r) => r.kind === 'digest' && r.state === 'uncertain' && !counts.get(managerChat(Number(/(\d+)$/.exec(r.recipient)?.[1] ?? 0)))).length;
    const perSecond = n / ((t2 - t1) / 1000);
    return {
      scenario,
      digests: n,
      sendRate: config.SEND_RATE_PER_SECOND,
      limit: 50,
      planMs: t1 - t0,
      sendMs: t2 - t1,
      perSecond,
      ofLimit: perSecond / 50,
      peakPerSecond: peak,
      delivered,
      lost: n - delivered,
      duplicated,
      // The stand-in counts every 429; ours are the injected ones, the rest are its limits at work.
      throttled: stub.counters.throttled - injected429,
      injected: stub.counters.failed + injected429,
      ledger: await bot.ledger.countByState('digest', day),
      uncertainUnsent,
      sentAtKill,
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(others.map((o) => o.stop()));
    await bot.stop();
    await stub.stop();
    await azurite.stop();
  }
}

/** The three fan-out runs BENCHMARKS.md §6 reports, one after another (each on its own store). */
export async function measureFanOut(n: number, killRunOf = Math.min(n, 300)): Promise<DeliveryResult[]> {
  const out: DeliveryResult[] = [];
  out.push(await measureDelivery(n, 'one instance'));
  out.push(await measureDelivery(n, 'three instances'));
  out.push(await measureDelivery(killRunOf, 'kill -9 mid-run'));
  return out;
}

/**
 * `npx tsx bench/delivery.ts` prints the runs; with `--write` it also replaces §6 of BENCHMARKS.md
 * (the rest of the file is left as the last full `npm run bench` wrote it).
 */
if (require.main === module) {
  (async () => {
    const results = await measureFanOut(Number(process.env.BENCH_DIGESTS ?? 1000));
    console.log(JSON.stringify(results, null, 2));
    if (process.argv.includes('--write')) {
      const file = path.join(root, 'BENCHMARKS.md');
      const text = fs.readFileSync(file, 'utf8');
      const at = text.indexOf('\n## 6. ');
      const end = text.indexOf('\n## 7. ');
      if (at < 0 || end < 0) throw new Error('BENCHMARKS.md has no §6/§7 to replace between');
      const stamp = `_§6 regenerated alone by \`npx tsx bench/delivery.ts --write\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}._\n`;
      fs.writeFileSync(file, `${text.slice(0, at + 1)}${renderDelivery(results).trimEnd()}\n\n${stamp}${text.slice(end)}`);
      console.log('wrote §6 of BENCHMARKS.md');
    }
  })().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

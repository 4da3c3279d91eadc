import { startEmbeddedAzurite } from '../storage/embeddedAzurite';
import { startConnectorStub, TEAMS_RATE_LIMITS } from '../tests/support/connectorStub';
import { seedManagers, managerChat } from '../tests/support/managers';
import { startBot } from '../bot/start';
import { loadConfig } from '../config/loadConfig';
import { createLogger } from '../bot/logger';

export interface DeliveryResult {
  digests: number;
  sendRate: number;
  limit: number;
  planMs: number;
  sendMs: number;
  perSecond: number;
  ofLimit: number;
  delivered: number;
  lost: number;
  duplicated: number;
  throttled: number;
  injected: number;
  ledger: Record<string, number>;
}

/** Deterministic, so the same requests fail on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Weekly digests to N managers through the real scheduler, outbox, ledger and worker, against a
 * connector stand-in that enforces Teams' limits (50/s per app, per-conversation windows) and
 * answers some requests with 429 (Retry-After) and 502/504. Measures sends per second against the
 * enforced limit and checks every manager got exactly one.
 */
export async function measureDelivery(n: number, sendRate = 47, seed = 7): Promise<DeliveryResult> {
  const azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const random = prng(seed);
  const stub = await startConnectorStub({
    faults: {
      rateLimit: TEAMS_RATE_LIMITS,
      decide: (r) => {
        if (r.route !== 'replyToActivity' && r.route !== 'sendToConversation') return null;
        const x = random();
        if (x < 0.02) return { status: 429, retryAfterSeconds: 1 };
        if (x < 0.03) return { status: 502 };
        if (x < 0.035) return { status: 504 };
        return null;
      },
    },
  });
  const config = loadConfig({
    PORT: '0',
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    LOG_LEVEL: 'silent',
    SCHEDULER_ENABLED: 'false',
    SEND_RATE_PER_SECOND: String(sendRate),
  });
  const bot = await startBot({ ...config, STORAGE_CONNECTION_STRING: azurite.connectionString }, { logger: createLogger('silent') });
  try {
    await seedManagers(bot.services, n, stub.url);
    const day = bot.services.clock.today();
    const t0 = performance.now();
    await bot.scheduler.sendDigests(day);
    const t1 = performance.now();
    await bot.worker.drain();
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
    const perSecond = n / ((t2 - t1) / 1000);
    const ledger = await bot.ledger.countByState('digest', day);
    return {
      digests: n,
      sendRate,
      limit: 50,
      planMs: t1 - t0,
      sendMs: t2 - t1,
      perSecond,
      ofLimit: perSecond / 50,
      delivered,
      lost: n - delivered,
      duplicated,
      throttled: stub.counters.throttled,
      injected: stub.counters.failed,
      ledger,
    };
  } finally {
    await bot.stop();
    await stub.stop();
    await azurite.stop();
  }
}

if (require.main === module) {
  measureDelivery(Number(process.env.BENCH_DIGESTS ?? 1000)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startHarness, type Harness } from '../support/botHarness';
import { seedManagers, managerChat, managerId as managerIdOf } from '../support/managers';
import { TEAMS_RATE_LIMITS } from '../support/connectorStub';
import { DeliveryWorker, DEFAULT_WORKER_OPTIONS } from '../../bot/delivery/worker';
import { createSender } from '../../bot/delivery/sender';
import { createAdapter } from '../../bot/adapter';
import { loadConfig } from '../../config/loadConfig';
import { createLogger } from '../../bot/logger';

/** A small seeded PRNG so fault injection is the same on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function digestsPerChat(h: Harness, n: number): number[] {
  const counts = new Map<string, number>();
  for (const s of h.stub.sent()) if (/Weekly digest/.test(JSON.stringify(s.activity))) counts.set(s.conversationId, (counts.get(s.conversationId) ?? 0) + 1);
  return Array.from({ length: n }, (_, i) => counts.get(managerChat(i + 1)) ?? 0);
}

describe('digest fan-out at Teams rate limits, with throttling and server errors', function () {
  this.timeout(300_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('delivers every digest exactly once through two workers while the connector answers 429 and 5xx', async () => {
    const N = 150;
    h = await startHarness({ today: '2026-11-23' });
    await seedManagers(h.bot.services, N, h.stub.url);
    const random = prng(42);
    h.stub.setFaults({
      rateLimit: TEAMS_RATE_LIMITS,
      decide: (r) => {
        if (r.route !== 'replyToActivity' && r.route !== 'sendToConversation') return null;
        const x = random();
        if (x < 0.03) return { status: 429, retryAfterSeconds: 1 };
        if (x < 0.05) return { status: 502 };
        if (x < 0.06) return { status: 504 };
        return null;
      },
    });
    const queued = await h.bot.scheduler.sendDigests('2026-11-23');
    assert.equal(queued, N);
    const config = loadConfig({ STORAGE_CONNECTION_STRING: h.azurite.connectionString, SEND_RATE_PER_SECOND: '47' });
    const second = new DeliveryWorker(
      { outbox: h.bot.outbox, ledger: h.bot.ledger, services: h.bot.services, sender: createSender(createAdapter(config), undefined, 47), logger: createLogger('silent') },
      { ...DEFAULT_WORKER_OPTIONS, visibilitySeconds: 30 },
    );
    await Promise.all([h.bot.worker.drain(), second.drain()]);
    const counts = digestsPerChat(h, N);
    assert.deepEqual(counts.filter((c) => c !== 1), [], `every manager gets exactly one digest: ${counts.join(',')}`);
    const ledger = await h.bot.ledger.countByState('digest', '2026-11-23');
    assert.equal(ledger.sent, N);
    assert.ok(h.stub.counters.throttled + h.stub.counters.failed > 0, 'faults were actually injected');
  });
});

describe('a worker killed mid-run', function () {
  this.timeout(300_000);
  const root = path.resolve(__dirname, '../..');
  let h: Harness;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await h?.stop();
  });

  const spawnWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/workerMain.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        STORAGE_CONNECTION_STRING: h.azurite.connectionString,
        LOG_LEVEL: 'silent',
        SEND_RATE_PER_SECOND: '20',
        OUTBOX_VISIBILITY_SECONDS: '3',
        OUTBOX_LEASE_SECONDS: '3',
        FAKE_TODAY: '2026-11-23',
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };

  it('after SIGKILL and a restart, no manager gets a second digest and every one is accounted for', async () => {
    const N = 120;
    h = await startHarness({ today: '2026-11-23' });
    await seedManagers(h.bot.services, N, h.stub.url);
    assert.equal(await h.bot.scheduler.sendDigests('2026-11-23'), N);

    const first = spawnWorker();
    await h.stub.waitFor(() => h.stub.sent().length >= 40, 60_000).catch(() => undefined);
    while (h.stub.sent().length < 40) await new Promise((r) => setTimeout(r, 50));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const sentAtKill = h.stub.sent().length;
    assert.ok(sentAtKill < N, 'killed mid-run');

    spawnWorker();
    const deadline = Date.now() + 120_000;
    let ledger = await h.bot.ledger.countByState('digest', '2026-11-23');
    while (ledger.sent + ledger.uncertain < N && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      ledger = await h.bot.ledger.countByState('digest', '2026-11-23');
    }
    const counts = digestsPerChat(h, N);
    assert.deepEqual(counts.filter((c) => c > 1), [], 'no manager gets a second digest');
    assert.equal(ledger.sent + ledger.uncertain, N, `all accounted for: ${JSON.stringify(ledger)}`);
    // A worker killed between claiming and recording leaves at most its in-flight sends "uncertain":
    // they are not resent (which could duplicate) but left for an operator, and are few.
    assert.ok(ledger.uncertain <= 16, `uncertain: ${ledger.uncertain}`);
    const received = counts.filter((c) => c === 1).length;
    assert.ok(received >= ledger.sent, `every "sent" digest arrived (${received} received, ${ledger.sent} sent)`);
    console.log(`      killed after ${sentAtKill} sends; ledger ${JSON.stringify(ledger)}; ${received}/${N} managers received exactly one`);
  });
});

describe('recipients who removed the app, and jobs that keep failing', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('drops the conversation on 403/404, and parks a job that keeps failing in the poison queue with its reason', async () => {
    h = await startHarness({ today: '2026-11-23' });
    await seedManagers(h.bot.services, 3, h.stub.url);
    h.stub.setFaults({
      decide: (r) => {
        if (r.conversationId === managerChat(1)) return { status: 403, code: 'BotDisabledByAdmin' };
        if (r.conversationId === managerChat(2)) return { status: 400, code: 'BadArgument' };
        return null;
      },
    });
    assert.equal(await h.bot.scheduler.sendDigests('2026-11-23'), 3);
    const config = loadConfig({ STORAGE_CONNECTION_STRING: h.azurite.connectionString });
    const worker = new DeliveryWorker(
      { outbox: h.bot.outbox, ledger: h.bot.ledger, services: h.bot.services, sender: createSender(createAdapter(config), undefined, 47), logger: createLogger('silent') },
      { ...DEFAULT_WORKER_OPTIONS, visibilitySeconds: 1, attemptsPerDelivery: 1, maxDeliveries: 2 },
    );
    for (let i = 0; i < 4; i++) {
      await worker.drain();
      await new Promise((r) => setTimeout(r, 1200)); // let the failed job's message become visible again
    }
    assert.deepEqual(digestsPerChat(h, 3), [0, 0, 1]);
    assert.equal(await h.bot.services.conversations.get('user', managerIdOf(1)), undefined, 'the removed recipient is forgotten');
    const poison = await h.bot.outbox.peekPoison();
    assert.equal(poison.length, 1);
    assert.equal(poison[0].job.recipient, managerIdOf(2));
    assert.match(poison[0].reason, /gave up after 2 deliveries/);
    const ledger = await h.bot.ledger.countByState('digest', '2026-11-23');
    assert.deepEqual([ledger.sent, ledger.dropped, ledger.failed], [1, 1, 1]);
  });
});

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startHarness, type Harness } from '../support/botHarness';
import { seedManagers } from '../support/managers';
import { TEAMS_RATE_LIMITS } from '../support/connectorStub';
import { assertExactlyOnce, digestsPerChat } from '../support/deliveryChecks';
import { startBot, type RunningBot } from '../../bot/start';
import { loadConfig } from '../../config/loadConfig';
import { createLogger } from '../../bot/logger';

/**
 * Proactive delivery on the bot process's own worker, sender and adapter (never a second adapter
 * built for the test), against the connector stand-in with faults and Teams' limits enforced.
 * All dates come from the harness clock; nothing depends on today.
 */
const DAY = '2026-11-23';
const root = path.resolve(__dirname, '../..');

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('three instances at default settings share the tenant-wide limit', function () {
  this.timeout(120_000);
  let h: Harness;
  const others: RunningBot[] = [];
  afterEach(async () => {
    await Promise.all(others.splice(0).map((o) => o.stop()));
    await h?.stop();
  });

  it('stay under 50 requests/s together, with nothing throttled and nothing lost', async () => {
    const N = 150;
    h = await startHarness({ today: DAY });
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: h.azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    others.push(...(await Promise.all([1, 2].map(() => startBot({ ...config, STORAGE_CONNECTION_STRING: h.azurite.connectionString }, { clock: h.clock, logger: createLogger('silent') })))));
    await seedManagers(h.bot.services, N, h.stub.url);
    h.stub.setFaults({ rateLimit: TEAMS_RATE_LIMITS });
    assert.equal(await h.bot.scheduler.sendDigests(DAY), N);
    const started = Date.now();
    await Promise.all([h.bot, ...others].map((b) => b.worker.drainAll()));
    const seconds = (Date.now() - started) / 1000;

    const counts = digestsPerChat(h, N);
    assert.deepEqual(counts.filter((c) => c !== 1), [], 'every manager exactly once');
    assert.equal((await h.bot.ledger.countByState('digest', DAY)).sent, N);
    assert.equal(h.stub.counters.throttled, 0, 'the connector never had to throttle');
    const stamps = h.stub.calls.filter((c) => c.route === 'sendToConversation').map((c) => c.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < stamps.length; i++) {
      while (stamps[i] - stamps[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    assert.ok(peak <= 50, `peak ${peak} sends in a sliding second`);
    console.log(`      3 instances: ${N} digests in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(1)}/s), peak ${peak} in any second, 0 throttled`);
  });
});

describe('crashes and outages, then a restart', function () {
  this.timeout(180_000);
  let h: Harness;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.stop();
  });

  const spawnChild = (script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: h.azurite.connectionString, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };


  for (const crashAt of ['ledger', 'queue'] as const) {
    it(`kill -9 while planning (after some ${crashAt} writes): a restarted instance resumes the run, the sweeper re-enqueues, each manager gets one`, async () => {
      const N = 80;
      h = await startHarness({ today: DAY });
      await seedManagers(h.bot.services, N, h.stub.url);
      const child = spawnChild('tests/support/planChild.ts', { TODAY: DAY, CRASH_AT: crashAt, CRASH_AFTER: '50' });
      const exit = await new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      assert.equal(exit.signal, 'SIGKILL', 'the planner died mid-run');
      await h.bot.worker.drainAll(); // whatever it queued goes out
      const before = digestsPerChat(h, N).filter((c) => c === 1).length;
      assert.ok(before < N, `the crash stranded work (${before} of ${N} out)`);
      // Later that morning another instance ticks: the run is resumed and the rows missing a queue message swept.
      const r = await h.bot.scheduler.tick(new Date(`${DAY}T10:30:00Z`));
      assert.ok(r.periods.includes(`digest|${DAY}`), `the stale run was resumed: ${JSON.stringify(r)}`);
      await h.bot.worker.drainAll();
      await assertExactlyOnce(h, DAY, N);
    });
  }

  it('kill -9 of a worker while sending, then a restart: each manager exactly once, and no "uncertain" row that was not sent', async () => {
    const N = 120;
    h = await startHarness({ today: DAY });
    await seedManagers(h.bot.services, N, h.stub.url);
    assert.equal(await h.bot.scheduler.sendDigests(DAY), N);
    const env = { OUTBOX_VISIBILITY_SECONDS: '3', OUTBOX_LEASE_SECONDS: '3', FAKE_TODAY: DAY };
    const first = spawnChild('bot/workerMain.ts', env);
    await h.stub.waitFor(() => h.stub.sent().length >= 40, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const sentAtKill = h.stub.sent().length;
    assert.ok(sentAtKill < N, 'killed mid-run');

    spawnChild('bot/workerMain.ts', env);
    await waitUntil(async () => {
      const c = await h.bot.ledger.countByState('digest', DAY);
      return c.sent + c.uncertain >= N;
    }, 90_000, 'the restarted worker to finish');
    // Sends are paced one at a time per place, so at most a couple are between claim and answer at any moment.
    const { uncertain, unsent } = await assertExactlyOnce(h, DAY, N, { unsentUncertainAtMost: 2 });
    console.log(`      killed after ${sentAtKill} sends; ${uncertain} uncertain, of which ${unsent} had not arrived`);
  });
});


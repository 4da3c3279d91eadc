import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { startHarness, cardText, type Harness } from '../support/botHarness';
import { seedManagers, managerChat, managerId as managerIdOf } from '../support/managers';
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

/** A small seeded PRNG so fault injection is the same on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const sends = (h: Harness, chat: string) => h.stub.calls.filter((c) => c.conversationId === chat && (c.route === 'sendToConversation' || c.route === 'replyToActivity'));

describe('digest fan-out at Teams rate limits, with throttling and server errors', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('delivers every digest exactly once while the connector answers 429 and 5xx, and the ledger says sent', async () => {
    const N = 150;
    h = await startHarness({ today: DAY, bot: { workerOptions: { backoffBaseMs: 100 } } });
    await seedManagers(h.bot.services, N, h.stub.url);
    const random = prng(42);
    h.stub.setFaults({
      rateLimit: TEAMS_RATE_LIMITS,
      decide: (r) => {
        if (r.route !== 'sendToConversation') return null;
        const x = random();
        if (x < 0.03) return { status: 429, retryAfterSeconds: 1 };
        if (x < 0.05) return { status: 502 };
        if (x < 0.06) return { status: 504 };
        return null;
      },
    });
    assert.equal(await h.bot.scheduler.sendDigests(DAY), N);
    await h.bot.worker.drainAll();
    const counts = digestsPerChat(h, N);
    assert.deepEqual(counts.filter((c) => c !== 1), [], `every manager gets exactly one digest: ${counts.join(',')}`);
    const ledger = await h.bot.ledger.countByState('digest', DAY);
    assert.equal(ledger.sent, N);
    assert.equal(await h.bot.ledger.openCount(), 0, 'the open-row index is empty once everything is settled, so sweeps read nothing');
    assert.ok(h.stub.counters.throttled + h.stub.counters.failed > 0, 'faults were actually injected');
    assert.ok(!h.stub.sent().some((s) => /Sorry/.test(JSON.stringify(s.activity))), 'no error text was sent in place of a digest');
  });
});

describe('the connector refusing: removed app, missing conversation, throttling that never ends', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('403 and 404 drop and forget the reference; 429 and 400 are retried through the worker until "failed"; nothing else is sent', async () => {
    const attempts = 3;
    h = await startHarness({ today: DAY, bot: { workerOptions: { maxAttempts: attempts, backoffBaseMs: 50 } } });
    await seedManagers(h.bot.services, 5, h.stub.url);
    h.stub.setFaults({
      decide: (r) => {
        if (r.conversationId === managerChat(1)) return { status: 403, code: 'BotDisabledByAdmin' };
        if (r.conversationId === managerChat(2)) return { status: 404, code: 'ConversationNotFound' };
        if (r.conversationId === managerChat(3)) return { status: 429, retryAfterSeconds: 1 };
        if (r.conversationId === managerChat(4)) return { status: 400, code: 'BadArgument' };
        return null;
      },
    });
    assert.equal(await h.bot.scheduler.sendDigests(DAY), 5);
    await h.bot.worker.drainAll();

    assert.deepEqual(digestsPerChat(h, 5), [0, 0, 0, 0, 1]);
    for (const i of [1, 2]) {
      assert.equal(await h.bot.services.conversations.get('user', managerIdOf(i)), undefined, `manager ${i}'s reference is forgotten`);
      assert.equal(sends(h, managerChat(i)).length, 1, `one request to manager ${i}: no "Sorry" follow-up, no retry`);
    }
    // The connector client's own retries are off: each attempt is exactly one request, made by the worker.
    assert.equal(sends(h, managerChat(3)).length, attempts, 'the throttled job was tried exactly maxAttempts times');
    const retryGaps = sends(h, managerChat(3)).map((c, i, all) => (i ? c.at - all[i - 1].at : 1000)).slice(1);
    assert.ok(retryGaps.every((g) => g >= 950), `Retry-After honoured between attempts: ${retryGaps.join(', ')} ms`);
    assert.ok(await h.bot.services.conversations.get('user', managerIdOf(3)), 'a throttled recipient keeps their reference');

    const ledger = await h.bot.ledger.countByState('digest', DAY);
    assert.deepEqual({ sent: ledger.sent, dropped: ledger.dropped, failed: ledger.failed, uncertain: ledger.uncertain }, { sent: 1, dropped: 2, failed: 2, uncertain: 0 });
    const poison = (await h.bot.outbox.peekPoison()).map((p) => p.job.recipient).sort();
    assert.deepEqual(poison, [managerIdOf(3), managerIdOf(4)].sort());
    assert.ok(!h.stub.sent().some((s) => /Sorry/.test(JSON.stringify(s.activity))), 'no error text was sent to anyone');
  });
});

describe('a storage outage while planning', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('a storage outage while "send digest now" plans: the run stays claimed, is resumed, and nobody is missed or doubled', async () => {
    const N = 80;
    h = await startHarness({ today: DAY });
    await seedManagers(h.bot.services, N, h.stub.url);
    const ledger = h.bot.ledger;
    const realPlan = ledger.plan.bind(ledger);
    let writes = 0;
    let down = false;
    ledger.plan = async (job, checkAt) => {
      if (++writes > 40) down = true;
      if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10002'), { code: 'ECONNREFUSED' });
      return realPlan(job, checkAt);
    };
    const r = await h.bot.scheduler.digestNow();
    assert.equal(r.kind, 'queued');
    if (r.kind === 'queued') await assert.rejects(r.planning, /ECONNREFUSED/);
    ledger.plan = realPlan; // storage is back
    await h.bot.worker.drainAll();
    const again = await h.bot.scheduler.digestNow();
    assert.equal(again.kind, 'already', 'a second "send now" does not start a second run');
    const tick = await h.bot.scheduler.tick(new Date(`${DAY}T10:30:00Z`));
    assert.ok(tick.periods.includes(`digest|${DAY}`));
    await h.bot.worker.drainAll();
    await assertExactlyOnce(h, DAY, N);
  });

  it('an outage between the open-index write and the ledger write: the sweeper writes the row from the index and the message goes out once', async () => {
    h = await startHarness({ today: DAY });
    await seedManagers(h.bot.services, 1, h.stub.url);
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'notice', wrap: true }] };
    const job = { id: `notice|${DAY}|outage|${managerIdOf(1)}`, kind: 'notice' as const, recipient: managerIdOf(1), day: DAY, card, summary: 'notice' };
    const realCreate = TableClient.prototype.createEntity;
    TableClient.prototype.createEntity = function (this: TableClient, entity: { partitionKey?: string }, o?: unknown) {
      if (this.tableName === 'Ledger' && entity.partitionKey !== 'open') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10002'), { code: 'ECONNREFUSED' }));
      return realCreate.call(this, entity as never, o as never);
    } as typeof realCreate;
    try {
      await assert.rejects(h.bot.scheduler.enqueue([job]), /ECONNREFUSED/);
    } finally {
      TableClient.prototype.createEntity = realCreate;
    }
    assert.equal(await h.bot.ledger.stateOf(job), undefined, 'no ledger row was written');
    assert.equal(await h.bot.ledger.openCount(), 1, 'but the intent is indexed');
    assert.equal(await h.bot.scheduler.sweep(new Date(h.clock.now().getTime() + 3_600_000)), 1);
    await h.bot.worker.drainAll();
    assert.equal(sends(h, managerChat(1)).length, 1, 'delivered once');
    assert.equal(await h.bot.ledger.stateOf(job), 'sent');
    assert.equal(await h.bot.ledger.openCount(), 0);
    assert.equal(await h.bot.scheduler.sweep(new Date(h.clock.now().getTime() + 7_200_000)), 0, 'nothing left to sweep');
  });
});

describe('a ledger written before the open-row index', function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('has its waiting rows swept and sent once, and a row with no job to re-send marked failed with the reason', async () => {
    h = await startHarness({ today: DAY });
    await seedManagers(h.bot.services, 2, h.stub.url);
    const raw = TableClient.fromConnectionString(h.azurite.connectionString, 'Ledger', { allowInsecureConnection: true });
    await raw.getEntity('meta', 'openIndex').then(
      () => assert.fail('this bot has not swept yet, so the ledger is not marked indexed'),
      () => undefined,
    );
    // As an older version left them: ledger rows only, no index rows, the queue messages long gone.
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'legacy notice', wrap: true }] };
    const job = { id: `notice|${DAY}|legacy|${managerIdOf(1)}`, kind: 'notice' as const, recipient: managerIdOf(1), day: DAY, card, summary: 'legacy notice' };
    const checkAt = new Date(h.clock.now().getTime() - 60_000).toISOString();
    await raw.createEntity({ partitionKey: `notice|${DAY}`, rowKey: job.id, state: 'queued', recipient: job.recipient, kind: 'notice', day: DAY, attempts: 0, job: JSON.stringify(job), checkAt });
    await raw.createEntity({ partitionKey: `notice|${DAY}`, rowKey: `notice|${DAY}|nojob|${managerIdOf(2)}`, state: 'queued', recipient: managerIdOf(2), kind: 'notice', day: DAY, attempts: 0 });
    assert.equal(await h.bot.ledger.openCount(), 0, 'nothing indexed');

    assert.equal(await h.bot.scheduler.sweep(new Date(h.clock.now().getTime() + 3_600_000)), 1, 'the row with its job is swept');
    await h.bot.worker.drainAll();
    assert.equal(sends(h, managerChat(1)).length, 1, 'delivered once');
    assert.equal(await h.bot.ledger.stateOf(job), 'sent');
    const jobless = await raw.getEntity<{ state: string; reason: string }>(`notice|${DAY}`, `notice|${DAY}|nojob|${managerIdOf(2)}`);
    assert.deepEqual([jobless.state, jobless.reason], ['failed', 'planned by an older version that did not keep the job, so it cannot be re-sent']);
    assert.equal(sends(h, managerChat(2)).length, 0);
    assert.equal(await h.bot.scheduler.sweep(new Date(h.clock.now().getTime() + 7_200_000)), 0, 'nothing left to sweep');
    assert.equal(await h.bot.ledger.openCount(), 0);
    await raw.getEntity('meta', 'openIndex'); // marked, so no later sweep scans the ledger again
  });
});

describe('operators see what happened', function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('"delivery status" counts today\'s rows by state and names the failed ones', async () => {
    const admin = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
    h = await startHarness({ today: DAY, env: { ADMIN_USER_IDS: admin.aadObjectId }, bot: { workerOptions: { maxAttempts: 1 } } });
    await seedManagers(h.bot.services, 3, h.stub.url);
    h.stub.setFaults({ decide: (r) => (r.conversationId === managerChat(2) ? { status: 400, code: 'BadArgument' } : r.conversationId === managerChat(3) ? { status: 403 } : null) });
    await h.bot.scheduler.sendDigests(DAY);
    await h.bot.worker.drainAll();
    const [reply] = (await h.say('delivery status', { from: admin })).filter((s) => s.activity.attachments?.length);
    const text = cardText(reply.activity.attachments?.[0]?.content);
    assert.match(text, new RegExp(`Today \\(${DAY}\\): 1 sent, 0 queued, 0 sending, 0 retrying, 1 dropped, 1 failed, 0 uncertain`));
    assert.match(text, new RegExp(`failed: digest to ${managerIdOf(2)} — gave up after 1 attempts; last: connector answered 400`));
    const [refused] = (await h.say('delivery status')).filter((s) => s.activity.attachments?.length);
    assert.match(cardText(refused.activity.attachments?.[0]?.content), /for plan administrators/);
  });
});

describe('overlapping drains of one worker', function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('a drain that finds the queue empty returns only once the jobs another drain holds are settled', async () => {
    // An event sent after a reply starts a drain in the background; the scheduler's caller then
    // drains too. Messages the first holds are invisible to the second, so "empty" is not "done".
    const N = 12;
    h = await startHarness({ today: DAY });
    await seedManagers(h.bot.services, N, h.stub.url);
    let first = true; // the first send (the background drain's) is slow; the rest are quick
    h.stub.setFaults({ latencyMs: (r) => (r.route === 'sendToConversation' && first ? ((first = false), 1500) : 0) });
    assert.equal(await h.bot.scheduler.sendDigests(DAY), N);
    const background = h.bot.worker.drain(1);
    await new Promise((r) => setTimeout(r, 50)); // the background drain has a job in hand
    await h.bot.worker.drain();
    const ledger = await h.bot.ledger.countByState('digest', DAY);
    assert.equal(ledger.sent, N, 'every digest is sent by the time the second drain returns');
    assert.deepEqual(digestsPerChat(h, N).filter((c) => c !== 1), []);
    await background;
  });
});

describe('one conversation served by two instances', function () {
  this.timeout(60_000);
  let h: Harness;
  let other: RunningBot | undefined;
  afterEach(async () => {
    await other?.stop();
    await h?.stop();
  });

  it("hold Teams' per-conversation windows together: nothing throttled, every message once", async () => {
    // A burst of event messages to one person (RAG changes on many of their items, say), split
    // between two instances' workers. Each instance alone would allow 7 a second; together they
    // must still send at most 7/1 s and 8/2 s to the conversation.
    const N = 20;
    h = await startHarness({ today: DAY });
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: h.azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    other = await startBot({ ...config, STORAGE_CONNECTION_STRING: h.azurite.connectionString }, { clock: h.clock, logger: createLogger('silent') });
    await seedManagers(h.bot.services, 1, h.stub.url);
    h.stub.setFaults({ rateLimit: TEAMS_RATE_LIMITS });
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'notice', wrap: true }] };
    const jobs = Array.from({ length: N }, (_, i) => ({ id: `notice|${DAY}|burst-${i}|${managerIdOf(1)}`, kind: 'notice' as const, recipient: managerIdOf(1), day: DAY, card, summary: `notice ${i}` }));
    assert.equal(await h.bot.scheduler.enqueue(jobs), N);
    await Promise.all([h.bot.worker.drainAll(), other.worker.drainAll()]);

    assert.equal(h.stub.counters.throttled, 0, 'the connector never had to throttle');
    const stamps = sends(h, managerChat(1)).map((c) => c.at).sort((a, b) => a - b);
    assert.equal(stamps.length, N, 'every notice arrived once');
    const peak = (windowMs: number) => {
      let most = 0;
      for (let i = 0, j = 0; i < stamps.length; i++) {
        while (stamps[i] - stamps[j] >= windowMs) j++;
        most = Math.max(most, i - j + 1);
      }
      return most;
    };
    assert.ok(peak(1000) <= 7, `peak ${peak(1000)} in a sliding second`);
    assert.ok(peak(2000) <= 8, `peak ${peak(2000)} in two seconds`);
    assert.equal((await h.bot.ledger.countByState('notice', DAY)).sent, N);
  });
});

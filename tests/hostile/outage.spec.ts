import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config/loadConfig';
import { startBot, type RunningBot } from '../../bot/start';
import { createLogger } from '../../bot/logger';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { cardText, ROSA, type InvokeBody } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import { PLAN, REF, executeActivity, messageActivity, postJson, readable, repliesTo } from './helpers';

/**
 * The plan store goes away in the middle of a stream of updates and comes back. The store is a
 * persisted Azurite (as in production, data outlives the process); the outage is a graceful stop
 * and restart, which keeps every write Azurite acknowledged (a SIGKILL could lose its last ~5 s of
 * writes, which would test Azurite, not the bot).
 *
 * What must hold: every update the bot confirmed is stored; every update it could not store was
 * answered "couldn't reach the plan store … nothing was saved … try again", promptly (Teams gives a
 * bot 15 s to answer); /readyz says 503 during the outage and 200 after.
 */
const STORAGE_DOWN = /couldn't reach the plan store just now, so nothing was saved\. Please try again/;
/** Teams waits this long for a bot's answer; an answer after it reaches nobody. */
const TEAMS_TIMEOUT_MS = 15_000;

type Told = 'saved' | 'storageDown' | 'other';
interface Result {
  n: number;
  phase: 'before' | 'stopping' | 'outage' | 'after';
  kind: 'text' | 'card';
  told: Told;
  ms: number;
  shown: string;
}

describe('a storage outage in the middle of a stream of updates', function () {
  this.timeout(300_000);
  let dir: string;
  let azurite: EmbeddedAzurite;
  let stub: ConnectorStub;
  let bot: RunningBot;
  const turnFailures: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outage-azurite-'));
    azurite = await startEmbeddedAzurite({ location: dir, silent: true });
    stub = await startConnectorStub();
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    let tick = 0;
    const base = Date.parse('2021-11-15T10:00:00Z');
    const clock = { today: () => '2021-11-15', now: () => new Date(base + ++tick) };
    bot = await startBot({ ...config, STORAGE_CONNECTION_STRING: azurite.connectionString }, { clock, logger: createLogger('silent') });
    (bot.logger as unknown as { error: (o: { err?: Error }, msg?: string) => void }).error = (o, msg) => {
      if (msg === 'turn failed') turnFailures.push(o.err?.message ?? String(o.err));
    };
    await seedFixtures(bot.services, ['southend2021']);
  });
  after(async () => {
    await bot?.stop();
    await stub?.stop();
    await azurite?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `http://127.0.0.1:${bot.port}/api/messages`;
  const readyz = async () => {
    const t = Date.now();
    const r = await fetch(`http://127.0.0.1:${bot.port}/readyz`);
    return { status: r.status, ms: Date.now() - t };
  };
  const token = (n: number) => `outage-${String(n).padStart(2, '0')}`;
  const words = ['amber', 'green', 'red'];

  async function typed(n: number, phase: Result['phase']): Promise<Result> {
    const id = `outage-msg-${n}`;
    const t = Date.now();
    const r = await postJson(url(), messageActivity(ROSA, stub.url, `update 2.4 ${words[n % 3]}: ${token(n)}`, id));
    const ms = Date.now() - t;
    assert.equal(r.status, 200, `update ${n}: ${r.text}`);
    const replies = repliesTo(stub, id).filter((s) => !/is now Red|RAG change|Sign-off needed/.test(readable(s)));
    const shown = replies.map(readable).join('\n---\n');
    let told: Told = 'other';
    if (replies.length === 1 && STORAGE_DOWN.test(shown)) told = 'storageDown';
    else if (replies.length === 1 && /^Action 2\.4/m.test(shown) && shown.includes(token(n)) && !/not saved/.test(shown)) told = 'saved';
    return { n, phase, kind: 'text', told, ms, shown: `${replies.length} replies: ${shown.slice(0, 300)}` };
  }

  async function viaCard(n: number, phase: Result['phase'], version: number): Promise<Result> {
    const t = Date.now();
    const activity = executeActivity(ROSA, stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: String(version), status: 'some_issues', rag: 'amber', commentary: token(n) });
    const r = await postJson(url(), activity);
    const ms = Date.now() - t;
    assert.equal(r.status, 200, `update ${n}: ${r.text}`);
    const body = r.body as InvokeBody;
    const shown = JSON.stringify(body).slice(0, 400);
    let told: Told = 'other';
    if (body.statusCode === 500 && STORAGE_DOWN.test(JSON.stringify(body.value))) told = 'storageDown';
    else if (body.statusCode === 200 && cardText(body.value).includes(token(n)) && !/Input\./.test(JSON.stringify(body.value))) told = 'saved';
    return { n, phase, kind: 'card', told, ms, shown };
  }

  it('keeps every confirmed update, tells the person when one was not saved, and reports readiness truthfully', async () => {
    const results: Result[] = [];
    assert.equal((await readyz()).status, 200);

    for (let n = 1; n <= 4; n++) results.push(await typed(n, 'before'));

    // The store stops while updates are in flight.
    const stopping = azurite.stop();
    const inFlight = Promise.all([typed(5, 'stopping'), typed(6, 'stopping')]);
    await stopping;
    results.push(...(await inFlight));

    const down = await readyz();
    const version = (n: number) => n; // a card opened before the outage; its fate is "not saved" either way
    results.push(await typed(7, 'outage'));
    results.push(await viaCard(8, 'outage', version(9)));
    results.push(await typed(9, 'outage'));
    const stillDown = await readyz();

    await azurite.restart();
    let up = await readyz();
    for (let i = 0; i < 20 && up.status !== 200; i++) up = await readyz();

    for (let n = 10; n <= 13; n++) results.push(await typed(n, 'after'));

    const summary = results.map((r) => `${token(r.n)} ${r.kind} ${r.phase}: ${r.told} in ${r.ms} ms`).join('\n');
    console.log(`      readyz during the outage ${down.status} (${down.ms} ms), ${stillDown.status}; after ${up.status}\n${summary.replace(/^/gm, '      ')}`);

    assert.equal(down.status, 503, '/readyz during the outage');
    assert.equal(stillDown.status, 503);
    assert.ok(down.ms < 5_000, `/readyz answers promptly while storage is down (${down.ms} ms)`);
    assert.equal(up.status, 200, '/readyz after the store is back');

    const unclear = results.filter((r) => r.told === 'other');
    assert.deepEqual(unclear.map((r) => `${token(r.n)} (${r.phase}): ${r.shown}`), [], 'every update was either confirmed or answered "not saved, try again"');
    for (const r of results.filter((x) => x.phase === 'before' || x.phase === 'after')) assert.equal(r.told, 'saved', `${token(r.n)} (${r.phase}) was saved`);
    for (const r of results.filter((x) => x.phase === 'outage')) assert.equal(r.told, 'storageDown', `${token(r.n)} during the outage was answered "not saved"`);
    const slow = results.filter((r) => r.ms >= TEAMS_TIMEOUT_MS);
    assert.deepEqual(slow.map((r) => `${token(r.n)} took ${r.ms} ms`), [], `every answer came within Teams' ${TEAMS_TIMEOUT_MS / 1000} s`);

    const history = await bot.services.plans.listHistory(PLAN, REF, 100);
    const stored = new Set(history.map((e) => e.commentary));
    const saved = results.filter((r) => r.told === 'saved').map((r) => token(r.n));
    const refused = results.filter((r) => r.told === 'storageDown').map((r) => token(r.n));
    assert.deepEqual(saved.filter((t) => !stored.has(t)), [], 'every confirmed update is stored, across the restart');
    assert.deepEqual(refused.filter((t) => stored.has(t)), [], 'no update answered "nothing was saved" was in fact saved');
    assert.equal(history.length, saved.length, 'and nothing else was written');
    const item = (await bot.services.plans.getItemForUpdate(PLAN, REF))!.item;
    assert.equal(item.commentary, token(13), 'the item shows the last confirmed update');
    assert.equal(item.version, 1 + saved.length);
    assert.ok(turnFailures.length >= refused.length, 'each refusal came from the turn error handler');
  });
});
